// Redundancy: counted in chain-minutes. A minute is good when at least `minHealthyEndpoints` endpoints of the
// chain were healthy every time it was observed in that minute.

import { z } from 'zod';
import { defineSliKind } from './sli-kind.js';

export const redundancy = defineSliKind({
  kind: 'redundancy',
  params: z.strictObject({
    minHealthyEndpoints: z
      .number()
      .int()
      .positive()
      .describe(
        'A chain-minute is good when at least this many endpoints of ' +
          'the chain were healthy every time it was observed.',
      ),
  }),
  describe: ({ minHealthyEndpoints }) =>
    `good = a chain-minute with at least ${minHealthyEndpoints} healthy ` +
    `endpoints throughout; valid = every observed chain-minute`,
  query: ({ minHealthyEndpoints }) => ({
    table: 'chain_rollups_1m',
    good: `CASE WHEN min_healthy_endpoints >= ${Number(minHealthyEndpoints)} THEN 1 ELSE 0 END`,
    valid: '1',
  }),
});
