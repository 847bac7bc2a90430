// An SLO's compliance report over a period (a calendar month or any range of whole minutes): the SLI, whether
// the objective was met, the budget spent, the worst incidents and the SLI of each UTC day. Pure: it is
// given the SLO's events per minute, counted as the SLO counts them (time slices already turned into
// good and bad minutes).

import { EreError } from '../domain/errors.js';
import type { EventCounts, SloDefinition, SloWindow } from '../domain/slo.js';
import { burnRate, errorBudget, sliRatio, type ErrorBudget } from './budget.js';
import { dayMs, minuteMs, parseMonth, windowAt } from './window.js';

export interface MinuteEvents extends EventCounts {
  minuteMs: number;
}

export interface ReportPeriod {
  /** Start, inclusive, on a minute. */
  fromMs: number;
  /** End, exclusive, on a minute. */
  toMs: number;
  /** What the user asked for: "2026-10", or the range. */
  label: string;
  /** The period reaches past the last settled minute: the report covers [fromMs, toMs) so far. */
  partial: boolean;
  /** The whole period's length, which a time-slice budget is a share of even while it is partial. */
  totalMs: number;
}

/** A run of minutes that burned budget faster than the objective allows, gaps of a few good minutes bridged. */
export interface Incident {
  startMs: number;
  /** Exclusive. */
  endMs: number;
  good: number;
  valid: number;
  /** Over the incident: its error ratio over the budget ratio. */
  burnRate: number;
  /** The highest burn rate of one minute in it. */
  peakBurnRate: number;
  /** Share of the period's error budget this incident spent (null when the period has no budget). */
  budgetConsumedRatio: number | null;
}

export interface DayReport extends EventCounts {
  dayMs: number;
  sliRatio: number | null;
  /** Null without data. */
  objectiveMet: boolean | null;
}

export interface SloReport {
  slo: string;
  period: ReportPeriod;
  good: number;
  valid: number;
  sliRatio: number | null;
  objectiveRatio: number;
  /** Null without data: no data is never counted as meeting the objective. */
  objectiveMet: boolean | null;
  errorBudget: ErrorBudget | null;
  /** Minutes of the period that had any valid event, over the minutes of the period covered so far. */
  dataCoverageRatio: number;
  incidents: Incident[];
  days: DayReport[];
}

/** Good minutes between two bad ones that still make one incident. */
export const incidentGapMinutes = 5;

/**
 * Where a report's numbers come from, counted as the SLO counts them (time slices as good and bad minutes).
 * The store answers from the rollups; `minuteSource` answers from minutes in memory, the reference.
 */
export interface ReportSource {
  /** Events in [fromMs, toMs), and the data slots (endpoint-minutes, or minutes) that had any. */
  range(fromMs: number, toMs: number): EventCounts & { dataSlots: number };
  /** Minutes of [fromMs, toMs) that may have burned budget, oldest first: all others were all good. */
  candidateMinutes(fromMs: number, toMs: number): MinuteEvents[];
  /** Data slots a minute has: the endpoints an endpoint-minute SLI counts, else 1. */
  slotsPerMinute: number;
}

/** A source over minutes in memory: each minute with valid events is one data slot. */
export function minuteSource(minutes: readonly MinuteEvents[]): ReportSource {
  const within = (fromMs: number, toMs: number) =>
    minutes.filter((minute) => minute.minuteMs >= fromMs && minute.minuteMs < toMs && minute.valid > 0);
  return {
    range: (fromMs, toMs) => {
      const counts = within(fromMs, toMs);
      return { good: sumOf(counts, 'good'), valid: sumOf(counts, 'valid'), dataSlots: counts.length };
    },
    candidateMinutes: (fromMs, toMs) => within(fromMs, toMs).filter((minute) => minute.good < minute.valid),
    slotsPerMinute: 1,
  };
}

const pick = ({ good, valid }: EventCounts): EventCounts => ({ good, valid });
const sumOf = (counts: readonly EventCounts[], key: keyof EventCounts) =>
  counts.reduce((sum, count) => sum + count[key], 0);

export function buildReport(
  definition: SloDefinition,
  period: ReportPeriod,
  source: ReportSource,
  maxIncidents = 5,
): SloReport {
  const { objective } = definition;
  const days = perDay(objective, period, source);
  const totals = { good: sumOf(days, 'good'), valid: sumOf(days, 'valid') };
  // Time slices: the budget is a share of every minute of the period, as the SLO status counts it.
  const budgetBase = definition.budgeting === 'timeslices' ? period.totalMs / minuteMs : totals.valid;
  const budget = errorBudget(objective, totals, budgetBase);
  const ratio = sliRatio(totals);
  const slots = (Math.max(0, period.toMs - period.fromMs) / minuteMs) * source.slotsPerMinute;
  const dataSlots = days.reduce((sum, day) => sum + day.dataSlots, 0);
  const candidates = source.candidateMinutes(period.fromMs, period.toMs);
  return {
    slo: definition.id,
    period,
    ...totals,
    sliRatio: ratio,
    objectiveRatio: objective,
    objectiveMet: ratio === null ? null : ratio >= objective,
    errorBudget: budget,
    dataCoverageRatio: slots > 0 ? dataSlots / slots : 0,
    incidents: worstIncidents(objective, candidates, budget?.totalEvents ?? null, maxIncidents, source.range),
    days: days.map(({ dataSlots: _slots, ...day }) => day),
  };
}

/**
 * Incidents: minutes whose burn rate is above 1 (faster than the budget allows), joined when fewer than
 * `incidentGapMinutes` minutes separate them, ranked by the budget they spent, then by burn rate.
 */
export function worstIncidents(
  objective: number,
  minutes: readonly MinuteEvents[],
  budgetEvents: number | null,
  limit: number,
  /** Counts over a span, the good minutes in its gaps included. */
  spanCounts: (startMs: number, endMs: number) => EventCounts,
): Incident[] {
  // First the spans: runs of burning minutes, bridged over short gaps.
  const spans: { startMs: number; endMs: number; peakBurnRate: number }[] = [];
  for (const minute of minutes) {
    const rate = burnRate(objective, minute);
    // A hair above 1 is float noise (0.1 / (1 − 0.9) is 1.0000000000000002), not an incident.
    if (rate === null || rate <= 1 + 1e-9) continue;
    const last = spans.at(-1);
    if (last && minute.minuteMs - last.endMs < incidentGapMinutes * minuteMs) {
      last.endMs = minute.minuteMs + minuteMs;
      last.peakBurnRate = Math.max(last.peakBurnRate, rate);
    } else spans.push({ startMs: minute.minuteMs, endMs: minute.minuteMs + minuteMs, peakBurnRate: rate });
  }
  const incidents = spans.map((span): Incident => {
    const counts = pick(spanCounts(span.startMs, span.endMs));
    const bad = counts.valid - counts.good;
    return {
      ...span,
      ...counts,
      burnRate: burnRate(objective, counts) ?? 0,
      budgetConsumedRatio: budgetEvents !== null && budgetEvents > 0 ? bad / budgetEvents : null,
    };
  });
  return incidents
    .sort((a, b) => b.valid - b.good - (a.valid - a.good) || b.burnRate - a.burnRate || a.startMs - b.startMs)
    .slice(0, limit);
}

/** Every UTC day the period touches, with or without data. */
function perDay(objective: number, period: ReportPeriod, source: ReportSource): (DayReport & { dataSlots: number })[] {
  const days: (DayReport & { dataSlots: number })[] = [];
  for (let day = period.fromMs - (period.fromMs % dayMs); day < period.toMs; day += dayMs) {
    const { good, valid, dataSlots } = source.range(Math.max(day, period.fromMs), Math.min(day + dayMs, period.toMs));
    const ratio = sliRatio({ good, valid });
    days.push({
      dayMs: day,
      good,
      valid,
      dataSlots,
      sliRatio: ratio,
      objectiveMet: ratio === null ? null : ratio >= objective,
    });
  }
  return days;
}

export class ReportPeriodError extends EreError {
  override name = 'ReportPeriodError';
}

export interface PeriodRequest {
  /** A calendar month, `YYYY-MM` (UTC). */
  period?: string | undefined;
  fromMs?: number | undefined;
  /** Exclusive. */
  toMs?: number | undefined;
}

/**
 * The period a report covers: a calendar month, a range (rounded down to whole minutes), or by default the
 * SLO's current window. Whatever lies past the last settled minute is not reported yet: the period is
 * then partial.
 */
export function resolvePeriod(request: PeriodRequest, window: SloWindow, settledEndMs: number): ReportPeriod {
  const floorMinute = (ms: number) => ms - (((ms % minuteMs) + minuteMs) % minuteMs);
  let fromMs: number;
  let toMs: number;
  let label: string;
  if (request.period !== undefined) {
    if (request.fromMs !== undefined || request.toMs !== undefined)
      throw new ReportPeriodError('give either period or from and to, not both');
    const month = parseMonth(request.period);
    if (!month) throw new ReportPeriodError(`period "${request.period}" is not a month such as 2026-10`);
    ({ startMs: fromMs, endMs: toMs } = month);
    label = request.period;
  } else if (request.fromMs !== undefined || request.toMs !== undefined) {
    toMs = floorMinute(request.toMs ?? settledEndMs);
    fromMs = floorMinute(request.fromMs ?? toMs - windowAt(window, toMs).totalMs);
    if (fromMs >= toMs) throw new ReportPeriodError('from must be before to (a period of at least one minute)');
    label = `${new Date(fromMs).toISOString()}/${new Date(toMs).toISOString()}`;
  } else {
    const current = windowAt(window, settledEndMs);
    fromMs = current.startMs;
    toMs = current.startMs + current.totalMs;
    label =
      window.kind === 'calendar' ? new Date(fromMs).toISOString().slice(0, 7) : `last ${current.totalMs / dayMs}d`;
  }
  const partial = toMs > settledEndMs;
  return { fromMs, toMs: partial ? Math.max(fromMs, settledEndMs) : toMs, label, partial, totalMs: toMs - fromMs };
}
