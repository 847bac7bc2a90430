// Governance as alerts: one rule per thing a DAO's operators and security council must hear about, over
// every governance target of its kind. Proposal alerts follow the proposal's state (a new proposal fires
// while voting is open, an overdue execution while it stays unexecuted); a change (threshold, owners,
// modules, guard, minimum delay, roles, proxy upgrade) fires for `changeHold` after its block and then
// resolves, one alert per change, so that history ingested at start never pages anyone.
//
// Default severities, as a security council would set them: a change to who controls the contracts is
// critical; a decided proposal nobody executes, or one that expired, is an error; a proposal at risk of
// missing quorum or canceled is a warning; the rest of a proposal's life is info.

import type { Severity } from '../../domain/alert.js';
import type { GovernanceTarget } from '../../domain/governance.js';
import type { GovernorView, ProposalView } from '../../governance/models/governor.js';
import type { GovernanceChange } from '../../governance/models/model.js';
import type { ProxyView } from '../../governance/models/proxy.js';
import type { SafeView } from '../../governance/models/safe.js';
import type { TimelockView } from '../../governance/models/timelock.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { parseAnnotations } from './threshold-rule.js';

export interface GovernanceAlertsConfig {
  enabled: boolean;
  /** How long a change alert fires after the change's block. */
  changeHoldMs: number;
  /** A target whose ingestion has failed for this long fires GovernanceIngestionFailing. */
  ingestionFailingForMs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

/** What the source reads: the tracker's targets, views and status. */
export interface GovernanceReader {
  targets(): GovernanceTarget[];
  view(id: string): unknown;
  status(id: string): { lastError: { message: string } | null; lastSuccessMs: number | null; lastRunMs: number | null } | undefined;
}

type Kind = GovernanceTarget['kind'];

interface RuleSpec {
  name: string;
  severity: Severity;
  kind: Kind;
  summary: string;
  description: string;
  /** The series of one target: labels, value, condition. */
  signals(target: GovernanceTarget, view: unknown, nowMs: number, config: GovernanceAlertsConfig): AlertSignal[];
}

const targetLabels = (target: GovernanceTarget) => ({ ...target.labels, scope: 'governance', chain: target.chain, target: target.id, kind: target.kind });

function proposalRule(name: string, severity: Severity, summary: string, description: string, fires: (proposal: ProposalView, nowMs: number, config: GovernanceAlertsConfig) => boolean, value: (proposal: ProposalView) => number | null = () => null): RuleSpec {
  return {
    name,
    severity,
    kind: 'governor',
    summary,
    description,
    signals: (target, view, nowMs, config) =>
      // No `state` label: a proposal going from Pending to Active is the same alert, not a new one.
      (view as GovernorView).proposals
        .filter((proposal) => fires(proposal, nowMs, config))
        .map((proposal) => ({ labels: { ...targetLabels(target), proposal: proposal.id, title: proposal.title }, value: value(proposal), condition: () => true })),
  };
}

// A block stamped ahead of our clock (a chain whose clock runs fast) is recent, not ignored.
const recent = (atMs: number | null, nowMs: number, config: GovernanceAlertsConfig) => atMs !== null && nowMs - atMs < config.changeHoldMs;

function changeRule<View>(name: string, kind: Kind, description: string, changes: (view: View) => GovernanceChange[], which: (change: GovernanceChange) => boolean): RuleSpec {
  return {
    name,
    severity: 'critical',
    kind,
    summary: '{{ $labels.target }} on {{ $labels.chain }}: {{ $labels.change }}',
    description,
    signals: (target, view, nowMs, config) =>
      changes(view as View)
        .filter((change) => which(change) && recent(change.blockTimeMs, nowMs, config))
        .map((change) => ({
          labels: { ...targetLabels(target), event: change.name, change: change.summary, tx: change.txHash, block: String(change.blockNumber) },
          value: change.blockTimeMs / 1_000,
          condition: () => true,
        })),
  };
}

/**
 * How long after its ETA an expired proposal still fires: Bravo's timelock expires a queued proposal 14
 * days after its ETA, so an expiry seen at start for an older proposal is history, not news.
 */
const expiredAlertWindowMs = 31 * 86_400_000;

const safeChange = (names: string[]) => (change: GovernanceChange) => names.includes(change.name);

export const governanceRuleSpecs: readonly RuleSpec[] = [
  proposalRule('GovernanceProposalCreated', 'info', 'New proposal on {{ $labels.target }}: {{ $labels.title }}', 'A proposal is pending or open for votes on {{ $labels.target }} ({{ $labels.chain }}).', (proposal) => proposal.state === 'Pending' || proposal.state === 'Active'),
  proposalRule(
    'GovernanceQuorumAtRisk',
    'warning',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} is below quorum close to its deadline ({{ $value | humanizePercentage }} of quorum)',
    'Voting closes soon and the votes counted towards quorum fall short: without more votes the proposal fails whatever the majority.',
    (proposal) => proposal.quorumAtRisk,
    (proposal) => proposal.quorumReachedRatio,
  ),
  proposalRule('GovernanceProposalSucceeded', 'info', 'Proposal "{{ $labels.title }}" on {{ $labels.target }} passed and awaits queueing', 'The vote passed; the proposal must now be queued (or executed, without a timelock).', (proposal) => proposal.state === 'Succeeded' && !proposal.overdue),
  proposalRule('GovernanceProposalQueued', 'info', 'Proposal "{{ $labels.title }}" on {{ $labels.target }} is queued in the timelock', 'Queued; executable from its ETA.', (proposal) => proposal.state === 'Queued' && !proposal.overdue),
  proposalRule(
    'GovernanceExecutionOverdue',
    'error',
    'Proposal "{{ $labels.title }}" on {{ $labels.target }} passed but is not executed',
    'The decision is taken but nobody executed it within the execution grace after it became executable.',
    (proposal) => proposal.overdue,
    (proposal) => proposal.executableAtMs === null ? null : proposal.executableAtMs / 1_000,
  ),
  proposalRule('GovernanceProposalExecuted', 'info', 'Proposal "{{ $labels.title }}" on {{ $labels.target }} was executed', 'The proposal\'s calls ran.', (proposal, nowMs, config) => recent(proposal.executedAtMs, nowMs, config)),
  proposalRule('GovernanceProposalCanceled', 'warning', 'Proposal "{{ $labels.title }}" on {{ $labels.target }} was canceled', 'The proposal was canceled before execution.', (proposal, nowMs, config) => recent(proposal.canceledAtMs, nowMs, config)),
  proposalRule('GovernanceProposalExpired', 'error', 'Proposal "{{ $labels.title }}" on {{ $labels.target }} expired unexecuted', 'A passed proposal can no longer be executed: the decision is lost.', (proposal, nowMs) => proposal.state === 'Expired' && (proposal.etaMs === null || nowMs - proposal.etaMs < expiredAlertWindowMs)),
  {
    name: 'TimelockOperationOverdue',
    severity: 'error',
    kind: 'timelock',
    summary: 'Timelock {{ $labels.target }} has an operation ready but unexecuted',
    description: 'A timelock operation has been ready for longer than the execution grace.',
    signals: (target, view) =>
      (view as TimelockView).operations
        .filter((operation) => operation.status === 'overdue')
        .map((operation) => ({ labels: { ...targetLabels(target), operation: operation.id }, value: operation.readyAtMs / 1_000, condition: () => true })),
  },
  changeRule<TimelockView>('TimelockMinDelayChanged', 'timelock', 'The timelock\'s minimum delay changed: the time the community has to react to a queued change is different now.', (view) => view.changes, (change) => change.name === 'MinDelayChange' || change.name === 'NewDelay'),
  changeRule<TimelockView>('TimelockRoleChanged', 'timelock', 'Who may propose, execute, cancel or administer the timelock changed.', (view) => view.changes, (change) => ['RoleGranted', 'RoleRevoked', 'RoleAdminChanged', 'NewAdmin', 'NewPendingAdmin'].includes(change.name)),
  changeRule<GovernorView>('GovernorSettingsChanged', 'governor', 'A governor setting (quorum, voting delay or period, proposal threshold, timelock) changed.', (view) => view.changes, () => true),
  changeRule<SafeView>('SafeThresholdChanged', 'safe', 'The number of signatures the Safe needs changed.', (view) => view.changes, safeChange(['ChangedThreshold'])),
  changeRule<SafeView>('SafeOwnersChanged', 'safe', 'An owner was added to or removed from the Safe.', (view) => view.changes, safeChange(['AddedOwner', 'RemovedOwner'])),
  changeRule<SafeView>('SafeModuleChanged', 'safe', 'A module was enabled or disabled: a module can execute transactions without the owners\' signatures.', (view) => view.changes, safeChange(['EnabledModule', 'DisabledModule'])),
  changeRule<SafeView>('SafeGuardChanged', 'safe', 'The Safe\'s transaction or module guard changed.', (view) => view.changes, safeChange(['ChangedGuard', 'ChangedModuleGuard', 'ChangedFallbackHandler'])),
  {
    name: 'SafeThresholdPolicyViolated',
    severity: 'critical',
    kind: 'safe',
    summary: 'Safe {{ $labels.target }} needs only {{ $value }} signature(s): below its policy',
    description: '{{ $labels.reason }}',
    signals: (target, view) => {
      const { policy, threshold } = view as SafeView;
      return [{ labels: { ...targetLabels(target), reason: policy?.reason ?? '' }, value: threshold, condition: () => (policy === null ? null : !policy.ok) }];
    },
  },
  changeRule<ProxyView>('ProxyUpgraded', 'proxy', 'The proxy now runs other code, or another admin or beacon controls it.', (view) => view.upgrades, () => true),
];

const ingestionRule: RuleSpec = {
  name: 'GovernanceIngestionFailing',
  severity: 'warning',
  kind: 'governor',
  summary: 'Governance target {{ $labels.target }} on {{ $labels.chain }} cannot be read',
  description: 'Ingestion has failed for a while: governance alerts about this target may be late or missing.',
  signals: () => [],
};

export const governanceSource = {
  source: 'governance',
  createRules(deps: { reader: GovernanceReader; config: GovernanceAlertsConfig; now: () => number }): AlertRule[] {
    const { reader, config } = deps;
    if (!config.enabled || reader.targets().length === 0) return [];
    // One view per target and evaluation, however many rules read it.
    let cache: { atMs: number; views: Map<string, unknown> } | null = null;
    const viewOf = (id: string, nowMs: number) => {
      if (cache?.atMs !== nowMs) cache = { atMs: nowMs, views: new Map() };
      if (!cache.views.has(id)) cache.views.set(id, reader.view(id));
      return cache.views.get(id);
    };
    const rules = governanceRuleSpecs.map((spec): AlertRule => ({
      name: spec.name,
      severity: config.severities[spec.name] ?? spec.severity,
      source: 'governance',
      timing: { forMs: 0, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({ summary: spec.summary, description: spec.description }),
      signals: () => {
        const nowMs = deps.now();
        return reader
          .targets()
          .filter((target) => target.kind === spec.kind)
          .flatMap((target) => {
            const view = viewOf(target.id, nowMs);
            return view === undefined ? [] : spec.signals(target, view, nowMs, config);
          });
      },
    }));
    rules.push({
      name: ingestionRule.name,
      severity: config.severities[ingestionRule.name] ?? ingestionRule.severity,
      source: 'governance',
      timing: { forMs: config.ingestionFailingForMs, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({ summary: ingestionRule.summary, description: ingestionRule.description }),
      signals: () =>
        reader.targets().map((target) => {
          const status = reader.status(target.id);
          return { labels: targetLabels(target), value: null, condition: () => (status?.lastRunMs === null || status === undefined ? null : status.lastError !== null) };
        }),
    });
    return rules;
  },
};

export const governanceAlertNames = [...governanceRuleSpecs.map((spec) => spec.name), ingestionRule.name];
