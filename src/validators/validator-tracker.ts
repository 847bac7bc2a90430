// Keeps each chain's watched validators current, one epoch at a time, in three stages with their own
// cursors (stored with each epoch's results, so a restart resumes after the last epoch stored):
//
//   stage         | runs for epoch E once the head is at | reads
//   --------------+--------------------------------------+-------------------------------------------------
//   blocks        | the start of E+1, plus 2 slots       | proposer duties of E, each slot's header, each
//                 |                                      | block's sync committee rewards
//   attestations  | the start of E+2, plus 1 slot        | the validator list at the start of E+2 (the state
//                 | (E+1 with the liveness signal)       | that has E's rewards applied), E's attestation
//                 |                                      | rewards, or the watched validators' liveness
//   finality      | the finalized epoch reaching E       | duties again, and the headers of blocks proposed
//
// Requests per epoch do not grow with the watched set: one validator list, one rewards response (or
// liveness in chunks of indices), one duties request and a header and a sync reward per slot. Each stage
// reads from one endpoint, the healthiest first, and moves to the next when one fails.

import type { Database } from 'better-sqlite3';
import type { Clock } from '../domain/clock.js';
import type { BeaconApi, BeaconTiming } from '../domain/beacon.js';
import { ValidatorStore, type ValidatorStage } from './validator-store.js';
import {
  AttestationEpoch,
  defaultAttestationThresholds,
  type AttestationEpochResult,
  type AttestationSignal,
  type AttestationThresholds,
  type WatchedValidatorState,
} from './attestation-epoch.js';
import {
  judgeBlockEpoch,
  judgeFinalizedProposals,
  type BlockEpochResult,
  type ProposalOutcome,
  type ScopeBlockTotals,
  type SlotSyncRewards,
} from './block-epoch.js';
import { ValidatorRegistry } from './validator-registry.js';
import { WatchList, type WatchedSet } from './watch-list.js';

export interface ValidatorChainSpec {
  chain: string;
  signal: AttestationSignal;
  sets: readonly WatchedSet[];
  backfillEpochs: number;
}

/** Where the tracker reads the consensus layer: the chain's endpoints in order of health, and each one's API. */
export interface BeaconAccess {
  endpoints(chain: string): string[];
  api(endpoint: string): BeaconApi;
  /** The chain's head slot and finalized epoch as the endpoint health probes last saw them, when they know. */
  head?(chain: string): { headSlot: number | null; finalizedEpoch: number | null } | undefined;
}

export interface ValidatorTrackerHooks {
  onAttestationEpoch?(chain: string, result: AttestationEpochResult, durationMs: number): void;
  onBlockEpoch?(chain: string, result: BlockEpochResult, durationMs: number): void;
  onFinalizedEpoch?(
    chain: string,
    epoch: number,
    proposals: readonly ProposalOutcome[],
    scopes: readonly ScopeBlockTotals[],
  ): void;
  onDutyReorg?(chain: string, epoch: number, from: string, to: string): void;
  onStageError?(chain: string, stage: ValidatorStage, epoch: number, endpoint: string, error: Error): void;
  onEpochSkipped?(chain: string, stage: ValidatorStage, epoch: number, reason: string): void;
}

export interface ValidatorChainStatus {
  headSlot: number | null;
  headEpoch: number | null;
  finalizedEpoch: number | null;
  cursors: Record<ValidatorStage, number | null>;
  lastRunMs: number | null;
  lastSuccessMs: number | null;
  lastError: { stage: ValidatorStage; epoch: number; errorClass: string; message: string; atMs: number } | null;
  /** Epochs the attestation stage is behind where it could be. */
  attestationEpochsBehind: number | null;
  /** Epochs the blocks stage is behind where it could be. */
  blockEpochsBehind: number | null;
  /**
   * The last epoch each stage processed since start; null until it has processed one. A cursor alone says
   * where a stage starts, not that it has processed anything (finality starts where blocks does).
   */
  lastProcessed: Record<ValidatorStage, number | null>;
}

interface ChainRuntime {
  spec: ValidatorChainSpec;
  watch: WatchList;
  registry: ValidatorRegistry;
  watched: Map<number, WatchedValidatorState>;
  timing: BeaconTiming | null;
  lastAttestation: AttestationEpochResult | null;
  lastBlocks: BlockEpochResult | null;
  lastFinalized: { epoch: number; scopes: readonly ScopeBlockTotals[] } | null;
  dependentRoots: Map<number, string>;
  /** Per stage, the epoch it is held on and the polls it was not found in (404), everywhere or somewhere. */
  notFound: Map<ValidatorStage, NotFoundTally>;
  status: ValidatorChainStatus;
  running: boolean;
}

/** The endpoint a stage reads an epoch from, by its id (for errors) and its API. */
interface Source {
  api: BeaconApi;
  endpoint: string;
}

const maxEpochsPerPoll = 8;
const headerConcurrency = 4;
interface NotFoundTally {
  epoch: number;
  /** Polls in which every endpoint answered 404. */
  everywhere: number;
  /** Polls in which some endpoint answered 404 and none had the epoch (the others failing otherwise). */
  somewhere: number;
}

/**
 * An epoch this far behind the head is skipped once no endpoint had it for this many polls: every endpoint
 * answering 404 (pruned or never had it), or some answering 404 and the others failing otherwise, which
 * waits longer since a failing endpoint may have the epoch once it is back. An epoch no endpoint answered
 * with a 404 (all down or failing) is never skipped: a node back later still has it.
 */
const skipNotFoundAfter = { epochsBehind: 4, pollsEverywhere: 3, pollsSomewhere: 10 };

export class ValidatorTracker {
  readonly store: ValidatorStore;
  private readonly runtimes = new Map<string, ChainRuntime>();

  constructor(
    db: Database,
    chains: readonly ValidatorChainSpec[],
    private readonly deps: {
      clock: Clock;
      beacon: BeaconAccess;
      hooks?: ValidatorTrackerHooks;
      thresholds?: AttestationThresholds;
    },
  ) {
    this.store = new ValidatorStore(db);
    for (const spec of chains) {
      const watch = new WatchList(spec.sets);
      const watched = this.store.watchedState(spec.chain);
      // Validators once resolved from a public key keep their index across restarts.
      for (const state of watched.values()) if (state.pubkey) watch.resolve(state.pubkey, state.index);
      this.runtimes.set(spec.chain, {
        spec,
        watch,
        registry: new ValidatorRegistry(),
        watched,
        timing: null,
        lastAttestation: null,
        lastBlocks: null,
        lastFinalized: null,
        dependentRoots: new Map(),
        notFound: new Map(),
        status: {
          headSlot: null,
          headEpoch: null,
          finalizedEpoch: null,
          cursors: {
            blocks: this.store.cursor(spec.chain, 'blocks'),
            attestations: this.store.cursor(spec.chain, 'attestations'),
            finality: this.store.cursor(spec.chain, 'finality'),
          },
          lastRunMs: null,
          lastSuccessMs: null,
          lastError: null,
          attestationEpochsBehind: null,
          blockEpochsBehind: null,
          lastProcessed: { blocks: null, attestations: null, finality: null },
        },
        running: false,
      });
    }
  }

  chains(): string[] {
    return [...this.runtimes.keys()];
  }

  watchList(chain: string): WatchList | undefined {
    return this.runtimes.get(chain)?.watch;
  }

  status(chain: string): ValidatorChainStatus | undefined {
    return this.runtimes.get(chain)?.status;
  }

  timing(chain: string): BeaconTiming | null {
    return this.runtimes.get(chain)?.timing ?? null;
  }

  watchedValidators(chain: string): ReadonlyMap<number, WatchedValidatorState> {
    return this.runtimes.get(chain)?.watched ?? new Map();
  }

  lastAttestation(chain: string): AttestationEpochResult | null {
    return this.runtimes.get(chain)?.lastAttestation ?? null;
  }

  lastBlocks(chain: string): BlockEpochResult | null {
    return this.runtimes.get(chain)?.lastBlocks ?? null;
  }

  lastFinalized(chain: string): { epoch: number; scopes: readonly ScopeBlockTotals[] } | null {
    return this.runtimes.get(chain)?.lastFinalized ?? null;
  }

  /** Runs every stage that is due, a bounded number of epochs each; overlapping polls of a chain are skipped. */
  async poll(chain: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const runtime = this.runtimes.get(chain);
    if (!runtime || runtime.running) return;
    runtime.running = true;
    runtime.status.lastRunMs = this.deps.clock.now();
    try {
      const head = await this.locateHead(runtime, options.signal);
      if (head === null) return;
      // Attestations first: their validator list resolves watched public keys before blocks are judged. A
      // stage that fails holds back only itself.
      let succeeded = true;
      for (const stage of ['attestations', 'blocks', 'finality'] as const)
        if (!(await this.runStage(runtime, stage, head, options.signal))) succeeded = false;
      await this.watchDuties(runtime, head.headEpoch, options.signal);
      if (succeeded) runtime.status.lastSuccessMs = this.deps.clock.now();
    } finally {
      runtime.running = false;
    }
  }

  private async locateHead(
    runtime: ChainRuntime,
    signal?: AbortSignal,
  ): Promise<{ headSlot: number; headEpoch: number; finalizedEpoch: number | null } | null> {
    const { chain } = runtime.spec;
    runtime.timing ??= await this.firstAnswer(runtime, 'blocks', -1, (api) => api.timing({ signal }));
    if (runtime.timing === null) return null;
    const { genesisTime, secondsPerSlot, slotsPerEpoch } = runtime.timing;
    const wallSlot = Math.floor((this.deps.clock.now() / 1_000 - genesisTime) / secondsPerSlot);
    if (wallSlot < 0) return null;
    const known = this.deps.beacon.head?.(chain);
    let headSlot = known?.headSlot ?? null;
    let finalizedEpoch = known?.finalizedEpoch ?? null;
    // Without a head from the health probes, the node's own; failing that the wall clock (not an error).
    if (headSlot === null)
      headSlot =
        (await this.firstAnswer(runtime, 'blocks', -1, (api) => api.header('head', { signal }), { quiet: true }))
          ?.slot ?? wallSlot;
    if (finalizedEpoch === null) {
      const finalized = await this.firstAnswer(runtime, 'finality', -1, (api) => api.header('finalized', { signal }), {
        quiet: true,
      });
      finalizedEpoch = finalized ? Math.floor(finalized.slot / slotsPerEpoch) : null;
    }
    headSlot = Math.min(headSlot, wallSlot);
    const headEpoch = Math.floor(headSlot / slotsPerEpoch);
    Object.assign(runtime.status, { headSlot, headEpoch, finalizedEpoch });
    return { headSlot, headEpoch, finalizedEpoch };
  }

  /** Processes the stage's due epochs; false when one failed (the cursor stays on it for the next poll). */
  private async runStage(
    runtime: ChainRuntime,
    stage: ValidatorStage,
    head: { headSlot: number; headEpoch: number; finalizedEpoch: number | null },
    signal?: AbortSignal,
  ): Promise<boolean> {
    const { chain } = runtime.spec;
    const slotsPerEpoch = runtime.timing!.slotsPerEpoch;
    const lag = stage === 'blocks' ? 1 : runtime.spec.signal === 'rewards' ? 2 : 1;
    const margin = stage === 'blocks' ? 2 : 1;
    const lastReady =
      stage === 'finality'
        ? Math.min(head.finalizedEpoch ?? -1, (runtime.status.cursors.blocks ?? 0) - 1)
        : Math.floor((head.headSlot - margin) / slotsPerEpoch) - lag;
    let next: number;
    const stored = runtime.status.cursors[stage];
    if (stored !== null) next = stored;
    else {
      // First start: a few epochs back at most; finality starts where the blocks stage does.
      next = Math.max(0, lastReady - runtime.spec.backfillEpochs);
      if (stage === 'finality') next = runtime.status.cursors.blocks ?? next;
      this.initCursor(runtime, stage, next);
      if (stage === 'blocks' && runtime.status.cursors.finality === null) this.initCursor(runtime, 'finality', next);
    }
    this.noteBehind(runtime, stage, lastReady, next);
    for (let count = 0; next <= lastReady && count < maxEpochsPerPoll; count += 1) {
      if (signal?.aborted) return false;
      const epoch = next;
      const done = await this.withFailover(runtime, stage, epoch, (api, endpoint) =>
        this.process(runtime, stage, epoch, { api, endpoint }, signal),
      );
      if (done) runtime.status.lastProcessed[stage] = epoch;
      else {
        const reason = skipReason(runtime.notFound.get(stage), epoch, head.headEpoch);
        if (reason === null) return false;
        this.deps.hooks?.onEpochSkipped?.(chain, stage, epoch, reason);
        this.store.setCursor(chain, stage, epoch + 1, this.deps.clock.now());
      }
      runtime.notFound.delete(stage);
      next = epoch + 1;
      runtime.status.cursors[stage] = next;
      this.noteBehind(runtime, stage, lastReady, next);
    }
    return true;
  }

  private noteBehind(runtime: ChainRuntime, stage: ValidatorStage, lastReady: number, next: number): void {
    const behind = Math.max(0, lastReady - next + 1);
    if (stage === 'attestations') runtime.status.attestationEpochsBehind = behind;
    else if (stage === 'blocks') runtime.status.blockEpochsBehind = behind;
  }

  private initCursor(runtime: ChainRuntime, stage: ValidatorStage, epoch: number): void {
    runtime.status.cursors[stage] = epoch;
    this.store.setCursor(runtime.spec.chain, stage, epoch, this.deps.clock.now());
  }

  private async process(
    runtime: ChainRuntime,
    stage: ValidatorStage,
    epoch: number,
    source: Source,
    signal?: AbortSignal,
  ): Promise<void> {
    if (stage === 'blocks') return this.processBlocks(runtime, epoch, source, signal);
    if (stage === 'attestations') return this.processAttestations(runtime, epoch, source.api, signal);
    return this.processFinality(runtime, epoch, source.api, signal);
  }

  private async processBlocks(
    runtime: ChainRuntime,
    epoch: number,
    source: Source,
    signal?: AbortSignal,
  ): Promise<void> {
    const { api } = source;
    const started = performance.now();
    const duties = await api.proposerDuties(epoch, { signal });
    this.noteDependentRoot(runtime, epoch, duties.dependentRoot);
    const slots = duties.duties.map((duty) => duty.slot);
    const headers = new Map(
      await mapLimit(slots, headerConcurrency, async (slot) => [slot, await api.header(slot, { signal })] as const),
    );
    const sync: SlotSyncRewards[] = await mapLimit(slots, headerConcurrency, async (slot) =>
      headers.get(slot) ? this.syncRewards(runtime, epoch, slot, source, signal) : { slot, rewards: null },
    );
    const result = judgeBlockEpoch(runtime.watch, epoch, duties, headers, sync);
    this.store.saveBlockEpoch(runtime.spec.chain, result, this.deps.clock.now());
    runtime.lastBlocks = result;
    this.deps.hooks?.onBlockEpoch?.(runtime.spec.chain, result, performance.now() - started);
  }

  /**
   * A block's sync committee rewards; a node without the block's state (404: pruned) leaves them unknown
   * with the error class, recorded as the stage's error, while the epoch's proposals are still judged.
   */
  private async syncRewards(
    runtime: ChainRuntime,
    epoch: number,
    slot: number,
    source: Source,
    signal?: AbortSignal,
  ): Promise<SlotSyncRewards> {
    try {
      return { slot, rewards: await source.api.syncCommitteeRewards(slot, { signal }) };
    } catch (error) {
      if (errorClassOf(error) !== 'not_found') throw error;
      this.recordError(runtime, 'blocks', epoch, source.endpoint, error as Error);
      return { slot, rewards: null, unknown: 'not_found' };
    }
  }

  private async processAttestations(
    runtime: ChainRuntime,
    epoch: number,
    api: BeaconApi,
    signal?: AbortSignal,
  ): Promise<void> {
    const started = performance.now();
    const lag = runtime.spec.signal === 'rewards' ? 2 : 1;
    const run = new AttestationEpoch(
      runtime.registry,
      runtime.watch,
      runtime.watched,
      epoch,
      runtime.spec.signal,
      this.deps.thresholds ?? defaultAttestationThresholds,
    );
    try {
      await api.validators((epoch + lag) * runtime.timing!.slotsPerEpoch, run.validator, { signal });
      let ideal: Awaited<ReturnType<BeaconApi['attestationRewards']>>['ideal'] = [];
      if (runtime.spec.signal === 'rewards')
        ideal = (await api.attestationRewards(epoch, run.reward, { signal })).ideal;
      else if (runtime.watch.size > 0)
        await api.liveness(epoch, [...runtime.watch.indices()], run.liveness, { signal });
      const result = run.finish(ideal);
      this.store.saveAttestationEpoch(runtime.spec.chain, result, this.deps.clock.now());
      runtime.lastAttestation = result;
      this.deps.hooks?.onAttestationEpoch?.(runtime.spec.chain, result, performance.now() - started);
    } finally {
      run.abandon();
    }
  }

  private async processFinality(
    runtime: ChainRuntime,
    epoch: number,
    api: BeaconApi,
    signal?: AbortSignal,
  ): Promise<void> {
    const { chain } = runtime.spec;
    const stored = this.store.proposals(chain, { fromEpoch: epoch, toEpoch: epoch });
    let atHead: ProposalOutcome[] = stored;
    let replaced: ProposalOutcome[] | undefined;
    const duties = await api.proposerDuties(epoch, { signal });
    if (stored.length > 0 && stored[0]!.dependentRoot !== duties.dependentRoot) {
      // The duties changed after the head was judged: judge the head again with the duties that stand.
      this.deps.hooks?.onDutyReorg?.(chain, epoch, stored[0]!.dependentRoot, duties.dependentRoot);
      const headers = new Map(
        await mapLimit(
          duties.duties,
          headerConcurrency,
          async (duty) => [duty.slot, await api.header(duty.slot, { signal })] as const,
        ),
      );
      atHead = replaced = judgeBlockEpoch(runtime.watch, epoch, duties, headers, []).proposals;
    }
    const proposed = atHead.filter((proposal) => proposal.outcome === 'proposed').map((proposal) => proposal.slot);
    const headers = new Map(
      await mapLimit(proposed, headerConcurrency, async (slot) => [slot, await api.header(slot, { signal })] as const),
    );
    const { proposals, scopes } = judgeFinalizedProposals(runtime.watch, atHead, headers);
    this.store.saveFinalizedEpoch(chain, epoch, proposals, scopes, this.deps.clock.now(), replaced);
    runtime.lastFinalized = { epoch, scopes };
    this.deps.hooks?.onFinalizedEpoch?.(chain, epoch, proposals, scopes);
  }

  /** The head epoch's duties, read every poll: a changed dependent root means they were re-computed. */
  private async watchDuties(runtime: ChainRuntime, epoch: number, signal?: AbortSignal): Promise<void> {
    const duties = await this.firstAnswer(runtime, 'blocks', epoch, (api) => api.proposerDuties(epoch, { signal }));
    if (duties) this.noteDependentRoot(runtime, epoch, duties.dependentRoot);
    for (const seen of runtime.dependentRoots.keys()) if (seen < epoch - 4) runtime.dependentRoots.delete(seen);
  }

  private noteDependentRoot(runtime: ChainRuntime, epoch: number, root: string): void {
    const before = runtime.dependentRoots.get(epoch);
    if (before !== undefined && before !== root)
      this.deps.hooks?.onDutyReorg?.(runtime.spec.chain, epoch, before, root);
    runtime.dependentRoots.set(epoch, root);
  }

  /** Runs `work` against each endpoint in turn until one succeeds; false when all failed. */
  private async withFailover(
    runtime: ChainRuntime,
    stage: ValidatorStage,
    epoch: number,
    work: (api: BeaconApi, endpoint: string) => Promise<void>,
  ): Promise<boolean> {
    let notFound = 0;
    const endpoints = this.deps.beacon.endpoints(runtime.spec.chain);
    for (const endpoint of endpoints) {
      try {
        await work(this.deps.beacon.api(endpoint), endpoint);
        return true;
      } catch (error) {
        if (isAbort(error)) throw error;
        if (errorClassOf(error) === 'not_found') notFound += 1;
        this.recordError(runtime, stage, epoch, endpoint, error as Error);
      }
    }
    if (notFound > 0) {
      const before = runtime.notFound.get(stage);
      const tally = before?.epoch === epoch ? before : { epoch, everywhere: 0, somewhere: 0 };
      if (notFound === endpoints.length) tally.everywhere += 1;
      tally.somewhere += 1;
      runtime.notFound.set(stage, tally);
    }
    return false;
  }

  /** The first endpoint's answer to a small request, or null when none answered. */
  private async firstAnswer<T>(
    runtime: ChainRuntime,
    stage: ValidatorStage,
    epoch: number,
    request: (api: BeaconApi) => Promise<T>,
    options: { quiet?: boolean } = {},
  ): Promise<T | null> {
    for (const endpoint of this.deps.beacon.endpoints(runtime.spec.chain)) {
      try {
        return await request(this.deps.beacon.api(endpoint));
      } catch (error) {
        if (isAbort(error)) throw error;
        if (!options.quiet) this.recordError(runtime, stage, epoch, endpoint, error as Error);
      }
    }
    return null;
  }

  private recordError(
    runtime: ChainRuntime,
    stage: ValidatorStage,
    epoch: number,
    endpoint: string,
    error: Error,
  ): void {
    const message = (error as { shortMessage?: string }).shortMessage ?? error.message;
    runtime.status.lastError = { stage, epoch, errorClass: errorClassOf(error), message, atMs: this.deps.clock.now() };
    this.deps.hooks?.onStageError?.(runtime.spec.chain, stage, epoch, endpoint, error);
  }
}

/** Why the stage gives up on `epoch`, or null while it should try again. */
function skipReason(tally: NotFoundTally | undefined, epoch: number, headEpoch: number): string | null {
  if (tally?.epoch !== epoch || headEpoch - epoch < skipNotFoundAfter.epochsBehind) return null;
  if (tally.everywhere >= skipNotFoundAfter.pollsEverywhere) return "no endpoint has the epoch's data";
  if (tally.somewhere >= skipNotFoundAfter.pollsSomewhere) return 'not found on some endpoints, failing on the others';
  return null;
}

function errorClassOf(error: unknown): string {
  const errorClass = (error as { errorClass?: unknown } | null)?.errorClass;
  return typeof errorClass === 'string' ? errorClass : 'unexpected';
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'AbortError' || name === 'ProbeAbortedError';
}

/** `work` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
