// The timelock model: operations (OpenZeppelin) or queued transactions (Compound) folded from their events,
// the minimum delay, and who holds which role; the view dates each operation's readiness and says which are
// waiting, ready, overdue (ready for longer than the grace), done, cancelled or expired.

import { keccak256, toBytes } from 'viem';
import type { GovernanceEvent, GovernanceTarget } from '../../../domain/governance.js';
import { changeOf, shortAddress, type GovernanceChange } from '../change.js';
import type { GovernanceModel } from '../kind.js';
import type { TimelockSettings } from './config.js';

export type TimelockTarget = GovernanceTarget<'timelock', TimelockSettings>;

export const operationStatuses = ['scheduled', 'ready', 'overdue', 'executed', 'cancelled', 'expired'] as const;
export type OperationStatus = (typeof operationStatuses)[number];

export interface TimelockCall {
  index: number;
  target: string;
  value: string;
  /** The function called: a signature (Compound) or the calldata's 4-byte selector. */
  call: string;
  /** The calldata; with a Compound `signature`, the arguments only. */
  data: string;
  /** Compound's function signature, empty when the data carries its selector. */
  signature: string;
}

export interface TimelockOperation {
  id: string;
  calls: TimelockCall[];
  predecessor: string | null;
  /** The salt it was scheduled with (OpenZeppelin's CallSalt); null when zero or not told. */
  salt: string | null;
  delaySeconds: number | null;
  scheduledAtMs: number;
  scheduledTx: string;
  readyAtMs: number;
  executedAtMs: number | null;
  cancelledAtMs: number | null;
}

export interface TimelockState {
  operations: Map<string, TimelockOperation>;
  minDelaySeconds: number | null;
  roles: Map<string, Set<string>>;
  changes: GovernanceChange[];
}

export interface OperationView extends TimelockOperation {
  status: OperationStatus;
}

export interface TimelockView {
  operations: OperationView[];
  byStatus: Record<OperationStatus, number>;
  minDelaySeconds: number | null;
  /** Role name (or hash when unknown) → the accounts holding it: read from the timelock, else from the events. */
  roles: Record<string, string[]>;
  /**
   * Where `roles` comes from: `enumerated` (every member, read), `hasRole` (read for every account the events and
   * the operations' transactions name; a holder none of them names stays unknown), or `events` (folded from
   * the role events since the start block, before the first read, and for a Compound Timelock).
   */
  rolesFrom: 'enumerated' | 'hasRole' | 'events';
  changes: GovernanceChange[];
}

const roleNames = new Map<string, string>([
  [`0x${'00'.repeat(32)}`, 'DEFAULT_ADMIN_ROLE'],
  ...['PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE', 'TIMELOCK_ADMIN_ROLE'].map(
    (name) => [keccak256(toBytes(name)), name] as [string, string],
  ),
]);

export function roleName(role: string): string {
  return roleNames.get(role.toLowerCase()) ?? role;
}

/** Compound's Timelock lets a queued transaction be executed for this long after its ETA, unless it says otherwise. */
const compoundGraceSeconds = 14 * 86_400;

function schedule(state: TimelockState, event: GovernanceEvent): void {
  const { args } = event;
  const compound = event.name === 'QueueTransaction';
  const id = compound ? String(args.txHash) : String(args.id);
  const delaySeconds = compound ? null : Number(args.delay);
  const call: TimelockCall = {
    index: compound ? 0 : Number(args.index),
    target: String(args.target),
    value: String(args.value),
    call: compound
      ? String(args.signature) || String(args.data).slice(0, 10)
      : String(args.data).slice(0, 10) || '(none)',
    data: String(args.data ?? '0x'),
    signature: compound ? String(args.signature ?? '') : '',
  };
  const existing = state.operations.get(id);
  if (existing && existing.scheduledTx === event.txHash) {
    existing.calls.push(call);
    return;
  }
  state.operations.set(id, {
    id,
    calls: [call],
    predecessor: compound || /^0x0*$/.test(String(args.predecessor)) ? null : String(args.predecessor),
    salt: null,
    delaySeconds,
    scheduledAtMs: event.blockTimeMs,
    scheduledTx: event.txHash,
    readyAtMs: compound ? Number(args.eta) * 1_000 : event.blockTimeMs + (delaySeconds ?? 0) * 1_000,
    executedAtMs: null,
    cancelledAtMs: null,
  });
}

/** `expiresAfterMs`: how long after its ETA a Compound transaction can still run (the timelock's GRACE_PERIOD). */
export function operationStatus(
  operation: TimelockOperation,
  flavor: TimelockTarget['settings']['flavor'],
  graceMs: number,
  nowMs: number,
  expiresAfterMs = compoundGraceSeconds * 1_000,
): OperationStatus {
  if (operation.executedAtMs !== null) return 'executed';
  if (operation.cancelledAtMs !== null) return 'cancelled';
  if (nowMs < operation.readyAtMs) return 'scheduled';
  if (flavor === 'compound' && nowMs > operation.readyAtMs + expiresAfterMs) return 'expired';
  return nowMs > operation.readyAtMs + graceMs ? 'overdue' : 'ready';
}

export const timelockModel: GovernanceModel<TimelockTarget, TimelockState, TimelockView> = {
  initial: () => ({ operations: new Map(), minDelaySeconds: null, roles: new Map(), changes: [] }),
  apply(state, event) {
    const { args } = event;
    switch (event.name) {
      case 'CallScheduled':
      case 'QueueTransaction':
        return schedule(state, event);
      case 'CallExecuted':
      case 'ExecuteTransaction': {
        const operation = state.operations.get(String(event.key));
        if (operation) operation.executedAtMs ??= event.blockTimeMs;
        return;
      }
      case 'CallSalt': {
        const operation = state.operations.get(String(event.key));
        if (operation) operation.salt = String(args.salt);
        return;
      }
      case 'Cancelled':
      case 'CancelTransaction': {
        const operation = state.operations.get(String(event.key));
        if (operation) operation.cancelledAtMs = event.blockTimeMs;
        return;
      }
      case 'MinDelayChange':
      case 'NewDelay': {
        const previous = event.name === 'MinDelayChange' ? Number(args.oldDuration) : state.minDelaySeconds;
        const next = Number(event.name === 'MinDelayChange' ? args.newDuration : args.newDelay);
        state.minDelaySeconds = next;
        state.changes.push(changeOf(event, `minimum delay ${previous ?? '?'} s → ${next} s`));
        return;
      }
      case 'RoleGranted':
      case 'RoleRevoked': {
        const role = roleName(String(args.role));
        const holders = state.roles.get(role) ?? new Set<string>();
        if (event.name === 'RoleGranted') holders.add(String(args.account));
        else holders.delete(String(args.account));
        state.roles.set(role, holders);
        state.changes.push(
          changeOf(
            event,
            `${role} ${event.name === 'RoleGranted' ? 'granted to' : 'revoked from'} ${shortAddress(args.account)}`,
          ),
        );
        return;
      }
      case 'RoleAdminChanged':
        state.changes.push(
          changeOf(event, `admin role of ${roleName(String(args.role))} is now ${roleName(String(args.newAdminRole))}`),
        );
        return;
      case 'NewAdmin':
        state.changes.push(changeOf(event, `admin is now ${shortAddress(args.newAdmin)}`));
        return;
      case 'NewPendingAdmin':
        state.changes.push(changeOf(event, `pending admin is now ${shortAddress(args.newPendingAdmin)}`));
        return;
      default:
    }
  },
  view(target, state, snapshot, nowMs) {
    const grace = snapshot?.state.gracePeriodSeconds;
    const expiresAfterMs = typeof grace === 'number' ? grace * 1_000 : undefined;
    const operations = [...state.operations.values()].map((operation) => ({
      ...operation,
      status: operationStatus(
        operation,
        target.settings.flavor,
        target.settings.executionGraceMs,
        nowMs,
        expiresAfterMs,
      ),
    }));
    const byStatus = Object.fromEntries(operationStatuses.map((status) => [status, 0])) as Record<
      OperationStatus,
      number
    >;
    for (const operation of operations) byStatus[operation.status] += 1;
    const read = snapshot?.state.minDelaySeconds;
    const readRoles = snapshot?.state.roles;
    const rolesFrom = snapshot?.state.rolesFrom;
    const fromReads =
      readRoles !== undefined && readRoles !== null && typeof readRoles === 'object' && !Array.isArray(readRoles);
    return {
      operations,
      byStatus,
      minDelaySeconds: typeof read === 'number' ? read : state.minDelaySeconds,
      roles: fromReads
        ? (readRoles as Record<string, string[]>)
        : Object.fromEntries([...state.roles].map(([role, holders]) => [role, [...holders].sort()])),
      rolesFrom: fromReads && (rolesFrom === 'enumerated' || rolesFrom === 'hasRole') ? rolesFrom : 'events',
      changes: [...state.changes].reverse(),
    };
  },
};
