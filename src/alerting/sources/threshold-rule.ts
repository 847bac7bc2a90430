// What threshold rules share, whichever source they watch: the configured rule turned into an AlertRule
// whose series each compare one value against the threshold (with hysteresis when a clear value is set).

import type { Severity } from '../../domain/alert.js';
import type { BeaconChainHealth, BeaconEndpointTarget } from '../../domain/beacon.js';
import type { ChainConfig } from '../../endpoints/chain-schema.js';
import type { ChainTracker } from '../../endpoints/rpc/rpc-tracker.js';
import type { ValidatorTracker } from '../../validators/validator-tracker.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { thresholdCondition, type ThresholdOperator } from '../lifecycle.js';
import { parseTemplate, type Template } from '../template.js';

/** A threshold rule as the config gives it (durations in ms). */
export interface ThresholdRuleConfig {
  name: string;
  source: string;
  metric: string;
  op: ThresholdOperator;
  threshold: number;
  clear?: number | undefined;
  for: number;
  keepFiringFor: number;
  severity: Severity;
  chains?: string[] | undefined;
  endpoints?: string[] | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** false: the rule is not evaluated (with a built-in rule's name and source, it turns that one off). */
  enabled?: boolean | undefined;
}

/** What the beacon sources read: the beacon tracker's health and freshness. */
export interface BeaconHealthReader {
  health(chain: string): BeaconChainHealth | undefined;
  allHealth(): BeaconChainHealth[];
  isFresh(endpoint: string): boolean;
}

/** What the validator sources read of the validator tracker. */
export type ValidatorAlertReader = Pick<
  ValidatorTracker,
  'chains' | 'lastAttestation' | 'status' | 'watchList' | 'store'
>;

/** What the threshold sources read; a source whose part is absent makes no rules. */
export interface ThresholdSourceDeps {
  rpc?: { chains: readonly ChainConfig[]; tracker: ChainTracker } | undefined;
  beacon?: { reader: BeaconHealthReader; targets: readonly BeaconEndpointTarget[] } | undefined;
  /** `minDuties`: attestation duties with a reading a scope needs in an epoch for its miss rate to be known. */
  validators?: { reader: ValidatorAlertReader; minDuties: number } | undefined;
}

export function parseAnnotations(annotations: Readonly<Record<string, string>>): Record<string, Template> {
  return Object.fromEntries(Object.entries(annotations).map(([name, text]) => [name, parseTemplate(text)]));
}

export function thresholdSignal(
  rule: ThresholdRuleConfig,
  labels: Record<string, string>,
  value: number | null,
): AlertSignal {
  return { labels, value, condition: (wasActive) => thresholdCondition(value, rule, wasActive) };
}

export function thresholdRule(rule: ThresholdRuleConfig, signals: () => AlertSignal[]): AlertRule {
  return {
    name: rule.name,
    severity: rule.severity,
    source: rule.source,
    timing: { forMs: rule.for, keepFiringForMs: rule.keepFiringFor },
    labels: rule.labels,
    annotations: parseAnnotations(rule.annotations),
    signals,
  };
}

/** The rules of one source. */
export const rulesOf = (rules: readonly ThresholdRuleConfig[], source: string) =>
  rules.filter((rule) => rule.source === source);

export const selected = (list: readonly string[] | undefined, id: string) => list === undefined || list.includes(id);
