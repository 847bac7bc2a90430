// An SLO's status at one evaluation, computed from its window counts and its minute series. Pure.

import type { AlertSeverity, EventCounts, SloDefinition } from '../domain/slo.js';
import { burnRate, errorBudget, exhaustionInMs, sliRatio, type ErrorBudget } from './budget.js';
import { tierFires } from './alert-tiers.js';
import type { MinuteSeries } from './minute-series.js';
import { minuteMs } from './window.js';

/** The burn-rate windows every status reports, beside the whole SLO window. */
export const reportedWindows = [
  { name: '5m', minutes: 5 },
  { name: '30m', minutes: 30 },
  { name: '1h', minutes: 60 },
  { name: '2h', minutes: 120 },
  { name: '6h', minutes: 360 },
  { name: '1d', minutes: 1_440 },
  { name: '3d', minutes: 4_320 },
] as const;

export type BurnRateWindow = (typeof reportedWindows)[number]['name'] | 'window';

/**
 * The share of a window the SLI's data must cover before the window's burn rate is told: two minutes of
 * data say nothing of a day. Coverage is the time since the SLI's first minute with valid events, over the
 * window's length, so an SLI whose events are rare (governance decisions) is covered as time passes, not
 * as events arrive.
 */
export const minWindowCoverage = 0.5;

/** How much of a window of `windowMs` ending at `endMs` the data since `dataSinceMs` covers, in [0, 1]. */
export function windowCoverage(dataSinceMs: number | null, endMs: number, windowMs: number): number {
  if (dataSinceMs === null || windowMs <= 0) return 0;
  return Math.min(1, Math.max(0, (endMs - dataSinceMs) / windowMs));
}

/** The burn rate the forecast assumes continues. */
export const forecastWindow = '1h';

/** Minute windows a definition's series must keep running sums for. */
export function seriesWindows(definition: SloDefinition): number[] {
  const tierWindows = definition.alerting.tiers.flatMap((tier) => [
    tier.longWindowMs / minuteMs,
    tier.shortWindowMs / minuteMs,
  ]);
  return [...new Set([...reportedWindows.map((window) => window.minutes), ...tierWindows])].sort((a, b) => a - b);
}

export interface TierStatus {
  severity: AlertSeverity;
  threshold: number;
  longWindowMs: number;
  shortWindowMs: number;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  longValidEvents: number;
  /** How much of the long window the data covers; below `minWindowCoverage` the tier is unknown. */
  longCoverage: number;
  fires: boolean;
  /** The long window had fewer valid events than the low-traffic guard asks. */
  guarded: boolean;
}

export interface SloStatus {
  slo: string;
  evaluatedAtMs: number;
  window: { startMs: number; endMs: number; good: number; valid: number };
  sliRatio: number | null;
  objectiveRatio: number;
  errorBudget: ErrorBudget | null;
  burnRates: Record<BurnRateWindow, number | null>;
  /** When the budget runs out if the last hour's burn rate goes on; null when it does not. */
  exhaustionAtMs: number | null;
  tiers: TierStatus[];
  /** Which severities any tier fires for, before the alert state machine. */
  firing: Record<AlertSeverity, boolean>;
  data: {
    validEvents: number;
    minValidEvents: number;
    sufficient: boolean;
    sinceMs: number | null;
    windowCoverage: number;
  };
}

export interface StatusInput {
  definition: SloDefinition;
  evaluatedAtMs: number;
  window: { startMs: number; endMs: number; totalMs: number };
  windowCounts: EventCounts;
  series: MinuteSeries;
  /** The SLI's first minute with valid events; null when it has none yet; left out, the data covers every window. */
  dataSinceMs?: number | null;
}

export function computeStatus({
  definition,
  evaluatedAtMs,
  window,
  windowCounts,
  series,
  dataSinceMs = Number.NEGATIVE_INFINITY,
}: StatusInput): SloStatus {
  const { objective } = definition;
  // Time slices: the budget is a share of every minute of the window, so that unmeasured time is not budget.
  const windowEvents = definition.budgeting === 'timeslices' ? window.totalMs / minuteMs : windowCounts.valid;
  const budget = errorBudget(objective, windowCounts, windowEvents);
  const covered = (windowMs: number) => windowCoverage(dataSinceMs, window.endMs, windowMs) >= minWindowCoverage;
  const guardedRate = (windowMs: number, counts: EventCounts) =>
    covered(windowMs) ? burnRate(objective, counts) : null;
  const burnRates = Object.fromEntries([
    ...reportedWindows.map((reported) => [
      reported.name,
      guardedRate(reported.minutes * minuteMs, series.sum(reported.minutes)),
    ]),
    ['window', guardedRate(window.totalMs, windowCounts)],
  ]) as Record<BurnRateWindow, number | null>;
  const { minValidEvents } = definition.alerting;
  const tiers = definition.alerting.tiers.map((tier): TierStatus => {
    const long = series.sum(tier.longWindowMs / minuteMs);
    const short = series.sum(tier.shortWindowMs / minuteMs);
    const input = {
      longBurnRate: guardedRate(tier.longWindowMs, long),
      shortBurnRate: guardedRate(tier.shortWindowMs, short),
      longValidEvents: long.valid,
    };
    return {
      severity: tier.severity,
      threshold: tier.burnRate,
      longWindowMs: tier.longWindowMs,
      shortWindowMs: tier.shortWindowMs,
      ...input,
      longCoverage: windowCoverage(dataSinceMs, window.endMs, tier.longWindowMs),
      fires: definition.alerting.enabled && tierFires(tier, input, minValidEvents),
      guarded: long.valid < minValidEvents,
    };
  });
  const exhaustion = budget ? exhaustionInMs(budget.remainingRatio, burnRates[forecastWindow], window.totalMs) : null;
  return {
    slo: definition.id,
    evaluatedAtMs,
    window: { startMs: window.startMs, endMs: window.endMs, ...windowCounts },
    sliRatio: sliRatio(windowCounts),
    objectiveRatio: objective,
    errorBudget: budget,
    burnRates,
    exhaustionAtMs: exhaustion === null ? null : evaluatedAtMs + exhaustion,
    tiers,
    firing: {
      page: tiers.some((tier) => tier.severity === 'page' && tier.fires),
      ticket: tiers.some((tier) => tier.severity === 'ticket' && tier.fires),
    },
    data: {
      validEvents: windowCounts.valid,
      minValidEvents,
      sufficient: windowCounts.valid >= minValidEvents,
      sinceMs: dataSinceMs !== null && Number.isFinite(dataSinceMs) ? dataSinceMs : null,
      windowCoverage: windowCoverage(dataSinceMs, window.endMs, window.totalMs),
    },
  };
}

/** How a minute counts for an SLO: its events, or for time slices one minute, good when its ratio meets the target. */
export function sloEvents(definition: SloDefinition, minute: EventCounts): EventCounts {
  if (definition.budgeting === 'occurrences') return minute;
  if (minute.valid === 0) return { good: 0, valid: 0 };
  return { good: minute.good / minute.valid >= definition.timesliceObjective ? 1 : 0, valid: 1 };
}
