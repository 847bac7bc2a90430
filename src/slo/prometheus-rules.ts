// Prometheus recording and alerting rules that compute the configured SLOs from `ere_slo_events_total`,
// named as Sloth names its rules (groups, `slo:*` series, `sloth_*` labels) so that Sloth's Grafana
// dashboards work unchanged. Pure: definitions in, rule groups out; `prometheus-rules-file.ts` writes them.
//
// Where this differs from Sloth, on purpose:
// - The SLI of the whole SLO period comes from the counters (like every other window), not as Sloth's
//   average of the 5m ratios: after a restart, or any 5 minutes without events, the 5m ratio is 0/0 = NaN,
//   and one NaN makes that average NaN for a whole period. Two counter series per SLO make the direct
//   query cheap.
// - Alerts drop `sloth_window`, so an alert keeps one identity whichever tier fires it.
// - Tiers are the SLO's own (any number per severity, any windows), each with ERE's low-traffic guard and
//   its coverage rule: a tier is judged only once the SLI's data (`ere_slo_data_since_timestamp_seconds`)
//   covers half of its long window. The `slo:sli_error:*` recordings stay raw ratios, as Sloth's are.

import type { AlertSeverity, BurnRateTier, SloDefinition } from '../domain/slo.js';
import { minWindowCoverage, reportedWindows } from './status.js';
import { dayMs, hourMs, minuteMs } from './window.js';

export const sloEventsMetric = 'ere_slo_events_total';
/**
 * ERE's gauge of when each SLI's data starts, so that the rules judge a window only once the data covers half of it.
 */
export const sloDataSinceMetric = 'ere_slo_data_since_timestamp_seconds';
/**
 * How long a burn-rate alert stays firing after its condition stops holding. ERE's counters step once a
 * minute, so a 1-minute window holds no step for one evaluation each minute (0/0 = NaN) at any scrape
 * interval; without this the page would resolve and fire again once a minute through an outage.
 */
export const sloKeepFiringFor = '1m';

/** One alert name for every SLO, as Sloth names page and ticket alike: `sloth_slo` and `severity` tell them apart. */
export const sloAlertName = 'EreSloErrorBudgetBurn';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface RulesInfo {
  /** ERE's version, for `sloth_slo_info`. */
  version: string;
}

/** Prometheus can only do rolling windows: a calendar month is computed over the last 30 days. */
export function periodMs(definition: SloDefinition): number {
  return definition.window.kind === 'rolling' ? definition.window.durationMs : 30 * dayMs;
}

const units: readonly [string, number][] = [
  ['d', dayMs],
  ['h', hourMs],
  ['m', minuteMs],
  ['s', 1_000],
  ['ms', 1],
];

/** A Prometheus duration in the largest unit that divides it exactly: 1440 minutes is `1d`, 90 minutes `90m`. */
export function promDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`not a Prometheus duration: ${ms} ms`);
  const [unit, size] = units.find(([, unitMs]) => ms % unitMs === 0)!;
  return `${ms / size}${unit}`;
}

export const sliErrorMetric = (windowMs: number) => `slo:sli_error:ratio_rate${promDuration(windowMs)}`;

/** Every window an SLO's rules need: the reported ones, every tier's two windows, and the period. */
export function ruleWindowsMs(definition: SloDefinition): number[] {
  const tiers = definition.alerting.tiers.flatMap((tier) => [tier.shortWindowMs, tier.longWindowMs]);
  const windows = [...reportedWindows.map((window) => window.minutes * minuteMs), ...tiers, periodMs(definition)];
  return [...new Set(windows)].sort((a, b) => a - b);
}

/** A PromQL string literal; JSON's escapes are a subset of PromQL's (Go's). */
const quote = (value: string) => JSON.stringify(value);

const sortedLabels = (labels: Record<string, string>) =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function sloIdentity(definition: SloDefinition): Record<string, string> {
  return { sloth_id: definition.id, sloth_service: definition.service, sloth_slo: definition.id };
}

/** The SLO's own labels, then Sloth's identity labels, which the SLO's cannot override. */
const recordingLabels = (definition: SloDefinition, extra: Record<string, string> = {}) =>
  sortedLabels({ ...definition.labels, ...sloIdentity(definition), ...extra });

const selector = (definition: SloDefinition) => `{sloth_id=${quote(definition.id)}}`;

function events(definition: SloDefinition, windowMs: number, outcome?: 'bad'): string {
  const matchers = [`slo=${quote(definition.id)}`, ...(outcome ? [`outcome="${outcome}"`] : [])].join(',');
  return `${sloEventsMetric}{${matchers}}[${promDuration(windowMs)}]`;
}

/** Bad over valid events in the window: ERE's error ratio, which is burn rate × error budget. */
function sliRecording(definition: SloDefinition, windowMs: number): RecordingRule {
  return {
    record: sliErrorMetric(windowMs),
    expr: `sum(rate(${events(definition, windowMs, 'bad')}))\n/\nsum(rate(${events(definition, windowMs)}))\n`,
    labels: recordingLabels(definition, { sloth_window: promDuration(windowMs) }),
  };
}

/** The error budget as a ratio, as JavaScript computes it for ERE's own burn rates (0.0010000000000000009). */
const errorBudgetRatio = (definition: SloDefinition) => 1 - definition.objective;

function metaRecordings(definition: SloDefinition, info: RulesInfo): RecordingRule[] {
  const labels = recordingLabels(definition);
  const filter = selector(definition);
  const burnRate = (windowMs: number) =>
    `${sliErrorMetric(windowMs)}${filter}\n/ on(sloth_id, sloth_slo, ` +
    `sloth_service) group_left\nslo:error_budget:ratio${filter}\n`;
  const period = periodMs(definition);
  // Time slices spend a budget of every minute of the period, measured or not (as ERE's budget does); events
  // spend a share of the events seen, which is 1 − the period's burn rate.
  const remaining =
    definition.budgeting === 'timeslices'
      ? `1 - sum(increase(${events(definition, period, 'bad')})) / ` +
        `(${period / minuteMs} * ${errorBudgetRatio(definition)})`
      : `1 - slo:period_burn_rate:ratio${filter}`;
  return [
    { record: 'slo:objective:ratio', expr: `vector(${definition.objective})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(1-${definition.objective})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${period / dayMs})`, labels },
    { record: 'slo:current_burn_rate:ratio', expr: burnRate(5 * minuteMs), labels },
    { record: 'slo:period_burn_rate:ratio', expr: burnRate(period), labels },
    { record: 'slo:period_error_budget_remaining:ratio', expr: remaining, labels },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: sortedLabels({
        ...labels,
        sloth_mode: 'ere-slo-rules',
        sloth_objective: String(definition.objectivePercent),
        sloth_spec: 'ere/v1',
        sloth_version: info.version,
      }),
    },
  ];
}

/**
 * One tier as ERE decides it (`tierFires`): both windows burn faster than the threshold, and the long
 * window holds at least `minValidEvents` valid events. increase() extrapolates to the window's edges when
 * samples do not sit on them, so near the guard's edge Prometheus may count a fraction more or less.
 */
function tierExpr(definition: SloDefinition, tier: BurnRateTier): string {
  const above = (windowMs: number) =>
    `max without (sloth_window) ` +
    `(${sliErrorMetric(windowMs)}${selector(definition)} > (${tier.burnRate} * ${errorBudgetRatio(definition)}))`;
  const parts = [above(tier.shortWindowMs), above(tier.longWindowMs)];
  // ERE's coverage rule: the long window (and so the short one) is judged once the data covers enough of it.
  const coveredSeconds = (tier.longWindowMs * minWindowCoverage) / 1_000;
  parts.push(`on() (time() - max(${sloDataSinceMetric}{slo=${quote(definition.id)}})) >= ${coveredSeconds}`);
  const { minValidEvents } = definition.alerting;
  if (minValidEvents > 0)
    parts.push(`on() sum(increase(${events(definition, tier.longWindowMs)})) >= ${minValidEvents}`);
  return `(\n  ${parts.join('\n  and ')}\n)`;
}

const describeTier = (tier: BurnRateTier) =>
  `above ${tier.burnRate} over both ${promDuration(tier.longWindowMs)} and ${promDuration(tier.shortWindowMs)}`;

function alertingRule(definition: SloDefinition, severity: AlertSeverity, tiers: BurnRateTier[]): AlertingRule {
  const guard =
    definition.alerting.minValidEvents > 0
      ? `; a tier needs at least ${definition.alerting.minValidEvents} valid events in its long window`
      : '';
  return {
    alert: sloAlertName,
    expr: `${tiers.map((tier) => tierExpr(definition, tier)).join('\nor\n')}\n`,
    keep_firing_for: sloKeepFiringFor,
    // The identity labels the series carry anyway, so that each SLO's alerts are distinct rules.
    labels: sortedLabels({ ...sloIdentity(definition), severity, sloth_severity: severity }),
    annotations: {
      summary: `${definition.service} ${definition.id}: the error budget burns too fast (${severity})`,
      description:
        `SLO ${definition.objectivePercent}% over ${definition.windowText}: ` +
        `burn rate ${tiers.map(describeTier).join(', or ')}${guard}.`,
    },
  };
}

function alertingRules(definition: SloDefinition): AlertingRule[] {
  if (!definition.alerting.enabled) return [];
  return (['page', 'ticket'] as const).flatMap((severity) => {
    const tiers = definition.alerting.tiers.filter((tier) => tier.severity === severity);
    return tiers.length > 0 ? [alertingRule(definition, severity, tiers)] : [];
  });
}

/** The three Sloth groups of one SLO; no alert group when its alerting is disabled. */
export function sloRuleGroups(definition: SloDefinition, info: RulesInfo): RuleGroup[] {
  const alerts = alertingRules(definition);
  return [
    {
      name: `sloth-slo-sli-recordings-${definition.id}`,
      rules: ruleWindowsMs(definition).map((windowMs) => sliRecording(definition, windowMs)),
    },
    { name: `sloth-slo-meta-recordings-${definition.id}`, rules: metaRecordings(definition, info) },
    ...(alerts.length > 0 ? [{ name: `sloth-slo-alerts-${definition.id}`, rules: alerts }] : []),
  ];
}

export function prometheusRuleGroups(definitions: readonly SloDefinition[], info: RulesInfo): RuleGroup[] {
  return definitions.flatMap((definition) => sloRuleGroups(definition, info));
}
