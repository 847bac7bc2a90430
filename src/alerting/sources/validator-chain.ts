// Threshold rules on each chain's validator processing: how many epochs the attestation stage and the
// blocks stage are behind where the head allows. Unknown until the stage has a position.

import type { ValidatorChainStatus } from '../../validators/validator-tracker.js';
import type { AlertRule } from '../alert-rule.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

export const validatorChainMetrics = {
  attestation_epochs_behind: (status: ValidatorChainStatus) => status.attestationEpochsBehind,
  block_epochs_behind: (status: ValidatorChainStatus) => status.blockEpochsBehind,
} satisfies Record<string, (status: ValidatorChainStatus) => number | null>;

export type ValidatorChainMetric = keyof typeof validatorChainMetrics;

export const validatorChainSource = {
  source: 'validator_chain',
  metrics: Object.keys(validatorChainMetrics) as ValidatorChainMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { validators }: ThresholdSourceDeps): AlertRule[] {
    if (!validators || validators.reader.chains().length === 0) return [];
    const { reader } = validators;
    return rulesOf(rules, 'validator_chain').map((rule) =>
      thresholdRule(rule, () =>
        reader
          .chains()
          .filter((chain) => selected(rule.chains, chain))
          .map((chain) => {
            const status = reader.status(chain);
            const value = status ? validatorChainMetrics[rule.metric as ValidatorChainMetric](status) : null;
            return thresholdSignal(rule, { scope: 'validators', chain }, value);
          }),
      ),
    );
  },
};
