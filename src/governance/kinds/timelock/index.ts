// The timelock kind: OpenZeppelin's TimelockController and Compound's Timelock. Operations with when each
// is ready and whether it ran in time, the minimum delay and who holds which role; its gauges, its alerts
// (an overdue operation, and every change of the delay or the roles) and its API answer.

import { z } from 'zod';
import { changeRule, changesNamed, targetLabels } from '../alerts.js';
import {
  amount,
  changeSchema,
  changeView,
  decodedCall,
  decodedCallFields,
  governanceRoute,
  iso,
  targetParams,
} from '../api.js';
import type { GovernanceDecoder } from '../../decode/governance-decoder.js';
import { defineGovernanceKind } from '../define-kind.js';
import { overdueExecutionsGauge } from '../kind.js';
import { readTimelock, timelockEvents, timelockKeyOf } from './ingest.js';
import {
  operationStatuses,
  timelockModel,
  type OperationView,
  type TimelockState,
  type TimelockTarget,
  type TimelockView,
} from './model.js';
import { timelockConfig } from './config.js';
import { timelockVerifiable } from './verifiable.js';

/** "Calls:" and one numbered line per call of the operation, decoded. */
function callLines(target: TimelockTarget, operation: OperationView, decoder: GovernanceDecoder): string[] {
  const lines = operation.calls.map(
    (call, index) => `${index + 1}. ${decodedCall(decoder, target.chain, call).summary}`,
  );
  return lines.length === 0 ? [] : ['Calls:', ...lines];
}

export const operationSchema = z.object({
  id: z.string(),
  status: z.enum(operationStatuses),
  calls: z.array(
    z.object({ index: z.number().int(), target: z.string(), value: amount, call: z.string(), ...decodedCallFields }),
  ),
  predecessor: z.string().nullable(),
  delaySeconds: z.number().nullable(),
  scheduledAt: z.string(),
  scheduledTx: z.string(),
  readyAt: z.string(),
  executedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});

export function operationJson(
  operation: OperationView,
  decoder: GovernanceDecoder,
  chain: string,
): z.infer<typeof operationSchema> {
  return {
    id: operation.id,
    status: operation.status,
    calls: operation.calls.map((call) => ({
      index: call.index,
      target: call.target,
      value: call.value,
      call: call.call,
      ...decodedCall(decoder, chain, call),
    })),
    predecessor: operation.predecessor,
    delaySeconds: operation.delaySeconds,
    scheduledAt: iso(operation.scheduledAtMs)!,
    scheduledTx: operation.scheduledTx,
    readyAt: iso(operation.readyAtMs)!,
    executedAt: iso(operation.executedAtMs),
    cancelledAt: iso(operation.cancelledAtMs),
  };
}

const operationsSchema = z.object({
  target: z.string(),
  chain: z.string(),
  minDelaySeconds: z.number().nullable(),
  byStatus: z.record(z.enum(operationStatuses), z.number().int()),
  roles: z
    .record(z.string(), z.array(z.string()))
    .describe('Role name (or hash) → accounts holding it, read from the timelock (see `rolesFrom`).'),
  rolesFrom: z
    .enum(['enumerated', 'hasRole', 'events'])
    .describe(
      '`enumerated`: every member, read; `hasRole`: read for each account the events and the transactions of ' +
        'the operations name (others stay unknown); `events`: folded from the role events since the start block.',
    ),
  operations: z.array(operationSchema),
  changes: z.array(changeSchema).describe('Delay, role and admin changes, newest first.'),
});

const operationsQuery = z.strictObject({ status: z.enum(operationStatuses).optional() });

const roleEvents = ['RoleGranted', 'RoleRevoked', 'RoleAdminChanged', 'NewAdmin', 'NewPendingAdmin'];

export const timelockKind = defineGovernanceKind<TimelockTarget, TimelockState, TimelockView>({
  name: 'timelock',
  config: timelockConfig,
  verifiable: timelockVerifiable,
  events: timelockEvents,
  addresses: async (target) => [target.address],
  keyOf: timelockKeyOf,
  snapshot: (target, reads, step, previous) => readTimelock(target, reads, step, previous),
  ...timelockModel,
  gauges: [
    { gauge: overdueExecutionsGauge, value: (view) => view.byStatus.overdue },
    {
      gauge: {
        name: 'ere_governance_timelock_operations',
        help: `Timelock operations by status (${operationStatuses.join(', ')}).`,
        label: 'status',
      },
      counts: (view) => view.byStatus,
    },
    {
      gauge: { name: 'ere_governance_timelock_min_delay_seconds', help: 'The timelock’s minimum delay.' },
      value: (view) => view.minDelaySeconds,
    },
  ],
  alerts: [
    {
      name: 'TimelockOperationScheduled',
      severity: 'info',
      summary: 'Timelock {{ $labels.target }} has a new operation scheduled',
      description: 'An operation is scheduled on {{ $labels.target }} ({{ $labels.chain }}) and not ready yet.',
      signals: (target, view, _nowMs, context) =>
        view.operations
          .filter((operation) => operation.status === 'scheduled')
          .map((operation) => ({
            labels: { ...targetLabels(target), operation: operation.id },
            value: operation.readyAtMs / 1_000,
            condition: () => true,
            details: callLines(target, operation, context.decoder),
          })),
    },
    {
      name: 'TimelockOperationOverdue',
      severity: 'error',
      summary: 'Timelock {{ $labels.target }} has an operation ready but unexecuted',
      description: 'A timelock operation has been ready for longer than the execution grace.',
      signals: (target, view, _nowMs, context) =>
        view.operations
          .filter((operation) => operation.status === 'overdue')
          .map((operation) => ({
            labels: { ...targetLabels(target), operation: operation.id },
            value: operation.readyAtMs / 1_000,
            condition: () => true,
            details: callLines(target, operation, context.decoder),
          })),
    },
    changeRule<TimelockView>(
      'TimelockMinDelayChanged',
      "The timelock's minimum delay changed: the time the community has to react to a queued change is different now.",
      (view) => view.changes,
      changesNamed(['MinDelayChange', 'NewDelay']),
    ),
    changeRule<TimelockView>(
      'TimelockRoleChanged',
      'Who may propose, execute, cancel or administer the timelock changed.',
      (view) => view.changes,
      changesNamed(roleEvents),
    ),
  ],
  routes: (targets) => [
    governanceRoute({
      url: '/api/v1/governance/timelocks/:target/operations',
      summary: 'A timelock’s operations, newest first, with their status, when each is ready and its calls.',
      params: targetParams,
      query: operationsQuery,
      ok: { description: 'The operations, and the timelock’s delay, roles and changes.', schema: operationsSchema },
      badRequest: true,
      notFound: 'No timelock target with that id.',
      handler: ({ params, query }) => {
        const target = targets.one(params.target);
        const view = targets.view(target);
        const operations = view.operations
          .filter((operation) => query.status === undefined || operation.status === query.status)
          .reverse()
          .sort((a, b) => b.scheduledAtMs - a.scheduledAtMs);
        return {
          target: target.id,
          chain: target.chain,
          minDelaySeconds: view.minDelaySeconds,
          byStatus: view.byStatus,
          roles: view.roles,
          rolesFrom: view.rolesFrom,
          operations: operations.map((operation) => operationJson(operation, targets.decoder, target.chain)),
          changes: view.changes.map(changeView),
        };
      },
    }),
  ],
});
