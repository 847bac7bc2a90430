// Evaluates every SLO once a minute, incrementally: each SLO keeps its recent minutes in a MinuteSeries and
// a running count over its window, fed from the rollups minute by minute (never by rescanning raw
// samples). Statuses, alert states and transitions are persisted in one transaction per cycle; alert
// states are reloaded at start, so a restart neither forgets a firing alert nor fires it again.

import type { Database } from 'better-sqlite3';
import type { Clock } from '../domain/clock.js';
import type { AlertSeverity, EventCounts, SloAlertState, SloDefinition } from '../domain/slo.js';
import { SliCounter } from './sli-counts.js';
import { SloStore, type AlertTransition, type StoredAlert } from './slo-store.js';
import { nextAlertState } from './alert-state.js';
import { MinuteSeries } from './minute-series.js';
import { computeStatus, seriesWindows, sloEvents, type SloStatus } from './status.js';
import { minuteMs, windowAt, settledEnd } from './window.js';

const severities: readonly AlertSeverity[] = ['page', 'ticket'];

interface SloState {
  definition: SloDefinition;
  counter: SliCounter;
  series: MinuteSeries;
  seriesMinutes: number;
  /** The SLI's first minute with valid events: how much of each window the data covers. */
  dataSinceMs: number | null;
  /** Counts over [windowStartMs, evaluated end). */
  windowCounts: EventCounts;
  windowStartMs: number | null;
  status: SloStatus | null;
}

export interface SloEngineOptions {
  clock: Clock;
  /**
   * How long after a minute ends before it is counted: a probe is stamped with its start and written up to
   * a timeout and a flush later, so a minute's rollups are complete only then.
   */
  settleMs: number;
  /** Told of each alert transition once it is persisted. */
  onTransition?: (transition: AlertTransition) => void;
  /**
   * Told of the events of the minutes that settled since the last evaluation, once each (as the SLO counts
   * them: minutes for time slices). Never of the history loaded at the first evaluation, which an earlier
   * run may have counted: to Prometheus a restart then looks like a counter reset, not a burst.
   */
  onEvents?: (definition: SloDefinition, counts: EventCounts) => void;
}

const add = (a: EventCounts, b: EventCounts): EventCounts => ({ good: a.good + b.good, valid: a.valid + b.valid });
const subtract = (a: EventCounts, b: EventCounts): EventCounts => ({ good: a.good - b.good, valid: a.valid - b.valid });

export class SloEngine {
  private readonly states: SloState[];
  private readonly store: SloStore;
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly byId: Map<string, SloState>;

  constructor(
    db: Database,
    definitions: readonly SloDefinition[],
    private readonly options: SloEngineOptions,
  ) {
    this.store = new SloStore(db);
    this.states = definitions.map((definition) => {
      const windows = seriesWindows(definition);
      return {
        definition,
        counter: new SliCounter(db, definition.sli.selection, definition.sli.query),
        series: new MinuteSeries(windows),
        seriesMinutes: Math.max(...windows),
        windowCounts: { good: 0, valid: 0 },
        windowStartMs: null,
        dataSinceMs: null,
        status: null,
      };
    });
    this.byId = new Map(this.states.map((state) => [state.definition.id, state]));
    const known = new Set(definitions.map((definition) => definition.id));
    for (const alert of this.store.alerts())
      if (known.has(alert.slo)) this.alerts.set(`${alert.slo}/${alert.severity}`, alert);
  }

  definitions(): SloDefinition[] {
    return this.states.map((state) => state.definition);
  }

  /** The latest status of every SLO (null before its first evaluation). */
  statuses(): {
    definition: SloDefinition;
    status: SloStatus | null;
    alerts: Record<AlertSeverity, StoredAlert | null>;
  }[] {
    return this.states.map((state) => ({
      definition: state.definition,
      status: state.status,
      alerts: this.alertsOf(state.definition.id),
    }));
  }

  /** One SLO's latest status (null before its first evaluation, or for an unknown id). */
  statusOf(slo: string): SloStatus | null {
    return this.byId.get(slo)?.status ?? null;
  }

  alertsOf(slo: string): Record<AlertSeverity, StoredAlert | null> {
    return { page: this.alerts.get(`${slo}/page`) ?? null, ticket: this.alerts.get(`${slo}/ticket`) ?? null };
  }

  transitions(slo: string): AlertTransition[] {
    return this.store.transitions(slo);
  }

  /** The end (exclusive) of the last settled minute at `nowMs`. */
  settledEnd(nowMs: number): number {
    return settledEnd(nowMs, this.options.settleMs);
  }

  /**
   * Counts the windows and recent minutes of SLOs never evaluated, for about `budgetMs`, and says how many
   * are left. A 30-day window is tens of thousands of minutes, so thousands of SLOs take a while: the
   * service warms them up in slices, letting other work run in between, instead of blocking in its first
   * evaluation.
   */
  warmUp(budgetMs: number): number {
    const endMs = this.settledEnd(this.options.clock.now());
    const deadline = performance.now() + budgetMs;
    let left = 0;
    for (const state of this.states) {
      if (state.series.endMs !== null) continue;
      if (performance.now() >= deadline) left += 1;
      else this.advance(state, endMs);
    }
    return left;
  }

  /**
   * One evaluation cycle, persisted: every SLO, or with `warmOnly` only those already warmed up (the others
   * keep no status until then).
   */
  evaluate(options: { warmOnly?: boolean } = {}): SloStatus[] {
    const endMs = this.settledEnd(this.options.clock.now());
    const statuses: SloStatus[] = [];
    const changedAlerts: StoredAlert[] = [];
    const transitions: AlertTransition[] = [];
    for (const state of this.states) {
      if (options.warmOnly && state.series.endMs === null) continue;
      this.advance(state, endMs);
      const window = windowAt(state.definition.window, endMs);
      const status = computeStatus({
        definition: state.definition,
        evaluatedAtMs: endMs,
        window,
        windowCounts: state.windowCounts,
        series: state.series,
        dataSinceMs: state.dataSinceMs,
      });
      state.status = status;
      statuses.push(status);
      for (const severity of severities) {
        const step = this.stepAlert(state.definition.id, severity, status, endMs);
        if (step) {
          changedAlerts.push(step.alert);
          if (step.transition) transitions.push(step.transition);
        }
      }
    }
    this.store.recordEvaluation(statuses, changedAlerts, transitions);
    for (const transition of transitions) this.options.onTransition?.(transition);
    return statuses;
  }

  private stepAlert(
    slo: string,
    severity: AlertSeverity,
    status: SloStatus,
    atMs: number,
  ): { alert: StoredAlert; transition: AlertTransition | null } | null {
    const key = `${slo}/${severity}`;
    const current = this.alerts.get(key);
    const currentState: SloAlertState = current?.state ?? 'inactive';
    const step = nextAlertState(currentState, status.firing[severity]);
    if (!step.transition) return null;
    const alert: StoredAlert = { slo, severity, state: step.state, sinceMs: atMs, updatedAtMs: atMs };
    this.alerts.set(key, alert);
    const detail = {
      tiers: status.tiers.filter((tier) => tier.severity === severity),
      sliRatio: status.sliRatio,
      budgetRemainingRatio: status.errorBudget?.remainingRatio ?? null,
    };
    return { alert, transition: { slo, severity, from: step.transition.from, to: step.transition.to, atMs, detail } };
  }

  /** Brings an SLO's series and window counts up to `endMs`. */
  private advance(state: SloState, endMs: number): void {
    const { definition, counter, series } = state;
    const windowStartMs = windowAt(definition.window, endMs).startMs;
    const events = (fromMs: number, toMs: number) =>
      counter
        .perMinute(fromMs, toMs)
        .map((minute) => ({ minuteMs: minute.minuteMs, ...sloEvents(definition, minute) }));
    const sum = (minutes: { good: number; valid: number }[]) => minutes.reduce<EventCounts>(add, { good: 0, valid: 0 });
    // Long ranges are summed in SQL: a 30-day window is tens of thousands of minutes.
    const total = (fromMs: number, toMs: number) =>
      definition.budgeting === 'occurrences'
        ? counter.total(fromMs, toMs)
        : counter.timesliceTotal(fromMs, toMs, definition.timesliceObjective);

    const loadingHistory = series.endMs === null;
    if (state.dataSinceMs === null) state.dataSinceMs = counter.firstMinuteWithData(endMs);
    const seriesFrom = series.endMs ?? endMs - state.seriesMinutes * minuteMs;
    if (seriesFrom < endMs) {
      const fresh = events(seriesFrom, endMs);
      if (!loadingHistory) this.options.onEvents?.(definition, sum(fresh));
      for (const minute of fresh) series.push(minute.minuteMs, minute);
      // An empty last minute still moves the series on, so that old minutes leave the windows.
      if ((series.endMs ?? 0) < endMs) series.push(endMs - minuteMs, { good: 0, valid: 0 });
      const windowStart = state.windowStartMs;
      if (windowStart !== null)
        state.windowCounts = add(state.windowCounts, sum(fresh.filter((minute) => minute.minuteMs >= windowStart)));
    }

    const newMonth = definition.window.kind === 'calendar' && windowStartMs !== state.windowStartMs;
    const longPause =
      state.windowStartMs !== null && windowStartMs - state.windowStartMs > state.seriesMinutes * minuteMs;
    if (state.windowStartMs === null || windowStartMs < state.windowStartMs || newMonth || longPause) {
      // First evaluation, a new calendar month, or a long pause: count the window afresh.
      state.windowCounts = total(windowStartMs, endMs);
    } else if (windowStartMs > state.windowStartMs) {
      state.windowCounts = subtract(state.windowCounts, total(state.windowStartMs, windowStartMs));
    }
    state.windowStartMs = windowStartMs;
  }
}
