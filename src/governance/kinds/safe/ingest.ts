// What the Safe kind ingests (Safe 1.3.0, 1.4.1 and 1.5.0): owners, threshold, modules and guards, from the
// Safe's events and read directly from it. Safe 1.3.0 declares most of these events without `indexed`,
// 1.4.0 onwards indexes them; both variants share a topic, so both are listed and the decoder tries the
// indexed one first, as it is the one current deployments emit.

import { decodeFunctionData, getAddress, parseAbi, type Address, type Hex } from 'viem';
import type { EventValue } from '../../../domain/governance.js';
import { GovernanceReadError } from '../../ingest/chain-reader.js';
import type { ContractReads } from '../../ingest/kind.js';
import { addressInSlot } from '../reads.js';

export const safeEvents = parseAbi([
  // Unchanged since 1.3.0.
  'event SafeSetup(address indexed initiator, address[] owners, uint256 ' +
    'threshold, address initializer, address fallbackHandler)',
  'event ChangedThreshold(uint256 threshold)',
  'event ExecutionFromModuleSuccess(address indexed module)',
  'event ExecutionFromModuleFailure(address indexed module)',
  // Safe 1.4.1 and 1.5.0.
  'event AddedOwner(address indexed owner)',
  'event RemovedOwner(address indexed owner)',
  'event EnabledModule(address indexed module)',
  'event DisabledModule(address indexed module)',
  'event ChangedGuard(address indexed guard)',
  'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 indexed txHash, uint256 payment)',
  // The fallback handler answers calls the Safe does not know: replacing it is a known way to take one over.
  'event ChangedFallbackHandler(address indexed handler)',
  // Safe 1.5.0 only: the guard of module transactions.
  'event ChangedModuleGuard(address indexed moduleGuard)',
  // SafeL2 (1.3.0 on): each transaction as executed, before its ExecutionSuccess or ExecutionFailure.
  'event SafeMultiSigTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, ' +
    'uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures, ' +
    'bytes additionalInfo)',
  // Safe 1.3.0's unindexed declarations of the same events.
  'event AddedOwner(address owner)',
  'event RemovedOwner(address owner)',
  'event EnabledModule(address module)',
  'event DisabledModule(address module)',
  'event ChangedGuard(address guard)',
  'event ExecutionSuccess(bytes32 txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 txHash, uint256 payment)',
  'event ChangedFallbackHandler(address handler)',
]);

const safeAbi = parseAbi([
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function nonce() view returns (uint256)',
  'function getModulesPaginated(address start, uint256 pageSize) view returns (address[] array, address next)',
  'function VERSION() view returns (string)',
]);

/** The head (and end) of the Safe's linked lists of owners and modules. */
export const SENTINEL = '0x0000000000000000000000000000000000000001' as const satisfies Address;
/** keccak256("guard_manager.guard.address"): the transaction guard, which has no getter. */
export const guardSlot = '0x4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8' as const;
/** keccak256("module_manager.module_guard.address"): Safe 1.5.0's module guard; empty before 1.5.0. */
export const moduleGuardSlot = '0xb104e0b93118902c651344349b610029d694cfdec91c589c91ebafbcd0289947' as const;

const modulePageSize = 100n;
/** A Safe with more modules than this is reported as truncated rather than read without bound. */
const maxModulePages = 10;

const ownerEvents = new Set(['AddedOwner', 'RemovedOwner']);
const moduleEvents = new Set([
  'EnabledModule',
  'DisabledModule',
  'ExecutionFromModuleSuccess',
  'ExecutionFromModuleFailure',
]);
const executionEvents = new Set(['ExecutionSuccess', 'ExecutionFailure']);

/** A uint256 as JSON: a number while it is exact, else its decimal string. */
function jsonInteger(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * Every enabled module. Each page starts after the last module of the previous one: `start` is exclusive
 * in every version, whereas the `next` that 1.3.0 returns is the first module *not* returned, which as a
 * start would skip it.
 */
async function readModules(reads: ContractReads, safe: Address): Promise<{ modules: Address[]; truncated: boolean }> {
  const modules: Address[] = [];
  let start: Address = SENTINEL;
  for (let page = 0; page < maxModulePages; page += 1) {
    const [array, next] = (await reads.call(safe, safeAbi, 'getModulesPaginated', [
      start,
      modulePageSize,
    ])) as readonly [readonly Address[], Address];
    modules.push(...array.map((module) => getAddress(module)));
    const last = array.at(-1);
    if (last === undefined || BigInt(next) <= 1n) return { modules, truncated: false };
    start = last;
  }
  return { modules, truncated: true };
}

export function safeKeyOf(name: string, args: Record<string, EventValue>): string | null {
  const key = ownerEvents.has(name)
    ? args.owner
    : moduleEvents.has(name)
      ? args.module
      : executionEvents.has(name)
        ? args.txHash
        : null;
  return typeof key === 'string' ? key : null;
}

/** The threshold before a ChangedThreshold, read at the block before it; nothing for other events. */
export async function argsBeforeSafeEvent(
  safe: Address,
  name: string,
  reads: ContractReads,
  txHash: Hex,
): Promise<Record<string, EventValue>> {
  if (executionEvents.has(name)) return executedCall(safe, reads, txHash);
  if (name !== 'ChangedThreshold') return {};
  try {
    return { previousThreshold: jsonInteger((await reads.call(safe, safeAbi, 'getThreshold')) as bigint) };
  } catch (error) {
    // A node that pruned the state of that block, or a Safe created in it, cannot tell: the change then
    // reads the new value only. Any other failure fails the step, to be retried.
    if (
      error instanceof GovernanceReadError &&
      (error.errorClass === 'reverted' || error.errorClass === 'jsonrpc_error')
    )
      return {};
    throw error;
  }
}

const execTransactionAbi = parseAbi([
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, ' +
    'uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) ' +
    'payable returns (bool success)',
]);

/**
 * What an executed Safe transaction called, from the transaction that executed it when that transaction was
 * sent to the Safe's `execTransaction` (an owner's or a relayer's): `to`, `value`, `data` and `operation`.
 * Executed through another contract, the transaction's input says nothing of it: SafeL2's
 * SafeMultiSigTransaction then tells, and a Safe without it leaves the call unknown.
 */
async function executedCall(safe: Address, reads: ContractReads, txHash: Hex): Promise<Record<string, EventValue>> {
  const transaction = await reads.transaction(txHash);
  if (transaction?.to?.toLowerCase() !== safe.toLowerCase()) return {};
  try {
    const { args } = decodeFunctionData({ abi: execTransactionAbi, data: transaction.input });
    const [to, value, data, operation] = (args ?? []) as readonly [Address, bigint, Hex, number];
    return { to: getAddress(to), value: value.toString(), data, operation: Number(operation) };
  } catch {
    return {};
  }
}

/** Owners, threshold, nonce, modules, guards and version, read from the Safe. */
export async function readSafe(safe: Address, reads: ContractReads): Promise<Record<string, EventValue>> {
  const [owners, threshold, nonce, modules, guard, moduleGuard, version] = await Promise.all([
    reads.call(safe, safeAbi, 'getOwners') as Promise<readonly Address[]>,
    reads.call(safe, safeAbi, 'getThreshold') as Promise<bigint>,
    reads.call(safe, safeAbi, 'nonce') as Promise<bigint>,
    readModules(reads, safe),
    addressInSlot(reads, safe, guardSlot),
    addressInSlot(reads, safe, moduleGuardSlot),
    reads.call(safe, safeAbi, 'VERSION') as Promise<string>,
  ]);
  const state: Record<string, EventValue> = {
    owners: owners.map((owner) => getAddress(owner)),
    threshold: jsonInteger(threshold),
    nonce: jsonInteger(nonce),
    modules: modules.modules,
    guard,
    moduleGuard,
    version,
  };
  if (modules.truncated) state.modulesTruncated = true;
  return state;
}
