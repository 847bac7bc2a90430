// The EIP-1967 proxy kind: who can change the code behind an address. It decodes the standard's three events
// and reads the implementation, admin and beacon slots directly, so that a proxy upgraded by a path that
// emits nothing (a non-standard admin, a selfdestructed beacon's replacement) still shows its real state.
// The model folds the upgrade events; the slots read (snapshot) win, the events fill in what the slots leave
// empty, e.g. for a proxy that emits the standard's events but keeps its addresses elsewhere.

import { getAddress, parseAbi, type Address, type Hex } from 'viem';
import { z } from 'zod';
import type { EventValue, GovernanceEvent, GovernanceTarget } from '../../domain/governance.js';
import { changeRule } from './alerts.js';
import { changeSchema, changeView, governanceRoute, iso, targetParams } from './api.js';
import { changeOf, shortAddress, type GovernanceChange } from './change.js';
import { defineGovernanceKind } from './define-kind.js';
import { governanceKindConfig, type GovernanceModel } from './kind.js';
import { addressInSlot, unlessReverted } from './reads.js';
import type { ContractReads } from '../ingest/kind.js';

export type ProxyTarget = GovernanceTarget<'proxy', Record<string, never>>;

/** The EIP-1967 slots: keccak256('eip1967.proxy.<name>') − 1. */
export const eip1967Slots = {
  implementation: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  admin: '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103',
  beacon: '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50',
} as const satisfies Record<string, Hex>;

const proxyEvents = parseAbi([
  'event Upgraded(address indexed implementation)',
  // Neither address is indexed, in the EIP and in every OpenZeppelin release.
  'event AdminChanged(address previousAdmin, address newAdmin)',
  'event BeaconUpgraded(address indexed beacon)',
]);

const beaconAbi = parseAbi(['function implementation() view returns (address)']);

/** What a beacon points at; null when the beacon has no `implementation()` (it reverts or has no code). */
async function beaconImplementation(reads: ContractReads, beacon: Address): Promise<Address | null> {
  return unlessReverted(async () => getAddress((await reads.call(beacon, beaconAbi, 'implementation')) as Address));
}

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

function applyProxyEvent(state: ProxyState, event: GovernanceEvent): void {
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
}

export const proxyModel: GovernanceModel<ProxyTarget, ProxyState, ProxyView> = {
  initial: () => ({ implementation: null, admin: null, beacon: null, upgrades: [], lastUpgradeMs: null }),
  apply: applyProxyEvent,
  view(_target, state, snapshot) {
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

export const proxySchema = z.object({
  target: z.string(),
  chain: z.string(),
  address: z.string(),
  implementation: z.string().nullable(),
  admin: z.string().nullable(),
  beacon: z.string().nullable(),
  beaconImplementation: z.string().nullable().describe('What the beacon points at, for a beacon proxy.'),
  lastUpgradeAt: z.string().nullable(),
  upgrades: z.array(changeSchema).describe('Upgraded, AdminChanged and BeaconUpgraded, newest first.'),
});

export function proxyJson(target: GovernanceTarget, view: ProxyView): z.infer<typeof proxySchema> {
  return {
    target: target.id,
    chain: target.chain,
    address: target.address,
    implementation: view.implementation,
    admin: view.admin,
    beacon: view.beacon,
    beaconImplementation: view.beaconImplementation,
    lastUpgradeAt: iso(view.lastUpgradeMs),
    upgrades: view.upgrades.map(changeView),
  };
}

export const proxyKind = defineGovernanceKind<ProxyTarget, ProxyState, ProxyView>({
  name: 'proxy',
  implementation: (view) => (view.implementation as Address | null) ?? null,
  config: governanceKindConfig({ description: 'an EIP-1967 proxy', fields: {}, settings: () => ({}) }),
  events: proxyEvents,
  addresses: async (target) => [target.address],
  keyOf(name, args) {
    // An event is about the address the proxy now points at (or is now administered by).
    const key =
      name === 'Upgraded'
        ? args.implementation
        : name === 'BeaconUpgraded'
          ? args.beacon
          : name === 'AdminChanged'
            ? args.newAdmin
            : null;
    return typeof key === 'string' ? key : null;
  },
  async snapshot(target, reads) {
    const [implementation, admin, beacon] = await Promise.all([
      addressInSlot(reads, target.address, eip1967Slots.implementation),
      addressInSlot(reads, target.address, eip1967Slots.admin),
      addressInSlot(reads, target.address, eip1967Slots.beacon),
    ]);
    const state: Record<string, EventValue> = { implementation, admin, beacon };
    // A beacon proxy's code is whatever its beacon says, not its own (empty) implementation slot.
    if (beacon !== null) state.beaconImplementation = await beaconImplementation(reads, beacon);
    return state;
  },
  ...proxyModel,
  gauges: [
    {
      gauge: {
        name: 'ere_governance_proxy_last_upgrade_timestamp_seconds',
        help: 'Block time of the proxy’s newest implementation or beacon change; absent when none was ingested.',
      },
      value: (view) => (view.lastUpgradeMs == null ? null : view.lastUpgradeMs / 1_000),
    },
  ],
  alerts: [
    changeRule<ProxyView>(
      'ProxyUpgraded',
      'The proxy now runs other code, or another admin or beacon controls it.',
      (view) => view.upgrades,
      () => true,
    ),
  ],
  routes: (targets) => [
    governanceRoute({
      url: '/api/v1/governance/proxies/:target',
      summary: 'An EIP-1967 proxy: its implementation, admin and beacon, and its upgrades.',
      params: targetParams,
      ok: { description: 'The proxy.', schema: proxySchema },
      notFound: 'No proxy target with that id.',
      handler: ({ params }) => {
        const target = targets.one(params.target);
        return proxyJson(target, targets.view(target));
      },
    }),
  ],
});
