// The config keys every kind of endpoint shares: how it is reached and how it is shown.

import { z } from 'zod';
import { httpHeaders } from '../domain/fields.js';

export const endpointConnectionFields = {
  headers: httpHeaders().describe(
    'Extra HTTP headers sent with every request, such as `Authorization`; their values are treated as secrets.',
  ),
  showPath: z
    .boolean()
    .default(false)
    .describe(
      "Show the URL's path in the API and logs (the query and credentials stay " +
        'hidden): only for a path that holds no key. Hidden by default.',
    ),
  displayName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'A name shown beside the masked URL in the API, to tell endpoints of one host apart without showing their paths.',
    ),
};
