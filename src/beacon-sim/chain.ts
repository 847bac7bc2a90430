// The simulated consensus chain: slots from a clock, blocks and proposers, justification and finality,
// validator balances moved epoch by epoch by Altair-style attestation rewards and penalties, liveness and
// sync committees. Everything is a function of the seed, the scenario and the clock's time; balances are
// the only state carried forward, one epoch at a time, with a few recent epochs kept for older states.

import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { ExecutionChain } from './execution.js';
import { hash, hexOf, seedOf, Tag, unit, zeroRoot } from './hash.js';
import {
  type AttestationRewardParts,
  attestationRewardParts,
  type EpochSummary,
  GWEI_PER_ETH,
  type IdealReward,
  idealRewards,
  MAX_EFFECTIVE_INCREMENTS,
  MIN_EPOCHS_TO_INACTIVITY_PENALTY,
  MIN_SLASHING_PENALTY_QUOTIENT,
  syncParticipantReward,
} from './rewards.js';
import { Attestation, NodeState, Scenario } from './scenario.js';
import { FAR, ValidatorRegistry } from './validators.js';

export interface BeaconSimOptions {
  seed?: number | string;
  /** Validators active from genesis. */
  validatorCount?: number;
  /** Further validators waiting for activation: half pending_initialized, half pending_queued. */
  pendingCount?: number;
  slotsPerEpoch?: number;
  secondsPerSlot?: number;
  /** Seconds; by default four epochs before the clock's time, on a slot boundary. */
  genesisTime?: number;
  epochsPerSyncCommitteePeriod?: number;
  syncCommitteeSize?: number;
  clock?: Clock;
  attestationMissRate?: number;
  syncMissRate?: number;
  proposalMissRate?: number;
  withdrawabilityDelayEpochs?: number;
  slashingsVectorEpochs?: number;
  /** Epochs of validator balances kept before the head's (besides the finalized state's). */
  stateHistoryEpochs?: number;
  /** How long `restart()` keeps the node down, in real milliseconds. */
  restartDownMs?: number;
  configName?: string;
  version?: string;
  /** The execution chain the blocks' payloads come from; a synthetic one drawn from the seed by default. */
  executionChain?: ExecutionChain;
}

export type ResolvedOptions = Required<Omit<BeaconSimOptions, 'seed' | 'clock' | 'executionChain'>> & {
  seed: number;
  clock: Clock;
};

export interface BlockHeaderView {
  slot: number;
  proposerIndex: number;
  root: string;
  parentRoot: string;
  stateRoot: string;
  bodyRoot: string;
  signature: string;
}

export interface Checkpoints {
  previousJustified: number;
  currentJustified: number;
  finalized: number;
}

/** Validator balances of one state. */
export interface BalanceState {
  epoch: number;
  count: number;
  balances: Float64Array;
  /** Effective balances in increments of 1 ETH. */
  effective: Uint16Array;
}

/** The subnets a sync committee is split into for `validator_aggregates`. */
export const SYNC_COMMITTEE_SUBNET_COUNT = 4;

export function resolveOptions(options: BeaconSimOptions): ResolvedOptions {
  const clock = options.clock ?? systemClock;
  const slotsPerEpoch = options.slotsPerEpoch ?? 32;
  const secondsPerSlot = options.secondsPerSlot ?? 12;
  const nowSeconds = Math.floor(clock.now() / 1000);
  return {
    seed: seedOf(options.seed ?? 1),
    clock,
    validatorCount: options.validatorCount ?? 64,
    pendingCount: options.pendingCount ?? 0,
    slotsPerEpoch,
    secondsPerSlot,
    genesisTime: options.genesisTime ?? nowSeconds - (nowSeconds % secondsPerSlot) - 4 * slotsPerEpoch * secondsPerSlot,
    epochsPerSyncCommitteePeriod: options.epochsPerSyncCommitteePeriod ?? 256,
    syncCommitteeSize: options.syncCommitteeSize ?? 512,
    attestationMissRate: options.attestationMissRate ?? 0.01,
    syncMissRate: options.syncMissRate ?? 0.01,
    proposalMissRate: options.proposalMissRate ?? 0,
    withdrawabilityDelayEpochs: options.withdrawabilityDelayEpochs ?? 256,
    slashingsVectorEpochs: options.slashingsVectorEpochs ?? 8192,
    stateHistoryEpochs: options.stateHistoryEpochs ?? 4,
    restartDownMs: options.restartDownMs ?? 200,
    configName: options.configName ?? 'ere-sim',
    version: options.version ?? 'BeaconSim/v1.0.0/x86_64-linux',
  };
}

export class BeaconChain {
  readonly options: ResolvedOptions;
  readonly seed: number;
  readonly registry: ValidatorRegistry;
  readonly scenario: Scenario;
  readonly node = new NodeState();
  readonly genesisBlockRoot: string;
  private balances: Float64Array;
  private effective: Uint16Array;
  private processedEpoch: number;
  private readonly states = new Map<number, BalanceState>();
  private readonly summaries = new Map<number, EpochSummary>();
  private readonly committees = new Map<number, { version: number; members: number[] }>();

  constructor(options: BeaconSimOptions) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.seed = o.seed;
    this.genesisBlockRoot = hexOf(32, this.seed, Tag.GenesisRoot, 0);
    this.scenario = new Scenario({
      attestationMissRate: o.attestationMissRate,
      syncMissRate: o.syncMissRate,
      proposalMissRate: o.proposalMissRate,
    });
    this.registry = new ValidatorRegistry({
      withdrawabilityDelayEpochs: o.withdrawabilityDelayEpochs,
      slashingsVectorEpochs: o.slashingsVectorEpochs,
    });
    this.registry.add(o.validatorCount, 0, { eligibility: 0, activation: 0 });
    const initialized = Math.floor(o.pendingCount / 2);
    this.registry.add(initialized, 0, { eligibility: FAR, activation: FAR });
    this.registry.add(o.pendingCount - initialized, 0, { eligibility: 0, activation: FAR });

    // History starts a few epochs before the head, so that the finalized state and recent rewards exist.
    this.processedEpoch = Math.max(0, this.epochOf(this.headSlot()) - o.stateHistoryEpochs);
    this.balances = new Float64Array(this.registry.count);
    this.effective = new Uint16Array(this.registry.count);
    for (let v = 0; v < this.registry.count; v += 1) {
      const active = this.registry.isActive(v, this.processedEpoch);
      const drift =
        active && this.processedEpoch > 0
          ? Math.floor(unit(this.seed, Tag.InitialBalance, v) * 0.02 * GWEI_PER_ETH)
          : 0;
      this.balances[v] = 32 * GWEI_PER_ETH + drift;
      this.effective[v] = MAX_EFFECTIVE_INCREMENTS;
    }
    this.keepState();
  }

  // --- time -------------------------------------------------------------------------------------

  epochOf(slot: number): number {
    return Math.floor(slot / this.options.slotsPerEpoch);
  }

  startSlot(epoch: number): number {
    return epoch * this.options.slotsPerEpoch;
  }

  wallClockSlot(): number {
    const seconds = this.options.clock.now() / 1000 - this.options.genesisTime;
    return Math.max(0, Math.floor(seconds / this.options.secondsPerSlot));
  }

  headSlot(): number {
    const head = Math.max(0, this.wallClockSlot() - this.node.lagSlots);
    return this.node.syncing ? Math.min(head, this.node.syncingHeadSlot) : head;
  }

  headEpoch(): number {
    return this.epochOf(this.headSlot());
  }

  // --- blocks -----------------------------------------------------------------------------------

  /** The validator scheduled to propose at `slot`, drawn from those active then; null if none is. */
  proposerOf(slot: number): number | null {
    const epoch = this.epochOf(slot);
    const count = this.registry.countAt(epoch);
    if (count === 0) return null;
    const generation = this.scenario.reorgGeneration(epoch);
    let candidate = 0;
    for (let attempt = 0; attempt < 64; attempt += 1) {
      candidate = hash(this.seed, Tag.Proposer, slot, generation, attempt) % count;
      if (this.registry.isActive(candidate, epoch)) return candidate;
    }
    for (let offset = 1; offset < count; offset += 1) {
      const index = (candidate + offset) % count;
      if (this.registry.isActive(index, epoch)) return index;
    }
    return null;
  }

  /** Whether the head's chain has a block at `slot` (at or before the head). */
  hasBlock(slot: number): boolean {
    if (slot === 0) return true;
    if (slot > this.headSlot()) return false;
    if (this.isReorgBoundary(slot)) return true;
    if (this.scenario.isEmptySlot(slot)) return false;
    const epoch = this.epochOf(slot);
    if (this.scenario.isOrphaned(slot) && epoch <= this.finalizedEpoch()) return false;
    const proposer = this.proposerOf(slot);
    if (proposer === null || this.registry.isSlashed(proposer, epoch)) return false;
    if (this.scenario.missesProposal(proposer, epoch)) return false;
    return unit(this.seed, Tag.ProposalMiss, slot) >= this.options.proposalMissRate;
  }

  /** The slot of the latest block at or before `slot`. */
  blockSlotAtOrBefore(slot: number): number {
    for (let candidate = Math.min(slot, this.headSlot()); candidate > 0; candidate -= 1) {
      if (this.hasBlock(candidate)) return candidate;
    }
    return 0;
  }

  blockRoot(slot: number): string {
    return slot === 0 ? this.genesisBlockRoot : hexOf(32, this.seed, Tag.BlockRoot, slot, this.blockGeneration(slot));
  }

  header(slot: number): BlockHeaderView {
    const generation = this.blockGeneration(slot);
    return {
      slot,
      proposerIndex: slot === 0 ? 0 : (this.proposerOf(slot) ?? 0),
      root: this.blockRoot(slot),
      parentRoot: slot === 0 ? zeroRoot : this.blockRoot(this.blockSlotAtOrBefore(slot - 1)),
      stateRoot: hexOf(32, this.seed, Tag.StateRoot, slot, generation),
      bodyRoot: hexOf(32, this.seed, Tag.BodyRoot, slot, generation),
      signature: hexOf(96, this.seed, Tag.Signature, slot, generation),
    };
  }

  /** The slot of the block with this root, searched back from the head. */
  slotOfRoot(root: string): number | null {
    const wanted = root.toLowerCase();
    const head = this.headSlot();
    for (let slot = head; slot >= 0 && slot > head - 8192; slot -= 1) {
      if (this.hasBlock(slot) && this.blockRoot(slot) === wanted) return slot;
    }
    return null;
  }

  /**
   * The root proposer duties of `epoch` depend on: the block at the epoch's first slot - 1. A reorg of the
   * epoch's duties replaces that block (its root carries the reorg generation) and redraws the proposers.
   */
  dependentRoot(epoch: number): string {
    const boundary = epoch === 0 ? 0 : this.startSlot(epoch) - 1;
    const slot = this.blockSlotAtOrBefore(boundary);
    const generation = this.scenario.reorgGeneration(epoch);
    if (generation > 0 && (slot !== boundary || epoch === 0))
      return hexOf(32, this.seed, Tag.BlockRoot, boundary, generation);
    return this.blockRoot(slot);
  }

  private blockGeneration(slot: number): number {
    const { slotsPerEpoch } = this.options;
    return (slot + 1) % slotsPerEpoch === 0 ? this.scenario.reorgGeneration(this.epochOf(slot) + 1) : 0;
  }

  private isReorgBoundary(slot: number): boolean {
    return (slot + 1) % this.options.slotsPerEpoch === 0 && this.scenario.reorgGeneration(this.epochOf(slot) + 1) > 0;
  }

  // --- finality ---------------------------------------------------------------------------------

  /** The checkpoints a state at `epoch` holds: justified one epoch back and finalized two, until finality stalls. */
  checkpoints(epoch: number): Checkpoints {
    const base = this.scenario.stalledSince(epoch) ?? epoch;
    return {
      previousJustified: Math.max(0, base - 2),
      currentJustified: Math.max(0, base - 1),
      finalized: Math.max(0, base - 2),
    };
  }

  checkpointRoot(epoch: number): string {
    return epoch === 0 ? zeroRoot : this.blockRoot(this.blockSlotAtOrBefore(this.startSlot(epoch)));
  }

  finalizedEpoch(): number {
    return this.checkpoints(this.headEpoch()).finalized;
  }

  /** Whether the rewards of `epoch` are those of an inactivity leak (finality more than 4 epochs behind). */
  inLeak(epoch: number): boolean {
    return this.finalityDelay(epoch) > MIN_EPOCHS_TO_INACTIVITY_PENALTY;
  }

  private finalityDelay(epoch: number): number {
    return epoch - this.checkpoints(epoch + 1).finalized;
  }

  // --- balances ---------------------------------------------------------------------------------

  /** Validator balances of the state at `epoch`, or null when it is no longer (or not yet) kept. */
  stateAt(epoch: number): BalanceState | null {
    while (this.processedEpoch < epoch) this.processEpoch();
    return this.states.get(epoch) ?? null;
  }

  /** Carries balances from the state at epoch P to P + 1: rewards of P - 1, slashings, withdrawals. */
  private processEpoch(): void {
    const epoch = this.processedEpoch;
    const rewardEpoch = epoch - 1;
    const existing = this.registry.countAt(epoch);
    const next = this.registry.countAt(epoch + 1);
    this.ensureBalanceCapacity(next, existing);
    const summary = rewardEpoch >= 0 ? this.summaryWith(rewardEpoch, this.effective) : null;
    const leak = rewardEpoch >= 0 && this.inLeak(rewardEpoch);
    const { registry } = this;
    for (let v = 0; v < existing; v += 1) {
      let balance = this.balances[v] as number;
      const increments = this.effective[v] as number;
      if (summary && registry.isRewardEligible(v, rewardEpoch)) {
        const parts = this.rewardParts(v, rewardEpoch, increments, summary, leak);
        balance += parts.head + parts.target + parts.source + parts.inactivity;
      }
      if (registry.slashedAt[v] === epoch)
        balance -= Math.floor((increments * GWEI_PER_ETH) / MIN_SLASHING_PENALTY_QUOTIENT);
      if ((registry.withdrawable[v] as number) <= epoch && (registry.exitKnown[v] as number) <= epoch) balance = 0;
      balance = Math.max(0, balance);
      this.balances[v] = balance;
      // Effective balance with the spec's hysteresis: down below effective - 0.25 ETH, up above effective + 1.25 ETH.
      if (
        balance + 0.25 * GWEI_PER_ETH < increments * GWEI_PER_ETH ||
        increments * GWEI_PER_ETH + 1.25 * GWEI_PER_ETH < balance
      ) {
        this.effective[v] = Math.min(MAX_EFFECTIVE_INCREMENTS, Math.floor(balance / GWEI_PER_ETH));
      }
    }
    this.processedEpoch = epoch + 1;
    this.keepState();
  }

  private ensureBalanceCapacity(count: number, existing: number): void {
    if (count > this.balances.length) {
      const capacity = Math.max(count, Math.ceil(this.balances.length * 1.25));
      const balances = new Float64Array(capacity);
      balances.set(this.balances);
      const effective = new Uint16Array(capacity);
      effective.set(this.effective);
      this.balances = balances;
      this.effective = effective;
    }
    this.balances.fill(32 * GWEI_PER_ETH, existing, count);
    this.effective.fill(MAX_EFFECTIVE_INCREMENTS, existing, count);
  }

  private keepState(): void {
    const epoch = this.processedEpoch;
    const count = this.registry.countAt(epoch);
    this.states.set(epoch, {
      epoch,
      count,
      balances: this.balances.slice(0, count),
      effective: this.effective.slice(0, count),
    });
    const finalized = this.checkpoints(epoch).finalized;
    for (const kept of this.states.keys()) {
      if (kept < epoch - this.options.stateHistoryEpochs && kept !== finalized) this.states.delete(kept);
    }
  }

  /** Adds validators (deposits processed at the head's epoch); returns the first new index. */
  addValidators(count: number, lifecycle: { eligibility: number; activation: number }): number {
    const epoch = this.headEpoch() + 1;
    this.stateAt(this.headEpoch());
    this.invalidate();
    return this.registry.add(count, epoch, lifecycle);
  }

  invalidate(): void {
    this.scenario.version += 1;
  }

  // --- attestations and rewards ------------------------------------------------------------------

  attestation(validator: number, epoch: number): Attestation {
    if (this.registry.isSlashed(validator, epoch)) return Attestation.Missed;
    const scripted = this.scenario.scriptedAttestation(validator, epoch);
    if (scripted !== null) return scripted;
    return unit(this.seed, Tag.AttestationMiss, validator, epoch) < this.options.attestationMissRate
      ? Attestation.Missed
      : Attestation.Timely;
  }

  /** The slot a validator attests in during `epoch`. */
  attestationSlot(validator: number, epoch: number): number {
    return (
      this.startSlot(epoch) + (hash(this.seed, Tag.AttestationSlot, validator, epoch) % this.options.slotsPerEpoch)
    );
  }

  /** The state whose effective balances weigh the rewards of `epoch` (the one that processes them), or null. */
  rewardState(epoch: number): BalanceState | null {
    if (epoch + 2 > this.headEpoch()) return null;
    return this.stateAt(epoch + 1);
  }

  summary(epoch: number, state: BalanceState): EpochSummary {
    return this.summaryWith(epoch, state.effective);
  }

  private summaryWith(epoch: number, effective: Uint16Array): EpochSummary {
    const cached = this.summaries.get(epoch);
    if (cached && cached.version === this.scenario.version) return cached;
    let activeIncrements = 0;
    let sourceIncrements = 0;
    let headIncrements = 0;
    const count = Math.min(this.registry.countAt(epoch), effective.length);
    for (let v = 0; v < count; v += 1) {
      if (!this.registry.isActive(v, epoch)) continue;
      const increments = effective[v] as number;
      activeIncrements += increments;
      const outcome = this.attestation(v, epoch);
      if (outcome !== Attestation.Missed) sourceIncrements += increments;
      if (outcome === Attestation.Timely) headIncrements += increments;
    }
    const summary = {
      version: this.scenario.version,
      activeIncrements: Math.max(1, activeIncrements),
      sourceIncrements,
      headIncrements,
    };
    this.summaries.set(epoch, summary);
    if (this.summaries.size > 64) this.summaries.delete(this.summaries.keys().next().value as number);
    return summary;
  }

  /** A validator's attestation rewards for `epoch`; penalties negative. */
  rewardParts(
    validator: number,
    epoch: number,
    increments: number,
    summary: EpochSummary,
    leak: boolean,
  ): AttestationRewardParts {
    const leakEpochs = leak ? this.finalityDelay(epoch) - MIN_EPOCHS_TO_INACTIVITY_PENALTY : 0;
    return attestationRewardParts(this.attestation(validator, epoch), increments, summary, leakEpochs);
  }

  idealRewards(epoch: number, summary: EpochSummary): IdealReward[] {
    return idealRewards(summary, this.inLeak(epoch));
  }

  // --- liveness ---------------------------------------------------------------------------------

  /** Whether the node saw the validator attest in `epoch`: only up to the head, and only since its last restart. */
  isLive(validator: number, epoch: number): boolean {
    if (validator >= this.registry.countAt(epoch) || !this.registry.isActive(validator, epoch)) return false;
    if (this.attestation(validator, epoch) === Attestation.Missed) return false;
    const slot = this.attestationSlot(validator, epoch);
    return slot <= this.headSlot() && slot >= this.node.observedFromSlot;
  }

  // --- sync committees --------------------------------------------------------------------------

  syncPeriodOf(epoch: number): number {
    return Math.floor(epoch / this.options.epochsPerSyncCommitteePeriod);
  }

  /** The members of a period's sync committee, in committee order: distinct validators active at its start. */
  syncCommittee(period: number): number[] {
    const cached = this.committees.get(period);
    if (cached && cached.version === this.scenario.version) return cached.members;
    const epoch = period * this.options.epochsPerSyncCommitteePeriod;
    const count = this.registry.countAt(epoch);
    let active = 0;
    for (let v = 0; v < count; v += 1) if (this.registry.isActive(v, epoch)) active += 1;
    const size = Math.min(this.options.syncCommitteeSize, active);
    const chosen = new Set<number>();
    const members: number[] = [];
    for (let attempt = 0; members.length < size && attempt < 20 * size + 1000; attempt += 1) {
      const candidate = hash(this.seed, Tag.SyncCommittee, period, attempt) % count;
      if (!chosen.has(candidate) && this.registry.isActive(candidate, epoch)) {
        chosen.add(candidate);
        members.push(candidate);
      }
    }
    for (let v = 0; v < count && members.length < size; v += 1) {
      if (!chosen.has(v) && this.registry.isActive(v, epoch)) {
        chosen.add(v);
        members.push(v);
      }
    }
    this.committees.set(period, { version: this.scenario.version, members });
    return members;
  }

  signedSyncAggregate(validator: number, slot: number): boolean {
    if (this.scenario.missesSync(validator, this.epochOf(slot))) return false;
    return unit(this.seed, Tag.SyncMiss, validator, slot) >= this.options.syncMissRate;
  }

  /**
   * The reward of one sync committee member for one block (the penalty of one who did not sign is the same, negative).
   */
  syncParticipantReward(epoch: number, committeeSize: number): number {
    const state = this.stateAt(epoch) ?? (this.stateAt(this.processedEpoch) as BalanceState);
    return syncParticipantReward(this.summaryWith(epoch, state.effective), this.options.slotsPerEpoch, committeeSize);
  }
}
