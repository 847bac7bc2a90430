// Threshold rules on each watched validator scope (`watched`, `operator:kiln`…, label `validator_scope`)
// in the chain's last processed epoch: validators missing attestations in a row, the share of missed
// attestations, validators losing balance. The `network` baseline is not alerted on. A scope is known
// from the start, unknown until the chain's first processed epoch, so its alerts hold rather than resolve.

import type { ScopeAttestationTotals } from '../../validators/attestation-epoch.js';
import type { AlertRule } from '../alert-rule.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

/** Each metric of a scope's epoch totals, given the duties an epoch needs for its miss rate to be known. */
export const validatorScopeMetrics = {
  missing_in_a_row: (totals: ScopeAttestationTotals) => totals.missingInARow,
  missed_attestations: (totals: ScopeAttestationTotals) => totals.missed,
  miss_rate: (totals: ScopeAttestationTotals, minDuties: number) => {
    const valid = totals.attestationsDue - totals.unknown;
    return valid < minDuties ? null : totals.missed / valid;
  },
  balance_decreasing: (totals: ScopeAttestationTotals) => totals.balanceDecreasing,
} satisfies Record<string, (totals: ScopeAttestationTotals, minDuties: number) => number | null>;

export type ValidatorScopeMetric = keyof typeof validatorScopeMetrics;

export const validatorScopeSource = {
  source: 'validator_scope',
  metrics: Object.keys(validatorScopeMetrics) as ValidatorScopeMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { validators }: ThresholdSourceDeps): AlertRule[] {
    if (!validators || validators.reader.chains().length === 0) return [];
    const { reader, minDuties } = validators;
    return rulesOf(rules, 'validator_scope').map((rule) =>
      thresholdRule(rule, () =>
        reader
          .chains()
          .filter((chain) => selected(rule.chains, chain))
          .flatMap((chain) => {
            const epoch = reader.lastAttestation(chain)?.scopes;
            return reader
              .watchList(chain)!
              .scopes.filter((scope) => scope !== 'network')
              .map((scope) => {
                const totals = epoch?.find((candidate) => candidate.scope === scope);
                const value = totals
                  ? validatorScopeMetrics[rule.metric as ValidatorScopeMetric](totals, minDuties)
                  : null;
                return thresholdSignal(rule, { scope: 'validators', chain, validator_scope: scope }, value);
              });
          }),
      ),
    );
  },
};
