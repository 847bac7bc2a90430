// Transaction inclusion: counted in canary transactions (chains[].canary). A canary is good when it was
// included within `includedWithin` of its first sending, replacements included; bad when it was refused,
// dropped, or not included in that time. Each is counted for the endpoint it was sent through, so the
// SLO of one provider tells whether the transactions it accepts reach the chain.

import { z } from 'zod';
import { defineSliKind } from './sli-kind.js';

export const txInclusion = defineSliKind({
  kind: 'tx_inclusion',
  params: z.strictObject({}),
  describe: () =>
    'good = a canary transaction sent through the endpoint and included within `canary.includedWithin`; ' +
    'valid = every canary transaction sent through it',
  query: () => ({ table: 'canary_1m', good: 'included_in_time', valid: 'sent' }),
});
