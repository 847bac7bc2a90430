// The interface of each governance kind's model: pure functions that fold a target's events, in chain order,
// into its state, and derive from that state, the latest direct read and the time what users see. The
// tracker replays stored events through `apply` at start and after a reorg, and feeds new ones as they
// are ingested; nothing here does I/O.

import type { EventValue, GovernanceEvent, GovernanceKindName, GovernanceSnapshot, GovernanceTarget } from '../../domain/governance.js';

export interface GovernanceModel<State, View, Target extends GovernanceTarget = GovernanceTarget> {
  kind: GovernanceKindName;
  initial(): State;
  /** Folds one event into the state (mutating it); events arrive in (block, log index) order. */
  apply(state: State, event: GovernanceEvent): void;
  /** What the API, metrics and alerts show, at `nowMs`. */
  view(target: Target, state: State, snapshot: GovernanceSnapshot | null, nowMs: number): View;
}

/** A change worth telling people about, as the alert sources and the feed show it. */
export interface GovernanceChange {
  /** The event's name: AddedOwner, ChangedThreshold, Upgraded, MinDelayChange, RoleGranted… */
  name: string;
  blockNumber: number;
  blockTimeMs: number;
  txHash: string;
  logIndex: number;
  /** One line for people: "threshold 2 → 1", "owner 0xab…cd added". */
  summary: string;
}

export function changeOf(event: GovernanceEvent, summary: string): GovernanceChange {
  return { name: event.name, blockNumber: event.blockNumber, blockTimeMs: event.blockTimeMs, txHash: event.txHash, logIndex: event.logIndex, summary };
}

/** 0x1234…abcd: enough to tell addresses apart in a one-line summary. */
export function shortAddress(address: EventValue | undefined): string {
  return typeof address === 'string' && address.length === 42 ? `${address.slice(0, 6)}…${address.slice(-4)}` : String(address);
}
