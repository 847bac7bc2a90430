// A change of a contract's configuration worth telling people about (an owner added, a threshold or delay
// changed, a proxy upgraded), as the kinds' views, the alert rules and the API show it.

import type { EventValue, GovernanceEvent } from '../../domain/governance.js';

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
  return {
    name: event.name,
    blockNumber: event.blockNumber,
    blockTimeMs: event.blockTimeMs,
    txHash: event.txHash,
    logIndex: event.logIndex,
    summary,
  };
}

/** 0x1234…abcd: enough to tell addresses apart in a one-line summary. */
export function shortAddress(address: EventValue | undefined): string {
  return typeof address === 'string' && address.length === 42
    ? `${address.slice(0, 6)}…${address.slice(-4)}`
    : String(address);
}
