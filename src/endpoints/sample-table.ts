// What every endpoint kind's sample table shares: the columns a row starts with (which endpoint, when, and
// the probe's outcome), the insert of one sample and the read of an endpoint's samples in a time range. A
// kind's store adds its own columns and queries (rollups, the latest sample of each endpoint, pruning).

import type { Database, Statement } from 'better-sqlite3';

/** The outcome of a probe as every kind's sample has it. */
export interface SampleOutcome<ErrorClass extends string> {
  chain: string;
  endpoint: string;
  at: number;
  ok: boolean;
  healthy: boolean;
  latencyMs: number;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
}

/** The columns every sample table starts with. */
export interface OutcomeRow {
  chain: string;
  endpoint: string;
  at_ms: number;
  ok: number;
  healthy: number;
  latency_ms: number;
  error_class: string | null;
  error_message: string | null;
}

export const bool = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);
export const fromBool = (value: number | null): boolean | null => (value === null ? null : value === 1);

export function outcomeRow(sample: SampleOutcome<string>): OutcomeRow {
  return {
    chain: sample.chain,
    endpoint: sample.endpoint,
    at_ms: sample.at,
    ok: sample.ok ? 1 : 0,
    healthy: sample.healthy ? 1 : 0,
    latency_ms: sample.latencyMs,
    error_class: sample.errorClass,
    error_message: sample.errorMessage,
  };
}

/** The outcome read back; the error class is the kind's, as it was written. */
export function outcomeOf<ErrorClass extends string>(row: OutcomeRow): SampleOutcome<ErrorClass> {
  return {
    chain: row.chain,
    endpoint: row.endpoint,
    at: row.at_ms,
    ok: row.ok === 1,
    healthy: row.healthy === 1,
    latencyMs: row.latency_ms,
    errorClass: row.error_class as ErrorClass | null,
    errorMessage: row.error_message,
  };
}

/** One kind's sample table: its name and how a sample becomes a row (every column, named) and back. */
export class SampleTable<Sample, Row extends OutcomeRow> {
  /** The columns of a row, in the order `toRow` names them. */
  readonly columns: readonly string[];
  private readonly insertRow: Statement;
  private readonly selectRange: Statement;

  constructor(
    db: Database,
    readonly table: string,
    private readonly toRow: (sample: Sample) => Row,
    private readonly fromRow: (row: Row) => Sample,
  ) {
    // Every column is named by toRow, whatever the sample holds: an empty one lists them all.
    this.columns = Object.keys(toRow({} as Sample));
    const names = this.columns.join(', ');
    this.insertRow = db.prepare(
      `INSERT INTO ${table} (${names}) VALUES (${this.columns.map((column) => `@${column}`).join(', ')})`,
    );
    this.selectRange = db.prepare(
      `SELECT ${names} FROM ${table} WHERE endpoint = ? AND at_ms >= ? ` +
        `AND at_ms <= ? ORDER BY at_ms DESC, id DESC LIMIT ?`,
    );
  }

  /** Inserts one sample; the caller holds the transaction. */
  insert(sample: Sample): void {
    this.insertRow.run(this.toRow(sample));
  }

  /** An endpoint's samples in a time range, newest first. */
  samples(endpoint: string, range: { fromMs: number; toMs: number; limit: number }): Sample[] {
    return (this.selectRange.all(endpoint, range.fromMs, range.toMs, range.limit) as Row[]).map(this.fromRow);
  }

  /** Rows as `select` reads them, as samples. */
  read(select: Statement, ...params: unknown[]): Sample[] {
    return (select.all(...params) as Row[]).map(this.fromRow);
  }
}
