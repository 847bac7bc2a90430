// Threshold rules on each chain's validator processing: how many epochs the attestation stage and the
// blocks stage are behind where the head allows. Unknown until the stage has a position.

import type { ValidatorChainStatus } from '../../validators/validator-tracker.js';
import { thresholdSource } from './threshold-rule.js';

export const validatorChainMetrics = {
  attestation_epochs_behind: (status: ValidatorChainStatus) => status.attestationEpochsBehind,
  block_epochs_behind: (status: ValidatorChainStatus) => status.blockEpochsBehind,
} satisfies Record<string, (status: ValidatorChainStatus) => number | null>;

export type ValidatorChainMetric = keyof typeof validatorChainMetrics;

export const validatorChainSource = thresholdSource({
  source: 'validator_chain',
  metrics: validatorChainMetrics,
  watch: ({ validators }) => {
    if (!validators || validators.reader.chains().length === 0) return null;
    const { reader } = validators;
    return () =>
      reader.chains().map((chain) => ({
        chain,
        labels: { scope: 'validators', chain },
        read: () => reader.status(chain) ?? null,
      }));
  },
});
