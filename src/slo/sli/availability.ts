// Availability: a probe is good when it succeeded; every probe is a valid event.

import { z } from 'zod';
import { defineSliKind } from './sli-kind.js';

export const availability = defineSliKind({
  kind: 'availability',
  params: z.strictObject({}),
  describe: () => 'good = successful probe; valid = every probe',
  query: () => ({ table: 'rpc_rollups_1m', good: 'ok_count', valid: 'total_count' }),
});
