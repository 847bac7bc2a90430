// Correctness: counted in endpoint checks. A data check of an endpoint (chains[].correctness) is good when
// the endpoint agreed with the majority or the beacon chain, bad when it disagreed; a check with no majority
// (or no answer from the endpoint) is not a valid event. So each provider gets an error budget for wrong data.

import { z } from 'zod';
import { correctnessChecks } from '../../domain/rpc.js';
import { defineSliKind } from './sli-kind.js';

export const correctness = defineSliKind({
  kind: 'correctness',
  params: z.strictObject({
    checks: z
      .array(z.enum(correctnessChecks))
      .min(1)
      .optional()
      .describe('The checks that count (block, finalized, safe, logs, state, transaction); all when absent.'),
  }),
  describe: ({ checks }) =>
    `good = an endpoint check${checks ? ` (${checks.join(', ')})` : ''} that agreed; ` +
    'valid = every endpoint check with a majority or a beacon truth',
  query: ({ checks }) => ({
    table: 'rpc_correctness_1m',
    good: 'agree',
    valid: 'agree + disagree',
    ...(checks ? { filters: { check_name: checks } } : {}),
  }),
});
