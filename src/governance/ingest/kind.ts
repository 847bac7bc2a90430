// What ingestion needs of a target's kind (governor, timelock, Safe, proxy), bound to the target: the events
// it decodes, which contracts' logs the target covers, what each event is about, and what it reads from the
// contracts directly at a confirmed block. A kind does I/O only through the ContractReads it is given.

import type { AbiEvent, Address, Hex } from 'viem';
import type { EventValue, GovernanceEvent } from '../../domain/governance.js';

/** Read-only calls at one block, through whichever endpoint the ingestion step is using. */
export interface ContractReads {
  /** The block every read is made at (head − confirmations). */
  readonly blockNumber: bigint;
  /** `eth_call` of a view function; throws GovernanceReadError('reverted') when the call reverts. */
  call(address: Address, abi: readonly unknown[], functionName: string, args?: readonly unknown[]): Promise<unknown>;
  /** `eth_getStorageAt`. */
  storageAt(address: Address, slot: Hex): Promise<Hex>;
  /** A block's timestamp in ms (at most one request per block per step). */
  blockTimeMs(blockNumber: bigint): Promise<number>;
  /** Who sent a transaction, and to what (null: a contract creation). */
  transaction(hash: Hex): Promise<{ from: Address; to: Address | null }>;
}

/** What ingestion asks one target's contracts, bound to that target. */
export interface TargetCollector {
  /** Every event the kind decodes; variants of one event (indexed or not) may be listed side by side. */
  readonly events: readonly AbiEvent[];
  /** The contracts whose logs belong to the target: the target itself, and e.g. a governor's token. */
  addresses(reads: ContractReads, previous: Record<string, EventValue> | null): Promise<Address[]>;
  /** What an event is about, for lookups (a proposal id, an operation id, an owner), or null. */
  keyOf(name: string, args: Record<string, EventValue>): string | null;
  /**
   * What an event's meaning needs from the contract's state just before it, merged into its args: the
   * Safe's threshold before a ChangedThreshold, which the events alone cannot tell when ingestion starts
   * after the Safe's setup. `reads` are at the block before the event's.
   */
  argsBefore(name: string, reads: ContractReads): Promise<Record<string, EventValue>>;
  /**
   * The state read directly at `reads.blockNumber`, as JSON. `events` are the step's, not folded yet (a
   * proposal created in them is open); `previous` is the last snapshot, if any.
   */
  snapshot(
    reads: ContractReads,
    events: readonly GovernanceEvent[],
    previous: Record<string, EventValue> | null,
  ): Promise<Record<string, EventValue>>;
}
