// What threshold rules share, whichever source they watch: the configured rule turned into an AlertRule
// whose series each compare one value against the threshold (with hysteresis when a clear value is set).

import type { Severity } from '../../domain/alert.js';
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
}

export function parseAnnotations(annotations: Readonly<Record<string, string>>): Record<string, Template> {
  return Object.fromEntries(Object.entries(annotations).map(([name, text]) => [name, parseTemplate(text)]));
}

export function thresholdSignal(rule: ThresholdRuleConfig, labels: Record<string, string>, value: number | null): AlertSignal {
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

export const selected = (list: readonly string[] | undefined, id: string) => list === undefined || list.includes(id);
