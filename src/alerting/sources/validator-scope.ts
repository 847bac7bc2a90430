// Threshold rules on each watched validator scope (`watched`, `operator:kiln`…, label `validator_scope`)
// in the chain's last processed epoch: validators missing attestations in a row, the share of missed
// attestations, validators losing balance. The `network` baseline is not alerted on. A scope is known
// from the start, unknown until the chain's first processed epoch, so its alerts hold rather than resolve.

import type { ScopeAttestationTotals } from '../../validators/attestation-epoch.js';
import { thresholdSource } from './threshold-rule.js';

/** A scope's epoch totals, and the duties an epoch needs for its miss rate to be known. */
interface ScopeReading {
  totals: ScopeAttestationTotals;
  minDuties: number;
}

export const validatorScopeMetrics = {
  missing_in_a_row: ({ totals }: ScopeReading) => totals.missingInARow,
  missed_attestations: ({ totals }: ScopeReading) => totals.missed,
  miss_rate: ({ totals, minDuties }: ScopeReading) => {
    const valid = totals.attestationsDue - totals.unknown;
    return valid < minDuties ? null : totals.missed / valid;
  },
  balance_decreasing: ({ totals }: ScopeReading) => totals.balanceDecreasing,
} satisfies Record<string, (reading: ScopeReading) => number | null>;

export type ValidatorScopeMetric = keyof typeof validatorScopeMetrics;

export const validatorScopeSource = thresholdSource({
  source: 'validator_scope',
  metrics: validatorScopeMetrics,
  watch: ({ validators }) => {
    if (!validators || validators.reader.chains().length === 0) return null;
    const { reader, minDuties } = validators;
    return () =>
      reader.chains().flatMap((chain) => {
        const epoch = reader.lastAttestation(chain)?.scopes;
        return reader
          .watchList(chain)!
          .scopes.filter((scope) => scope !== 'network')
          .map((scope) => ({
            chain,
            labels: { scope: 'validators', chain, validator_scope: scope },
            read: (): ScopeReading | null => {
              const totals = epoch?.find((candidate) => candidate.scope === scope);
              return totals ? { totals, minDuties } : null;
            },
          }));
      });
  },
});
