// The data checks' rows: per-minute counts of each endpoint's outcomes by check (read by the correctness
// SLI), and every disagreement, from which a restart restores the holds on unhealthy endpoints.

import type { Database, Statement } from 'better-sqlite3';
import { minuteOf } from '../../../domain/clock.js';
import type { CheckOutcome, CorrectnessCheck, DisagreedWith, IncorrectData } from '../../../domain/rpc.js';

export interface StoredDisagreement extends IncorrectData {
  chain: string;
  endpoint: string;
}

export class CorrectnessStore {
  private readonly count: Statement;
  private readonly disagreement: Statement;

  constructor(private readonly db: Database) {
    this.count = db.prepare(
      `INSERT INTO rpc_correctness_1m (endpoint, check_name, minute_ms, chain, agree, disagree, unknown)
       VALUES (@endpoint, @check, @minute, @chain, @agree, @disagree, @unknown)
       ON CONFLICT (endpoint, check_name, minute_ms) DO UPDATE SET agree = agree + excluded.agree,
         disagree = disagree + excluded.disagree, unknown = unknown + excluded.unknown`,
    );
    this.disagreement = db.prepare(
      `INSERT INTO rpc_correctness_disagreements (chain, endpoint, check_name, at_ms, block, against, message)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** One check's outcomes at `atMs`, and its disagreements, in one transaction. */
  record(
    chain: string,
    check: CorrectnessCheck,
    atMs: number,
    outcomes: readonly { endpoint: string; outcome: CheckOutcome; finding?: IncorrectData }[],
  ): void {
    const minute = minuteOf(atMs);
    this.db.transaction(() => {
      for (const { endpoint, outcome, finding } of outcomes) {
        this.count.run({
          endpoint,
          check,
          minute,
          chain,
          agree: outcome === 'agree' ? 1 : 0,
          disagree: outcome === 'disagree' ? 1 : 0,
          unknown: outcome === 'unknown' ? 1 : 0,
        });
        if (finding)
          this.disagreement.run(chain, endpoint, check, finding.at, finding.block, finding.against, finding.message);
      }
    })();
  }

  /** Each endpoint's and check's latest disagreement since `sinceMs`. */
  latestDisagreements(sinceMs: number): StoredDisagreement[] {
    const rows = this.db
      .prepare(
        `SELECT chain, endpoint, check_name AS "check", at_ms AS at, block, against, message
         FROM rpc_correctness_disagreements d WHERE at_ms >= ? AND id = (SELECT max(id) FROM
         rpc_correctness_disagreements WHERE endpoint = d.endpoint AND check_name = d.check_name)`,
      )
      .all(sinceMs) as (Omit<StoredDisagreement, 'against'> & { against: string })[];
    return rows.map((row) => ({ ...row, against: row.against as DisagreedWith }));
  }

  /** The endpoint's latest disagreements, newest first. */
  disagreements(endpoint: string, limit: number): StoredDisagreement[] {
    return this.db
      .prepare(
        `SELECT chain, endpoint, check_name AS "check", at_ms AS at, block, against, message
         FROM rpc_correctness_disagreements WHERE endpoint = ? ORDER BY at_ms DESC, id DESC LIMIT ?`,
      )
      .all(endpoint, limit) as StoredDisagreement[];
  }

  prune(policy: { rawRetentionMs: number; rollupRetentionMs: number }, nowMs: number): Record<string, number> {
    return {
      rpc_correctness_1m: this.db
        .prepare('DELETE FROM rpc_correctness_1m WHERE minute_ms < ?')
        .run(nowMs - policy.rollupRetentionMs).changes,
      rpc_correctness_disagreements: this.db
        .prepare('DELETE FROM rpc_correctness_disagreements WHERE at_ms < ?')
        .run(nowMs - policy.rawRetentionMs).changes,
    };
  }
}
