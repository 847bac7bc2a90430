// The simulated beacon node as tests, the demo and benchmarks drive it: one method per scenario or fault,
// each deterministic, plus the node's own controls (syncing, lag, down, restart, peers), the execution
// chain its payloads are linked to, and the count of requests it served per route.

import { BeaconChain, type BeaconSimOptions } from './chain.js';
import type { ExecutionChain } from './execution.js';
import { pubkeyOf } from './hash.js';
import { FAR } from './validators.js';

export class BeaconSim {
  readonly chain: BeaconChain;
  private readonly counts = new Map<string, number>();
  private readonly downListeners = new Set<(down: boolean) => void>();

  private execution: ExecutionChain | null;

  constructor(options: BeaconSimOptions = {}) {
    this.chain = new BeaconChain(options);
    this.execution = options.executionChain ?? null;
  }

  // --- reading the chain ------------------------------------------------------------------------

  headSlot(): number {
    return this.chain.headSlot();
  }

  headEpoch(): number {
    return this.chain.headEpoch();
  }

  wallClockSlot(): number {
    return this.chain.wallClockSlot();
  }

  finalizedEpoch(): number {
    return this.chain.finalizedEpoch();
  }

  validatorCount(): number {
    return this.chain.registry.count;
  }

  pubkey(index: number): string {
    return pubkeyOf(this.chain.seed, index);
  }

  /** The proposer scheduled at `slot` as the duties now stand. */
  proposerOf(slot: number): number | null {
    return this.chain.proposerOf(slot);
  }

  // --- the execution chain ---------------------------------------------------------------------

  /** Links the blocks' payloads to an execution chain (e.g. `anvilExecutionChain(anvil.url)`); null unlinks. */
  linkExecution(chain: ExecutionChain | null): void {
    this.execution = chain;
  }

  /** The linked execution chain; null while the payloads are synthetic. */
  executionChain(): ExecutionChain | null {
    return this.execution;
  }

  // --- validators' faults -----------------------------------------------------------------------

  /** The validators miss their attestations (and so are not live) from `fromEpoch` to `toEpoch`, inclusive. */
  missAttestations(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.chain.scenario.missAttestations(indices, fromEpoch, toEpoch);
  }

  /** The validators attest on time, but for the wrong head. */
  wrongHead(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.chain.scenario.wrongHead(indices, fromEpoch, toEpoch);
  }

  /** The proposer of `slot` does not propose: the slot stays empty. */
  missProposal(slot: number): void {
    this.chain.scenario.emptySlot(slot);
  }

  /** The validator proposes none of the blocks it is scheduled for in the epochs. */
  missProposals(validator: number, fromEpoch: number, toEpoch: number): void {
    this.chain.scenario.missProposals(validator, fromEpoch, toEpoch);
  }

  emptySlot(slot: number): void {
    this.chain.scenario.emptySlot(slot);
  }

  /** The block at `slot` stays in the head's view until its epoch is finalized, then it is gone (404). */
  orphanBlock(slot: number): void {
    this.chain.scenario.orphanBlock(slot);
  }

  missSyncCommittee(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.chain.scenario.missSyncCommittee(indices, fromEpoch, toEpoch);
  }

  // --- validators' lifecycle (epochs at or after the head's: balances already carried forward stay) ---

  /** Slashed in `epoch` (at or after the head's): penalised, exiting five epochs later. */
  slash(index: number, epoch: number): void {
    this.chain.registry.slash(index, epoch);
    this.chain.invalidate();
  }

  /** Activation at `epoch`; the validator is queued (pending_queued) until then. */
  activate(index: number, epoch: number): void {
    this.chain.registry.activate(index, epoch, this.chain.headEpoch());
    this.chain.invalidate();
  }

  /** Exits at `exitEpoch`; the exit is known (active_exiting) from the head's epoch. */
  exit(index: number, exitEpoch: number): void {
    this.chain.registry.exitAt(index, exitEpoch, this.chain.headEpoch());
    this.chain.invalidate();
  }

  /** Deposits of new validators, pending_initialized from the next epoch; returns the first new index. */
  addPendingValidators(count: number): number {
    return this.chain.addValidators(count, { eligibility: FAR, activation: FAR });
  }

  // --- chain faults -----------------------------------------------------------------------------

  /** A reorg that changes the epoch's proposer duties: a new dependent_root and new proposers, from now on. */
  reorgDuties(epoch: number): void {
    this.chain.scenario.reorgDuties(epoch);
  }

  /** Justification and finalization stop at the head's epoch (true) or resume (false). */
  stallFinality(stalled: boolean): void {
    this.chain.scenario.stallFinality(stalled, this.chain.headEpoch());
  }

  // --- the node ---------------------------------------------------------------------------------

  /** A syncing node says so on /eth/v1/node/syncing, keeps its head where it was, and answers 503 on data routes. */
  setSyncing(syncing: boolean): void {
    const { node } = this.chain;
    if (syncing && !node.syncing) node.syncingHeadSlot = this.chain.headSlot();
    node.syncing = syncing;
  }

  setLag(slots: number): void {
    this.chain.node.lagSlots = Math.max(0, Math.floor(slots));
  }

  /** A down node closes every connection, open or new. */
  setDown(down: boolean): void {
    this.chain.node.down = down;
    for (const listener of this.downListeners) listener(down);
  }

  isDown(): boolean {
    return this.chain.node.down;
  }

  /** Down for `restartDownMs`, then back; it forgets the liveness it saw before. Resolves once it is back. */
  async restart(): Promise<void> {
    this.setDown(true);
    await new Promise((resolve) => setTimeout(resolve, this.chain.options.restartDownMs));
    this.chain.node.observedFromSlot = this.chain.wallClockSlot();
    this.setDown(false);
  }

  setPeers(count: number): void {
    this.chain.node.peers = Math.max(0, Math.floor(count));
  }

  onDownChange(listener: (down: boolean) => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  // --- requests ---------------------------------------------------------------------------------

  recordRequest(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  /** Requests served per route template, e.g. `GET /eth/v1/beacon/headers/{block_id}`. */
  requests(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetRequests(): void {
    this.counts.clear();
  }
}
