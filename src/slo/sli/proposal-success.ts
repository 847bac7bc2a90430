// Proposal success: counted in proposer duties of one scope's validators. A duty is good when its block is
// in the finalized chain at its slot; valid once its epoch is finalized (so an orphaned block counts as
// missed, and nothing is counted while finality stalls). Each epoch counts once, in the minute ERE saw it final.

import { z } from 'zod';
import { scopeParam } from './attestation-effectiveness.js';
import { defineSliKind } from './sli-kind.js';

export const proposalSuccess = defineSliKind({
  kind: 'proposal_success',
  params: z.strictObject({
    scope: scopeParam.describe(
      'The validators whose proposer duties count: `watched` (every watched validator of the chain), ' +
        '`network` (the others, a baseline) or a label scope `name:value` of the watched sets.',
    ),
  }),
  describe: ({ scope }) =>
    `good = a proposer duty of a ${scope} validator whose block is in the finalized chain; ` +
    `valid = every proposer duty of a ${scope} validator once its epoch is finalized`,
  query: ({ scope }) => ({
    table: 'validator_sli_outcomes',
    good: 'good',
    valid: 'valid',
    filters: { sli: ['proposal'], scope: [scope] },
  }),
});
