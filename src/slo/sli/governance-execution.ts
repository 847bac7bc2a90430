// Governance execution timeliness: counted in proposals. A proposal that became executable (succeeded, or
// reached its ETA once queued) is good when executed within its governor's `executionGrace`; it is bad once
// the grace has passed unexecuted, or when it expired. Each proposal counts once, in the minute ERE decided it.

import { z } from 'zod';
import { id } from '../../domain/fields.js';
import { defineSliKind } from './sli-kind.js';

export const governanceExecution = defineSliKind({
  kind: 'governance_execution',
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
    `good = a passed proposal${targets ? ` of ${targets.join(', ')}` : ''} executed within its governor's ` +
    `executionGrace of becoming executable; valid = every passed proposal once executed, overdue or expired`,
  query: ({ targets }) => ({
    table: 'governance_sli_outcomes',
    good: 'good',
    valid: 'valid',
    filters: { sli: ['execution'], ...(targets ? { target: targets } : {}) },
  }),
});
