// The simulations of governance decisions, kept in SQLite: each run with its stage, trigger, fork block,
// outcome and findings, so that the API serves a decision's history and a restart knows what was verified.

import type { Database } from 'better-sqlite3';
import type { Finding } from '../policy/findings.js';
import type { SimulationResult } from '../simulate/simulate.js';

export type VerificationTrigger = 'appeared' | 'before_eta' | 'retry';
export type VerificationOutcome = 'success' | 'revert' | 'error' | 'unsupported';

export interface Verification {
  id: number;
  target: string;
  decisionType: 'proposal' | 'operation';
  decisionId: string;
  stage: string;
  trigger: VerificationTrigger;
  atMs: number;
  forkBlock: number | null;
  outcome: VerificationOutcome;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number;
  upstreamRequests: number;
  findings: Finding[];
  result: SimulationResult | null;
}

interface Row {
  id: number;
  target: string;
  decision_type: 'proposal' | 'operation';
  decision_id: string;
  stage: string;
  trigger: VerificationTrigger;
  at_ms: number;
  fork_block: number | null;
  outcome: VerificationOutcome;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number;
  upstream_requests: number;
  findings: string;
  result: string | null;
}

const ofRow = (row: Row): Verification => ({
  id: row.id,
  target: row.target,
  decisionType: row.decision_type,
  decisionId: row.decision_id,
  stage: row.stage,
  trigger: row.trigger,
  atMs: row.at_ms,
  forkBlock: row.fork_block,
  outcome: row.outcome,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  durationMs: row.duration_ms,
  upstreamRequests: row.upstream_requests,
  findings: JSON.parse(row.findings) as Finding[],
  result: row.result === null ? null : (JSON.parse(row.result) as SimulationResult),
});

export class VerificationStore {
  private readonly insert;
  private readonly ofDecision;
  private readonly latestAll;
  private readonly latestSimulatedAll;
  private readonly pruneBefore;

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT INTO governance_verifications (target, decision_type, decision_id, stage, trigger, at_ms, fork_block,
         outcome, error_code, error_message, duration_ms, upstream_requests, findings, result)
       VALUES (@target, @decisionType, @decisionId, @stage, @trigger, @atMs, @forkBlock, @outcome, @errorCode,
         @errorMessage, @durationMs, @upstreamRequests, @findings, @result)`,
    );
    this.ofDecision = db.prepare<[string, string, string], Row>(
      `SELECT * FROM governance_verifications WHERE target = ? AND decision_type = ? AND decision_id = ? ORDER BY id`,
    );
    this.latestAll = db.prepare<[], Row>(
      `SELECT v.* FROM governance_verifications v
         JOIN (SELECT MAX(id) AS id FROM governance_verifications GROUP BY target, decision_type, decision_id) m
           ON v.id = m.id`,
    );
    this.latestSimulatedAll = db.prepare<[], Row>(
      `SELECT v.* FROM governance_verifications v
         JOIN (SELECT MAX(id) AS id FROM governance_verifications WHERE outcome IN ('success', 'revert', 'unsupported')
           GROUP BY target, decision_type, decision_id) m
           ON v.id = m.id`,
    );
    // The newest run of each decision stays: a decision still to run is not simulated again for it.
    this.pruneBefore = db.prepare<[number]>(
      `DELETE FROM governance_verifications WHERE at_ms < ? AND id NOT IN
         (SELECT MAX(id) FROM governance_verifications GROUP BY target, decision_type, decision_id)`,
    );
  }

  add(verification: Omit<Verification, 'id'>): Verification {
    const { lastInsertRowid } = this.insert.run({
      ...verification,
      findings: JSON.stringify(verification.findings),
      result: verification.result === null ? null : JSON.stringify(verification.result),
    });
    return { ...verification, id: Number(lastInsertRowid) };
  }

  /** Every simulation of the decision, oldest first. */
  history(target: string, type: 'proposal' | 'operation', id: string): Verification[] {
    return this.ofDecision.all(target, type, id).map(ofRow);
  }

  /** The newest simulation of every decision. */
  latest(): Verification[] {
    return this.latestAll.all().map(ofRow);
  }

  /** The newest run of every decision that did not fail: what its findings are, whatever failed since. */
  latestSimulated(): Verification[] {
    return this.latestSimulatedAll.all().map(ofRow);
  }

  /** Deletes runs older than the retention; returns how many. */
  prune(beforeMs: number): number {
    return this.pruneBefore.run(beforeMs).changes;
  }
}
