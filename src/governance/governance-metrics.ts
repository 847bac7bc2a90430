// Prometheus metrics of governance monitoring. Ingestion counters (events, skipped logs, reorgs, errors,
// RPC requests) move with the tracker's hooks and the chain readers' request callback, so they exist before
// the tracker does; state gauges (proposals, timelock operations, Safe and proxy configuration, ingestion
// progress) are read from the tracker's views at scrape time, so that deadlines and overdue executions move
// with the clock between polls. Labels: chain, target (config ids), kind, state and status (fixed sets),
// reason and error_class (closed unions), method (JSON-RPC method names); never a proposal id or an address.

import { Counter, Gauge, type Registry } from 'prom-client';
import { GovernanceReadError } from './ingest/chain-reader.js';
import type { Clock } from '../domain/clock.js';
import { proposalStates, type GovernanceKindName, type GovernanceTarget } from '../domain/governance.js';
import type { GovernanceTracker, GovernanceTrackerHooks, TargetStatus } from './governance-tracker.js';
import type { GovernorView } from './models/governor.js';
import type { ProxyView } from './models/proxy.js';
import type { SafeView } from './models/safe.js';
import { operationStatuses, type TimelockView } from './models/timelock.js';

const skipReasons = ['unknown_event', 'malformed'] as const;

/** Ingestion counters, fed by the tracker's hooks and the readers' `onRequest`. */
export function createGovernanceIngestMetrics(registry: Registry, targets: readonly GovernanceTarget[]) {
  const registers = [registry];
  const events = new Counter<'chain' | 'target'>({
    name: 'ere_governance_events_ingested_total',
    help: 'Governance events stored for the first time (a range read again after a restart adds none).',
    labelNames: ['chain', 'target'],
    registers,
  });
  const skipped = new Counter<'chain' | 'target' | 'reason'>({
    name: 'ere_governance_logs_skipped_total',
    help: 'Logs of a watched contract left out, by reason: unknown_event (no watched event has its topic) or malformed (it does not decode).',
    labelNames: ['chain', 'target', 'reason'],
    registers,
  });
  const reorgs = new Counter<'chain' | 'target'>({
    name: 'ere_governance_reorgs_total',
    help: 'Reorganisations found under a target, each rolled back to the fork point and ingested again.',
    labelNames: ['chain', 'target'],
    registers,
  });
  const errors = new Counter<'chain' | 'target' | 'error_class'>({
    name: 'ere_governance_ingest_errors_total',
    help: 'Polls of a target that failed, by error class (unexpected for anything not a read error).',
    labelNames: ['chain', 'target', 'error_class'],
    registers,
  });
  const requests = new Counter<'chain' | 'method'>({
    name: 'ere_governance_rpc_requests_total',
    help: 'JSON-RPC requests sent for governance ingestion, by method.',
    labelNames: ['chain', 'method'],
    registers,
  });
  for (const target of targets) {
    const labels = { chain: target.chain, target: target.id };
    events.inc(labels, 0);
    reorgs.inc(labels, 0);
    for (const reason of skipReasons) skipped.inc({ ...labels, reason }, 0);
  }
  const hooks: GovernanceTrackerHooks = {
    onBatch: (target, batch) => {
      const labels = { chain: target.chain, target: target.id };
      events.inc(labels, batch.inserted);
      for (const [reason, count] of Object.entries(batch.skipped)) skipped.inc({ ...labels, reason }, count);
    },
    onReorg: (target) => reorgs.inc({ chain: target.chain, target: target.id }),
    onError: (target, error) => errors.inc({ chain: target.chain, target: target.id, error_class: error instanceof GovernanceReadError ? error.errorClass : 'unexpected' }),
  };
  return { hooks, onRequest: (chain: string, method: string) => requests.inc({ chain, method }) };
}

/** What the gauges read: the tracker, or anything that answers the same. */
export type GovernanceState = Pick<GovernanceTracker, 'targets' | 'status' | 'view'>;

interface TargetReading {
  target: GovernanceTarget;
  status: TargetStatus | undefined;
  view: unknown;
}

/**
 * Every target's status and view, computed once per scrape however many gauges read them: again when 100 ms
 * have passed, or when the clock the views are dated by has moved (a test's clock jumps).
 */
function readingsOf(tracker: GovernanceState, clock: Clock): () => TargetReading[] {
  let takenAt = -Infinity;
  let takenAtClockMs = -Infinity;
  let readings: TargetReading[] = [];
  return () => {
    const now = performance.now();
    const clockMs = clock.now();
    if (now - takenAt > 100 || Math.abs(clockMs - takenAtClockMs) > 100) {
      readings = tracker.targets().map((target) => ({ target, status: tracker.status(target.id), view: tracker.view(target.id) }));
      takenAt = now;
      takenAtClockMs = clockMs;
    }
    return readings;
  };
}

function viewOf(reading: TargetReading, kind: 'governor'): GovernorView | null;
function viewOf(reading: TargetReading, kind: 'timelock'): TimelockView | null;
function viewOf(reading: TargetReading, kind: 'safe'): SafeView | null;
function viewOf(reading: TargetReading, kind: 'proxy'): ProxyView | null;
function viewOf(reading: TargetReading, kind: GovernanceKindName): unknown {
  return reading.target.kind === kind && reading.view !== undefined ? reading.view : null;
}

const minimum = (values: readonly number[]) => (values.length === 0 ? null : Math.min(...values));

/** State gauges read from the tracker's views at scrape time. */
export function createGovernanceMetrics(registry: Registry, tracker: GovernanceState, clock: Clock) {
  const readings = readingsOf(tracker, clock);
  const registers = [registry];

  /** A gauge labelled chain and target, absent for a target whose value is null (another kind, or unknown yet). */
  function targetGauge(name: string, help: string, value: (reading: TargetReading) => number | null) {
    return new Gauge<'chain' | 'target'>({
      name,
      help,
      labelNames: ['chain', 'target'],
      registers,
      collect() {
        this.reset();
        for (const reading of readings()) {
          const result = value(reading);
          if (result !== null && Number.isFinite(result)) this.set({ chain: reading.target.chain, target: reading.target.id }, result);
        }
      },
    });
  }

  /** A gauge with one series per value of a fixed set (zeros included), for targets of one kind. */
  function countsGauge<L extends 'state' | 'status'>(name: string, help: string, label: L, counts: (reading: TargetReading) => Record<string, number> | null) {
    return new Gauge<'chain' | 'target' | L>({
      name,
      help,
      labelNames: ['chain', 'target', label],
      registers,
      collect() {
        this.reset();
        for (const reading of readings()) {
          const byValue = counts(reading);
          if (byValue === null) continue;
          for (const [key, count] of Object.entries(byValue)) this.set({ chain: reading.target.chain, target: reading.target.id, [label]: key } as Record<'chain' | 'target' | L, string>, count);
        }
      },
    });
  }

  const active = (reading: TargetReading) => viewOf(reading, 'governor')?.proposals.filter((proposal) => proposal.state === 'Active') ?? [];

  countsGauge('ere_governance_proposals', `Proposals of a governor by state (${proposalStates.join(', ')}).`, 'state', (reading) => viewOf(reading, 'governor')?.byState ?? null);
  targetGauge('ere_governance_active_proposal_turnout_ratio_min', 'Lowest turnout (votes counted towards quorum / quorum) among Active proposals; absent when none is Active with a known quorum.', (reading) =>
    minimum(active(reading).flatMap((proposal) => (proposal.quorumReachedRatio === null ? [] : [proposal.quorumReachedRatio]))),
  );
  targetGauge('ere_governance_active_proposal_deadline_seconds_min', 'Seconds until the soonest voting deadline among Active proposals (0 once passed); absent when none is Active.', (reading) => {
    const now = clock.now();
    const seconds = minimum(active(reading).flatMap((proposal) => (proposal.voteEndMs === null ? [] : [(proposal.voteEndMs - now) / 1_000])));
    return seconds === null ? null : Math.max(0, seconds);
  });
  targetGauge('ere_governance_overdue_executions', 'Proposals (governor) or operations (timelock) executable for longer than the execution grace without being executed.', (reading) => {
    const governor = viewOf(reading, 'governor');
    if (governor) return governor.proposals.filter((proposal) => proposal.overdue).length;
    return viewOf(reading, 'timelock')?.byStatus.overdue ?? null;
  });
  targetGauge('ere_governance_quorum_at_risk_proposals', 'Active proposals below quorum within the risk window of their deadline.', (reading) => viewOf(reading, 'governor')?.proposals.filter((proposal) => proposal.quorumAtRisk).length ?? null);
  targetGauge('ere_governance_voting_power_top_share_ratio', 'Share of delegated voting power held by the top delegates (the target’s topDelegates); absent before any delegation is seen.', (reading) =>
    viewOf(reading, 'governor')?.topDelegatesShare ?? null,
  );
  countsGauge('ere_governance_timelock_operations', `Timelock operations by status (${operationStatuses.join(', ')}).`, 'status', (reading) => viewOf(reading, 'timelock')?.byStatus ?? null);
  targetGauge('ere_governance_timelock_min_delay_seconds', 'The timelock’s minimum delay.', (reading) => viewOf(reading, 'timelock')?.minDelaySeconds ?? null);
  targetGauge('ere_governance_safe_threshold', 'Signatures a Safe transaction needs.', (reading) => viewOf(reading, 'safe')?.threshold ?? null);
  targetGauge('ere_governance_safe_owners', 'Owners of the Safe.', (reading) => viewOf(reading, 'safe')?.owners?.length ?? null);
  targetGauge('ere_governance_safe_nonce', 'The Safe’s nonce: transactions it has executed.', (reading) => viewOf(reading, 'safe')?.nonce ?? null);
  targetGauge('ere_governance_safe_threshold_policy_ok', '1 when the Safe’s threshold meets the target’s policy, 0 when not; absent while owners or threshold are unknown.', (reading) => {
    const policy = viewOf(reading, 'safe')?.policy;
    return policy ? Number(policy.ok) : null;
  });
  targetGauge('ere_governance_safe_modules', 'Modules enabled on the Safe (each can execute without the owners’ signatures).', (reading) => viewOf(reading, 'safe')?.modules.length ?? null);
  targetGauge('ere_governance_proxy_last_upgrade_timestamp_seconds', 'Block time of the proxy’s newest implementation or beacon change; absent when none was ingested.', (reading) => {
    const lastUpgradeMs = viewOf(reading, 'proxy')?.lastUpgradeMs;
    return lastUpgradeMs == null ? null : lastUpgradeMs / 1_000;
  });
  new Gauge<'chain' | 'target' | 'kind'>({
    name: 'ere_governance_cursor_block',
    help: 'Every block up to this one is ingested for the target.',
    labelNames: ['chain', 'target', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const { target, status } of readings()) if (status?.cursorBlock != null) this.set({ chain: target.chain, target: target.id, kind: target.kind }, status.cursorBlock);
    },
  });
  targetGauge('ere_governance_ingest_lag_blocks', 'Blocks between the newest final block (head − confirmations) and the cursor; absent until both are known.', ({ status }) =>
    status?.safeHead == null || status.cursorBlock === null ? null : Math.max(0, status.safeHead - status.cursorBlock),
  );
  targetGauge('ere_governance_last_success_timestamp_seconds', 'When a poll of the target last succeeded.', ({ status }) => (status?.lastSuccessMs == null ? null : status.lastSuccessMs / 1_000));
  targetGauge('ere_governance_up', '1 when the last poll of the target succeeded, 0 when it failed or none has run yet.', ({ status }) => (status?.lastSuccessMs != null && status.lastError === null ? 1 : 0));
}
