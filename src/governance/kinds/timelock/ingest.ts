// What the timelock kind ingests: OpenZeppelin's TimelockController (operations scheduled, executed and cancelled, the
// minimum delay, role grants and revocations) and Compound's Timelock (transactions queued, executed and
// cancelled, the delay, the admin). Snapshots read the delay, and Compound's grace period and admin.

import { parseAbi, parseAbiItem, type AbiEvent, type Address } from 'viem';
import type { EventValue } from '../../../domain/governance.js';
import type { ContractReads } from '../../ingest/kind.js';
import { unlessReverted } from '../reads.js';
import type { TimelockTarget } from './model.js';

export const timelockEvents = [
  // OpenZeppelin TimelockController.
  'event CallScheduled(bytes32 indexed id, uint256 indexed index, address ' +
    'target, uint256 value, bytes data, bytes32 predecessor, uint256 delay)',
  'event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data)',
  'event CallSalt(bytes32 indexed id, bytes32 salt)',
  'event Cancelled(bytes32 indexed id)',
  'event MinDelayChange(uint256 oldDuration, uint256 newDuration)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)',
  // Compound Timelock.
  'event QueueTransaction(bytes32 indexed txHash, address indexed target, ' +
    'uint256 value, string signature, bytes data, uint256 eta)',
  'event ExecuteTransaction(bytes32 indexed txHash, address indexed target, ' +
    'uint256 value, string signature, bytes data, uint256 eta)',
  'event CancelTransaction(bytes32 indexed txHash, address indexed target, ' +
    'uint256 value, string signature, bytes data, uint256 eta)',
  'event NewDelay(uint256 indexed newDelay)',
  'event NewAdmin(address indexed newAdmin)',
  'event NewPendingAdmin(address indexed newPendingAdmin)',
].map((text) => parseAbiItem(text) as AbiEvent);

const timelockAbi = parseAbi([
  'function getMinDelay() view returns (uint256)',
  'function delay() view returns (uint256)',
  'function GRACE_PERIOD() view returns (uint256)',
  'function admin() view returns (address)',
]);

const operationEvents = new Set(['CallScheduled', 'CallExecuted', 'CallSalt', 'Cancelled']);
const compoundEvents = new Set(['QueueTransaction', 'ExecuteTransaction', 'CancelTransaction']);

export function timelockKeyOf(name: string, args: Record<string, EventValue>): string | null {
  if (operationEvents.has(name)) return String(args.id);
  if (compoundEvents.has(name)) return String(args.txHash);
  if (name === 'RoleGranted' || name === 'RoleRevoked') return String(args.role);
  return null;
}

/** The delay, and for Compound's Timelock its grace period and admin, read from the timelock. */
export async function readTimelock(target: TimelockTarget, reads: ContractReads): Promise<Record<string, EventValue>> {
  if (target.settings.flavor === 'openzeppelin') {
    const minDelay = (await reads.call(target.address, timelockAbi, 'getMinDelay')) as bigint;
    return { minDelaySeconds: Number(minDelay) };
  }
  const delay = (await reads.call(target.address, timelockAbi, 'delay')) as bigint;
  const grace = (await unlessReverted(() => reads.call(target.address, timelockAbi, 'GRACE_PERIOD'))) as bigint | null;
  const admin = (await reads.call(target.address, timelockAbi, 'admin')) as Address;
  return { minDelaySeconds: Number(delay), gracePeriodSeconds: grace === null ? null : Number(grace), admin };
}
