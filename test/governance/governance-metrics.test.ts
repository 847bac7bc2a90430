// Governance metrics over targets of every kind whose views come from the real models, fed with events as
// ingestion stores them: the values of each gauge at scrape time (deadlines move with the clock), the
// counters the tracker's hooks and the readers' requests feed, promtool's lint, and no label carrying a
// proposal id or an address.

import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GovernanceReadError } from '../../src/governance/ingest/chain-reader.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { EventValue, GovernanceEvent, GovernanceSnapshot, GovernanceTarget } from '../../src/domain/governance.js';
import {
  createGovernanceIngestMetrics,
  createGovernanceMetrics,
  type GovernanceState,
} from '../../src/governance/governance-metrics.js';
import { governanceKind } from '../../src/governance/kinds/index.js';
import type { TargetStatus } from '../../src/governance/governance-tracker.js';

const now = Date.UTC(2026, 10, 1, 12, 0, 0);
const minute = 60_000;
const hour = 60 * minute;
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as `0x${string}`;
const base = {
  chain: 'mainnet',
  startBlock: 1,
  confirmations: 2,
  pollIntervalMs: 10_000,
  maxBlockRange: 1_000,
  labels: {},
};

const targets: GovernanceTarget[] = [
  {
    ...base,
    id: 'dao',
    kind: 'governor',
    address: address(1),
    settings: {
      flavor: 'openzeppelin',
      token: undefined,
      executionGraceMs: hour,
      quorumRiskWindowMs: 2 * hour,
      topDelegates: 1,
    },
  },
  {
    ...base,
    id: 'dao-timelock',
    kind: 'timelock',
    address: address(2),
    settings: { flavor: 'openzeppelin', executionGraceMs: hour },
  },
  {
    ...base,
    id: 'treasury',
    kind: 'safe',
    address: address(3),
    settings: { minThreshold: 2, minThresholdRatio: undefined },
  },
  { ...base, id: 'vault', kind: 'proxy', address: address(4), settings: {} },
];

// Proposal ids as a governor makes them: keccak hashes as decimal numbers.
const [soonId, laterId, overdueId] = [
  '91725834918273645918273645918273645918273645',
  '82736451827364518273645182736451827364518273',
  '73645182736451827364518273645182736451827364',
];

let logIndex = 0;
function event(
  target: string,
  name: string,
  atMs: number,
  args: Record<string, EventValue>,
  key: string | null = null,
): GovernanceEvent {
  logIndex += 1;
  return {
    target,
    chain: 'mainnet',
    blockNumber: 100 + logIndex,
    blockHash: `0x${'ab'.repeat(32)}`,
    blockTimeMs: atMs,
    txHash: `0x${'cd'.repeat(32)}`,
    logIndex,
    address: address(1),
    name,
    key,
    args,
  };
}

const created = (id: string, atMs: number) =>
  event(
    'dao',
    'ProposalCreated',
    atMs,
    {
      proposalId: id,
      proposer: address(10),
      targets: [address(2)],
      values: ['0'],
      signatures: [''],
      calldatas: ['0x64d62353'],
      voteStart: '10',
      voteEnd: '20',
      description: `# ${id.slice(0, 4)}`,
    },
    id,
  );
const voted = (id: string, voter: number, support: number, weight: string) =>
  event('dao', 'VoteCast', now - hour, { voter: address(voter), proposalId: id, support, weight, reason: '' }, id);

const events: Record<string, GovernanceEvent[]> = {
  dao: [
    created(soonId, now - 3 * hour),
    created(laterId, now - 3 * hour),
    created(overdueId, now - 30 * hour),
    voted(soonId, 11, 1, '30'),
    voted(laterId, 12, 1, '200'),
    voted(overdueId, 12, 1, '500'),
    event(
      'dao',
      'ProposalQueued',
      now - 3 * hour,
      { proposalId: overdueId, etaSeconds: String((now - 2 * hour) / 1_000) },
      overdueId,
    ),
    event(
      'dao',
      'DelegateVotesChanged',
      now - 5 * hour,
      { delegate: address(11), previousVotes: '0', newVotes: '300' },
      address(11),
    ),
    event(
      'dao',
      'DelegateVotesChanged',
      now - 5 * hour,
      { delegate: address(12), previousVotes: '0', newVotes: '700' },
      address(12),
    ),
  ],
  'dao-timelock': [
    event('dao-timelock', 'MinDelayChange', now - 10 * hour, { oldDuration: '0', newDuration: '3600' }),
    event(
      'dao-timelock',
      'CallScheduled',
      now - 4 * hour,
      {
        id: `0x${'01'.repeat(32)}`,
        index: '0',
        target: address(5),
        value: '0',
        data: '0x12345678',
        predecessor: `0x${'00'.repeat(32)}`,
        delay: '3600',
      },
      `0x${'01'.repeat(32)}`,
    ),
    event(
      'dao-timelock',
      'CallScheduled',
      now - 30 * minute,
      {
        id: `0x${'02'.repeat(32)}`,
        index: '0',
        target: address(5),
        value: '0',
        data: '0x12345678',
        predecessor: `0x${'00'.repeat(32)}`,
        delay: '3600',
      },
      `0x${'02'.repeat(32)}`,
    ),
  ],
  treasury: [
    event('treasury', 'SafeSetup', now - 10 * hour, {
      initiator: address(6),
      owners: [address(7), address(8), address(9)],
      threshold: '2',
      initializer: address(0),
      fallbackHandler: address(0),
    }),
    event('treasury', 'ChangedThreshold', now - 2 * hour, { threshold: '1' }),
    event('treasury', 'ExecutionSuccess', now - 2 * hour, { txHash: `0x${'03'.repeat(32)}`, payment: '0' }),
  ],
  vault: [
    event('vault', 'Upgraded', now - 6 * hour, { implementation: address(20) }),
    event('vault', 'Upgraded', now - 4 * hour, { implementation: address(21) }),
  ],
};

const snapshots: Record<string, GovernanceSnapshot | null> = {
  dao: {
    target: 'dao',
    blockNumber: 200,
    blockTimeMs: now - minute,
    readAtMs: now - minute,
    state: {
      proposals: {
        // Below quorum (30 of 100) and within the risk window of its deadline.
        [soonId]: {
          state: 'Active',
          quorum: '100',
          etaSeconds: null,
          voteStartMs: now - 2 * hour,
          voteEndMs: now + 30 * minute,
        },
        [laterId]: {
          state: 'Active',
          quorum: '100',
          etaSeconds: null,
          voteStartMs: now - 2 * hour,
          voteEndMs: now + 5 * hour,
        },
        [overdueId]: {
          state: 'Queued',
          quorum: '100',
          etaSeconds: (now - 2 * hour) / 1_000,
          voteStartMs: now - 29 * hour,
          voteEndMs: now - 4 * hour,
        },
      },
    },
  },
  'dao-timelock': null,
  treasury: null,
  vault: null,
};

function status(overrides: Partial<TargetStatus>): TargetStatus {
  return {
    cursorBlock: 200,
    safeHead: 200,
    caughtUp: true,
    lastRunMs: now - minute,
    lastSuccessMs: now - minute,
    lastError: null,
    endpoint: 'a',
    rangeSize: 1_000,
    ...overrides,
  };
}

const statuses: Record<string, TargetStatus> = {
  dao: status({}),
  'dao-timelock': status({ cursorBlock: 150, safeHead: 200, caughtUp: false }),
  treasury: status({ lastError: { errorClass: 'timeout', message: 'no answer', atMs: now - minute } }),
  vault: status({ cursorBlock: null, safeHead: null, lastRunMs: null, lastSuccessMs: null }),
};

/** The tracker's reading side, over the real models and the events above. */
function state(clock: { now(): number }): GovernanceState {
  const folded = new Map(
    targets.map((target) => {
      const tracked = governanceKind(target.kind).open().track(target);
      if (!tracked) throw new Error(`no kind tracks ${target.id}`);
      for (const item of events[target.id]!) tracked.apply(item);
      tracked.snapshot = snapshots[target.id] ?? null;
      return [target.id, tracked];
    }),
  );
  return {
    targets: () => targets,
    status: (id) => statuses[id],
    reading: (id) => folded.get(id)?.reading(clock.now()),
  };
}

function setup() {
  const clock = fixedClock(now);
  const registry = new Registry();
  const ingest = createGovernanceIngestMetrics(registry, targets);
  createGovernanceMetrics(registry, state(clock), clock);
  return { clock, registry, ingest };
}

/** `name{labels} value` lines of the exposition, without comments. */
async function samples(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

const value = (lines: string[], series: string) => {
  const line = lines.find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('governance metrics', () => {
  it('reads proposals, timelock operations, Safe and proxy state and ingestion progress from the views', async () => {
    const { registry } = setup();
    const lines = await samples(registry);
    const dao = 'chain="mainnet",target="dao"';
    for (const [state, count] of Object.entries({
      Pending: 0,
      Active: 2,
      Canceled: 0,
      Defeated: 0,
      Succeeded: 0,
      Queued: 1,
      Expired: 0,
      Executed: 0,
    })) {
      expect(value(lines, `ere_governance_proposals{${dao},state="${state}"}`)).toBe(count);
    }
    expect(value(lines, `ere_governance_active_proposal_turnout_ratio_min{${dao}}`)).toBe(0.3);
    expect(value(lines, `ere_governance_active_proposal_deadline_seconds_min{${dao}}`)).toBe(1_800);
    expect(value(lines, `ere_governance_overdue_executions{${dao}}`)).toBe(1);
    expect(value(lines, `ere_governance_quorum_at_risk_proposals{${dao}}`)).toBe(1);
    expect(value(lines, `ere_governance_voting_power_top_share_ratio{${dao}}`)).toBe(0.7);

    const timelock = 'chain="mainnet",target="dao-timelock"';
    // One operation ready for 3 h (past the 1 h grace), one still waiting for its delay.
    for (const [status, count] of Object.entries({
      scheduled: 1,
      ready: 0,
      overdue: 1,
      executed: 0,
      cancelled: 0,
      expired: 0,
    })) {
      expect(value(lines, `ere_governance_timelock_operations{${timelock},status="${status}"}`)).toBe(count);
    }
    expect(value(lines, `ere_governance_overdue_executions{${timelock}}`)).toBe(1);
    expect(value(lines, `ere_governance_timelock_min_delay_seconds{${timelock}}`)).toBe(3_600);

    const safe = 'chain="mainnet",target="treasury"';
    expect(value(lines, `ere_governance_safe_threshold{${safe}}`)).toBe(1);
    expect(value(lines, `ere_governance_safe_owners{${safe}}`)).toBe(3);
    expect(value(lines, `ere_governance_safe_nonce{${safe}}`)).toBe(1);
    expect(value(lines, `ere_governance_safe_threshold_policy_ok{${safe}}`)).toBe(0);
    expect(value(lines, `ere_governance_safe_modules{${safe}}`)).toBe(0);

    const vault = 'chain="mainnet",target="vault"';
    expect(value(lines, `ere_governance_proxy_last_upgrade_timestamp_seconds{${vault}}`)).toBe(
      (now - 4 * hour) / 1_000,
    );

    expect(value(lines, `ere_governance_cursor_block{${dao},kind="governor"}`)).toBe(200);
    expect(value(lines, `ere_governance_cursor_block{${timelock},kind="timelock"}`)).toBe(150);
    expect(value(lines, `ere_governance_cursor_block{${vault},kind="proxy"}`)).toBeUndefined();
    expect(value(lines, `ere_governance_ingest_lag_blocks{${timelock}}`)).toBe(50);
    expect(value(lines, `ere_governance_ingest_lag_blocks{${vault}}`)).toBeUndefined();
    expect(value(lines, `ere_governance_last_success_timestamp_seconds{${dao}}`)).toBe((now - minute) / 1_000);
    expect(value(lines, `ere_governance_up{${dao}}`)).toBe(1);
    expect(value(lines, `ere_governance_up{${safe}}`)).toBe(0);
    expect(value(lines, `ere_governance_up{${vault}}`)).toBe(0);

    // A kind's gauges are absent for the other kinds.
    expect(
      lines.filter((line) => line.startsWith('ere_governance_proposals{')).every((line) => line.includes(dao)),
    ).toBe(true);
    expect(lines.some((line) => line.startsWith('ere_governance_safe_threshold{') && !line.includes(safe))).toBe(false);
  });

  it('moves deadlines and timelock readiness with the clock between polls', async () => {
    const { registry, clock } = setup();
    clock.advance(20 * minute);
    let lines = await samples(registry);
    expect(value(lines, 'ere_governance_active_proposal_deadline_seconds_min{chain="mainnet",target="dao"}')).toBe(600);
    expect(
      value(lines, 'ere_governance_timelock_operations{chain="mainnet",target="dao-timelock",status="ready"}'),
    ).toBe(0);

    // Once the deadline has passed without a new read, the proposal is still Active by its last read.
    clock.advance(20 * minute);
    lines = await samples(registry);
    expect(value(lines, 'ere_governance_active_proposal_deadline_seconds_min{chain="mainnet",target="dao"}')).toBe(0);
    // The second operation's delay has passed: ready now.
    expect(
      value(lines, 'ere_governance_timelock_operations{chain="mainnet",target="dao-timelock",status="ready"}'),
    ).toBe(1);
    expect(
      value(lines, 'ere_governance_timelock_operations{chain="mainnet",target="dao-timelock",status="scheduled"}'),
    ).toBe(0);
  });

  it('counts what the tracker reports and the requests the readers send', async () => {
    const { registry, ingest } = setup();
    const [dao, safe] = [targets[0]!, targets[2]!];
    ingest.hooks.onBatch!(dao, { events: 9, inserted: 7, skipped: { unknown_event: 2 }, blocks: 50, durationMs: 12 });
    ingest.hooks.onBatch!(dao, { events: 3, inserted: 0, skipped: {}, blocks: 10, durationMs: 3 });
    ingest.hooks.onReorg!(dao, { from: 120, fork: 118, removedEvents: 1 });
    ingest.hooks.onError!(safe, new GovernanceReadError('rate_limited', 'HTTP 429 Too Many Requests'));
    ingest.hooks.onError!(safe, new Error('SQLITE_BUSY'));
    ingest.onRequest('mainnet', 'eth_getLogs');
    ingest.onRequest('mainnet', 'eth_getLogs');
    ingest.onRequest('mainnet', 'eth_call');
    const lines = await samples(registry);
    expect(value(lines, 'ere_governance_events_ingested_total{chain="mainnet",target="dao"}')).toBe(7);
    expect(value(lines, 'ere_governance_events_ingested_total{chain="mainnet",target="vault"}')).toBe(0);
    expect(value(lines, 'ere_governance_logs_skipped_total{chain="mainnet",target="dao",reason="unknown_event"}')).toBe(
      2,
    );
    expect(value(lines, 'ere_governance_logs_skipped_total{chain="mainnet",target="dao",reason="malformed"}')).toBe(0);
    expect(value(lines, 'ere_governance_reorgs_total{chain="mainnet",target="dao"}')).toBe(1);
    expect(
      value(lines, 'ere_governance_ingest_errors_total{chain="mainnet",target="treasury",error_class="rate_limited"}'),
    ).toBe(1);
    expect(
      value(lines, 'ere_governance_ingest_errors_total{chain="mainnet",target="treasury",error_class="unexpected"}'),
    ).toBe(1);
    expect(value(lines, 'ere_governance_rpc_requests_total{chain="mainnet",method="eth_getLogs"}')).toBe(2);
    expect(value(lines, 'ere_governance_rpc_requests_total{chain="mainnet",method="eth_call"}')).toBe(1);
  });

  it('passes promtool, and no label carries a proposal id, an address or a hash', async () => {
    const { registry, ingest } = setup();
    ingest.hooks.onError!(targets[0]!, new GovernanceReadError('timeout', 'no answer within 5000 ms'));
    ingest.onRequest('mainnet', 'eth_blockNumber');
    const text = await registry.metrics();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    const labelValues = (await samples(registry)).flatMap((line) =>
      [...line.matchAll(/="([^"]*)"/g)].map((match) => match[1]!),
    );
    expect(labelValues.length).toBeGreaterThan(50);
    for (const labelValue of new Set(labelValues)) {
      expect(labelValue).not.toMatch(/0x[0-9a-f]{8}|\d{10}/i);
      expect(labelValue.length).toBeLessThan(32);
    }
    const labelNames = new Set(
      (await samples(registry)).flatMap((line) => [...line.matchAll(/([a-z_]+)="/g)].map((match) => match[1]!)),
    );
    expect([...labelNames].sort()).toEqual([
      'chain',
      'error_class',
      'kind',
      'method',
      'reason',
      'state',
      'status',
      'target',
    ]);
  });
});
