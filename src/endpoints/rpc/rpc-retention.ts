// Deletes raw RPC samples and the RPC and chain rollups past their retention, in small chunks so that
// writers never wait long.

import type { Database } from 'better-sqlite3';

export interface RpcRetentionResult {
  samples: number;
  rollups: number;
  chainRollups: number;
}

const chunk = 5_000;

/** Raw samples pile up fastest: they go in chunks by id, each chunk its own short transaction. */
function deleteSamplesBefore(db: Database, cutoffMs: number): number {
  const statement = db.prepare(
    `DELETE FROM rpc_samples WHERE id IN (SELECT id FROM rpc_samples WHERE at_ms < ? LIMIT ${chunk})`,
  );
  let deleted = 0;
  for (;;) {
    const { changes } = statement.run(cutoffMs);
    deleted += changes;
    if (changes < chunk) return deleted;
  }
}

export function pruneRpcHistory(
  db: Database,
  policy: { rawRetentionMs: number; rollupRetentionMs: number },
  nowMs: number,
): RpcRetentionResult {
  const rollupCutoff = nowMs - policy.rollupRetentionMs;
  return {
    samples: deleteSamplesBefore(db, nowMs - policy.rawRetentionMs),
    // Rollups expire a minute's worth per endpoint at a time: one statement each is short.
    rollups: db.prepare('DELETE FROM rpc_rollups_1m WHERE minute_ms < ?').run(rollupCutoff).changes,
    chainRollups: db.prepare('DELETE FROM chain_rollups_1m WHERE minute_ms < ?').run(rollupCutoff).changes,
  };
}
