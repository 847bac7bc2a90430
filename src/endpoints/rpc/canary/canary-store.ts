// The canary's rows: each attempt, written before it is broadcast and updated as it moves on, from which a
// restart finds what is still in flight; and the per-minute counts the tx_inclusion SLI reads.

import type { Database, Statement } from 'better-sqlite3';
import { minuteOf } from '../../../domain/clock.js';
import type { Fees, RejectionReason } from './canary-state.js';

/** Open: in flight or stuck. The others are closed, with the attempt's outcome. */
export const attemptStatuses = ['in_flight', 'stuck', 'included', 'not_included', 'dropped', 'rejected'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

export interface CanaryAttempt {
  id: number;
  chain: string;
  address: string;
  nonce: number;
  attempt: number;
  hash: string;
  /** The endpoints it was sent through (and, once answered, those that accepted it). */
  endpoints: string[];
  sentAtMs: number;
  firstSentAtMs: number;
  fees: Fees;
  status: AttemptStatus;
  reason: RejectionReason | null;
  blockNumber: number | null;
  includedAtMs: number | null;
  inclusionSeconds: number | null;
  inclusionBlockSeconds: number | null;
  /** Seconds from inclusion until each endpoint returned the receipt; null for one that never did. */
  propagation: Record<string, number | null> | null;
  /** Whether this canary (its nonce) has been counted in the SLI rows. */
  counted: boolean;
}

interface AttemptRow {
  id: number;
  chain: string;
  address: string;
  nonce: number;
  attempt: number;
  hash: string;
  endpoints: string;
  sent_at_ms: number;
  first_sent_at_ms: number;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  status: AttemptStatus;
  reason: RejectionReason | null;
  block_number: number | null;
  included_at_ms: number | null;
  inclusion_seconds: number | null;
  inclusion_block_seconds: number | null;
  propagation: string | null;
  counted: number;
}

const fromRow = (row: AttemptRow): CanaryAttempt => ({
  id: row.id,
  chain: row.chain,
  address: row.address,
  nonce: row.nonce,
  attempt: row.attempt,
  hash: row.hash,
  endpoints: JSON.parse(row.endpoints) as string[],
  sentAtMs: row.sent_at_ms,
  firstSentAtMs: row.first_sent_at_ms,
  fees: { maxFeePerGas: BigInt(row.max_fee_per_gas), maxPriorityFeePerGas: BigInt(row.max_priority_fee_per_gas) },
  status: row.status,
  reason: row.reason,
  blockNumber: row.block_number,
  includedAtMs: row.included_at_ms,
  inclusionSeconds: row.inclusion_seconds,
  inclusionBlockSeconds: row.inclusion_block_seconds,
  propagation: row.propagation === null ? null : (JSON.parse(row.propagation) as Record<string, number | null>),
  counted: row.counted === 1,
});

export type NewAttempt = Omit<
  CanaryAttempt,
  | 'id'
  | 'status'
  | 'reason'
  | 'blockNumber'
  | 'includedAtMs'
  | 'inclusionSeconds'
  | 'inclusionBlockSeconds'
  | 'propagation'
> & { propagation?: null };

export class CanaryStore {
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly count: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO canary_transactions (chain, address, nonce, attempt, hash, endpoints, sent_at_ms,
         first_sent_at_ms, max_fee_per_gas, max_priority_fee_per_gas, status, counted)
       VALUES (@chain, @address, @nonce, @attempt, @hash, @endpoints, @sentAtMs, @firstSentAtMs, @maxFee, @tip,
         'in_flight', @counted)`,
    );
    this.update = db.prepare(
      `UPDATE canary_transactions SET endpoints = @endpoints, status = @status, reason = @reason,
         block_number = @blockNumber, included_at_ms = @includedAtMs, inclusion_seconds = @inclusionSeconds,
         inclusion_block_seconds = @inclusionBlockSeconds, propagation = @propagation, counted = @counted
       WHERE id = @id`,
    );
    this.count = db.prepare(
      `INSERT INTO canary_1m (endpoint, minute_ms, chain, sent, included_in_time) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (endpoint, minute_ms) DO UPDATE SET sent = sent + 1,
         included_in_time = included_in_time + excluded.included_in_time`,
    );
  }

  /** Stored as in flight, before it is broadcast: a crash then leaves a row to find, never a lost nonce. */
  add(attempt: NewAttempt): CanaryAttempt {
    const { lastInsertRowid } = this.insert.run({
      ...attempt,
      endpoints: JSON.stringify(attempt.endpoints),
      maxFee: attempt.fees.maxFeePerGas.toString(),
      tip: attempt.fees.maxPriorityFeePerGas.toString(),
      counted: attempt.counted ? 1 : 0,
    });
    return {
      ...attempt,
      id: Number(lastInsertRowid),
      status: 'in_flight',
      reason: null,
      blockNumber: null,
      includedAtMs: null,
      inclusionSeconds: null,
      inclusionBlockSeconds: null,
      propagation: null,
    };
  }

  save(attempt: CanaryAttempt): void {
    this.update.run({
      ...attempt,
      endpoints: JSON.stringify(attempt.endpoints),
      propagation: attempt.propagation === null ? null : JSON.stringify(attempt.propagation),
      counted: attempt.counted ? 1 : 0,
    });
  }

  /** One canary counted for the SLI, for each endpoint it went through, in the minute it was first sent. */
  countCanary(chain: string, endpoints: readonly string[], firstSentAtMs: number, inTime: boolean): void {
    const minute = minuteOf(firstSentAtMs);
    this.db.transaction(() => {
      for (const endpoint of endpoints) this.count.run(endpoint, minute, chain, inTime ? 1 : 0);
    })();
  }

  /** The attempts of the key's open canary (its latest nonce with an open attempt), oldest first. */
  openAttempts(chain: string, address: string): CanaryAttempt[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM canary_transactions WHERE chain = ? AND address = ? AND nonce = (
           SELECT max(nonce) FROM canary_transactions WHERE chain = ? AND address = ?
           AND status IN ('in_flight', 'stuck')) ORDER BY attempt`,
      )
      .all(chain, address, chain, address) as AttemptRow[];
    return rows.map(fromRow);
  }

  /** The key's latest attempts, newest first. */
  recent(chain: string, address: string, limit: number): CanaryAttempt[] {
    const rows = this.db
      .prepare('SELECT * FROM canary_transactions WHERE chain = ? AND address = ? ORDER BY id DESC LIMIT ?')
      .all(chain, address, limit) as AttemptRow[];
    return rows.map(fromRow);
  }

  /** The latest closed attempt sent through each endpoint: what the alerts read after a restart. */
  latestByEndpoint(chain: string, address: string, limit = 200): Map<string, CanaryAttempt> {
    const latest = new Map<string, CanaryAttempt>();
    for (const attempt of this.recent(chain, address, limit))
      for (const endpoint of attempt.endpoints)
        if (!latest.has(endpoint) && attempt.status !== 'in_flight' && attempt.status !== 'stuck')
          latest.set(endpoint, attempt);
    return latest;
  }

  prune(policy: { rawRetentionMs: number; rollupRetentionMs: number }, nowMs: number): Record<string, number> {
    return {
      canary_1m: this.db.prepare('DELETE FROM canary_1m WHERE minute_ms < ?').run(nowMs - policy.rollupRetentionMs)
        .changes,
      canary_transactions: this.db
        .prepare("DELETE FROM canary_transactions WHERE sent_at_ms < ? AND status NOT IN ('in_flight', 'stuck')")
        .run(nowMs - policy.rawRetentionMs).changes,
    };
  }
}
