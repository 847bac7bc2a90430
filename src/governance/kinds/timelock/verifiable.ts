// A timelock's operations as decisions to simulate: every OpenZeppelin operation scheduled and not yet
// executed or cancelled, executed on the fork once ready by a holder of the executor role (the reads tell
// who; an open role, anyone), and every transaction queued on a Compound Timelock, executed by its admin (read
// in the snapshot) at its ETA.

import { type Address, getAddress, type Hex, zeroAddress } from 'viem';
import type { GovernanceSnapshot } from '../../../domain/governance.js';
import { compoundTransactionPlan, timelockOperationPlan } from '../../simulate/plan.js';
import type { VerifiableDecision } from '../kind.js';
import type { TimelockTarget, TimelockView } from './model.js';

const pending = new Set(['scheduled', 'ready', 'overdue']);

export function timelockVerifiable(
  target: TimelockTarget,
  view: TimelockView,
  snapshot: GovernanceSnapshot | null,
): VerifiableDecision[] {
  const admin = snapshot?.state.admin;
  const compoundAdmin = typeof admin === 'string' && /^0x[0-9a-fA-F]{40}$/.test(admin) ? getAddress(admin) : null;
  const executors = view.roles.EXECUTOR_ROLE ?? [];
  const executor = executors.some((holder) => holder === zeroAddress)
    ? zeroAddress
    : executors[0] === undefined
      ? null
      : getAddress(executors[0]);
  return view.operations
    .filter((operation) => pending.has(operation.status))
    .map((operation): VerifiableDecision => {
      const calls = [...operation.calls]
        .sort((a, b) => a.index - b.index)
        .map((call) => ({ target: call.target, value: call.value, data: call.data, signature: call.signature }));
      const compound = target.settings.flavor === 'compound';
      const [only] = calls;
      const unsupported = compound
        ? compoundAdmin === null || only === undefined
          ? 'the admin of the Compound Timelock is not read yet'
          : null
        : executor === null
          ? 'no holder of the executor role is known: none of the accounts read holds it'
          : null;
      return {
        type: 'operation',
        id: operation.id,
        stage: operation.status === 'scheduled' ? 'scheduled' : 'ready',
        executableAtMs: operation.readyAtMs,
        voteEndsAtMs: null,
        calls,
        treasury: [target.address],
        plan:
          unsupported !== null
            ? { unsupported }
            : compound
              ? compoundTransactionPlan({
                  timelock: target.address,
                  admin: compoundAdmin!,
                  target: getAddress(only!.target),
                  value: BigInt(only!.value),
                  signature: only!.signature,
                  data: only!.data as Hex,
                  etaSeconds: Math.round(operation.readyAtMs / 1_000),
                })
              : timelockOperationPlan({
                  timelock: target.address,
                  id: operation.id as Hex,
                  calls: calls.map((call) => ({
                    target: getAddress(call.target),
                    value: BigInt(call.value),
                    data: call.data as Hex,
                  })),
                  predecessor: operation.predecessor as Hex | null,
                  salt: operation.salt as Hex | null,
                  readyAtSeconds: Math.ceil(operation.readyAtMs / 1_000),
                  executor: executor as Address,
                }),
      };
    });
}
