// Every threshold rule ERE evaluates, built in one place from the config and the readers: the rules of
// `alerting.rules` (the standard RPC four when it is absent), with the beacon and validator built-ins
// (built-in-rules.ts) that no configured rule replaces, each handed to the source it names.

import type { Severity } from '../domain/alert.js';
import { beaconTargets } from '../endpoints/beacon/beacon-schema.js';
import type { ChainConfig } from '../endpoints/chain-schema.js';
import type { CanaryReader } from '../endpoints/rpc/canary/index.js';
import type { CorrectnessReader } from '../endpoints/rpc/correctness/index.js';
import type { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import type { AlertRule } from './alert-rule.js';
import {
  beaconAlertNames,
  beaconBuiltInRules,
  canaryBuiltInRules,
  correctnessBuiltInRules,
  validatorBuiltInRules,
  validatorThresholdSeverities,
  withBuiltInRules,
} from './built-in-rules.js';
import { defaultAlertRules } from './default-rules.js';
import { thresholdSources } from './sources/index.js';
import type {
  BeaconHealthReader,
  ThresholdRuleConfig,
  ThresholdSourceDeps,
  ValidatorAlertReader,
} from './sources/threshold-rule.js';

/** The parts of the config the threshold rules follow, as the config loader gives them (durations in ms). */
export interface ThresholdAlertsConfig {
  chains: readonly ChainConfig[];
  alerting: {
    rules: readonly ThresholdRuleConfig[];
    beacon: {
      enabled: boolean;
      unhealthyFor: number;
      finalityStalledEpochs: number;
      severities: Partial<Record<string, Severity>>;
      labels: Record<string, string>;
    };
    validators: {
      enabled: boolean;
      missedInARow: number;
      missRate: number;
      minDuties: number;
      eventHold: number;
      processingBehindEpochs: number;
      severities: Partial<Record<string, Severity>>;
      labels: Record<string, string>;
    };
  };
}

/** The threshold rules' built-ins, as the sections of the config set them. */
export function builtInThresholdRules(alerting: ThresholdAlertsConfig['alerting']): ThresholdRuleConfig[] {
  const { beacon, validators } = alerting;
  return [
    ...correctnessBuiltInRules,
    ...canaryBuiltInRules,
    ...beaconBuiltInRules({ ...beacon, unhealthyForMs: beacon.unhealthyFor }),
    ...validatorBuiltInRules({ ...validators, eventHoldMs: validators.eventHold }),
  ];
}

/** The readers of what the rules watch; a source whose reader is absent (no beacon endpoints) makes no rules. */
export interface ThresholdReaders {
  tracker: ChainTracker;
  correctness?: CorrectnessReader | undefined;
  canary?: CanaryReader | undefined;
  beacon?: BeaconHealthReader | undefined;
  validators?: ValidatorAlertReader | undefined;
}

export function thresholdAlertRules(config: ThresholdAlertsConfig, readers: ThresholdReaders): AlertRule[] {
  const rules = withBuiltInRules(config.alerting.rules, builtInThresholdRules(config.alerting));
  return thresholdRulesOf(rules, {
    rpc: { chains: config.chains, tracker: readers.tracker, correctness: readers.correctness },
    beacon: readers.beacon && { reader: readers.beacon, targets: beaconTargets(config.chains) },
    canary: readers.canary,
    validators: readers.validators && { reader: readers.validators, minDuties: config.alerting.validators.minDuties },
  });
}

/** Each rule handed to the source it names, in the order of the sources. */
export function thresholdRulesOf(rules: readonly ThresholdRuleConfig[], deps: ThresholdSourceDeps): AlertRule[] {
  return thresholdSources.flatMap((source) => source.createRules(rules, deps));
}

const thresholdSourceNames = new Set<string>(thresholdSources.map((source) => source.source));
const shippedThresholdNames = new Set<string>([
  ...defaultAlertRules.map((rule) => rule.name),
  ...beaconAlertNames,
  ...correctnessBuiltInRules.map((rule) => rule.name),
  ...canaryBuiltInRules.map((rule) => rule.name),
  ...Object.keys(validatorThresholdSeverities),
]);

/**
 * Whether ERE ships the rule, so that a runbook section explains it: every rule of an event source, and
 * the threshold rules named as a standard or built-in one.
 */
export function isShippedRule(rule: Pick<AlertRule, 'name' | 'source'>): boolean {
  return !thresholdSourceNames.has(rule.source) || shippedThresholdNames.has(rule.name);
}
