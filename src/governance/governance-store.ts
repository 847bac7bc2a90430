// Governance storage: decoded events (unique per target, block and log index), the ingestion cursor written
// in the same transaction as the events it covers, block-hash checkpoints for reorg checks, the latest
// direct reads, proposal state transitions, and governance SLI outcomes.

import type { Database, Statement } from 'better-sqlite3';
import type { Hex } from 'viem';
import {
  proposalStates,
  type EventValue,
  type GovernanceEvent,
  type GovernanceOutcome,
  type GovernanceSnapshot,
  type IngestCursor,
  type ProposalState,
} from '../domain/governance.js';
import { minuteMs } from '../domain/clock.js';

/** Checkpoints kept per target: enough to find a fork point far deeper than any confirmation depth. */
const checkpointsKept = 256;

export interface ProposalStateRow {
  target: string;
  proposalId: string;
  state: string;
  atMs: number;
  blockNumber: number;
}

export interface GovernanceBatch {
  target: string;
  chain: string;
  address: string;
  events: readonly GovernanceEvent[];
  /** The last block the batch covers, with its hash: the new cursor. */
  to: { blockNumber: number; blockHash: Hex };
  snapshot?: GovernanceSnapshot | undefined;
  proposalStates?: readonly ProposalStateRow[] | undefined;
  outcomes?: readonly GovernanceOutcome[] | undefined;
}

interface EventRow {
  id: number;
  target: string;
  chain: string;
  block_number: number;
  block_hash: Hex;
  block_time_ms: number;
  tx_hash: Hex;
  log_index: number;
  address: GovernanceEvent['address'];
  name: string;
  key: string | null;
  args: string;
}

export type StoredGovernanceEvent = GovernanceEvent & { id: number };

const eventColumns =
  'id, target, chain, block_number, block_hash, block_time_ms, tx_hash, log_index, address, name, key, args';

function toEvent(row: EventRow): StoredGovernanceEvent {
  return {
    id: row.id,
    target: row.target,
    chain: row.chain,
    blockNumber: row.block_number,
    blockHash: row.block_hash,
    blockTimeMs: row.block_time_ms,
    txHash: row.tx_hash,
    logIndex: row.log_index,
    address: row.address,
    name: row.name,
    key: row.key,
    args: JSON.parse(row.args) as Record<string, EventValue>,
  };
}

export class GovernanceStore {
  private readonly insertEvent: Statement;
  private readonly upsertCursor: Statement;
  private readonly insertCheckpoint: Statement;
  private readonly pruneCheckpoints: Statement;
  private readonly upsertSnapshot: Statement;
  private readonly insertProposalState: Statement;
  private readonly insertOutcome: Statement;
  private readonly commitTransaction: (batch: GovernanceBatch, nowMs: number) => number;

  constructor(private readonly db: Database) {
    this.insertEvent =
      db.prepare(`INSERT OR IGNORE INTO governance_events (target, chain, block_number, block_hash, block_time_ms,
            tx_hash, log_index, address, name, key, args, ingested_ms)
      VALUES (@target, @chain, @blockNumber, @blockHash, @blockTimeMs, @txHash, @logIndex, @address, @name, @key,
      @args, @ingestedMs)`);
    this.upsertCursor =
      db.prepare(`INSERT INTO governance_cursors (target, chain, address, block_number, block_hash, updated_ms) VALUES
            (?, ?, ?, ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET chain = excluded.chain, address = excluded.address, block_number =
      excluded.block_number, block_hash = excluded.block_hash, updated_ms = excluded.updated_ms`);
    this.insertCheckpoint = db.prepare(
      'INSERT OR REPLACE INTO governance_checkpoints (target, block_number, block_hash) VALUES (?, ?, ?)',
    );
    this.pruneCheckpoints = db.prepare(`DELETE FROM governance_checkpoints WHERE target = ? AND block_number < (
      SELECT min(block_number) FROM (SELECT block_number FROM governance_checkpoints WHERE target = ? ORDER BY
      block_number DESC LIMIT ${checkpointsKept}))`);
    this.upsertSnapshot =
      db.prepare(`INSERT INTO governance_snapshots (target, block_number, block_time_ms, read_ms, state) VALUES (?, ?,
            ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET block_number = excluded.block_number, block_time_ms = excluded.block_time_ms,
      read_ms = excluded.read_ms, state = excluded.state`);
    this.insertProposalState = db.prepare(
      'INSERT OR IGNORE INTO governance_proposal_states (target, ' +
        'proposal_id, state, at_ms, block_number) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertOutcome = db.prepare(
      `INSERT OR IGNORE INTO governance_sli_outcomes (target, chain, sli, ` +
        `subject, minute_ms, decided_ms, good) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.commitTransaction = db.transaction((batch: GovernanceBatch, nowMs: number) => {
      let inserted = 0;
      for (const event of batch.events) {
        inserted += this.insertEvent.run({ ...event, args: JSON.stringify(event.args), ingestedMs: nowMs }).changes;
      }
      this.upsertCursor.run(batch.target, batch.chain, batch.address, batch.to.blockNumber, batch.to.blockHash, nowMs);
      this.insertCheckpoint.run(batch.target, batch.to.blockNumber, batch.to.blockHash);
      this.pruneCheckpoints.run(batch.target, batch.target);
      const { snapshot } = batch;
      if (snapshot)
        this.upsertSnapshot.run(
          snapshot.target,
          snapshot.blockNumber,
          snapshot.blockTimeMs,
          snapshot.readAtMs,
          JSON.stringify(snapshot.state),
        );
      for (const row of batch.proposalStates ?? [])
        this.insertProposalState.run(row.target, row.proposalId, row.state, row.atMs, row.blockNumber);
      // Counted in the minute it is recorded: the SLO engine never sees a minute it has counted change.
      const minute = Math.floor(nowMs / minuteMs) * minuteMs;
      for (const outcome of batch.outcomes ?? [])
        this.insertOutcome.run(
          outcome.target,
          outcome.chain,
          outcome.sli,
          outcome.subject,
          minute,
          outcome.decidedAtMs,
          outcome.good ? 1 : 0,
        );
      return inserted;
    });
  }

  /**
   * Writes the batch's events, the new cursor, its checkpoint, the snapshot, state transitions and
   * outcomes in one transaction; returns how many events were new (a replayed range inserts none).
   */
  commit(batch: GovernanceBatch, nowMs: number): number {
    return this.commitTransaction(batch, nowMs);
  }

  cursor(target: string): IngestCursor | null {
    const row = this.db
      .prepare(
        'SELECT target, block_number AS blockNumber, block_hash AS blockHash FROM governance_cursors WHERE target = ?',
      )
      .get(target) as IngestCursor | undefined;
    return row ?? null;
  }

  /** The recent checkpoints of a target, newest first. */
  checkpoints(target: string): { blockNumber: number; blockHash: Hex }[] {
    return this.db
      .prepare(
        'SELECT block_number AS blockNumber, block_hash AS blockHash FROM ' +
          'governance_checkpoints WHERE target = ? ORDER BY block_number DESC',
      )
      .all(target) as {
      blockNumber: number;
      blockHash: Hex;
    }[];
  }

  /**
   * Forgets everything of the target after `fork` (events, checkpoints, state transitions seen at later
   * blocks, a snapshot read later) and moves its cursor back to it; with no fork point, forgets the target's
   * ingestion entirely, to start again from its start block. Returns how many events were removed.
   */
  rollback(target: string, fork: { blockNumber: number; blockHash: Hex } | null, nowMs: number): number {
    const after = fork?.blockNumber ?? -1;
    return this.db.transaction(() => {
      const removed = this.db
        .prepare('DELETE FROM governance_events WHERE target = ? AND block_number > ?')
        .run(target, after).changes;
      this.db.prepare('DELETE FROM governance_checkpoints WHERE target = ? AND block_number > ?').run(target, after);
      this.db
        .prepare('DELETE FROM governance_proposal_states WHERE target = ? AND block_number > ?')
        .run(target, after);
      this.db.prepare('DELETE FROM governance_snapshots WHERE target = ? AND block_number > ?').run(target, after);
      if (fork === null) this.db.prepare('DELETE FROM governance_cursors WHERE target = ?').run(target);
      else
        this.db
          .prepare('UPDATE governance_cursors SET block_number = ?, block_hash = ?, updated_ms = ? WHERE target = ?')
          .run(fork.blockNumber, fork.blockHash, nowMs, target);
      return removed;
    })();
  }

  /** Every event of a target in chain order, one row at a time, for replaying its state. */
  *events(target: string): Generator<StoredGovernanceEvent> {
    for (const row of this.db
      .prepare(`SELECT ${eventColumns} FROM governance_events WHERE target = ? ORDER BY block_number, log_index`)
      .iterate(target))
      yield toEvent(row as EventRow);
  }

  /** The events about one subject (a proposal, an operation), in chain order. */
  eventsAbout(target: string, key: string, names?: readonly string[]): StoredGovernanceEvent[] {
    const nameFilter = names && names.length > 0 ? ` AND name IN (${names.map(() => '?').join(', ')})` : '';
    const rows = this.db
      .prepare(
        `SELECT ${eventColumns} FROM governance_events WHERE target = ? AND ` +
          `key = ?${nameFilter} ORDER BY block_number, log_index`,
      )
      .all(target, key, ...(names ?? [])) as EventRow[];
    return rows.map(toEvent);
  }

  /**
   * The event feed: events on chain at or after `sinceMs`, optionally of some targets, in the order they were
   * stored (chain order within a target), so that `afterId` (the last id seen) never skips an event stored
   * later for a target that was behind, whatever its block time.
   */
  feed(options: {
    sinceMs: number;
    targets?: readonly string[];
    limit: number;
    afterId?: number;
  }): StoredGovernanceEvent[] {
    const targets = options.targets ?? null;
    const targetFilter = targets === null ? '' : ` AND target IN (${targets.map(() => '?').join(', ') || 'NULL'})`;
    const rows = this.db
      .prepare(
        `SELECT ${eventColumns} FROM governance_events WHERE block_time_ms ` +
          `>= ? AND id > ?${targetFilter} ORDER BY id LIMIT ?`,
      )
      .all(options.sinceMs, options.afterId ?? 0, ...(targets ?? []), options.limit) as EventRow[];
    return rows.map(toEvent);
  }

  eventCount(target: string): number {
    return (
      this.db.prepare('SELECT count(*) AS count FROM governance_events WHERE target = ?').get(target) as {
        count: number;
      }
    ).count;
  }

  snapshot(target: string): GovernanceSnapshot | null {
    const row = this.db
      .prepare(
        'SELECT target, block_number AS blockNumber, block_time_ms AS blockTimeMs, ' +
          'read_ms AS readAtMs, state FROM governance_snapshots WHERE target = ?',
      )
      .get(target) as (Omit<GovernanceSnapshot, 'state'> & { state: string }) | undefined;
    return row ? { ...row, state: JSON.parse(row.state) as Record<string, EventValue> } : null;
  }

  /** State transitions, oldest first; states entered in the same instant in lifecycle order. */
  proposalStates(target: string, proposalId?: string): ProposalStateRow[] {
    const rows = this.db
      .prepare(
        `SELECT target, proposal_id AS proposalId, state, at_ms AS atMs, block_number AS blockNumber FROM ` +
          `governance_proposal_states WHERE target = ?${proposalId === undefined ? '' : ' AND proposal_id = ?'}`,
      )
      .all(target, ...(proposalId === undefined ? [] : [proposalId])) as ProposalStateRow[];
    const order = (state: string) => proposalStates.indexOf(state as ProposalState);
    return rows.sort((a, b) => a.atMs - b.atMs || order(a.state) - order(b.state));
  }

  /** Outcomes decided by time passing (an execution overdue) rather than by a new block. */
  recordOutcomes(outcomes: readonly GovernanceOutcome[], nowMs: number): void {
    const minute = Math.floor(nowMs / minuteMs) * minuteMs;
    this.db.transaction(() => {
      for (const outcome of outcomes)
        this.insertOutcome.run(
          outcome.target,
          outcome.chain,
          outcome.sli,
          outcome.subject,
          minute,
          outcome.decidedAtMs,
          outcome.good ? 1 : 0,
        );
    })();
  }

  /** The subjects of a target that already have an outcome for the SLI. */
  outcomeSubjects(target: string, sli: GovernanceOutcome['sli']): Set<string> {
    const rows = this.db
      .prepare('SELECT subject FROM governance_sli_outcomes WHERE target = ? AND sli = ?')
      .all(target, sli) as { subject: string }[];
    return new Set(rows.map((row) => row.subject));
  }
}
