// The governance alert source over views folded by the real models from hand-built events: which alerts
// fire, with which severity and words, and that change alerts resolve once their hold has passed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import type { GovernanceEvent, GovernanceSnapshot, GovernanceTarget } from '../../src/domain/governance.js';
import { governanceSource, type GovernanceAlertsConfig } from '../../src/alerting/sources/governance.js';
import { AlertEngine } from '../../src/alerting/alert-engine.js';
import { governanceKind } from '../../src/governance/kinds/index.js';
import type { TrackedTarget } from '../../src/governance/kinds/kind.js';
import { openDatabase } from '../../src/store/database.js';
import { tempDir } from '../helpers/service.js';

const now = Date.UTC(2026, 10, 20, 12, 0, 0);
const hour = 3_600_000;
const base = {
  chain: 'mainnet',
  startBlock: 1,
  confirmations: 12,
  pollIntervalMs: 30_000,
  maxBlockRange: 2_000,
  labels: { team: 'dao' },
};
const governor: GovernanceTarget = {
  ...base,
  id: 'dao',
  kind: 'governor',
  address: '0x408ED6354d4973f66138C91495F2f2FCbd8724C3',
  settings: {
    flavor: 'openzeppelin',
    token: undefined,
    executionGraceMs: 2 * 24 * hour,
    quorumRiskWindowMs: 24 * hour,
    topDelegates: 10,
  },
};
const safe: GovernanceTarget = {
  ...base,
  id: 'council',
  kind: 'safe',
  address: '0x5aFE3855358E112B5647B952709E6165e1c1eEEe',
  settings: { minThreshold: 2, minThresholdRatio: undefined },
};
const proxy: GovernanceTarget = {
  ...base,
  id: 'bridge',
  kind: 'proxy',
  address: '0x3154Cf16ccdb4C6d922629664174b904d80F2C35',
  settings: {},
};

let logIndex = 0;
function event(
  target: GovernanceTarget,
  name: string,
  atMs: number,
  args: GovernanceEvent['args'],
  key: string | null = null,
): GovernanceEvent {
  return {
    target: target.id,
    chain: target.chain,
    blockNumber: 100 + logIndex,
    blockHash: '0xab',
    blockTimeMs: atMs,
    txHash: `0x${(++logIndex).toString(16).padStart(64, '0')}`,
    logIndex,
    address: target.address,
    name,
    key,
    args,
  };
}

const created = (id: string, title: string, atMs: number) =>
  event(
    governor,
    'ProposalCreated',
    atMs,
    {
      proposalId: id,
      proposer: '0x01',
      targets: ['0x02'],
      values: ['0'],
      signatures: [''],
      calldatas: ['0x12345678'],
      voteStart: '10',
      voteEnd: '20',
      description: `# ${title}\nbody`,
    },
    id,
  );

function views() {
  const states = new Map<string, TrackedTarget>();
  const fold = (target: GovernanceTarget, events: GovernanceEvent[], snapshot: Record<string, unknown> | null) => {
    const tracked = governanceKind(target.kind).open().track(target);
    if (!tracked) throw new Error(`no kind tracks ${target.id}`);
    for (const item of events) tracked.apply(item);
    tracked.snapshot =
      snapshot === null
        ? null
        : {
            target: target.id,
            blockNumber: 200,
            blockTimeMs: now,
            readAtMs: now,
            state: snapshot as GovernanceSnapshot['state'],
          };
    states.set(target.id, tracked);
  };
  fold(
    governor,
    [
      created('1', 'Fund the grants program', now - 6 * 24 * hour),
      created('2', 'Upgrade the bridge', now - 10 * 24 * hour),
      event(
        governor,
        'ProposalQueued',
        now - 5 * 24 * hour,
        { proposalId: '2', etaSeconds: String((now - 4 * 24 * hour) / 1_000) },
        '2',
      ),
      created('3', 'Lower fees', now - 3 * 24 * hour),
      event(governor, 'ProposalExecuted', now - 10 * 60_000, { proposalId: '3' }, '3'),
    ],
    {
      proposals: {
        '1': { state: 'Active', quorum: '1000', voteStartMs: now - 5 * 24 * hour, voteEndMs: now + 2 * hour },
        '2': { state: 'Queued', quorum: '1000', voteStartMs: now - 9 * 24 * hour, voteEndMs: now - 6 * 24 * hour },
        '3': { state: 'Succeeded', quorum: '1000', voteStartMs: now - 2 * 24 * hour, voteEndMs: now - 24 * hour },
      },
    },
  );
  fold(safe, [event(safe, 'ChangedThreshold', now - 5 * 60_000, { threshold: '1' })], {
    owners: ['0x1', '0x2', '0x3'],
    threshold: 1,
    nonce: 7,
    modules: [],
    guard: null,
    version: '1.4.1',
  });
  fold(
    proxy,
    [
      event(
        proxy,
        'Upgraded',
        now - 3 * 24 * hour,
        { implementation: '0x4444444444444444444444444444444444444444' },
        '0x4444444444444444444444444444444444444444',
      ),
    ],
    null,
  );
  return states;
}

function setup() {
  const clock = fixedClock(now);
  const states = views();
  const targets = [governor, safe, proxy];
  const reader = {
    targets: () => targets,
    reading: (id: string) => states.get(id)?.reading(clock.now()),
    status: () => ({ lastError: null, lastSuccessMs: now, lastRunMs: now }),
  };
  const config: GovernanceAlertsConfig = {
    enabled: true,
    changeHoldMs: hour,
    ingestionFailingForMs: 600_000,
    severities: { GovernanceProposalExecuted: 'warning' },
    labels: { team: 'governance' },
  };
  const rules = governanceSource.createRules({ reader, config, now: () => clock.now() });
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const engine = new AlertEngine(db, rules, {
    clock,
    routing: {
      root: { receiver: '', matchers: [], continue: false, routes: [] },
      inhibitRules: [],
      receivers: new Map(),
    },
    externalUrl: 'http://ere.test',
  });
  return { clock, engine };
}

describe('governance alerts', () => {
  it(
    'fires on a new proposal, quorum at risk, an overdue execution, an ' +
      'execution, a threshold change and a policy violation',
    () => {
      const { engine } = setup();
      engine.evaluate();
      const firing = engine
        .active()
        .filter((alert) => alert.state === 'firing')
        .map((alert) => `${alert.rule}/${alert.severity}: ${alert.annotations.summary}`)
        .sort();
      expect(firing).toEqual([
        'GovernanceExecutionOverdue/error: Proposal "Upgrade the bridge" on dao passed but is not executed',
        'GovernanceProposalCreated/info: New proposal on dao: Fund the grants program',
        'GovernanceProposalExecuted/warning: Proposal "Lower fees" on dao was executed',
        'GovernanceQuorumAtRisk/warning: Proposal "Fund the grants program" on ' +
          'dao is below quorum close to its deadline (0% of quorum)',
        'SafeThresholdChanged/critical: council on mainnet: threshold set to 1',
        'SafeThresholdPolicyViolated/critical: Safe council needs only 1 signature(s): below its policy',
      ]);
      const overdue = engine.active().find((alert) => alert.rule === 'GovernanceExecutionOverdue')!;
      expect(overdue.labels).toMatchObject({
        scope: 'governance',
        chain: 'mainnet',
        target: 'dao',
        kind: 'governor',
        proposal: '2',
        team: 'dao',
      });
      // The target's labels win over the rules' (team: governance); no state label, so that a proposal
      // moving on (Pending → Active) stays one alert.
      expect(overdue.labels).not.toHaveProperty('state');
    },
  );

  it('resolves change alerts once their hold has passed, and keeps state alerts firing', () => {
    const { clock, engine } = setup();
    engine.evaluate();
    clock.advance(hour);
    const resolved = engine
      .evaluate()
      .filter((transition) => transition.to === 'resolved')
      .map((transition) => transition.rule)
      .sort();
    expect(resolved).toEqual(['GovernanceProposalExecuted', 'SafeThresholdChanged']);
    expect(
      engine
        .active()
        .map((alert) => alert.rule)
        .sort(),
    ).toEqual([
      'GovernanceExecutionOverdue',
      'GovernanceProposalCreated',
      'GovernanceQuorumAtRisk',
      'SafeThresholdPolicyViolated',
    ]);
  });
});
