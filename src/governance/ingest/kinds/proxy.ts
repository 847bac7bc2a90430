// The EIP-1967 proxy kind: who can change the code behind an address. It decodes the standard's three events
// and reads the implementation, admin and beacon slots directly, so that a proxy upgraded by a path that
// emits nothing (a non-standard admin, a selfdestructed beacon's replacement) still shows its real state.

import { getAddress, parseAbi, type Address, type Hex } from 'viem';
import type { EventValue, GovernanceTarget } from '../../../domain/governance.js';
import { GovernanceReadError } from '../chain-reader.js';
import { defineGovernanceKind, type ContractReads } from '../kind.js';

type ProxyTarget = Extract<GovernanceTarget, { kind: 'proxy' }>;

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

/**
 * The address held in the low 20 bytes of a storage slot, checksummed, or null when the slot is empty.
 * Shared by every kind that keeps an address in a dedicated slot (EIP-1967 proxies, a Safe's guards).
 */
export async function addressInSlot(reads: ContractReads, address: Address, slot: Hex): Promise<Address | null> {
  const word = await reads.storageAt(address, slot);
  const value = word === '0x' ? 0n : BigInt(word);
  if (value === 0n) return null;
  return getAddress(`0x${(value & ((1n << 160n) - 1n)).toString(16).padStart(40, '0')}`);
}

/** What a beacon points at; null when the beacon has no `implementation()` (it reverts or has no code). */
async function beaconImplementation(reads: ContractReads, beacon: Address): Promise<Address | null> {
  try {
    return getAddress((await reads.call(beacon, beaconAbi, 'implementation')) as Address);
  } catch (error) {
    if (error instanceof GovernanceReadError && error.errorClass === 'reverted') return null;
    throw error;
  }
}

export const proxyKind = defineGovernanceKind<ProxyTarget>({
  kind: 'proxy',
  events: proxyEvents,
  addresses: async (target) => [target.address],
  keyOf(name, args) {
    // An event is about the address the proxy now points at (or is now administered by).
    const key = name === 'Upgraded' ? args.implementation : name === 'BeaconUpgraded' ? args.beacon : name === 'AdminChanged' ? args.newAdmin : null;
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
});
