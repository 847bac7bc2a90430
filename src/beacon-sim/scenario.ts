// What goes wrong on the simulated chain and node: missed attestations and proposals, wrong head votes,
// empty and orphaned slots, reorged duties, stalled finality, missed sync committee signatures, and the
// node's own state (syncing, lagging, down). Only records: the chain model asks it and stays deterministic.

/** How a validator's attestation for an epoch went. Numbers, as they are asked a million times an epoch. */
export const Attestation = { Timely: 0, Missed: 1, WrongHead: 2 } as const;
export type Attestation = (typeof Attestation)[keyof typeof Attestation];

interface EpochRange {
  indices: ReadonlySet<number>;
  from: number;
  to: number;
}

export interface FaultRates {
  /** Chance that a validator misses its attestation in an epoch. */
  attestationMissRate: number;
  /** Chance that a sync committee member does not sign a block. */
  syncMissRate: number;
  /** Chance that a slot's proposer does not propose. */
  proposalMissRate: number;
}

export class Scenario {
  /** Bumped on every change, so that what the chain caches from the scenario is dropped. */
  version = 0;
  private readonly attestationMisses: EpochRange[] = [];
  private readonly wrongHeads: EpochRange[] = [];
  private readonly syncMisses: EpochRange[] = [];
  private readonly proposalMisses: EpochRange[] = [];
  private readonly emptySlots = new Set<number>();
  private readonly orphanedSlots = new Set<number>();
  private readonly reorgs = new Map<number, number>();
  /** Epoch spans in which justification and finalization stop; `to` null while it lasts. */
  private readonly stalls: { from: number; to: number | null }[] = [];

  constructor(readonly rates: FaultRates) {}

  missAttestations(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.attestationMisses.push({ indices: new Set(indices), from: fromEpoch, to: toEpoch });
    this.version += 1;
  }

  wrongHead(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.wrongHeads.push({ indices: new Set(indices), from: fromEpoch, to: toEpoch });
    this.version += 1;
  }

  missSyncCommittee(indices: Iterable<number>, fromEpoch: number, toEpoch: number): void {
    this.syncMisses.push({ indices: new Set(indices), from: fromEpoch, to: toEpoch });
    this.version += 1;
  }

  missProposals(validator: number, fromEpoch: number, toEpoch: number): void {
    this.proposalMisses.push({ indices: new Set([validator]), from: fromEpoch, to: toEpoch });
    this.version += 1;
  }

  emptySlot(slot: number): void {
    this.emptySlots.add(slot);
    this.version += 1;
  }

  orphanBlock(slot: number): void {
    this.orphanedSlots.add(slot);
    this.version += 1;
  }

  reorgDuties(epoch: number): void {
    this.reorgs.set(epoch, this.reorgGeneration(epoch) + 1);
    this.version += 1;
  }

  /** How many times an epoch's duties were reorged: 0 when never. */
  reorgGeneration(epoch: number): number {
    return this.reorgs.get(epoch) ?? 0;
  }

  stallFinality(stalled: boolean, epoch: number): void {
    const open = this.stalls.at(-1);
    if (stalled && (!open || open.to !== null)) this.stalls.push({ from: epoch, to: null });
    if (!stalled && open && open.to === null) open.to = Math.max(epoch, open.from);
    this.version += 1;
  }

  /** The epoch whose checkpoints a state at `epoch` still reports, when finality was stalled then. */
  stalledSince(epoch: number): number | null {
    for (const stall of this.stalls)
      if (stall.from <= epoch && (stall.to === null || epoch < stall.to)) return stall.from;
    return null;
  }

  isEmptySlot(slot: number): boolean {
    return this.emptySlots.has(slot);
  }

  isOrphaned(slot: number): boolean {
    return this.orphanedSlots.has(slot);
  }

  missesProposal(validator: number, epoch: number): boolean {
    return covers(this.proposalMisses, validator, epoch);
  }

  /** The scripted outcome, or null when the default miss rate decides. */
  scriptedAttestation(validator: number, epoch: number): Attestation | null {
    if (covers(this.attestationMisses, validator, epoch)) return Attestation.Missed;
    if (covers(this.wrongHeads, validator, epoch)) return Attestation.WrongHead;
    return null;
  }

  missesSync(validator: number, epoch: number): boolean {
    return covers(this.syncMisses, validator, epoch);
  }
}

function covers(ranges: readonly EpochRange[], validator: number, epoch: number): boolean {
  for (const range of ranges) if (range.from <= epoch && epoch <= range.to && range.indices.has(validator)) return true;
  return false;
}

/** The node's own condition, apart from the chain it follows. */
export class NodeState {
  syncing = false;
  /** The head a syncing node is stuck at. */
  syncingHeadSlot = 0;
  lagSlots = 0;
  down = false;
  peers = 64;
  /** Liveness seen before this slot was forgotten by a restart. */
  observedFromSlot = 0;
}
