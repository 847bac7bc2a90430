// A governor's alert rules. Proposal alerts follow the proposal's state (a new proposal fires while voting
// is open, an overdue execution while it stays unexecuted); a change of the governor's settings fires for
// `changeHold` after its block. Default severities, as a security council would set them: a decided
// proposal nobody executes, or one that expired, is an error; a proposal at risk of missing quorum or
// canceled is a warning; the rest of a proposal's life is info; a settings change is critical.

import type { Severity } from '../../../domain/alert.js';
import { changeRule, recent, targetLabels } from '../alerts.js';
import type { GovernanceAlertContext, GovernanceAlertSpec } from '../kind.js';
import type { GovernorTarget, GovernorView, ProposalView } from './model.js';

type GovernorRule = GovernanceAlertSpec<GovernorTarget, GovernorView>;

function proposalRule(
  name: string,
  severity: Severity,
  summary: string,
  description: string,
  fires: (proposal: ProposalView, nowMs: number, context: GovernanceAlertContext) => boolean,
  value: (proposal: ProposalView) => number | null = () => null,
  /** Whether its alerts list what the proposal's actions do, one line each. */
  withActions = false,
): GovernorRule {
  return {
    name,
    severity,
    summary,
    description,
    signals: (target, view, nowMs, context) =>
      // No `state` label: a proposal going from Pending to Active is the same alert, not a new one.
      view.proposals
        .filter((proposal) => fires(proposal, nowMs, context))
        .map((proposal) => ({
          labels: { ...targetLabels(target), proposal: proposal.id, title: proposal.title },
          value: value(proposal),
          condition: () => true,
          ...(withActions ? { details: actionLines(target, proposal, context) } : {}),
        })),
  };
}

/** "Actions:" and one numbered line per action, decoded. */
function actionLines(target: GovernorTarget, proposal: ProposalView, context: GovernanceAlertContext): string[] {
  const { decoder } = context;
  const lines = proposal.actions.map((action, index) => {
    const decoded = decoder.decode(target.chain, {
      to: action.target,
      value: action.value,
      data: action.data,
      ...(action.signature ? { signature: action.signature } : {}),
    });
    return `${index + 1}. ${decoder.summarize(target.chain, decoded)}`;
  });
  return lines.length === 0 ? [] : ['Actions:', ...lines];
}

/**
 * How long after its ETA an expired proposal still fires: Bravo's timelock expires a queued proposal 14
 * days after its ETA, so an expiry seen at start for an older proposal is history, not news.
 */
const expiredAlertWindowMs = 31 * 86_400_000;

export const governorAlerts: readonly GovernorRule[] = [
  proposalRule(
    'GovernanceProposalCreated',
    'info',
    'New proposal on {{ $labels.target }}: {{ $labels.title }}',
    'A proposal is pending or open for votes on {{ $labels.target }} ({{ $labels.chain }}).',
    (proposal) => proposal.state === 'Pending' || proposal.state === 'Active',
    undefined,
    true,
  ),
  proposalRule(
    'GovernanceQuorumAtRisk',
    'warning',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} is below quorum close ' +
      'to its deadline ({{ $value | humanizePercentage }} of quorum)',
    'Voting closes soon and the votes counted towards quorum fall short: ' +
      'without more votes the proposal fails whatever the majority.',
    (proposal) => proposal.quorumAtRisk,
    (proposal) => proposal.quorumReachedRatio,
  ),
  proposalRule(
    'GovernanceProposalSucceeded',
    'info',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} passed and awaits queueing',
    'The vote passed; the proposal must now be queued (or executed, without a timelock).',
    (proposal) => proposal.state === 'Succeeded' && !proposal.overdue,
    undefined,
    true,
  ),
  proposalRule(
    'GovernanceProposalQueued',
    'info',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} is queued in the timelock',
    'Queued; executable from its ETA.',
    (proposal) => proposal.state === 'Queued' && !proposal.overdue,
    undefined,
    true,
  ),
  proposalRule(
    'GovernanceExecutionOverdue',
    'error',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} passed but is not executed',
    'The decision is taken but nobody executed it within the execution grace after it became executable.',
    (proposal) => proposal.overdue,
    (proposal) => (proposal.executableAtMs === null ? null : proposal.executableAtMs / 1_000),
  ),
  proposalRule(
    'GovernanceProposalExecuted',
    'info',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} was executed',
    "The proposal's calls ran.",
    (proposal, nowMs, context) => recent(proposal.executedAtMs, nowMs, context),
  ),
  proposalRule(
    'GovernanceProposalCanceled',
    'warning',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} was canceled',
    'The proposal was canceled before execution.',
    (proposal, nowMs, context) => recent(proposal.canceledAtMs, nowMs, context),
  ),
  proposalRule(
    'GovernanceProposalExpired',
    'error',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} expired unexecuted',
    'A passed proposal can no longer be executed: the decision is lost.',
    (proposal, nowMs) =>
      proposal.state === 'Expired' && (proposal.etaMs === null || nowMs - proposal.etaMs < expiredAlertWindowMs),
  ),
  changeRule<GovernorView>(
    'GovernorSettingsChanged',
    'A governor setting (quorum, voting delay or period, proposal threshold, timelock) changed.',
    (view) => view.changes,
    () => true,
  ),
];
