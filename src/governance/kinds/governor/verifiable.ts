// A governor's proposals as decisions to simulate: every proposal not yet executed, canceled, defeated or
// expired, with the plan its stage calls for. An OpenZeppelin governor behind a TimelockController (read as
// `timelock()` in the snapshot) is simulated at every stage; behind a Compound Timelock, once it has
// succeeded (the as-if-passed path schedules on a TimelockController). One without a timelock, or a Bravo
// governor, is not simulated yet, and says so.

import { type Address, getAddress, type Hex } from 'viem';
import type { GovernanceSnapshot } from '../../../domain/governance.js';
import { governorProposalPlan, type ProposalStage } from '../../simulate/plan.js';
import type { VerifiableDecision } from '../kind.js';
import type { GovernorTarget, GovernorView } from './model.js';

const stages: Partial<Record<string, ProposalStage>> = {
  Pending: 'pending',
  Active: 'pending',
  Succeeded: 'succeeded',
  Queued: 'queued',
};

export function governorVerifiable(
  target: GovernorTarget,
  view: GovernorView,
  snapshot: GovernanceSnapshot | null,
): VerifiableDecision[] {
  const timelock = snapshot?.state.timelock;
  const timelockFlavor = snapshot?.state.timelockFlavor;
  return view.proposals.flatMap((proposal): VerifiableDecision[] => {
    const stage = stages[proposal.state];
    if (stage === undefined) return [];
    const calls = proposal.actions.map((action) => ({
      target: action.target,
      value: action.value,
      data: action.data,
      signature: action.signature,
    }));
    const executor = typeof timelock === 'string' && /^0x[0-9a-fA-F]{40}$/.test(timelock) ? getAddress(timelock) : null;
    const unsupported =
      target.settings.flavor === 'bravo'
        ? 'a GovernorBravo proposal is not simulated yet'
        : executor === null || executor === '0x0000000000000000000000000000000000000000'
          ? 'a governor without a timelock is not simulated yet'
          : timelockFlavor !== 'openzeppelin' && timelockFlavor !== 'compound'
            ? 'its timelock answers neither getMinDelay() nor delay(): not simulated'
            : timelockFlavor === 'compound' && stage === 'pending'
              ? 'behind a Compound Timelock, a proposal is simulated once it has succeeded'
              : proposal.actions.some((action) => action.signature !== '')
                ? 'an action given as a signature and arguments is not simulated yet'
                : null;
    return [
      {
        type: 'proposal',
        id: proposal.id,
        stage,
        executableAtMs: proposal.etaMs,
        // Behind a Compound Timelock the vote cannot be simulated: ETA is the verification deadline.
        voteEndsAtMs: timelockFlavor === 'compound' ? null : proposal.voteEndMs,
        calls,
        treasury: executor === null ? [target.address] : [executor, target.address],
        plan:
          unsupported !== null
            ? { unsupported }
            : governorProposalPlan({
                governor: target.address,
                timelock: executor as Address,
                id: BigInt(proposal.id),
                calls: proposal.actions.map((action) => ({
                  target: getAddress(action.target),
                  value: BigInt(action.value),
                  data: action.data as Hex,
                })),
                description: proposal.description,
                stage,
              }),
      },
    ];
  });
}
