// Reads several kinds make of their contracts.

import { getAddress, type Address, type Hex } from 'viem';
import { GovernanceReadError } from '../ingest/chain-reader.js';
import type { ContractReads } from '../ingest/kind.js';

/** A read whose revert means "not there" (a function the contract lacks): null then; any other failure throws. */
export async function unlessReverted<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GovernanceReadError && error.errorClass === 'reverted') return null;
    throw error;
  }
}

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
