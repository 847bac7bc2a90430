// What the alerting engine evaluates: rules, each watching some series (an endpoint, a chain, an SLO) and
// saying of each whether its condition holds now. Rule sources (one file each under sources/) build them
// from the config; later sources (validators, governance) plug in through the same interface.

import type { Severity } from '../domain/alert.js';
import type { AlertTiming, Condition } from './lifecycle.js';
import type { Template } from './template.js';

export interface AlertSignal {
  /** The labels that tell this series from the rule's others (chain, endpoint, slo…), with `scope`. */
  labels: Record<string, string>;
  /** The value the condition was judged on, shown in annotations and notifications; null when unknown. */
  value: number | null;
  /** The condition now, given whether the series' alert is already pending or firing (for hysteresis). */
  condition(wasActive: boolean): Condition;
  /** Lines of this series added below its alert's description (what a governance decision's calls do). */
  details?: readonly string[];
}

export interface AlertRule {
  /** The `alertname`. */
  name: string;
  severity: Severity;
  /** The rule source that built it: endpoint, chain, slo… */
  source: string;
  timing: AlertTiming;
  /** Added to every alert of the rule; series labels win over them. */
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, Template>>;
  /** Every series the rule watches now. A series no longer listed (its endpoint was removed) resolves. */
  signals(): AlertSignal[];
}

/** The full label set of a rule's alert for one series. */
export function alertLabels(
  rule: Pick<AlertRule, 'name' | 'severity' | 'labels'>,
  signal: Pick<AlertSignal, 'labels'>,
): Record<string, string> {
  return { ...rule.labels, ...signal.labels, alertname: rule.name, severity: rule.severity };
}
