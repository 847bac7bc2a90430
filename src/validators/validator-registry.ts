// Every validator of a chain as the last processed validator list showed it, in typed arrays indexed by
// validator index (a million validators take ~35 MB, no object per validator), and the list before it, for
// balance changes and new slashings. A new list is streamed into a staging snapshot that replaces the
// current one only when its epoch is processed whole; a failed epoch leaves the registry as it was.

import { validatorStatuses, type ValidatorRecord, type ValidatorStatus } from '../domain/beacon.js';

const statusCode = new Map<ValidatorStatus, number>(validatorStatuses.map((status, code) => [status, code]));

export class ValidatorSnapshot {
  count = 0;
  status: Uint8Array;
  balance: Float64Array;
  activation: Float64Array;
  exit: Float64Array;
  slashed: Uint8Array;

  constructor(
    /** The epoch whose end state the snapshot shows. */
    public epoch: number,
    capacity: number,
  ) {
    this.status = new Uint8Array(capacity);
    this.balance = new Float64Array(capacity);
    this.activation = new Float64Array(capacity);
    this.exit = new Float64Array(capacity);
    this.slashed = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.status.length;
  }

  record(validator: ValidatorRecord): void {
    const index = validator.index;
    if (index >= this.capacity) this.grow(Math.max(index + 1, this.capacity * 2));
    this.status[index] = statusCode.get(validator.status)!;
    this.balance[index] = validator.balanceGwei;
    this.activation[index] = validator.activationEpoch;
    this.exit[index] = validator.exitEpoch;
    this.slashed[index] = validator.slashed ? 1 : 0;
    if (index >= this.count) this.count = index + 1;
  }

  statusOf(index: number): ValidatorStatus {
    return validatorStatuses[this.status[index]!]!;
  }

  has(index: number): boolean {
    return index < this.count;
  }

  /** Clears the snapshot for reuse, keeping its buffers. */
  reset(epoch: number): void {
    this.epoch = epoch;
    this.count = 0;
  }

  private grow(capacity: number): void {
    const copy = <T extends Uint8Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array.subarray(0, this.count) as never);
      return next;
    };
    this.status = copy(this.status, (n) => new Uint8Array(n));
    this.balance = copy(this.balance, (n) => new Float64Array(n));
    this.activation = copy(this.activation, (n) => new Float64Array(n));
    this.exit = copy(this.exit, (n) => new Float64Array(n));
    this.slashed = copy(this.slashed, (n) => new Uint8Array(n));
  }
}

export class ValidatorRegistry {
  current: ValidatorSnapshot | null = null;
  previous: ValidatorSnapshot | null = null;
  private spare: ValidatorSnapshot | null = null;

  /** A snapshot to stream the next list into; its buffers are the oldest snapshot's when it can spare them. */
  stage(epoch: number): ValidatorSnapshot {
    const capacity = Math.max(1_024, Math.ceil((this.current?.count ?? 0) * 1.01));
    const snapshot =
      this.spare !== null && this.spare.capacity >= capacity ? this.spare : new ValidatorSnapshot(epoch, capacity);
    this.spare = null;
    snapshot.reset(epoch);
    return snapshot;
  }

  /** The staged snapshot becomes current once its epoch is processed. */
  commit(snapshot: ValidatorSnapshot): void {
    this.spare = this.previous;
    this.previous = this.current;
    this.current = snapshot;
  }

  /** A staged snapshot whose epoch failed gives its buffers back. */
  discard(snapshot: ValidatorSnapshot): void {
    if (this.spare === null || this.spare.capacity < snapshot.capacity) this.spare = snapshot;
  }
}
