// Keeps every governance target current: runs its ingestion steps, stores each batch (events, cursor,
// snapshot, state transitions and SLI outcomes in one transaction), folds the events into the target's model,
// and rolls back on a reorg. At start each target's state is replayed from the stored events, so a restart
// resumes at the stored cursor with nothing missed or counted twice. The views it serves are the models'.

import type { Database } from 'better-sqlite3';
import type { ChainReader } from './ingest/chain-reader.js';
import { GovernanceReadError } from './ingest/chain-reader.js';
import type { SkipReason } from './ingest/decode.js';
import { TargetIngestion, type StepResult } from './ingest/ingest-step.js';
import { governanceCollectorKind } from './ingest/kinds/index.js';
import type { SnapshotRequest } from './ingest/kind.js';
import type { Clock } from '../domain/clock.js';
import { finalProposalStates, type GovernanceEvent, type GovernanceOutcome, type GovernanceSnapshot, type GovernanceTarget, type IngestCursor } from '../domain/governance.js';
import { GovernanceStore, type ProposalStateRow } from './governance-store.js';
import type { GovernorState, GovernorView } from './models/governor.js';
import { governanceModel } from './models/index.js';
import type { GovernanceModel } from './models/model.js';
import { proposalOutcomes, proposalTimeline } from './models/proposal-outcomes.js';

export interface TargetStatus {
  /** Every block up to this one is ingested (null before the first batch). */
  cursorBlock: number | null;
  /** head − confirmations at the last step. */
  safeHead: number | null;
  caughtUp: boolean;
  lastRunMs: number | null;
  lastSuccessMs: number | null;
  lastError: { errorClass: string; message: string; atMs: number } | null;
  endpoint: string | null;
  rangeSize: number;
}

interface TargetRuntime {
  target: GovernanceTarget;
  model: GovernanceModel<unknown, unknown, GovernanceTarget>;
  state: unknown;
  snapshot: GovernanceSnapshot | null;
  ingestion: TargetIngestion;
  cursor: IngestCursor | null;
  outcomes: Record<GovernanceOutcome['sli'], Set<string>>;
  status: TargetStatus;
  running: boolean;
}

export interface GovernanceTrackerHooks {
  onBatch?(target: GovernanceTarget, batch: { events: number; inserted: number; skipped: Partial<Record<SkipReason, number>>; blocks: number; durationMs: number }): void;
  onSkipped?(target: GovernanceTarget, skipped: { reason: SkipReason; blockNumber: number; logIndex: number; detail: string }): void;
  onReorg?(target: GovernanceTarget, reorg: { from: number; fork: number | null; removedEvents: number }): void;
  onError?(target: GovernanceTarget, error: GovernanceReadError | Error): void;
}

export interface PollOptions {
  /** Stop after this long even when not caught up; the next poll goes on from the cursor. */
  budgetMs?: number;
  signal?: AbortSignal;
}

export class GovernanceTracker {
  readonly store: GovernanceStore;
  private readonly runtimes = new Map<string, TargetRuntime>();

  constructor(
    db: Database,
    targets: readonly GovernanceTarget[],
    private readonly deps: { clock: Clock; readers: ReadonlyMap<string, ChainReader>; hooks?: GovernanceTrackerHooks },
  ) {
    this.store = new GovernanceStore(db);
    for (const target of targets) {
      const reader = deps.readers.get(target.chain);
      if (!reader) throw new Error(`no reader for chain "${target.chain}"`);
      const model = governanceModel(target.kind);
      const runtime: TargetRuntime = {
        target,
        model,
        state: model.initial(),
        snapshot: null,
        ingestion: new TargetIngestion(target, governanceCollectorKind(target.kind), reader, deps.clock),
        cursor: null,
        outcomes: { execution: new Set(), participation: new Set() },
        status: { cursorBlock: null, safeHead: null, caughtUp: false, lastRunMs: null, lastSuccessMs: null, lastError: null, endpoint: null, rangeSize: target.maxBlockRange },
        running: false,
      };
      this.runtimes.set(target.id, runtime);
      this.replay(runtime);
    }
  }

  targets(): GovernanceTarget[] {
    return [...this.runtimes.values()].map((runtime) => runtime.target);
  }

  target(id: string): GovernanceTarget | undefined {
    return this.runtimes.get(id)?.target;
  }

  status(id: string): TargetStatus | undefined {
    return this.runtimes.get(id)?.status;
  }

  /** The target's view (its kind's), at now. */
  view(id: string): unknown {
    const runtime = this.runtimes.get(id);
    return runtime ? runtime.model.view(runtime.target, runtime.state, runtime.snapshot, this.deps.clock.now()) : undefined;
  }

  snapshot(id: string): GovernanceSnapshot | null {
    return this.runtimes.get(id)?.snapshot ?? null;
  }

  /** Rebuilds a target's state from its stored events and last snapshot. */
  private replay(runtime: TargetRuntime): void {
    const { target, model } = runtime;
    runtime.state = model.initial();
    for (const event of this.store.events(target.id)) model.apply(runtime.state, event);
    runtime.snapshot = this.store.snapshot(target.id);
    runtime.cursor = this.store.cursor(target.id);
    runtime.status.cursorBlock = runtime.cursor?.blockNumber ?? null;
    runtime.outcomes = { execution: this.store.outcomeSubjects(target.id, 'execution'), participation: this.store.outcomeSubjects(target.id, 'participation') };
  }

  /**
   * Ingests a target until it is caught up with head − confirmations (or the budget is spent), storing each
   * step as it goes. A read failure is recorded in the target's status and reported, not thrown.
   */
  async poll(id: string, options: PollOptions = {}): Promise<TargetStatus> {
    const runtime = this.runtimes.get(id);
    if (!runtime) throw new Error(`no governance target "${id}"`);
    if (runtime.running) return runtime.status;
    runtime.running = true;
    const started = performance.now();
    const budgetMs = options.budgetMs ?? 10_000;
    try {
      runtime.status.lastRunMs = this.deps.clock.now();
      for (;;) {
        if (options.signal?.aborted) break;
        const stepStarted = performance.now();
        const result = await runtime.ingestion.step({
          cursor: runtime.cursor,
          checkpoints: () => this.store.checkpoints(id),
          snapshotRequest: (events) => this.snapshotRequest(runtime, events),
          previousSnapshot: runtime.snapshot?.state ?? null,
        });
        this.apply(runtime, result, performance.now() - stepStarted);
        runtime.status.lastSuccessMs = this.deps.clock.now();
        runtime.status.lastError = null;
        if (result.kind === 'idle' || (result.kind === 'batch' && result.caughtUp)) break;
        if (performance.now() - started > budgetMs) break;
      }
      this.recordTimeDecidedOutcomes(runtime);
    } catch (error) {
      const typed = error instanceof Error ? error : new Error(String(error));
      runtime.status.lastError = {
        errorClass: error instanceof GovernanceReadError ? error.errorClass : 'unexpected',
        message: (error as { shortMessage?: string }).shortMessage ?? typed.message.split('\n')[0]!,
        atMs: this.deps.clock.now(),
      };
      this.deps.hooks?.onError?.(runtime.target, typed);
    } finally {
      runtime.running = false;
      runtime.status.rangeSize = runtime.ingestion.currentRangeSize;
    }
    return runtime.status;
  }

  private apply(runtime: TargetRuntime, result: StepResult, durationMs: number): void {
    const { target } = runtime;
    runtime.status.endpoint = result.endpoint;
    const nowMs = this.deps.clock.now();
    if (result.kind === 'idle') {
      runtime.status.safeHead = result.safeHead;
      runtime.status.caughtUp = true;
      return;
    }
    if (result.kind === 'reorg') {
      const removedEvents = this.store.rollback(target.id, result.fork, nowMs);
      this.replay(runtime);
      runtime.status.caughtUp = false;
      this.deps.hooks?.onReorg?.(target, { from: result.from.blockNumber, fork: result.fork?.blockNumber ?? null, removedEvents });
      return;
    }
    for (const event of result.events) runtime.model.apply(runtime.state, event);
    const snapshot = result.snapshot ?? runtime.snapshot;
    const { proposalStates, outcomes } = this.derived(runtime, snapshot, result.to.blockNumber, result.to.blockTimeMs);
    const inserted = this.store.commit(
      { target: target.id, chain: target.chain, address: target.address, events: result.events, to: result.to, snapshot: result.snapshot ?? undefined, proposalStates, outcomes },
      nowMs,
    );
    for (const outcome of outcomes) runtime.outcomes[outcome.sli].add(outcome.subject);
    runtime.snapshot = snapshot;
    runtime.cursor = { target: target.id, blockNumber: result.to.blockNumber, blockHash: result.to.blockHash };
    runtime.status.cursorBlock = result.to.blockNumber;
    runtime.status.caughtUp = result.caughtUp;
    runtime.status.safeHead = result.safeHead;
    const skipped: Partial<Record<SkipReason, number>> = {};
    for (const entry of result.skipped) {
      skipped[entry.reason] = (skipped[entry.reason] ?? 0) + 1;
      this.deps.hooks?.onSkipped?.(target, entry);
    }
    this.deps.hooks?.onBatch?.(target, { events: result.events.length, inserted, skipped, blocks: result.to.blockNumber - result.from + 1, durationMs });
  }

  /** A governor's proposal transitions and SLI outcomes as of its current state; nothing for other kinds. */
  private derived(runtime: TargetRuntime, snapshot: GovernanceSnapshot | null, blockNumber: number, blockTimeMs: number): { proposalStates: ProposalStateRow[]; outcomes: GovernanceOutcome[] } {
    const { target } = runtime;
    if (target.kind !== 'governor' || snapshot === null) return { proposalStates: [], outcomes: [] };
    const view = runtime.model.view(target, runtime.state, snapshot, blockTimeMs) as GovernorView;
    const proposalStates: ProposalStateRow[] = [];
    const outcomes: GovernanceOutcome[] = [];
    for (const proposal of view.proposals) {
      for (const entry of proposalTimeline(proposal, blockTimeMs)) proposalStates.push({ target: target.id, proposalId: proposal.id, state: entry.state, atMs: entry.atMs, blockNumber });
      for (const outcome of proposalOutcomes(target, proposal, blockTimeMs)) if (!runtime.outcomes[outcome.sli].has(outcome.subject)) outcomes.push(outcome);
    }
    return { proposalStates, outcomes };
  }

  /** Overdue executions are decided by the clock: recorded even when no new block came. */
  private recordTimeDecidedOutcomes(runtime: TargetRuntime): void {
    const { target } = runtime;
    if (target.kind !== 'governor' || runtime.snapshot === null) return;
    const nowMs = this.deps.clock.now();
    const view = runtime.model.view(target, runtime.state, runtime.snapshot, nowMs) as GovernorView;
    const due = view.proposals.flatMap((proposal) => proposalOutcomes(target, proposal, nowMs)).filter((outcome) => !runtime.outcomes[outcome.sli].has(outcome.subject));
    if (due.length === 0) return;
    this.store.recordOutcomes(due, nowMs);
    for (const outcome of due) runtime.outcomes[outcome.sli].add(outcome.subject);
  }

  /**
   * Proposals to read: those created in this step's events, those never read (executed or canceled before
   * the first read included, so that their quorum and deadline are known), and those whose state may still
   * change (not final by their last read, nor executed or canceled).
   */
  private snapshotRequest(runtime: TargetRuntime, events: readonly GovernanceEvent[]): SnapshotRequest {
    if (runtime.target.kind !== 'governor') return { openProposals: [] };
    const state = runtime.state as GovernorState;
    const reads = (runtime.snapshot?.state.proposals ?? {}) as Record<string, { state?: string }>;
    const known = [...state.proposals.values()]
      .filter((proposal) => reads[proposal.id] === undefined || (proposal.executedAtMs === null && proposal.canceledAtMs === null && !finalProposalStates.includes(reads[proposal.id]?.state as never)))
      .map((proposal) => ({ id: proposal.id, voteStart: proposal.voteStart, voteEnd: proposal.voteEnd }));
    const created = events
      .filter((event) => event.name === 'ProposalCreated' && !state.proposals.has(String(event.args.proposalId)))
      .map((event) => ({ id: String(event.args.proposalId), voteStart: Number(event.args.voteStart), voteEnd: Number(event.args.voteEnd) }));
    return { openProposals: [...known, ...created] };
  }
}
