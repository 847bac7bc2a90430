// Validator storage: each stage's epoch written in one transaction with the cursor that moves past it
// (aggregates per scope, watched validators' state and misses, proposals, slashings, SLI events), so a
// restart resumes exactly after the last epoch stored, never counting one twice or losing one.

import type { Database, Statement } from 'better-sqlite3';
import { FAR_FUTURE_EPOCH, type ValidatorStatus } from '../domain/beacon.js';
import type { AttestationEpochResult, ScopeAttestationTotals, WatchedValidatorState } from './attestation-epoch.js';
import type { BlockEpochResult, ProposalOutcome, ScopeBlockTotals } from './block-epoch.js';
import type { AttestationOutcome } from './attestation-outcome.js';
import { minuteMs } from '../domain/clock.js';

export type ValidatorStage = 'blocks' | 'attestations' | 'finality';

export interface EpochRow {
  epoch: number;
  scope: string;
  validators: number | null;
  active: number | null;
  statusCounts: Record<string, number> | null;
  balanceGwei: number | null;
  balanceChangeGwei: number | null;
  attestationsDue: number | null;
  attestationsMissed: number | null;
  attestationsEffective: number | null;
  sourceCorrect: number | null;
  targetCorrect: number | null;
  headCorrect: number | null;
  inactivityLeak: boolean | null;
  slashedNew: number | null;
  proposalsDue: number | null;
  proposalsMissed: number | null;
  proposalsFinalizedDue: number | null;
  proposalsFinalizedMissed: number | null;
  syncDue: number | null;
  syncMissed: number | null;
  updatedMs: number;
}

export interface MissRow {
  validatorIndex: number;
  epoch: number;
  duty: 'attestation' | 'proposal' | 'sync';
  slot: number | null;
  count: number;
  recordedMs: number;
}

export interface StoredProposal extends ProposalOutcome {
  finalizedOutcome: 'proposed' | 'missed' | null;
  recordedMs: number;
}

/** Infinity (far future) is kept as -1: SQLite has no infinite REAL that survives every driver. */
/** Counted in the minute it is recorded: the SLO engine never sees a minute it has counted change. */
const minuteOf = (nowMs: number) => Math.floor(nowMs / minuteMs) * minuteMs;

const epochOut = (epoch: number) => (epoch === FAR_FUTURE_EPOCH ? -1 : epoch);
const epochIn = (value: number) => (value === -1 ? FAR_FUTURE_EPOCH : value);

export class ValidatorStore {
  private readonly statements: Record<string, Statement>;

  constructor(private readonly db: Database) {
    this.statements = {
      cursor: db.prepare('SELECT next_epoch AS nextEpoch FROM validator_cursors WHERE chain = ? AND stage = ?'),
      setCursor: db.prepare(
        'INSERT INTO validator_cursors (chain, stage, next_epoch, updated_ms) VALUES (?, ?, ?, ?) ON CONFLICT ' +
          '(chain, stage) DO UPDATE SET next_epoch = excluded.next_epoch, updated_ms = excluded.updated_ms',
      ),
      attestationEpoch:
        db.prepare(`INSERT INTO validator_epochs (chain, epoch, scope, validators, active, status_counts, balance_gwei,
              balance_change_gwei, attestations_due, attestations_missed,
          attestations_effective, source_correct, target_correct, head_correct, inactivity_leak, slashed_new,
          updated_ms)
        VALUES (@chain, @epoch, @scope, @validators, @active, @statusCounts, @balanceGwei, @balanceChangeGwei, @due,
        @missed, @effective, @source, @target, @head, @leak, @slashedNew, @now)
        ON CONFLICT (chain, scope, epoch) DO UPDATE SET validators = excluded.validators, active = excluded.active,
        status_counts = excluded.status_counts,
          balance_gwei = excluded.balance_gwei, balance_change_gwei = excluded.balance_change_gwei, attestations_due =
          excluded.attestations_due,
          attestations_missed = excluded.attestations_missed, attestations_effective = excluded.attestations_effective,
          source_correct = excluded.source_correct,
          target_correct = excluded.target_correct, head_correct = excluded.head_correct, inactivity_leak =
          excluded.inactivity_leak,
          slashed_new = excluded.slashed_new, updated_ms = excluded.updated_ms`),
      blockEpoch:
        db.prepare(`INSERT INTO validator_epochs (chain, epoch, scope, proposals_due, proposals_missed, sync_due,
              sync_missed, updated_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, scope, epoch) DO UPDATE SET proposals_due = excluded.proposals_due, proposals_missed =
        excluded.proposals_missed,
          sync_due = excluded.sync_due, sync_missed = excluded.sync_missed, updated_ms = excluded.updated_ms`),
      finalizedEpoch: db.prepare(`INSERT INTO validator_epochs (chain, epoch, scope, proposals_finalized_due,
              proposals_finalized_missed, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, scope, epoch) DO UPDATE SET proposals_finalized_due = excluded.proposals_finalized_due,
          proposals_finalized_missed = excluded.proposals_finalized_missed, updated_ms = excluded.updated_ms`),
      state: db.prepare(`INSERT INTO validator_state (chain, validator_index, pubkey, status, balance_gwei,
              activation_epoch, exit_epoch, slashed, missed_in_a_row,
          balance_decreasing_epochs, last_attestation_epoch, last_outcome, epoch)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, validator_index) DO UPDATE SET pubkey = excluded.pubkey, status = excluded.status,
        balance_gwei = excluded.balance_gwei,
          activation_epoch = excluded.activation_epoch, exit_epoch = excluded.exit_epoch, slashed = excluded.slashed,
          missed_in_a_row = excluded.missed_in_a_row,
          balance_decreasing_epochs = excluded.balance_decreasing_epochs, last_attestation_epoch =
          excluded.last_attestation_epoch,
          last_outcome = excluded.last_outcome, epoch = excluded.epoch`),
      // A miss keeps the time it was first recorded: seen again at finality, it is not news again.
      miss: db.prepare(`INSERT INTO validator_misses (chain, validator_index, epoch, duty, slot, count, recorded_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, validator_index, epoch, duty, slot) DO UPDATE SET count = excluded.count`),
      deleteMiss: db.prepare(
        'DELETE FROM validator_misses WHERE chain = ? AND validator_index = ? AND epoch = ? AND duty = ? AND slot = ?',
      ),
      slashing: db.prepare(
        'INSERT OR IGNORE INTO validator_slashings (chain, validator_index, epoch, seen_ms) VALUES (?, ?, ?, ?)',
      ),
      sli: db.prepare(`INSERT INTO validator_sli_outcomes (chain, scope, sli, epoch, minute_ms, good, valid) VALUES (?,
            ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, sli, scope, epoch) DO NOTHING`),
      proposal:
        db.prepare(`INSERT INTO validator_proposals (chain, slot, epoch, validator_index, watched, dependent_root,
              head_outcome, block_root, recorded_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chain, slot) DO UPDATE SET validator_index = excluded.validator_index, watched = excluded.watched,
        dependent_root = excluded.dependent_root,
          head_outcome = excluded.head_outcome, block_root = excluded.block_root, recorded_ms = excluded.recorded_ms`),
      finalizeProposal: db.prepare('UPDATE validator_proposals SET finalized_outcome = ? WHERE chain = ? AND slot = ?'),
    };
  }

  cursor(chain: string, stage: ValidatorStage): number | null {
    const row = this.statements.cursor!.get(chain, stage) as { nextEpoch: number } | undefined;
    return row?.nextEpoch ?? null;
  }

  setCursor(chain: string, stage: ValidatorStage, nextEpoch: number, nowMs: number): void {
    this.statements.setCursor!.run(chain, stage, nextEpoch, nowMs);
  }

  saveAttestationEpoch(chain: string, result: AttestationEpochResult, nowMs: number): void {
    this.db.transaction(() => {
      for (const totals of result.scopes)
        this.statements.attestationEpoch!.run(attestationRow(chain, result, totals, nowMs));
      for (const state of result.watched) this.writeState(chain, state);
      for (const index of result.misses)
        this.statements.miss!.run(chain, index, result.epoch, 'attestation', -1, 1, nowMs);
      for (const index of result.slashings) this.statements.slashing!.run(chain, index, result.epoch, nowMs);
      for (const totals of result.scopes) {
        const valid = totals.attestationsDue - totals.unknown;
        if (valid > 0)
          this.statements.sli!.run(
            chain,
            totals.scope,
            'attestation',
            result.epoch,
            minuteOf(nowMs),
            totals.effective,
            valid,
          );
      }
      this.setCursor(chain, 'attestations', result.epoch + 1, nowMs);
    })();
  }

  saveBlockEpoch(chain: string, result: BlockEpochResult, nowMs: number): void {
    this.db.transaction(() => {
      for (const totals of result.scopes)
        this.statements.blockEpoch!.run(
          chain,
          result.epoch,
          totals.scope,
          totals.proposalsDue,
          totals.proposalsMissed,
          totals.syncDue,
          totals.syncMissed,
          nowMs,
        );
      this.writeProposals(chain, result.proposals, nowMs);
      for (const [index, count] of result.syncMisses)
        this.statements.miss!.run(chain, index, result.epoch, 'sync', -1, count, nowMs);
      this.setCursor(chain, 'blocks', result.epoch + 1, nowMs);
    })();
  }

  /**
   * The epoch finalized: proposals get their final outcome (and, when the duties changed since the head,
   * their new duty holders), and the proposal SLI counts them.
   */
  saveFinalizedEpoch(
    chain: string,
    epoch: number,
    proposals: readonly ProposalOutcome[],
    scopes: readonly ScopeBlockTotals[],
    nowMs: number,
    replacedAtHead?: readonly ProposalOutcome[],
  ): void {
    this.db.transaction(() => {
      if (replacedAtHead) {
        for (const old of this.proposals(chain, { fromEpoch: epoch, toEpoch: epoch }))
          if (old.watched) this.statements.deleteMiss!.run(chain, old.validatorIndex, epoch, 'proposal', old.slot);
        this.writeProposals(chain, replacedAtHead, nowMs);
      }
      for (const proposal of proposals) {
        this.statements.finalizeProposal!.run(proposal.outcome, chain, proposal.slot);
        if (proposal.watched && proposal.outcome === 'missed')
          this.statements.miss!.run(chain, proposal.validatorIndex, epoch, 'proposal', proposal.slot, 1, nowMs);
      }
      for (const totals of scopes) {
        this.statements.finalizedEpoch!.run(
          chain,
          epoch,
          totals.scope,
          totals.proposalsDue,
          totals.proposalsMissed,
          nowMs,
        );
        if (totals.proposalsDue > 0)
          this.statements.sli!.run(
            chain,
            totals.scope,
            'proposal',
            epoch,
            minuteOf(nowMs),
            totals.proposalsDue - totals.proposalsMissed,
            totals.proposalsDue,
          );
      }
      this.setCursor(chain, 'finality', epoch + 1, nowMs);
    })();
  }

  watchedState(chain: string): Map<number, WatchedValidatorState> {
    const rows = this.db
      .prepare(
        `SELECT validator_index AS idx, pubkey, status, balance_gwei AS balance, activation_epoch AS activation,
              exit_epoch AS exit, slashed, missed_in_a_row AS missed,
          balance_decreasing_epochs AS decreasing, last_attestation_epoch AS lastEpoch, last_outcome AS lastOutcome,
          epoch FROM validator_state WHERE chain = ?`,
      )
      .all(chain) as {
      idx: number;
      pubkey: string;
      status: ValidatorStatus;
      balance: number;
      activation: number;
      exit: number;
      slashed: number;
      missed: number;
      decreasing: number;
      lastEpoch: number | null;
      lastOutcome: AttestationOutcome | null;
      epoch: number;
    }[];
    return new Map(
      rows.map((row) => [
        row.idx,
        {
          index: row.idx,
          pubkey: row.pubkey,
          status: row.status,
          balanceGwei: row.balance,
          activationEpoch: epochIn(row.activation),
          exitEpoch: epochIn(row.exit),
          slashed: row.slashed === 1,
          missedInARow: row.missed,
          balanceDecreasingEpochs: row.decreasing,
          lastAttestationEpoch: row.lastEpoch,
          lastOutcome: row.lastOutcome,
          epoch: row.epoch,
        },
      ]),
    );
  }

  proposals(chain: string, filter: { fromEpoch: number; toEpoch: number; validatorIndex?: number }): StoredProposal[] {
    const rows = this.db
      .prepare(
        `SELECT slot, epoch, validator_index AS validatorIndex, watched, dependent_root AS dependentRoot, head_outcome
              AS outcome, finalized_outcome AS finalizedOutcome,
          block_root AS blockRoot, recorded_ms AS recordedMs FROM validator_proposals
        WHERE chain = ? AND epoch BETWEEN ? AND ?
        ${filter.validatorIndex === undefined ? '' : 'AND validator_index = ?'} ORDER BY slot`,
      )
      .all(
        chain,
        filter.fromEpoch,
        filter.toEpoch,
        ...(filter.validatorIndex === undefined ? [] : [filter.validatorIndex]),
      ) as (Omit<StoredProposal, 'watched'> & { watched: number })[];
    return rows.map((row) => ({ ...row, watched: row.watched === 1 }));
  }

  misses(
    chain: string,
    filter: { validatorIndex?: number; fromEpoch?: number; toEpoch?: number; sinceMs?: number; duty?: MissRow['duty'] },
  ): MissRow[] {
    const where = ['chain = ?'];
    const values: (string | number)[] = [chain];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      values.push(value);
    };
    add('validator_index = ?', filter.validatorIndex);
    add('epoch >= ?', filter.fromEpoch);
    add('epoch <= ?', filter.toEpoch);
    add('recorded_ms >= ?', filter.sinceMs);
    add('duty = ?', filter.duty);
    const rows = this.db
      .prepare(
        `SELECT validator_index AS validatorIndex, epoch, duty, slot, count, recorded_ms AS recordedMs FROM ` +
          `validator_misses WHERE ${where.join(' AND ')} ORDER BY epoch, validator_index LIMIT 10000`,
      )
      .all(...values) as MissRow[];
    return rows.map((row) => ({ ...row, slot: row.slot === -1 ? null : row.slot }));
  }

  slashings(chain: string, sinceMs: number): { validatorIndex: number; epoch: number; seenMs: number }[] {
    return this.db
      .prepare(
        'SELECT validator_index AS validatorIndex, epoch, seen_ms AS seenMs FROM ' +
          'validator_slashings WHERE chain = ? AND seen_ms >= ? ORDER BY seen_ms',
      )
      .all(chain, sinceMs) as never;
  }

  /** Per-scope rows of the epochs in [fromEpoch, toEpoch], newest first. */
  epochs(chain: string, filter: { scope?: string; fromEpoch?: number; toEpoch?: number; limit?: number }): EpochRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM validator_epochs WHERE chain = ? ` +
          `${filter.scope === undefined ? '' : 'AND scope = ?'} AND epoch ` +
          `BETWEEN ? AND ? ORDER BY epoch DESC, scope LIMIT ?`,
      )
      .all(
        chain,
        ...(filter.scope === undefined ? [] : [filter.scope]),
        filter.fromEpoch ?? 0,
        filter.toEpoch ?? Number.MAX_SAFE_INTEGER,
        filter.limit ?? 1_000,
      ) as Record<string, unknown>[];
    return rows.map(toEpochRow);
  }

  /** Epochs whose attestation stage ran, in [fromEpoch, toEpoch]. */
  processedEpochs(chain: string, fromEpoch: number, toEpoch: number): number[] {
    return (
      this.db
        .prepare(
          "SELECT epoch FROM validator_epochs WHERE chain = ? AND scope = 'watched' AND " +
            'attestations_due IS NOT NULL AND epoch BETWEEN ? AND ? ORDER BY epoch',
        )
        .all(chain, fromEpoch, toEpoch) as {
        epoch: number;
      }[]
    ).map((row) => row.epoch);
  }

  prune(
    nowMs: number,
    retention: { missesMs: number; epochsMs: number },
  ): { misses: number; epochs: number; proposals: number } {
    const missesCutoff = nowMs - retention.missesMs;
    const epochsCutoff = nowMs - retention.epochsMs;
    return {
      misses: this.db.prepare('DELETE FROM validator_misses WHERE recorded_ms < ?').run(missesCutoff).changes,
      proposals: this.db
        .prepare('DELETE FROM validator_proposals WHERE recorded_ms < ? AND finalized_outcome IS NOT NULL')
        .run(missesCutoff).changes,
      epochs: this.db.prepare('DELETE FROM validator_epochs WHERE updated_ms < ?').run(epochsCutoff).changes,
    };
  }

  private writeState(chain: string, state: WatchedValidatorState): void {
    this.statements.state!.run(
      chain,
      state.index,
      state.pubkey,
      state.status,
      state.balanceGwei,
      epochOut(state.activationEpoch),
      epochOut(state.exitEpoch),
      state.slashed ? 1 : 0,
      state.missedInARow,
      state.balanceDecreasingEpochs,
      state.lastAttestationEpoch,
      state.lastOutcome,
      state.epoch,
    );
  }

  private writeProposals(chain: string, proposals: readonly ProposalOutcome[], nowMs: number): void {
    for (const proposal of proposals) {
      this.statements.proposal!.run(
        chain,
        proposal.slot,
        proposal.epoch,
        proposal.validatorIndex,
        proposal.watched ? 1 : 0,
        proposal.dependentRoot,
        proposal.outcome,
        proposal.blockRoot,
        nowMs,
      );
      if (proposal.watched && proposal.outcome === 'missed')
        this.statements.miss!.run(chain, proposal.validatorIndex, proposal.epoch, 'proposal', proposal.slot, 1, nowMs);
    }
  }
}

function attestationRow(chain: string, result: AttestationEpochResult, totals: ScopeAttestationTotals, nowMs: number) {
  return {
    chain,
    epoch: result.epoch,
    scope: totals.scope,
    validators: totals.validators,
    active: totals.active,
    statusCounts: JSON.stringify(
      Object.fromEntries(Object.entries(totals.statusCounts).filter(([, count]) => count > 0)),
    ),
    balanceGwei: totals.balanceGwei,
    balanceChangeGwei: totals.balanceChangeGwei,
    due: totals.attestationsDue,
    missed: totals.missed,
    effective: totals.effective,
    // Liveness says only whether a validator attested, never which votes were right: unknown, not 0.
    source: result.signal === 'liveness' ? null : totals.sourceCorrect,
    target: result.signal === 'liveness' ? null : totals.targetCorrect,
    head: result.signal === 'liveness' ? null : totals.headCorrect,
    leak: result.leak ? 1 : 0,
    slashedNew: totals.slashedNew,
    now: nowMs,
  };
}

function toEpochRow(row: Record<string, unknown>): EpochRow {
  const n = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
  return {
    epoch: Number(row.epoch),
    scope: String(row.scope),
    validators: n('validators'),
    active: n('active'),
    statusCounts:
      typeof row.status_counts === 'string' ? (JSON.parse(row.status_counts) as Record<string, number>) : null,
    balanceGwei: n('balance_gwei'),
    balanceChangeGwei: n('balance_change_gwei'),
    attestationsDue: n('attestations_due'),
    attestationsMissed: n('attestations_missed'),
    attestationsEffective: n('attestations_effective'),
    sourceCorrect: n('source_correct'),
    targetCorrect: n('target_correct'),
    headCorrect: n('head_correct'),
    inactivityLeak: row.inactivity_leak === null ? null : row.inactivity_leak === 1,
    slashedNew: n('slashed_new'),
    proposalsDue: n('proposals_due'),
    proposalsMissed: n('proposals_missed'),
    proposalsFinalizedDue: n('proposals_finalized_due'),
    proposalsFinalizedMissed: n('proposals_finalized_missed'),
    syncDue: n('sync_due'),
    syncMissed: n('sync_missed'),
    updatedMs: Number(row.updated_ms),
  };
}
