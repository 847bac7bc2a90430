// Freshness: counted in endpoint-minutes. A minute of an endpoint is good when it answered at least once and
// its worst lag and head age in that minute stayed within bounds; a minute without an answer is not good.

import { z } from 'zod';
import { defineSliKind } from './sli-kind.js';

export const freshness = defineSliKind({
  kind: 'freshness',
  params: z.strictObject({
    maxLagBlocks: z
      .number()
      .int()
      .nonnegative()
      .describe(
        'An endpoint-minute is good only when the lag behind the consensus ' +
          'head stayed at or below this many blocks throughout.',
      ),
    maxHeadAgeSeconds: z
      .number()
      .positive()
      .describe(
        'An endpoint-minute is good only when the age of the head it ' +
          'reported stayed at or below this many seconds throughout.',
      ),
  }),
  describe: ({ maxLagBlocks, maxHeadAgeSeconds }) =>
    `good = an endpoint-minute with an answer, lag ≤ ${maxLagBlocks} blocks and head age ≤ ` +
    `${maxHeadAgeSeconds} s throughout; valid = every probed endpoint-minute`,
  query: ({ maxLagBlocks, maxHeadAgeSeconds }) => ({
    table: 'rpc_rollups_1m',
    good:
      `CASE WHEN ok_count > 0 AND coalesce(max_lag_blocks, 0) <= ${Number(maxLagBlocks)} AND ` +
      `max_head_age_seconds <= ${Number(maxHeadAgeSeconds)} THEN 1 ELSE 0 END`,
    valid: '1',
  }),
});
