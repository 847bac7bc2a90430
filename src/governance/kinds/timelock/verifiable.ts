// A timelock's operations as decisions to simulate: every OpenZeppelin operation scheduled and not yet
// executed or cancelled, executed on the fork once ready by a holder of the executor role (the events tell
// who; an open role, anyone). Compound's queued transactions are not simulated yet, and say so.

import { type Address, getAddress, type Hex, zeroAddress } from 'viem';
import { timelockOperationPlan } from '../../simulate/plan.js';
import type { VerifiableDecision } from '../kind.js';
import type { TimelockTarget, TimelockView } from './model.js';

const pending = new Set(['scheduled', 'ready', 'overdue']);

export function timelockVerifiable(target: TimelockTarget, view: TimelockView): VerifiableDecision[] {
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
      const unsupported =
        target.settings.flavor === 'compound'
          ? "a Compound Timelock's queued transaction is not simulated yet"
          : executor === null
            ? 'no holder of the executor role is known from the events since the start block'
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
