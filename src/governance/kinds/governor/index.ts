// The governor kind: OpenZeppelin's Governor and Compound's GovernorBravo. Proposals from creation to
// execution with their tallies, quorum and deadlines, voting power concentration from the votes token, the
// proposal timelines and governance SLI outcomes it decides, its gauges, its alerts and its API routes.

import {
  finalProposalStates,
  proposalStates,
  type EventValue,
  type GovernanceEvent,
} from '../../../domain/governance.js';
import { defineGovernanceKind } from '../define-kind.js';
import { overdueExecutionsGauge } from '../kind.js';
import { governorAlerts } from './alerts.js';
import { governorRoutes } from './api.js';
import { governorAddresses, governorEvents, governorKeyOf, readGovernor, type OpenProposal } from './ingest.js';
import { governorModel, type GovernorState, type GovernorTarget, type GovernorView } from './model.js';
import { governorDecisions } from './outcomes.js';
import { governorVerifiable } from './verifiable.js';
import { governorConfig } from './config.js';

/**
 * Proposals to read: those created in this step's events, those never read (executed or canceled before
 * the first read included, so that their quorum and deadline are known), and those whose state may still
 * change (not final by their last read, nor executed or canceled).
 */
export function openProposals(
  state: GovernorState,
  events: readonly GovernanceEvent[],
  previous: Record<string, EventValue> | null,
): OpenProposal[] {
  const reads = (previous?.proposals ?? {}) as Record<string, { state?: string }>;
  const known = [...state.proposals.values()]
    .filter(
      (proposal) =>
        reads[proposal.id] === undefined ||
        (proposal.executedAtMs === null &&
          proposal.canceledAtMs === null &&
          !finalProposalStates.includes(reads[proposal.id]?.state as never)),
    )
    .map((proposal) => ({ id: proposal.id, voteStart: proposal.voteStart, voteEnd: proposal.voteEnd }));
  const created = events
    .filter((event) => event.name === 'ProposalCreated' && !state.proposals.has(String(event.args.proposalId)))
    .map((event) => ({
      id: String(event.args.proposalId),
      voteStart: Number(event.args.voteStart),
      voteEnd: Number(event.args.voteEnd),
    }));
  return [...known, ...created];
}

const minimum = (values: readonly number[]) => (values.length === 0 ? null : Math.min(...values));
const active = (view: GovernorView) => view.proposals.filter((proposal) => proposal.state === 'Active');

export const governorKind = defineGovernanceKind<GovernorTarget, GovernorState, GovernorView>({
  name: 'governor',
  config: governorConfig,
  events: governorEvents,
  addresses: governorAddresses,
  keyOf: governorKeyOf,
  snapshot: (target, reads, { state, events }, previous) =>
    readGovernor(target, reads, openProposals(state, events, previous), previous),
  ...governorModel,
  decisions: governorDecisions,
  verifiable: governorVerifiable,
  gauges: [
    {
      gauge: {
        name: 'ere_governance_proposals',
        help: `Proposals of a governor by state (${proposalStates.join(', ')}).`,
        label: 'state',
      },
      counts: (view) => view.byState,
    },
    {
      gauge: {
        name: 'ere_governance_active_proposal_turnout_ratio_min',
        help:
          'Lowest turnout (votes counted towards quorum / quorum) among Active ' +
          'proposals; absent when none is Active with a known quorum.',
      },
      value: (view) =>
        minimum(
          active(view).flatMap((proposal) =>
            proposal.quorumReachedRatio === null ? [] : [proposal.quorumReachedRatio],
          ),
        ),
    },
    {
      gauge: {
        name: 'ere_governance_active_proposal_deadline_seconds_min',
        help:
          'Seconds until the soonest voting deadline among Active ' +
          'proposals (0 once passed); absent when none is Active.',
      },
      value: (view, nowMs) => {
        const seconds = minimum(
          active(view).flatMap((proposal) =>
            proposal.voteEndMs === null ? [] : [(proposal.voteEndMs - nowMs) / 1_000],
          ),
        );
        return seconds === null ? null : Math.max(0, seconds);
      },
    },
    { gauge: overdueExecutionsGauge, value: (view) => view.proposals.filter((proposal) => proposal.overdue).length },
    {
      gauge: {
        name: 'ere_governance_quorum_at_risk_proposals',
        help: 'Active proposals below quorum within the risk window of their deadline.',
      },
      value: (view) => view.proposals.filter((proposal) => proposal.quorumAtRisk).length,
    },
    {
      gauge: {
        name: 'ere_governance_voting_power_top_share_ratio',
        help:
          'Share of delegated voting power held by the top delegates (the ' +
          'target’s topDelegates); absent before any delegation is seen.',
      },
      value: (view) => view.topDelegatesShare,
    },
  ],
  alerts: governorAlerts,
  routes: governorRoutes,
});
