// Reads what reports and charts need from the store: an SLO's events per minute from the rollups (never
// raw samples) for compliance reports, its stored evaluations for history, and its alert transitions.
// Used by the REST API and by `ere report`, which runs against the database without the service.

import type { Database } from 'better-sqlite3';
import type { SloDefinition } from '../domain/slo.js';
import { SliCounter } from './sli-counts.js';
import { SloStore, type AlertTransition, type StoredEvaluation } from './slo-store.js';
import { buildReport, resolvePeriod, type PeriodRequest, type ReportSource, type SloReport } from './report.js';
import { sloEvents } from './status.js';
import { minuteMs } from './window.js';

export interface SloReportWithAlerts extends SloReport {
  /** Alert transitions inside the period. */
  alerts: AlertTransition[];
}

export class SloReports {
  private readonly store: SloStore;
  private readonly counters = new Map<string, SliCounter>();
  private readonly byId: Map<string, SloDefinition>;

  constructor(
    private readonly db: Database,
    definitions: readonly SloDefinition[],
    /** The end (exclusive) of the last minute whose rollups are complete. */
    private readonly settledEnd: () => number,
  ) {
    this.store = new SloStore(db);
    this.byId = new Map(definitions.map((definition) => [definition.id, definition]));
  }

  definition(id: string): SloDefinition | undefined {
    return this.byId.get(id);
  }

  /** @throws ReportPeriodError when the period asked for is not one. */
  report(definition: SloDefinition, request: PeriodRequest, maxIncidents?: number): SloReportWithAlerts {
    const period = resolvePeriod(request, definition.window, this.settledEnd());
    return {
      ...buildReport(definition, period, this.source(definition), maxIncidents),
      alerts: this.store.transitionsBetween(definition.id, period.fromMs, period.toMs),
    };
  }

  /** Stored evaluations, at most one per step (whole minutes). */
  history(definition: SloDefinition, fromMs: number, toMs: number, stepMs: number): StoredEvaluation[] {
    return this.store.history(definition.id, fromMs, toMs, Math.max(minuteMs, stepMs));
  }

  /** The rollups as a report source: sums in index order, and only the minutes with bad events grouped. */
  source(definition: SloDefinition): ReportSource {
    const counter = this.counter(definition);
    const candidateMinutes = (fromMs: number, toMs: number) =>
      counter
        .minutesWithBadEvents(fromMs, toMs)
        .map((minute) => ({ minuteMs: minute.minuteMs, ...sloEvents(definition, minute) }));
    if (definition.budgeting === 'timeslices') {
      return {
        range: (fromMs, toMs) => {
          const counts = counter.timesliceTotal(fromMs, toMs, definition.timesliceObjective);
          return { ...counts, dataSlots: counts.valid };
        },
        candidateMinutes,
        slotsPerMinute: 1,
      };
    }
    const { selection, query } = definition.sli;
    return {
      range: (fromMs, toMs) => {
        const { good, valid, rows } = counter.coverage(fromMs, toMs);
        return { good, valid, dataSlots: rows };
      },
      candidateMinutes,
      slotsPerMinute: query.table === 'rpc_rollups_1m' ? selection.endpoints.length : 1,
    };
  }

  private counter(definition: SloDefinition): SliCounter {
    let counter = this.counters.get(definition.id);
    if (!counter) {
      counter = new SliCounter(this.db, definition.sli.selection, definition.sli.query);
      this.counters.set(definition.id, counter);
    }
    return counter;
  }
}
