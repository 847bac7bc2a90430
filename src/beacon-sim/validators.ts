// The simulated validator registry: lifecycle epochs in typed arrays (a million validators cost a few
// tens of MB, never a JS object each), and the validator status rules of the Beacon API computed from them
// at a state's epoch, so that older states keep telling their own story after a slashing or an exit.

import type { ValidatorStatus } from '../domain/beacon.js';

/** FAR_FUTURE_EPOCH inside the typed arrays (2^32 - 1; the API says 2^64 - 1). */
export const FAR = 0xffffffff;
export const FAR_FUTURE_EPOCH_TEXT = '18446744073709551615';

export interface RegistryRules {
  /** MIN_VALIDATOR_WITHDRAWABILITY_DELAY. */
  withdrawabilityDelayEpochs: number;
  /** EPOCHS_PER_SLASHINGS_VECTOR: how long a slashed validator waits before it can withdraw. */
  slashingsVectorEpochs: number;
}

/** MAX_SEED_LOOKAHEAD + 1: how far ahead a slashed validator's exit is scheduled. */
const EXIT_LOOKAHEAD_EPOCHS = 5;

export class ValidatorRegistry {
  count = 0;
  eligibility = new Uint32Array(0);
  activation = new Uint32Array(0);
  exit = new Uint32Array(0);
  /** The epoch from which a state knows of the exit (its exit and withdrawable epochs are set). */
  exitKnown = new Uint32Array(0);
  withdrawable = new Uint32Array(0);
  slashedAt = new Uint32Array(0);
  /** Each growth of the registry: from `epoch` on, states hold `count` validators. */
  private readonly growth: { epoch: number; count: number }[] = [];

  constructor(private readonly rules: RegistryRules) {}

  /** Adds `count` validators to states from `epoch` on; returns the first new index. */
  add(count: number, epoch: number, lifecycle: { eligibility: number; activation: number }): number {
    const first = this.count;
    this.ensureCapacity(first + count);
    this.eligibility.fill(lifecycle.eligibility, first, first + count);
    this.activation.fill(lifecycle.activation, first, first + count);
    this.exit.fill(FAR, first, first + count);
    this.exitKnown.fill(FAR, first, first + count);
    this.withdrawable.fill(FAR, first, first + count);
    this.slashedAt.fill(FAR, first, first + count);
    this.count = first + count;
    const last = this.growth.at(-1);
    if (last && last.epoch >= epoch) last.count = this.count;
    else this.growth.push({ epoch, count: this.count });
    return first;
  }

  /** How many validators a state at `epoch` holds. */
  countAt(epoch: number): number {
    let count = 0;
    for (const step of this.growth) if (step.epoch <= epoch) count = step.count;
    return count;
  }

  activate(index: number, epoch: number, knownFrom: number): void {
    this.eligibility[index] = Math.min(this.eligibility[index] ?? FAR, knownFrom, epoch);
    this.activation[index] = epoch;
  }

  /** A voluntary exit at `exitEpoch`, known to states from `knownFrom`. */
  exitAt(index: number, exitEpoch: number, knownFrom: number): void {
    this.exit[index] = exitEpoch;
    this.exitKnown[index] = Math.min(knownFrom, exitEpoch);
    this.withdrawable[index] = exitEpoch + this.rules.withdrawabilityDelayEpochs;
  }

  slash(index: number, epoch: number): void {
    this.slashedAt[index] = epoch;
    const exit = Math.min(this.exit[index] ?? FAR, epoch + EXIT_LOOKAHEAD_EPOCHS);
    this.exit[index] = exit;
    this.exitKnown[index] = Math.min(this.exitKnown[index] ?? FAR, epoch);
    this.withdrawable[index] = Math.max(
      exit + this.rules.withdrawabilityDelayEpochs,
      epoch + this.rules.slashingsVectorEpochs,
    );
  }

  isSlashed(index: number, epoch: number): boolean {
    return (this.slashedAt[index] as number) <= epoch;
  }

  exitEpochAt(index: number, epoch: number): number {
    return (this.exitKnown[index] as number) <= epoch ? (this.exit[index] as number) : FAR;
  }

  withdrawableEpochAt(index: number, epoch: number): number {
    return (this.exitKnown[index] as number) <= epoch ? (this.withdrawable[index] as number) : FAR;
  }

  activationEpochAt(index: number, epoch: number): number {
    return (this.eligibility[index] as number) <= epoch ? (this.activation[index] as number) : FAR;
  }

  eligibilityEpochAt(index: number, epoch: number): number {
    const eligibility = this.eligibility[index] as number;
    return eligibility <= epoch ? eligibility : FAR;
  }

  isActive(index: number, epoch: number): boolean {
    return (this.activation[index] as number) <= epoch && epoch < this.exitEpochAt(index, epoch);
  }

  /** Whether attestation rewards and penalties of `epoch` apply (the spec's eligible validator indices). */
  isRewardEligible(index: number, epoch: number): boolean {
    if (this.isActive(index, epoch)) return true;
    return this.isSlashed(index, epoch) && epoch + 1 < this.withdrawableEpochAt(index, epoch);
  }

  status(index: number, epoch: number, balanceGwei: number): ValidatorStatus {
    const activation = this.activation[index] as number;
    if (activation > epoch)
      return this.eligibilityEpochAt(index, epoch) === FAR ? 'pending_initialized' : 'pending_queued';
    const exit = this.exitEpochAt(index, epoch);
    const slashed = this.isSlashed(index, epoch);
    if (epoch < exit) {
      if (slashed) return 'active_slashed';
      return exit === FAR ? 'active_ongoing' : 'active_exiting';
    }
    if (epoch < this.withdrawableEpochAt(index, epoch)) return slashed ? 'exited_slashed' : 'exited_unslashed';
    return balanceGwei > 0 ? 'withdrawal_possible' : 'withdrawal_done';
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.activation.length) return;
    const capacity = Math.max(needed, Math.ceil(this.activation.length * 1.25));
    const grow = (array: Uint32Array) => {
      const next = new Uint32Array(capacity);
      next.set(array);
      return next;
    };
    this.eligibility = grow(this.eligibility);
    this.activation = grow(this.activation);
    this.exit = grow(this.exit);
    this.exitKnown = grow(this.exitKnown);
    this.withdrawable = grow(this.withdrawable);
    this.slashedAt = grow(this.slashedAt);
  }
}

export function epochText(epoch: number): string {
  return epoch === FAR ? FAR_FUTURE_EPOCH_TEXT : String(epoch);
}
