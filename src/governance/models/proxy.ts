// The EIP-1967 proxy model: folds a proxy's upgrade events into what code it runs and who may change it.
// The slots read directly (snapshot) win; the events fill in what the slots leave empty, e.g. for a proxy
// that emits the standard's events but keeps its addresses elsewhere.

import type { EventValue, GovernanceEvent, GovernanceSnapshot, GovernanceTarget } from '../../domain/governance.js';
import { changeOf, shortAddress, type GovernanceChange, type GovernanceModel } from './model.js';

export interface ProxyState {
  implementation: string | null;
  admin: string | null;
  beacon: string | null;
  /** Oldest first. */
  upgrades: GovernanceChange[];
  lastUpgradeMs: number | null;
}

export interface ProxyView {
  implementation: string | null;
  admin: string | null;
  beacon: string | null;
  /** What the beacon points at, for a beacon proxy (snapshot only). */
  beaconImplementation: string | null;
  /** Upgraded, AdminChanged and BeaconUpgraded, newest first. */
  upgrades: GovernanceChange[];
  /** Block time of the newest change of code (Upgraded or BeaconUpgraded); null when none was ingested. */
  lastUpgradeMs: number | null;
}

type ProxyTarget = Extract<GovernanceTarget, { kind: 'proxy' }>;

function nonZeroAddress(value: EventValue | undefined): string | null {
  return typeof value === 'string' && !/^0x0{40}$/i.test(value) ? value : null;
}

function transition(what: string, before: string | null, after: string | null): string {
  const to = after === null ? 'none' : shortAddress(after);
  return before === null ? `${what} set to ${to}` : `${what} ${shortAddress(before)} → ${to}`;
}

function record(state: ProxyState, event: GovernanceEvent, summary: string): void {
  state.upgrades.push(changeOf(event, summary));
}

export const proxyModel: GovernanceModel<ProxyState, ProxyView, ProxyTarget> = {
  kind: 'proxy',
  initial: () => ({ implementation: null, admin: null, beacon: null, upgrades: [], lastUpgradeMs: null }),
  apply(state, event) {
    const { args } = event;
    switch (event.name) {
      case 'Upgraded': {
        const implementation = nonZeroAddress(args.implementation);
        record(state, event, transition('implementation', state.implementation, implementation));
        state.implementation = implementation;
        state.lastUpgradeMs = event.blockTimeMs;
        return;
      }
      case 'BeaconUpgraded': {
        const beacon = nonZeroAddress(args.beacon);
        record(state, event, transition('beacon', state.beacon, beacon));
        state.beacon = beacon;
        state.lastUpgradeMs = event.blockTimeMs;
        return;
      }
      case 'AdminChanged': {
        // The event names the previous admin, which says more than our state when ingestion started late.
        const admin = nonZeroAddress(args.newAdmin);
        record(state, event, transition('admin', state.admin ?? nonZeroAddress(args.previousAdmin), admin));
        state.admin = admin;
        return;
      }
    }
  },
  view(_target, state, snapshot: GovernanceSnapshot | null) {
    const read = snapshot?.state ?? {};
    return {
      implementation: nonZeroAddress(read.implementation) ?? state.implementation,
      admin: nonZeroAddress(read.admin) ?? state.admin,
      beacon: nonZeroAddress(read.beacon) ?? state.beacon,
      beaconImplementation: nonZeroAddress(read.beaconImplementation),
      upgrades: [...state.upgrades].reverse(),
      lastUpgradeMs: state.lastUpgradeMs,
    };
  },
};
