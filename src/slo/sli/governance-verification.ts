// Governance verification: counted in decisions. A proposal or timelock operation still to run is good when
// ERE decoded and simulated it, with no critical finding, by its deadline: the end of its vote for a
// proposal seen while voting was open, else its ETA. It is bad when no simulation ran by then, or the newest
// predicted a revert or found something critical. Each decision counts once, in the minute ERE decided it.

import { z } from 'zod';
import { id } from '../../domain/fields.js';
import { defineSliKind } from './sli-kind.js';

export const governanceVerification = defineSliKind({
  kind: 'governance_verification',
  params: z.strictObject({
    targets: z
      .array(id)
      .min(1)
      .optional()
      .describe(
        "Ids of the governors and timelocks on the SLO's chain whose decisions count; all of the chain's when absent.",
      ),
  }),
  describe: ({ targets }) =>
    `good = a decision${targets ? ` of ${targets.join(', ')}` : ''} simulated with no critical finding before ` +
    'its vote ended (or its ETA); valid = every proposal and timelock operation once its deadline passed',
  query: ({ targets }) => ({
    table: 'governance_sli_outcomes',
    good: 'good',
    valid: 'valid',
    filters: { sli: ['verification'], ...(targets ? { target: targets } : {}) },
  }),
});
