// SLO evaluations, alert states and alert transitions in SQLite.

import type { Database, Statement } from 'better-sqlite3';
import type { AlertSeverity, SloAlertState } from '../domain/slo.js';
import type { SloStatus } from './status.js';

export interface StoredAlert {
  slo: string;
  severity: AlertSeverity;
  state: SloAlertState;
  sinceMs: number;
  updatedAtMs: number;
}

export interface AlertTransition {
  slo: string;
  severity: AlertSeverity;
  from: SloAlertState;
  to: SloAlertState;
  atMs: number;
  detail: unknown;
}

/** One stored evaluation, as the history of an SLO shows it. */
export interface StoredEvaluation {
  evaluatedAtMs: number;
  windowGood: number;
  windowValid: number;
  sliRatio: number | null;
  budgetRemainingRatio: number | null;
  budgetConsumedRatio: number | null;
  burnRates: Record<string, number | null>;
  firing: { page: boolean; ticket: boolean };
}

const burnRateColumns = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'] as const;

/** Deletes the per-minute SLO statuses evaluated before `cutoffMs`. */
export function pruneSloStatuses(db: Database, cutoffMs: number): number {
  return db.prepare('DELETE FROM slo_status_1m WHERE evaluated_at_ms < ?').run(cutoffMs).changes;
}

export class SloStore {
  private readonly insertStatus: Statement;
  private readonly upsertAlert: Statement;
  private readonly insertTransition: Statement;
  private readonly selectAlerts: Statement;
  private readonly selectTransitions: Statement;
  private readonly selectTransitionsBetween: Statement;
  private readonly selectHistory: Statement;

  constructor(private readonly db: Database) {
    this.insertStatus =
      db.prepare(`INSERT OR REPLACE INTO slo_status_1m (slo, evaluated_at_ms, window_good, window_valid, sli_ratio,
            budget_remaining_ratio,
      budget_consumed_ratio, burn_rate_5m, burn_rate_30m, burn_rate_1h, burn_rate_2h, burn_rate_6h, burn_rate_1d,
      burn_rate_3d, burn_rate_window, page_firing, ticket_firing)
      VALUES (@slo, @at, @good, @valid, @sli, @remaining, @consumed, @b5m, @b30m, @b1h, @b2h, @b6h, @b1d, @b3d,
      @bwindow, @page, @ticket)`);
    this.upsertAlert =
      db.prepare(`INSERT INTO slo_alerts (slo, severity, state, since_ms, updated_at_ms) VALUES (@slo, @severity,
            @state, @sinceMs, @updatedAtMs)
      ON CONFLICT (slo, severity) DO UPDATE SET state = excluded.state, since_ms = excluded.since_ms, updated_at_ms =
      excluded.updated_at_ms`);
    this.insertTransition = db.prepare(
      'INSERT INTO slo_alert_transitions (slo, severity, from_state, ' +
        'to_state, at_ms, detail) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectAlerts = db.prepare(
      'SELECT slo, severity, state, since_ms AS sinceMs, updated_at_ms AS updatedAtMs FROM slo_alerts',
    );
    this.selectTransitions = db.prepare(
      'SELECT slo, severity, from_state AS "from", to_state AS "to", at_ms AS atMs, ' +
        'detail FROM slo_alert_transitions WHERE slo = ? ORDER BY at_ms, id',
    );
    this.selectTransitionsBetween = db.prepare(
      'SELECT slo, severity, from_state AS "from", to_state AS "to", at_ms AS atMs, detail FROM ' +
        'slo_alert_transitions WHERE slo = ? AND at_ms > ? AND at_ms <= ? ORDER BY at_ms, id',
    );
    // The last evaluation in each step ending at from + k × step; SQLite takes the bare columns from the row
    // that holds max(evaluated_at_ms).
    this.selectHistory =
      db.prepare(`SELECT max(evaluated_at_ms) AS evaluatedAtMs, window_good AS windowGood, window_valid AS windowValid,
            sli_ratio AS sliRatio,
      budget_remaining_ratio AS budgetRemainingRatio, budget_consumed_ratio AS budgetConsumedRatio,
      ${burnRateColumns.map((window) => `burn_rate_${window} AS "${window}"`).join(', ')},
      page_firing AS page, ticket_firing AS ticket
      FROM slo_status_1m WHERE slo = @slo AND evaluated_at_ms > @from - @step AND evaluated_at_ms <= @to
      GROUP BY CAST((evaluated_at_ms - @from + @step - 1) / @step AS INTEGER) ORDER BY evaluatedAtMs`);
  }

  alerts(): StoredAlert[] {
    return this.selectAlerts.all() as StoredAlert[];
  }

  transitions(slo: string): AlertTransition[] {
    return parseTransitions(this.selectTransitions.all(slo));
  }

  /**
   * Transitions caused by the minutes of [fromMs, toMs), oldest first: an evaluation is stamped with the end
   * of the minutes it counted, so those are the ones stamped in (fromMs, toMs].
   */
  transitionsBetween(slo: string, fromMs: number, toMs: number): AlertTransition[] {
    return parseTransitions(this.selectTransitionsBetween.all(slo, fromMs, toMs));
  }

  /** At most one evaluation per step: the latest at or before each from + k × step, k ≥ 0, up to `toMs`. */
  history(slo: string, fromMs: number, toMs: number, stepMs: number): StoredEvaluation[] {
    const rows = this.selectHistory.all({ slo, from: fromMs, to: toMs, step: stepMs }) as Record<
      string,
      number | null
    >[];
    return rows.map((row) => ({
      evaluatedAtMs: row.evaluatedAtMs!,
      windowGood: row.windowGood!,
      windowValid: row.windowValid!,
      sliRatio: row.sliRatio ?? null,
      budgetRemainingRatio: row.budgetRemainingRatio ?? null,
      budgetConsumedRatio: row.budgetConsumedRatio ?? null,
      burnRates: Object.fromEntries(burnRateColumns.map((window) => [window, row[window] ?? null])),
      firing: { page: row.page === 1, ticket: row.ticket === 1 },
    }));
  }

  /** One evaluation cycle in one transaction: every status, changed alert states and their transitions. */
  recordEvaluation(
    statuses: readonly SloStatus[],
    alerts: readonly StoredAlert[],
    transitions: readonly AlertTransition[],
  ): void {
    this.db.transaction(() => {
      for (const status of statuses) this.insertStatus.run(statusRow(status));
      for (const alert of alerts) this.upsertAlert.run(alert);
      for (const transition of transitions) {
        this.insertTransition.run(
          transition.slo,
          transition.severity,
          transition.from,
          transition.to,
          transition.atMs,
          JSON.stringify(transition.detail),
        );
      }
    })();
  }
}

function parseTransitions(rows: unknown[]): AlertTransition[] {
  return (rows as (Omit<AlertTransition, 'detail'> & { detail: string })[]).map((row) => ({
    ...row,
    detail: JSON.parse(row.detail),
  }));
}

function statusRow(status: SloStatus) {
  const rates = status.burnRates;
  return {
    slo: status.slo,
    at: status.evaluatedAtMs,
    good: status.window.good,
    valid: status.window.valid,
    sli: status.sliRatio,
    remaining: status.errorBudget?.remainingRatio ?? null,
    consumed: status.errorBudget?.consumedRatio ?? null,
    b5m: rates['5m'],
    b30m: rates['30m'],
    b1h: rates['1h'],
    b2h: rates['2h'],
    b6h: rates['6h'],
    b1d: rates['1d'],
    b3d: rates['3d'],
    bwindow: rates.window,
    page: status.firing.page ? 1 : 0,
    ticket: status.firing.ticket ? 1 : 0,
  };
}
