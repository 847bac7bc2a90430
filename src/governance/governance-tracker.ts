// Keeps every governance target current: runs its ingestion steps, stores each batch (events, cursor,
// snapshot, state transitions and SLI outcomes in one transaction), folds the events into the target's model,
// and rolls back on a reorg. At start each target's state is replayed from the stored events, so a restart
// resumes at the stored cursor with nothing missed or counted twice. The views it serves are the models'.

import type { Database } from 'better-sqlite3';
import type { ChainReader } from './ingest/chain-reader.js';
import { GovernanceReadError } from './ingest/chain-reader.js';
import type { SkipReason } from './ingest/decode.js';
import { TargetIngestion, type StepResult } from './ingest/ingest-step.js';
import type { Clock } from '../domain/clock.js';
import type { GovernanceOutcome, GovernanceSnapshot, GovernanceTarget, IngestCursor } from '../domain/governance.js';
import { GovernanceStore, type ProposalStateRow } from './governance-store.js';
import type { GovernanceRoute } from './kinds/api.js';
import { governanceKinds } from './kinds/index.js';
import type { KindTargetSet, SignerPolicy, TargetReading, TrackedTarget, VerifiableDecision } from './kinds/kind.js';
import { GovernanceDecoder, type UserAbi } from './decode/governance-decoder.js';

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
  /** The target's state and last snapshot, held by its kind. */
  tracked: TrackedTarget;
  ingestion: TargetIngestion;
  cursor: IngestCursor | null;
  outcomes: Record<GovernanceOutcome['sli'], Set<string>>;
  status: TargetStatus;
  running: boolean;
}

export interface GovernanceTrackerHooks {
  onBatch?(
    target: GovernanceTarget,
    batch: {
      events: number;
      inserted: number;
      skipped: Partial<Record<SkipReason, number>>;
      blocks: number;
      durationMs: number;
    },
  ): void;
  onSkipped?(
    target: GovernanceTarget,
    skipped: { reason: SkipReason; blockNumber: number; logIndex: number; detail: string },
  ): void;
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
  /** Decodes the targets' decisions: the user's ABIs, the targets' ids, and what each watched proxy points at. */
  readonly decoder: GovernanceDecoder;
  /** One set per kind of the list, each holding that kind's targets. */
  private readonly kinds: KindTargetSet[];

  constructor(
    db: Database,
    targets: readonly GovernanceTarget[],
    private readonly deps: {
      clock: Clock;
      readers: ReadonlyMap<string, ChainReader>;
      hooks?: GovernanceTrackerHooks;
      /** The ABIs the user gave (`abis:`). */
      abis?: readonly UserAbi[];
    },
  ) {
    this.store = new GovernanceStore(db);
    const byAddress = new Map(targets.map((target) => [`${target.chain}/${target.address.toLowerCase()}`, target.id]));
    this.decoder = new GovernanceDecoder(targets, deps.abis ?? [], (chain, address) => {
      const id = byAddress.get(`${chain}/${address.toLowerCase()}`);
      return (id === undefined ? null : this.reading(id)?.implementation()) ?? undefined;
    });
    this.kinds = governanceKinds.map((kind) => kind.open(this.decoder));
    for (const target of targets) {
      const reader = deps.readers.get(target.chain);
      if (!reader) throw new Error(`no reader for chain "${target.chain}"`);
      const tracked = this.track(target);
      const runtime: TargetRuntime = {
        target,
        tracked,
        ingestion: new TargetIngestion(target, tracked.collector, reader, deps.clock),
        cursor: null,
        outcomes: { execution: new Set(), participation: new Set(), verification: new Set() },
        status: {
          cursorBlock: null,
          safeHead: null,
          caughtUp: false,
          lastRunMs: null,
          lastSuccessMs: null,
          lastError: null,
          endpoint: null,
          rangeSize: target.maxBlockRange,
        },
        running: false,
      };
      this.runtimes.set(target.id, runtime);
      this.replay(runtime);
    }
  }

  private track(target: GovernanceTarget): TrackedTarget {
    for (const kind of this.kinds) {
      const tracked = kind.track(target);
      if (tracked) return tracked;
    }
    throw new Error(`no governance kind "${target.kind}"`);
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

  /** The target's view at now, with what metrics and alerts read from it. */
  reading(id: string): TargetReading | undefined {
    return this.runtimes.get(id)?.tracked.reading(this.deps.clock.now());
  }

  /** The target's decisions still to run, to simulate before they do. */
  verifiable(id: string): VerifiableDecision[] {
    return this.runtimes.get(id)?.tracked.verifiable(this.deps.clock.now()) ?? [];
  }

  /** The owners and threshold policy of a watched multisig at that address on that chain, now. */
  signers(chain: string, address: string): SignerPolicy | undefined {
    const runtime = [...this.runtimes.values()].find(
      ({ target }) => target.chain === chain && target.address.toLowerCase() === address.toLowerCase(),
    );
    return runtime?.tracked.signers(this.deps.clock.now());
  }

  /** The target's view (its kind's), at now. */
  view(id: string): unknown {
    return this.reading(id)?.view;
  }

  snapshot(id: string): GovernanceSnapshot | null {
    return this.runtimes.get(id)?.tracked.snapshot ?? null;
  }

  /** Every kind's API routes, in the order of the list of kinds. */
  routes(): GovernanceRoute[] {
    const access = { target: (id: string) => this.target(id), store: this.store, now: () => this.deps.clock.now() };
    return this.kinds.flatMap((kind) => kind.routes(access));
  }

  /** Rebuilds a target's state from its stored events and last snapshot. */
  private replay(runtime: TargetRuntime): void {
    const { target, tracked } = runtime;
    tracked.reset();
    for (const event of this.store.events(target.id)) tracked.apply(event);
    tracked.snapshot = this.store.snapshot(target.id);
    runtime.cursor = this.store.cursor(target.id);
    runtime.status.cursorBlock = runtime.cursor?.blockNumber ?? null;
    runtime.outcomes = {
      execution: this.store.outcomeSubjects(target.id, 'execution'),
      participation: this.store.outcomeSubjects(target.id, 'participation'),
      // The verifier's own: decided by it, never by ingestion.
      verification: new Set(),
    };
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
          previousSnapshot: runtime.tracked.snapshot?.state ?? null,
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
      this.deps.hooks?.onReorg?.(target, {
        from: result.from.blockNumber,
        fork: result.fork?.blockNumber ?? null,
        removedEvents,
      });
      return;
    }
    for (const event of result.events) runtime.tracked.apply(event);
    const snapshot = result.snapshot ?? runtime.tracked.snapshot;
    const { proposalStates, outcomes } = this.derived(runtime, snapshot, result.to.blockNumber, result.to.blockTimeMs);
    const inserted = this.store.commit(
      {
        target: target.id,
        chain: target.chain,
        address: target.address,
        events: result.events,
        to: result.to,
        snapshot: result.snapshot ?? undefined,
        proposalStates,
        outcomes,
      },
      nowMs,
    );
    for (const outcome of outcomes) runtime.outcomes[outcome.sli].add(outcome.subject);
    runtime.tracked.snapshot = snapshot;
    runtime.cursor = { target: target.id, blockNumber: result.to.blockNumber, blockHash: result.to.blockHash };
    runtime.status.cursorBlock = result.to.blockNumber;
    runtime.status.caughtUp = result.caughtUp;
    runtime.status.safeHead = result.safeHead;
    const skipped: Partial<Record<SkipReason, number>> = {};
    for (const entry of result.skipped) {
      skipped[entry.reason] = (skipped[entry.reason] ?? 0) + 1;
      this.deps.hooks?.onSkipped?.(target, entry);
    }
    this.deps.hooks?.onBatch?.(target, {
      events: result.events.length,
      inserted,
      skipped,
      blocks: result.to.blockNumber - result.from + 1,
      durationMs,
    });
  }

  /** The proposal transitions and new SLI outcomes the target's kind decides as of its current state. */
  private derived(
    runtime: TargetRuntime,
    snapshot: GovernanceSnapshot | null,
    blockNumber: number,
    blockTimeMs: number,
  ): { proposalStates: ProposalStateRow[]; outcomes: GovernanceOutcome[] } {
    const { target } = runtime;
    const decisions = runtime.tracked.decisions(snapshot, blockTimeMs);
    return {
      proposalStates: decisions.transitions.map((transition) => ({ target: target.id, ...transition, blockNumber })),
      outcomes: decisions.outcomes.filter((outcome) => !runtime.outcomes[outcome.sli].has(outcome.subject)),
    };
  }

  /** Overdue executions are decided by the clock: recorded even when no new block came. */
  private recordTimeDecidedOutcomes(runtime: TargetRuntime): void {
    const nowMs = this.deps.clock.now();
    const due = runtime.tracked
      .decisions(runtime.tracked.snapshot, nowMs)
      .outcomes.filter((outcome) => !runtime.outcomes[outcome.sli].has(outcome.subject));
    if (due.length === 0) return;
    this.store.recordOutcomes(due, nowMs);
    for (const outcome of due) runtime.outcomes[outcome.sli].add(outcome.subject);
  }
}
