// Validator events as alerts, over every chain with watched validators: a slashing, a missed proposal.
// Each fires for `eventHold` after ERE saw it and then resolves, one alert each. The alerts about a
// scope or a chain's processing are threshold rules (validator-scope.ts, validator-chain.ts, their
// built-ins in ../built-in-rules.ts).
//
// Default severities: a slashing is critical (it pages at once, `for` 0); a missed proposal is an error.

import type { Severity } from '../../domain/alert.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { parseAnnotations, type ValidatorAlertReader } from './threshold-rule.js';

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
  /**
   * Epochs the attestation stage may fall behind before ValidatorProcessingBehind, and the blocks stage before
   * ValidatorBlocksProcessingBehind.
   */
  processingBehindEpochs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

export type { ValidatorAlertReader } from './threshold-rule.js';

interface RuleSpec {
  name: string;
  severity: Severity;
  summary: string;
  description: string;
  signals(reader: ValidatorAlertReader, chain: string, nowMs: number, config: ValidatorAlertsConfig): AlertSignal[];
}

const base = (chain: string) => ({ scope: 'validators', chain });

/** Labels of a watched validator: its sets' labels, then its index. */
function validatorLabels(reader: ValidatorAlertReader, chain: string, index: number): Record<string, string> {
  return { ...reader.watchList(chain)!.labelsOf(index), ...base(chain), validator_index: String(index) };
}

export const validatorRuleSpecs: readonly RuleSpec[] = [
  {
    name: 'ValidatorSlashed',
    severity: 'critical',
    summary: 'Validator {{ $labels.validator_index }} on {{ $labels.chain }} was slashed',
    description:
      'The beacon chain slashed a watched validator (a double vote or double proposal): it loses stake and ' +
      'is being exited. Stop its keys everywhere before any other of the same keys signs again.',
    signals: (reader, chain, nowMs, config) =>
      reader.store.slashings(chain, nowMs - config.eventHoldMs).map((slashing) => ({
        labels: { ...validatorLabels(reader, chain, slashing.validatorIndex), epoch: String(slashing.epoch) },
        value: slashing.epoch,
        condition: () => true,
      })),
  },
  {
    name: 'ValidatorProposalMissed',
    severity: 'error',
    summary:
      'Validator {{ $labels.validator_index }} on {{ $labels.chain }} missed its proposal at slot {{ $labels.slot }}',
    description:
      'A watched validator had a proposer duty and the slot has no ' +
      "block by it: its rewards and the block's fees are lost.",
    signals: (reader, chain, nowMs, config) =>
      reader.store.misses(chain, { duty: 'proposal', sinceMs: nowMs - config.eventHoldMs }).map((miss) => ({
        labels: { ...validatorLabels(reader, chain, miss.validatorIndex), slot: String(miss.slot) },
        value: miss.slot,
        condition: () => true,
      })),
  },
];

/** The event alerts' names; every validator alert's name is in ../built-in-rules.ts. */
export const validatorEventAlertNames = validatorRuleSpecs.map((spec) => spec.name);

export const validatorSource = {
  source: 'validators',
  createRules(deps: { reader: ValidatorAlertReader; config: ValidatorAlertsConfig; now: () => number }): AlertRule[] {
    const { reader, config } = deps;
    if (!config.enabled || reader.chains().length === 0) return [];
    return validatorRuleSpecs.map(
      (spec): AlertRule => ({
        name: spec.name,
        severity: config.severities[spec.name] ?? spec.severity,
        source: 'validators',
        timing: { forMs: 0, keepFiringForMs: 0 },
        labels: config.labels,
        annotations: parseAnnotations({ summary: spec.summary, description: spec.description }),
        signals: () => {
          const nowMs = deps.now();
          return reader.chains().flatMap((chain) => spec.signals(reader, chain, nowMs, config));
        },
      }),
    );
  },
};
