// Governance participation: counted in proposals. A proposal whose voting closed (defeated, succeeded,
// queued, expired or executed) is good when the votes counted towards quorum reached it. Canceled proposals
// are not counted. Each proposal counts once, in the minute ERE saw its voting close.

import { z } from 'zod';
import { id } from '../../domain/fields.js';
import { defineSliKind } from './sli-kind.js';

export const governanceParticipation = defineSliKind({
  kind: 'governance_participation',
  params: z.strictObject({
    targets: z
      .array(id)
      .min(1)
      .optional()
      .describe(
        "Ids of the governors on the SLO's chain whose proposals count; every governor of the chain when absent.",
      ),
  }),
  describe: ({ targets }) =>
    `good = a closed proposal${targets ? ` of ${targets.join(', ')}` : ''} ` +
    `that reached quorum; valid = every proposal whose voting closed`,
  query: ({ targets }) => ({
    table: 'governance_sli_outcomes',
    good: 'good',
    valid: 'valid',
    filters: { sli: ['participation'], ...(targets ? { target: targets } : {}) },
  }),
});
