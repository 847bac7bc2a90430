// What the timelock kind ingests: OpenZeppelin's TimelockController (operations scheduled, executed and cancelled, the
// minimum delay, role grants and revocations) and Compound's Timelock (transactions queued, executed and
// cancelled, the delay, the admin). Snapshots read the delay and who holds each role, and Compound's grace
// period and admin.

import {
  type AbiEvent,
  type Address,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  parseAbiItem,
  toBytes,
  zeroAddress,
  zeroHash,
} from 'viem';
import type { EventValue, GovernanceEvent } from '../../../domain/governance.js';
import type { ContractReads } from '../../ingest/kind.js';
import { unlessReverted } from '../reads.js';
import type { TimelockState, TimelockTarget } from './model.js';

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

const roleAbi = parseAbi([
  'function hasRole(bytes32, address) view returns (bool)',
  'function getRoleMemberCount(bytes32) view returns (uint256)',
  'function getRoleMember(bytes32, uint256) view returns (address)',
]);
/** The roles read: TIMELOCK_ADMIN_ROLE is OpenZeppelin 4's admin role, DEFAULT_ADMIN_ROLE 5's. */
const readRoleNames = ['DEFAULT_ADMIN_ROLE', 'TIMELOCK_ADMIN_ROLE', 'PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE'];
const roleIds = new Map<string, Hex>(
  readRoleNames.map((name) => [name, name === 'DEFAULT_ADMIN_ROLE' ? zeroHash : keccak256(toBytes(name))]),
);
/** At most this many members per role are enumerated, and this many transactions looked up per snapshot. */
const maxMembers = 50;
const maxLookups = 20;
const maxCandidates = 100;
const roleChanges = new Set(['RoleGranted', 'RoleRevoked', 'RoleAdminChanged']);

const addresses = (value: EventValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

/**
 * Who holds each role, read from the timelock rather than folded from events, so that a timelock watched from
 * a recent start block still shows its roles. Where the contract enumerates its members
 * (AccessControlEnumerable), every member; otherwise `hasRole` for each account that could hold one: the zero
 * address (an open role), the timelock itself, every account a role event names, and the sender and recipient
 * of the transactions that scheduled, executed or cancelled its operations (the governor, the Safe, the
 * executor). Holders granted before the start block that none of these name stay unknown. Read again only
 * when a role event or a new account appears.
 */
async function readRoles(
  target: TimelockTarget,
  reads: ContractReads,
  step: { state: TimelockState; events: readonly GovernanceEvent[] },
  previous: Record<string, EventValue> | null,
): Promise<Record<string, EventValue>> {
  const known = new Set(addresses(previous?.roleCandidates).map((account) => account.toLowerCase()));
  // In the order they matter: the open role, the timelock, today's holders, what this step names; then the
  // accounts of earlier reads. At most `maxCandidates` are read, so that the reads stay bounded.
  const candidates = new Set<string>([zeroAddress, target.address.toLowerCase()]);
  for (const holders of step.state.roles.values()) for (const holder of holders) candidates.add(holder.toLowerCase());
  const lookups: Hex[] = [];
  for (const event of step.events) {
    if (roleChanges.has(event.name)) {
      for (const key of ['account', 'sender']) {
        const account = event.args[key];
        if (typeof account === 'string') candidates.add(account.toLowerCase());
      }
    } else if (operationEvents.has(event.name) && event.name !== 'CallSalt') lookups.push(event.txHash);
  }
  if (previous === null)
    for (const operation of step.state.operations.values()) lookups.push(operation.scheduledTx as Hex);
  for (const hash of [...new Set(lookups)].slice(-maxLookups)) {
    const transaction = await reads.transaction(hash);
    if (!transaction) continue;
    candidates.add(transaction.from.toLowerCase());
    if (transaction.to) candidates.add(transaction.to.toLowerCase());
  }
  for (const account of known) candidates.add(account);
  for (const account of [...candidates].slice(maxCandidates)) candidates.delete(account);
  const changed =
    previous?.roles === undefined ||
    step.events.some((event) => roleChanges.has(event.name)) ||
    [...candidates].some((account) => !known.has(account));
  if (!changed)
    return { roles: previous.roles ?? {}, rolesFrom: previous.rolesFrom ?? null, roleCandidates: [...known] };

  const roles: Record<string, string[]> = {};
  const count = await unlessReverted(() =>
    reads.call(target.address, roleAbi, 'getRoleMemberCount', [roleIds.get('PROPOSER_ROLE')]),
  );
  if (count !== null) {
    for (const [name, id] of roleIds) {
      const members = Number((await reads.call(target.address, roleAbi, 'getRoleMemberCount', [id])) as bigint);
      const holders: string[] = [];
      for (let index = 0; index < Math.min(members, maxMembers); index++)
        holders.push(
          getAddress((await reads.call(target.address, roleAbi, 'getRoleMember', [id, BigInt(index)])) as Address),
        );
      if (holders.length > 0) roles[name] = holders.sort();
    }
  } else {
    for (const [name, id] of roleIds) {
      const holders: string[] = [];
      for (const account of [...candidates].sort())
        if ((await reads.call(target.address, roleAbi, 'hasRole', [id, account])) as boolean)
          holders.push(getAddress(account));
      if (holders.length > 0) roles[name] = holders;
    }
  }
  return { roles, rolesFrom: count !== null ? 'enumerated' : 'hasRole', roleCandidates: [...candidates].sort() };
}

/** The delay and the roles, and for Compound's Timelock its grace period and admin, read from the timelock. */
export async function readTimelock(
  target: TimelockTarget,
  reads: ContractReads,
  step: { state: TimelockState; events: readonly GovernanceEvent[] },
  previous: Record<string, EventValue> | null,
): Promise<Record<string, EventValue>> {
  if (target.settings.flavor === 'openzeppelin') {
    const minDelay = (await reads.call(target.address, timelockAbi, 'getMinDelay')) as bigint;
    return { minDelaySeconds: Number(minDelay), ...(await readRoles(target, reads, step, previous)) };
  }
  const delay = (await reads.call(target.address, timelockAbi, 'delay')) as bigint;
  const grace = (await unlessReverted(() => reads.call(target.address, timelockAbi, 'GRACE_PERIOD'))) as bigint | null;
  const admin = (await reads.call(target.address, timelockAbi, 'admin')) as Address;
  return { minDelaySeconds: Number(delay), gracePeriodSeconds: grace === null ? null : Number(grace), admin };
}
