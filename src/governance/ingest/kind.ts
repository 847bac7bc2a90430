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
  /** Who sent a transaction, to what (null: a contract creation), with what input; null when the node lost it. */
  transaction(hash: Hex): Promise<{ from: Address; to: Address | null; input: Hex } | null>;
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
  argsBefore(name: string, reads: ContractReads, txHash: Hex): Promise<Record<string, EventValue>>;
  /**
   * The state read directly at `reads.blockNumber`, as JSON. `events` are the step's, not folded yet (a
   * proposal created in them is open); `previous` is the last snapshot, if any.
   */
  snapshot(
    reads: ContractReads,
    events: readonly GovernanceEvent[],
    previous: Record<string, EventValue> | null,
  ): Promise<Record<string, EventValue>>;
  /** Which decoded events are kept; absent: every one (a contract watch keeps those its matchers select). */
  keep?(name: string, args: Record<string, EventValue>): boolean;
  /**
   * Calls to the target's contract found in blocks `from`…`to`, as events to store beside its logs (a contract
   * watch's function matchers); absent: the kind reads logs only.
   */
  calls?(reads: CallReads, from: number, to: number): Promise<FoundCall[]>;
}

/** A transaction of a block, as the call scan reads it. */
export interface BlockTransaction {
  hash: Hex;
  index: number;
  from: Address;
  to: Address | null;
  input: Hex;
}

/** A frame of a node's `callTracer`. */
export interface TracedCall {
  type: string;
  from: string;
  to?: string;
  input?: string;
  error?: string;
  calls?: TracedCall[];
}

/** What a call scan reads, block by block. */
export interface CallReads {
  /** The block's hash and time, with its transactions. */
  block(number: number): Promise<{ hash: Hex; timestampMs: number; transactions: BlockTransaction[] }>;
  /** Whether the transaction succeeded (its receipt's status). */
  succeeded(hash: Hex): Promise<boolean>;
  /** Every transaction's call tree (`debug_traceBlockByNumber` with `callTracer`). */
  traces(number: number): Promise<{ txHash: Hex; result: TracedCall }[]>;
}

/** A call found, stored as an event of the target: `logIndex` is past any log's, unique in its block. */
export interface FoundCall {
  blockNumber: number;
  blockHash: Hex;
  blockTimeMs: number;
  txHash: Hex;
  logIndex: number;
  /** The called function's signature, `pause()`. */
  name: string;
  args: Record<string, EventValue>;
}
