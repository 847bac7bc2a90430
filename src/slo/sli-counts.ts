// Counts an SLI's good and valid events per minute from the rollups, with one prepared statement per SLO.

import type { Database, Statement } from 'better-sqlite3';
import type { EventCounts } from '../domain/slo.js';
import type { SliQuery, SliSelection } from './sli/sli-kind.js';

export interface MinuteCounts extends EventCounts {
  minuteMs: number;
}

export class SliCounter {
  private readonly perMinuteStatement: Statement;
  private readonly totalStatement: Statement;
  private readonly timesliceStatement: Statement;
  private readonly scope: unknown[];
  private readonly from: string;
  private rangeStatement: Statement | undefined;
  private badMinutesStatement: Statement | undefined;
  private firstStatement: Statement | undefined;

  constructor(
    private readonly db: Database,
    selection: SliSelection,
    private readonly query: SliQuery,
  ) {
    const byEndpoint = ['rpc_rollups_1m', 'rpc_correctness_1m', 'canary_1m'].includes(query.table);
    const filters = Object.entries(query.filters ?? {});
    for (const [column] of filters) if (!/^[a-z_]+$/.test(column)) throw new Error(`not a column name: ${column}`);
    const where = [
      byEndpoint ? `endpoint IN (${selection.endpoints.map(() => '?').join(', ') || 'NULL'})` : 'chain = ?',
      ...filters.map(([column, values]) => `${column} IN (${values.map(() => '?').join(', ') || 'NULL'})`),
    ].join(' AND ');
    this.scope = [
      ...(byEndpoint ? selection.endpoints : [selection.chain]),
      ...filters.flatMap(([, values]) => values),
    ];
    const from = `FROM ${query.table} WHERE ${where} AND minute_ms >= ? AND minute_ms < ?`;
    this.from = from;
    this.perMinuteStatement = db.prepare(
      `SELECT minute_ms AS minuteMs, sum(${query.good}) AS good, ` +
        `sum(${query.valid}) AS valid ${from} GROUP BY minute_ms ORDER BY minute_ms`,
    );
    this.totalStatement = db.prepare(
      `SELECT coalesce(sum(${query.good}), 0) AS good, coalesce(sum(${query.valid}), 0) AS valid ${from}`,
    );
    // The same rule as sloEvents(): a minute with valid events is good when good / valid reaches the target,
    // divided in doubles as JavaScript divides.
    this.timesliceStatement =
      db.prepare(`SELECT coalesce(sum(CASE WHEN CAST(good AS REAL) / valid >= ? THEN 1 ELSE 0 END), 0) AS good,
            count(*) AS valid
      FROM (SELECT sum(${query.good}) AS good, sum(${query.valid}) AS valid ${from} GROUP BY minute_ms) WHERE valid >
      0`);
  }

  /** Minutes in [fromMs, toMs) that have data, oldest first. */
  perMinute(fromMs: number, toMs: number): MinuteCounts[] {
    return this.perMinuteStatement.all(...this.scope, fromMs, toMs) as MinuteCounts[];
  }

  /** The first minute before `toMs` with valid events; null when there is none. */
  firstMinuteWithData(toMs: number): number | null {
    this.firstStatement ??= this.db.prepare(
      `SELECT min(minute_ms) AS minuteMs ${this.from} AND (${this.query.valid}) > 0`,
    );
    return (this.firstStatement.get(...this.scope, 0, toMs) as { minuteMs: number | null }).minuteMs;
  }

  total(fromMs: number, toMs: number): EventCounts {
    return this.totalStatement.get(...this.scope, fromMs, toMs) as EventCounts;
  }

  /** Time slices in [fromMs, toMs): minutes with valid events, and those whose good share reached `target`. */
  timesliceTotal(fromMs: number, toMs: number, target: number): EventCounts {
    return this.timesliceStatement.get(target, ...this.scope, fromMs, toMs) as EventCounts;
  }

  /**
   * Events in [fromMs, toMs), and how many rows (endpoint-minutes, or chain-minutes) had valid events. Summed
   * in index order, without grouping by minute, so a month of several endpoints stays cheap.
   */
  coverage(fromMs: number, toMs: number): EventCounts & { rows: number } {
    this.rangeStatement ??= this.db.prepare(
      `SELECT coalesce(sum(${this.query.good}), 0) AS good, coalesce(sum(${this.query.valid}), 0) AS valid, ` +
        `coalesce(sum(CASE WHEN (${this.query.valid}) > 0 THEN 1 ELSE 0 END), 0) AS rows ${this.from}`,
    );
    return this.rangeStatement.get(...this.scope, fromMs, toMs) as EventCounts & { rows: number };
  }

  /**
   * The minutes of [fromMs, toMs) in which some row had a bad event, each with its counts over all the
   * selected rows, oldest first: every other minute is all good. Only these minutes are grouped.
   */
  minutesWithBadEvents(fromMs: number, toMs: number): MinuteCounts[] {
    this.badMinutesStatement ??= this.db.prepare(
      `SELECT minute_ms AS minuteMs, sum(${this.query.good}) AS good, sum(${this.query.valid}) AS valid ${this.from}
        AND minute_ms IN (SELECT minute_ms ${this.from} AND (${this.query.good}) < (${this.query.valid})) GROUP BY
        minute_ms ORDER BY minute_ms`,
    );
    return this.badMinutesStatement.all(...this.scope, fromMs, toMs, ...this.scope, fromMs, toMs) as MinuteCounts[];
  }
}
