// Latency: a probe is good when it succeeded within the threshold; every probe is a valid event (a failed
// probe is not fast). The threshold is one of the rollups' latency bucket bounds.

import { z } from 'zod';
import { latencyBucketsMs } from '../../domain/rpc.js';
import { defineSliKind } from './sli-kind.js';

export const latency = defineSliKind({
  kind: 'latency',
  params: z.strictObject({
    thresholdMs: z
      .number()
      .refine(
        (value) => (latencyBucketsMs as readonly number[]).includes(value),
        `must be one of the rollup latency bounds: ${latencyBucketsMs.join(', ')}`,
      )
      .describe(
        `A probe is good when it succeeded within this many milliseconds: one of ` +
          `the rollups' latency bounds, ${latencyBucketsMs.join(', ')}.`,
      ),
  }),
  describe: ({ thresholdMs }) => `good = successful probe answered within ${thresholdMs} ms; valid = every probe`,
  query: ({ thresholdMs }) => ({
    table: 'rpc_rollups_1m',
    good: `ok_latency_le_${thresholdMs}_ms`,
    valid: 'total_count',
  }),
});
