// Validators as alerts, over every chain with watched validators. Alerts about a scope (`watched`,
// `operator:kiln`…, label `validator_scope`) follow the last processed epoch; alerts about one event (a
// slashing, a missed proposal) fire for `eventHold` after ERE saw it and then resolve, one alert each.
// A chain whose epochs have not been processed since start is unknown: its scope alerts hold their state.
//
// Default severities: a slashing is critical (it pages at once, `for` 0); a missed proposal is an error;
// misses in a row, a high miss rate, a falling balance and processing falling behind are warnings.

import type { Severity } from '../../domain/alert.js';
import type { ValidatorTracker } from '../../validators/validator-tracker.js';
import type { ScopeAttestationTotals } from '../../validators/attestation-epoch.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { parseAnnotations } from './threshold-rule.js';

export interface ValidatorAlertsConfig {
  enabled: boolean;
  /** Misses in a row that make a validator count in ValidatorAttestationsMissedInARow (the tracker counts them). */
  missedInARow: number;
  /** A scope's share of missed attestations in an epoch above this fires ValidatorAttestationMissRateHigh. */
  missRate: number;
  /** Duties a scope needs in the epoch for its miss rate to be judged. */
  minDuties: number;
  /** How long a slashing or a missed proposal fires after ERE saw it. */
  eventHoldMs: number;
  /** Epochs the attestation stage may fall behind before ValidatorProcessingBehind, and the blocks stage before ValidatorBlocksProcessingBehind. */
  processingBehindEpochs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

export type ValidatorAlertReader = Pick<ValidatorTracker, 'chains' | 'lastAttestation' | 'status' | 'watchList' | 'store'>;

interface RuleSpec {
  name: string;
  severity: Severity;
  forMs?: (config: ValidatorAlertsConfig) => number;
  summary: string;
  description: string;
  signals(reader: ValidatorAlertReader, chain: string, nowMs: number, config: ValidatorAlertsConfig): AlertSignal[];
}

const base = (chain: string) => ({ scope: 'validators', chain });

/** The watched scopes of the chain's last processed epoch (never `network`); undefined before the first. */
function watchedScopes(reader: ValidatorAlertReader, chain: string): ScopeAttestationTotals[] | undefined {
  return reader.lastAttestation(chain)?.scopes.filter((totals) => totals.scope !== 'network');
}

/** One series per watched scope, known from the start so that alerts hold (not resolve) until the first epoch. */
function scopeRule(name: string, severity: Severity, summary: string, description: string, judge: (totals: ScopeAttestationTotals, config: ValidatorAlertsConfig, wasActive: boolean) => { value: number | null; fires: boolean | null }): RuleSpec {
  return {
    name,
    severity,
    summary,
    description,
    signals: (reader, chain, _nowMs, config) => {
      const scopes = watchedScopes(reader, chain);
      return reader
        .watchList(chain)!
        .scopes.filter((scope) => scope !== 'network')
        .map((scope) => {
          const totals = scopes?.find((candidate) => candidate.scope === scope);
          return {
            labels: { ...base(chain), validator_scope: scope },
            value: totals ? judge(totals, config, false).value : null,
            condition: (wasActive: boolean) => (totals ? judge(totals, config, wasActive).fires : null),
          };
        });
    },
  };
}

/** Labels of a watched validator: its sets' labels, then its index. */
function validatorLabels(reader: ValidatorAlertReader, chain: string, index: number): Record<string, string> {
  return { ...reader.watchList(chain)!.labelsOf(index), ...base(chain), validator_index: String(index) };
}

export const validatorRuleSpecs: readonly RuleSpec[] = [
  {
    name: 'ValidatorSlashed',
    severity: 'critical',
    summary: 'Validator {{ $labels.validator_index }} on {{ $labels.chain }} was slashed',
    description: 'The beacon chain slashed a watched validator (a double vote or double proposal): it loses stake and is being exited. Stop its keys everywhere before any other of the same keys signs again.',
    signals: (reader, chain, nowMs, config) =>
      reader.store.slashings(chain, nowMs - config.eventHoldMs).map((slashing) => ({ labels: { ...validatorLabels(reader, chain, slashing.validatorIndex), epoch: String(slashing.epoch) }, value: slashing.epoch, condition: () => true })),
  },
  {
    name: 'ValidatorProposalMissed',
    severity: 'error',
    summary: 'Validator {{ $labels.validator_index }} on {{ $labels.chain }} missed its proposal at slot {{ $labels.slot }}',
    description: 'A watched validator had a proposer duty and the slot has no block by it: its rewards and the block\'s fees are lost.',
    signals: (reader, chain, nowMs, config) =>
      reader.store
        .misses(chain, { duty: 'proposal', sinceMs: nowMs - config.eventHoldMs })
        .map((miss) => ({ labels: { ...validatorLabels(reader, chain, miss.validatorIndex), slot: String(miss.slot) }, value: miss.slot, condition: () => true })),
  },
  scopeRule(
    'ValidatorAttestationsMissedInARow',
    'warning',
    '{{ $value }} {{ $labels.validator_scope }} validator(s) on {{ $labels.chain }} missed several attestations in a row',
    'Validators of the scope missed their attestation in consecutive epochs: offline, or their client is stuck. Compare with the network baseline (validator_scope="network") to tell your fault from the chain\'s.',
    (totals) => ({ value: totals.missingInARow, fires: totals.missingInARow > 0 }),
  ),
  scopeRule(
    'ValidatorAttestationMissRateHigh',
    'warning',
    '{{ $labels.validator_scope }} validators on {{ $labels.chain }} missed {{ $value | humanizePercentage }} of their attestations',
    'The scope\'s share of missed attestations in the last processed epoch is above the threshold (it clears below half of it).',
    (totals, config, wasActive) => {
      const valid = totals.attestationsDue - totals.unknown;
      if (valid < config.minDuties) return { value: null, fires: null };
      const rate = totals.missed / valid;
      return { value: rate, fires: rate > (wasActive ? config.missRate / 2 : config.missRate) };
    },
  ),
  scopeRule(
    'ValidatorBalanceDecreasing',
    'warning',
    '{{ $value }} {{ $labels.validator_scope }} validator(s) on {{ $labels.chain }} lose balance epoch after epoch',
    'The balance of validators of the scope fell in consecutive epochs (withdrawals excepted): they are penalised more than rewarded.',
    (totals) => ({ value: totals.balanceDecreasing, fires: totals.balanceDecreasing > 0 }),
  ),
  {
    name: 'ValidatorProcessingBehind',
    severity: 'warning',
    forMs: () => 120_000,
    summary: 'Validator epochs on {{ $labels.chain }} are {{ $value }} epochs behind',
    description: 'The attestation stage cannot keep up or keeps failing (see ere_validator_stage_errors_total): validator alerts on this chain are late or missing.',
    signals: (reader, chain, _nowMs, config) => {
      const behind = reader.status(chain)?.attestationEpochsBehind ?? null;
      return [{ labels: base(chain), value: behind, condition: () => (behind === null ? null : behind > config.processingBehindEpochs) }];
    },
  },
  {
    name: 'ValidatorBlocksProcessingBehind',
    severity: 'warning',
    forMs: () => 120_000,
    summary: 'Validator proposals and sync committee on {{ $labels.chain }} are {{ $value }} epochs behind',
    description: 'The blocks stage (proposer duties, headers, sync committee rewards) cannot keep up or keeps failing (see ere_validator_stage_errors_total{stage="blocks"}): missed proposals on this chain are seen late or not at all.',
    signals: (reader, chain, _nowMs, config) => {
      const behind = reader.status(chain)?.blockEpochsBehind ?? null;
      return [{ labels: base(chain), value: behind, condition: () => (behind === null ? null : behind > config.processingBehindEpochs) }];
    },
  },
];

export const validatorAlertNames = validatorRuleSpecs.map((spec) => spec.name);

export const validatorSource = {
  source: 'validators',
  createRules(deps: { reader: ValidatorAlertReader; config: ValidatorAlertsConfig; now: () => number }): AlertRule[] {
    const { reader, config } = deps;
    if (!config.enabled || reader.chains().length === 0) return [];
    return validatorRuleSpecs.map((spec): AlertRule => ({
      name: spec.name,
      severity: config.severities[spec.name] ?? spec.severity,
      source: 'validators',
      timing: { forMs: spec.forMs?.(config) ?? 0, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({ summary: spec.summary, description: spec.description }),
      signals: () => {
        const nowMs = deps.now();
        return reader.chains().flatMap((chain) => spec.signals(reader, chain, nowMs, config));
      },
    }));
  },
};
