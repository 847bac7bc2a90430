// Attestation effectiveness: counted in attestation duties of one scope's validators (`watched` by default,
// `operator:kiln`, or `network` for the baseline). A duty is good when the attestation was included in time
// with the correct source, target and head; valid when the validator was active and unslashed in the epoch
// and the node gave a reading. Each epoch counts once, in the minute ERE processed it.

import { z } from 'zod';
import { defineSliKind } from './sli-kind.js';

export const scopeParam = z
  .string()
  .regex(
    /^(network|watched|[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_.-]{1,63})$/,
    'must be "watched", "network" or a label scope such as "operator:kiln"',
  )
  .default('watched');

export const attestationEffectiveness = defineSliKind({
  kind: 'attestation_effectiveness',
  params: z.strictObject({
    scope: scopeParam.describe(
      'The validators whose attestation duties count: `watched` (every watched validator of the chain), ' +
        '`network` (the others, a baseline) or a label scope `name:value` of the watched sets.',
    ),
  }),
  describe: ({ scope }) =>
    `good = an attestation of a ${scope} validator included in time with the correct source, target ` +
    `and head; valid = every attestation duty of an active, unslashed ${scope} validator`,
  query: ({ scope }) => ({
    table: 'validator_sli_outcomes',
    good: 'good',
    valid: 'valid',
    filters: { sli: ['attestation'], scope: [scope] },
  }),
});
