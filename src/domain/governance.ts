// What governance monitoring deals in: the contracts watched (targets), the decoded events ingested from
// their logs, and the state read from them directly. Plain types, no I/O.

import type { Address, Hex } from 'viem';

/** The Governor's `state()` enum, the same in OpenZeppelin's Governor and Compound's GovernorBravo. */
export const proposalStates = [
  'Pending',
  'Active',
  'Canceled',
  'Defeated',
  'Succeeded',
  'Queued',
  'Expired',
  'Executed',
] as const;
export type ProposalState = (typeof proposalStates)[number];
/** States a proposal never leaves. */
export const finalProposalStates: readonly ProposalState[] = ['Canceled', 'Defeated', 'Expired', 'Executed'];

interface TargetBase {
  /** The target's label, unique across chains: a metric label and the API's `:target`. */
  id: string;
  chain: string;
  address: Address;
  startBlock: number;
  /** Blocks behind the head that count as final: only blocks at or below head − confirmations are ingested. */
  confirmations: number;
  pollIntervalMs: number;
  /** Largest `eth_getLogs` range asked for; the range adapts below it. */
  maxBlockRange: number;
  labels: Record<string, string>;
}

/** A watched contract: what every kind has, its kind's name, and the settings its kind reads from the config. */
export interface GovernanceTarget<Kind extends string = string, Settings = unknown> extends TargetBase {
  kind: Kind;
  settings: Settings;
}

/** A decoded argument: bigints as decimal strings, addresses checksummed, bytes as hex. */
export type EventValue = string | number | boolean | null | EventValue[] | { [name: string]: EventValue };

/** One decoded log of a watched contract, as stored: unique per (target, block, log index). */
export interface GovernanceEvent {
  target: string;
  chain: string;
  blockNumber: number;
  blockHash: Hex;
  /** The block's timestamp, in ms. */
  blockTimeMs: number;
  txHash: Hex;
  logIndex: number;
  /** The contract that emitted it (the governor, or its token for DelegateVotesChanged). */
  address: Address;
  /** The event's name in the ABI: ProposalCreated, VoteCast, CallScheduled… */
  name: string;
  /** What it is about, for lookups: a proposal id, an operation id, an owner; null when nothing. */
  key: string | null;
  args: Record<string, EventValue>;
}

/** The contract state read directly at a confirmed block (JSON, per kind). */
export interface GovernanceSnapshot {
  target: string;
  blockNumber: number;
  /** The read block's timestamp, ms. */
  blockTimeMs: number;
  readAtMs: number;
  state: Record<string, EventValue>;
}

/** Where ingestion of a target stands: every block up to and including this one is ingested. */
export interface IngestCursor {
  target: string;
  blockNumber: number;
  blockHash: Hex;
}

/** A governance SLI's event: one per subject (a proposal), decided once. */
export interface GovernanceOutcome {
  target: string;
  chain: string;
  sli: 'execution' | 'participation' | 'verification';
  subject: string;
  good: boolean;
  /** When the outcome was decided on chain (execution time, deadline, grace end), ms. */
  decidedAtMs: number;
}
