// Deletes raw samples and rollups past their retention, in small chunks so that writers never wait long.

import type { Database } from 'better-sqlite3';

export interface RetentionPolicy {
  rawRetentionMs: number;
  rollupRetentionMs: number;
  sloStatusRetentionMs: number;
}

export interface RetentionResult {
  samples: number;
  rollups: number;
  chainRollups: number;
  sloStatuses: number;
}

const chunk = 5_000;

/** Raw samples pile up fastest: they go in chunks by id, each chunk its own short transaction. */
function deleteSamplesBefore(db: Database, cutoffMs: number): number {
  const statement = db.prepare(`DELETE FROM rpc_samples WHERE id IN (SELECT id FROM rpc_samples WHERE at_ms < ? LIMIT ${chunk})`);
  let deleted = 0;
  for (;;) {
    const { changes } = statement.run(cutoffMs);
    deleted += changes;
    if (changes < chunk) return deleted;
  }
}

export function applyRetention(db: Database, policy: RetentionPolicy, nowMs: number): RetentionResult {
  return {
    samples: deleteSamplesBefore(db, nowMs - policy.rawRetentionMs),
    // Rollups expire a minute's worth per endpoint at a time: one statement each is short.
    rollups: db.prepare('DELETE FROM rpc_rollups_1m WHERE minute_ms < ?').run(nowMs - policy.rollupRetentionMs).changes,
    chainRollups: db.prepare('DELETE FROM chain_rollups_1m WHERE minute_ms < ?').run(nowMs - policy.rollupRetentionMs).changes,
    sloStatuses: db.prepare('DELETE FROM slo_status_1m WHERE evaluated_at_ms < ?').run(nowMs - policy.sloStatusRetentionMs).changes,
  };
}
