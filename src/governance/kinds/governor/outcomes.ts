// Pure derivations from a proposal's view: the states it has passed through with when it entered each (as
// well as the chain tells: event times, the snapshot and deadline blocks' times), and the governance SLI
// events it has decided.
//
//   participation: a proposal whose voting closed (Defeated, Succeeded, Queued, Expired, Executed) is good
//                  when it reached quorum; decided at its deadline. Canceled proposals are not counted.
//   execution:     a proposal that became executable is good when executed within the governor's
//                  executionGrace of becoming executable; bad once the grace has passed without execution, or
//                  when it expired. A queued proposal canceled before execution was stopped on purpose and is
//                  not counted.

import type { GovernanceOutcome, ProposalState } from '../../../domain/governance.js';
import type { Decisions } from '../kind.js';
import type { GovernorTarget, GovernorView, ProposalView } from './model.js';

const votingClosed: ReadonlySet<ProposalState> = new Set(['Defeated', 'Succeeded', 'Queued', 'Expired', 'Executed']);
const passed: ReadonlySet<ProposalState> = new Set(['Succeeded', 'Queued', 'Expired', 'Executed']);

/**
 * The states a proposal has been in, in order, each with when it entered it; `observedAtMs` dates what only a read
 * tells (Expired).
 */
export function proposalTimeline(view: ProposalView, observedAtMs: number): { state: ProposalState; atMs: number }[] {
  const timeline: { state: ProposalState; atMs: number }[] = [{ state: 'Pending', atMs: view.createdAtMs }];
  // Active once voting opened: a proposal canceled (Bravo allows it during the vote) was active only if canceled after
  // that.
  const canceledBeforeVoting =
    view.canceledAtMs !== null && view.voteStartMs !== null && view.canceledAtMs <= view.voteStartMs;
  if (view.state !== 'Pending' && view.voteStartMs !== null && !canceledBeforeVoting)
    timeline.push({ state: 'Active', atMs: view.voteStartMs });
  if (view.state === 'Canceled' && view.canceledAtMs !== null)
    timeline.push({ state: 'Canceled', atMs: view.canceledAtMs });
  if (view.voteEndMs !== null && votingClosed.has(view.state))
    timeline.push({ state: passed.has(view.state) ? 'Succeeded' : 'Defeated', atMs: view.voteEndMs });
  if (view.queuedAtMs !== null && view.state !== 'Canceled') timeline.push({ state: 'Queued', atMs: view.queuedAtMs });
  if (view.state === 'Expired') timeline.push({ state: 'Expired', atMs: observedAtMs });
  if (view.executedAtMs !== null) timeline.push({ state: 'Executed', atMs: view.executedAtMs });
  return timeline;
}

/** The SLI events the proposal has decided so far (the caller keeps the first of each). */
export function proposalOutcomes(target: GovernorTarget, view: ProposalView, nowMs: number): GovernanceOutcome[] {
  const base = { target: target.id, chain: target.chain, subject: view.id };
  const outcomes: GovernanceOutcome[] = [];
  if (votingClosed.has(view.state) && view.quorumReached !== null) {
    outcomes.push({ ...base, sli: 'participation', good: view.quorumReached, decidedAtMs: view.voteEndMs ?? nowMs });
  }
  const dueMs = view.executableAtMs === null ? null : view.executableAtMs + target.settings.executionGraceMs;
  if (view.executedAtMs !== null && dueMs !== null) {
    outcomes.push({ ...base, sli: 'execution', good: view.executedAtMs <= dueMs, decidedAtMs: view.executedAtMs });
  } else if (view.state === 'Expired') {
    outcomes.push({ ...base, sli: 'execution', good: false, decidedAtMs: dueMs ?? nowMs });
  } else if (view.overdue && dueMs !== null) {
    outcomes.push({ ...base, sli: 'execution', good: false, decidedAtMs: dueMs });
  }
  return outcomes;
}

/** Every proposal's timeline and the SLI outcomes decided by `atMs`. */
export function governorDecisions(target: GovernorTarget, view: GovernorView, atMs: number): Decisions {
  return {
    transitions: view.proposals.flatMap((proposal) =>
      proposalTimeline(proposal, atMs).map((entry) => ({ proposalId: proposal.id, ...entry })),
    ),
    outcomes: view.proposals.flatMap((proposal) => proposalOutcomes(target, proposal, atMs)),
  };
}
