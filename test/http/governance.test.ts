// The governance API and metrics over a tracker fed from a real anvil chain: a governor whose proposal is
// voted, queued through the timelock and executed while another stays active, a 2-of-3 Safe lowering its
// threshold below policy, and a transparent proxy upgraded. Checks what each route shows (times as ISO
// strings, amounts as decimal strings), 400s and 404s, the feed's cursor, the read guard, the OpenAPI
// document, and /metrics (promtool, no addresses or proposal ids in labels).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { encodeFunctionData, getAddress, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainReader } from '../../src/governance/ingest/chain-reader.js';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import type { GovernanceTarget } from '../../src/domain/governance.js';
import { ChainView } from '../../src/endpoints/rpc/rpc-view.js';
import type { AuthSettings } from '../../src/http/route.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { createGovernanceIngestMetrics, createGovernanceMetrics } from '../../src/governance/governance-metrics.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { GovernanceTracker } from '../../src/governance/governance-tracker.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { deployGovernance, type Governance } from '../helpers/governance-contracts.js';
import {
  Support,
  execute,
  fundVoter,
  passTime,
  propose,
  queue,
  vote,
  type Proposal,
} from '../helpers/governance-driver.js';
import {
  deployTransparentProxy,
  upgradeTransparentProxy,
  type TransparentProxyDeployment,
} from '../helpers/proxy-contracts.js';
import { deploySafe, execSafeTransaction } from '../helpers/safe-contracts.js';
import { tempDir } from '../helpers/service.js';

const token = 'ere-governance-test-token-5e1f';
const [deployer, alice, bob, carol] = [anvilAccount(0), anvilAccount(1), anvilAccount(2), anvilAccount(3)];
const config = parseConfig(`
chains: [{ id: local, chainId: 31337, rpc: [{ id: anvil, url: "http://127.0.0.1:1" }] }]
`);

let node: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let safe: Address;
let proxy: TransparentProxyDeployment;
let executed: Proposal;
let active: Proposal;
let chainNowMs = 0;
const clock = { now: () => chainNowMs };
let tracker: GovernanceTracker;
let registry: Registry;

function server(auth: AuthSettings = { protectReads: false }) {
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const slos = new SloEngine(db, resolveSlos(config), { clock, settleMs: 30_000 });
  return buildServer({
    version: 'test',
    clock,
    logger: createLogger({ level: 'warn', scrubber: new SecretScrubber(), destination: { write: () => {} } }),
    registry,
    readiness: () => ({ ready: true }),
    view: new ChainView(
      config,
      new ChainTracker(
        [{ chain: 'local', endpoints: ['anvil'], policy: { maxLagBlocks: 3, staleAfterMs: 45_000 } }],
        clock,
      ),
    ),
    samples: new RpcSampleStore(db),
    slos,
    sloReports: new SloReports(db, slos.definitions(), () => slos.settledEnd(clock.now())),
    auth,
    governance: tracker,
  });
}

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  const startBlock = Number(await client.getBlockNumber()) + 1;
  const deployment = await deploySafe(client, deployer, [alice.address, bob.address, carol.address], 2n);
  safe = deployment.safe.address;
  proxy = await deployTransparentProxy(client, deployer);
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 3_600n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 10,
    quorumPercent: 4n,
  });
  await fundVoter(client, gov, deployer, alice, 100_000n);
  await fundVoter(client, gov, deployer, bob, 50_000n);

  const base = { chain: 'local', startBlock, confirmations: 0, pollIntervalMs: 1_000, maxBlockRange: 20, labels: {} };
  const targets: GovernanceTarget[] = [
    {
      ...base,
      id: 'dao',
      kind: 'governor',
      address: gov.governor.address,
      settings: {
        flavor: 'openzeppelin',
        token: undefined,
        executionGraceMs: 600_000,
        quorumRiskWindowMs: 3_600_000,
        topDelegates: 1,
      },
    },
    {
      ...base,
      id: 'dao-timelock',
      kind: 'timelock',
      address: gov.timelock.address,
      settings: { flavor: 'openzeppelin', executionGraceMs: 600_000 },
    },
    {
      ...base,
      id: 'treasury',
      kind: 'safe',
      address: safe,
      settings: { minThreshold: 2, minThresholdRatio: undefined },
    },
    { ...base, id: 'vault', kind: 'proxy', address: proxy.proxy.address, settings: {} },
  ];
  registry = new Registry();
  const ingest = createGovernanceIngestMetrics(registry, targets);
  const reader = new ChainReader('local', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
    onRequest: (method) => ingest.onRequest('local', method),
  });
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  tracker = new GovernanceTracker(db, targets, { clock, readers: new Map([['local', reader]]), hooks: ingest.hooks });
  createGovernanceMetrics(registry, tracker, clock);
  const pollAll = async () => {
    // anvil's time runs ahead of the wall clock after increaseTime: the views are dated by the chain's.
    chainNowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
    for (const target of targets) expect((await tracker.poll(target.id, { budgetMs: 20_000 })).lastError).toBeNull();
  };

  executed = await propose(client, gov, alice, '# Raise the delay\n\nTo two hours.');
  await client.mine({ blocks: 2 });
  await vote(client, gov, alice, executed, Support.For, 'ship it');
  await vote(client, gov, bob, executed, Support.Against);
  // The monitor sees the proposal while voting is open, as it would running beside the DAO.
  await pollAll();
  await client.mine({ blocks: 11 });
  await queue(client, gov, deployer, executed);
  await passTime(client, 3_601);
  await execute(client, gov, deployer, executed);
  active = await propose(client, gov, bob, 'Lower the delay', 1_800n);
  await client.mine({ blocks: 2 });
  await vote(client, gov, bob, active, Support.Abstain);
  await execSafeTransaction(
    client,
    deployment.safe,
    { to: safe, data: encodeFunctionData({ abi: deployment.safe.abi, functionName: 'changeThreshold', args: [1n] }) },
    [alice, bob],
    deployer,
  );
  await upgradeTransparentProxy(client, deployer, proxy, proxy.implementations[1]);
  await pollAll();
  // A proposal created in the batch that catches up is read at the next block's step (the read is asked for
  // before that batch's events are folded in).
  await client.mine({ blocks: 1 });
  await pollAll();
}, 60_000);

afterAll(async () => {
  await node?.stop();
});

const get = async (url: string, app = server()) => {
  const response = await app.inject({ method: 'GET', url });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the answers' fields as the JSON has them
  return { status: response.statusCode, body: response.json() as Record<string, any> };
};

describe('governance API', () => {
  it('lists every target with its kind, address and how far ingestion has got', async () => {
    const { status, body } = await get('/api/v1/governance/targets');
    expect(status).toBe(200);
    expect(body.targets.map((target: { id: string; kind: string }) => [target.id, target.kind])).toEqual([
      ['dao', 'governor'],
      ['dao-timelock', 'timelock'],
      ['treasury', 'safe'],
      ['vault', 'proxy'],
    ]);
    const head = Number(await client.getBlockNumber());
    expect(body.targets[0]).toMatchObject({
      chain: 'local',
      address: gov.governor.address,
      status: { cursorBlock: head, safeHead: head, lagBlocks: 0, caughtUp: true, lastError: null, endpoint: 'anvil' },
    });
    expect(body.targets[0].events).toBeGreaterThan(5);
    expect(body.targets[0].status.lastSuccessAt).toBe(new Date(chainNowMs).toISOString());
  });

  it(
    'lists proposals newest first, filtered by state, with ' + 'tallies as decimal strings and times as ISO strings',
    async () => {
      const { status, body } = await get('/api/v1/governance/proposals');
      expect(status).toBe(200);
      expect(body.proposals.map((proposal: { id: string; state: string }) => [proposal.id, proposal.state])).toEqual([
        [active.id.toString(), 'Active'],
        [executed.id.toString(), 'Executed'],
      ]);
      const [newest, oldest] = body.proposals;
      expect(oldest).toMatchObject({
        target: 'dao',
        chain: 'local',
        title: 'Raise the delay',
        proposer: alice.address,
        votes: { for: (100_000n * 10n ** 18n).toString(), against: (50_000n * 10n ** 18n).toString(), abstain: '0' },
        quorum: (40_000n * 10n ** 18n).toString(),
        quorumReachedRatio: 2.5,
        turnoutRatio: 2.5,
        votesTotal: (150_000n * 10n ** 18n).toString(),
        quorumAtRisk: false,
        overdue: false,
      });
      expect(oldest.eta).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(newest.deadline).toMatch(/Z$/);
      expect(newest.eta).toBeNull();

      const filtered = await get('/api/v1/governance/proposals?state=Executed&target=dao&chain=local');
      expect(filtered.body.proposals.map((proposal: { id: string }) => proposal.id)).toEqual([executed.id.toString()]);
      expect((await get('/api/v1/governance/proposals?chain=elsewhere')).body.proposals).toEqual([]);
    },
  );

  it('shows one proposal with every vote, its actions and its timeline', async () => {
    const { status, body } = await get(`/api/v1/governance/proposals/dao/${executed.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: executed.id.toString(),
      state: 'Executed',
      description: '# Raise the delay\n\nTo two hours.',
      voters: 2,
      quorumReached: true,
    });
    const timelockAddress = getAddress(gov.timelock.address);
    // The action is the timelock's own updateDelay(7200), decoded by the standard TimelockController ABI.
    const decodedUpdateDelay = {
      path: '1',
      depth: 0,
      to: timelockAddress,
      label: 'dao-timelock',
      value: '0',
      operation: 'call',
      selector: executed.calldatas[0]!.slice(0, 10),
      signature: 'updateDelay(uint256)',
      functionName: 'updateDelay',
      decodedWith: 'TimelockController',
      implementation: null,
      args: [{ name: 'newDelay', type: 'uint256', value: '7200' }],
      undecoded: false,
      data: null,
      problem: null,
      summary: 'dao-timelock.updateDelay(newDelay=7,200)',
    };
    expect(body.actions).toEqual([
      {
        target: timelockAddress,
        value: '0',
        call: executed.calldatas[0]!.slice(0, 10),
        data: executed.calldatas[0],
        summary: 'dao-timelock.updateDelay(newDelay=7,200)',
        decoded: [decodedUpdateDelay],
      },
    ]);
    expect(body.votesCast).toEqual([
      expect.objectContaining({
        voter: alice.address,
        support: 'for',
        weight: (100_000n * 10n ** 18n).toString(),
        reason: 'ship it',
        tx: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      }),
      expect.objectContaining({
        voter: bob.address,
        support: 'against',
        weight: (50_000n * 10n ** 18n).toString(),
        reason: '',
      }),
    ]);
    expect(body.votesCast[0].block).toBeLessThan(body.votesCast[1].block);
    expect(body.timeline.map((entry: { state: string }) => entry.state)).toEqual([
      'Pending',
      'Active',
      'Succeeded',
      'Queued',
      'Executed',
    ]);
    expect(body.timeline.at(-1).at).toBe(body.executedAt);
    expect(body.created.tx).toMatch(/^0x[0-9a-f]{64}$/);

    const abstained = await get(`/api/v1/governance/proposals/dao/${active.id}`);
    expect(abstained.body.votesCast).toEqual([expect.objectContaining({ voter: bob.address, support: 'abstain' })]);
  });

  it('shows the timelock’s operations with their status, readiness and calls', async () => {
    const { status, body } = await get('/api/v1/governance/timelocks/dao-timelock/operations');
    expect(status).toBe(200);
    // The executed proposal's updateDelay raised the delay to two hours.
    expect(body).toMatchObject({
      target: 'dao-timelock',
      minDelaySeconds: 7_200,
      byStatus: { executed: 1, scheduled: 0 },
    });
    expect(body.operations).toEqual([
      expect.objectContaining({
        status: 'executed',
        delaySeconds: 3_600,
        calls: [
          {
            index: 0,
            target: getAddress(gov.timelock.address),
            value: '0',
            call: executed.calldatas[0]!.slice(0, 10),
            data: executed.calldatas[0],
            summary: 'dao-timelock.updateDelay(newDelay=7,200)',
            decoded: [expect.objectContaining({ functionName: 'updateDelay', decodedWith: 'TimelockController' })],
          },
        ],
      }),
    ]);
    const [operation] = body.operations;
    expect(Date.parse(operation.readyAt) - Date.parse(operation.scheduledAt)).toBe(3_600_000);
    expect(body.changes[0].summary).toBe('minimum delay 3600 s → 7200 s');
    expect(
      (await get('/api/v1/governance/timelocks/dao-timelock/operations?status=scheduled')).body.operations,
    ).toEqual([]);
  });

  it('shows the Safe below its threshold policy, with its history', async () => {
    const { status, body } = await get('/api/v1/governance/safes/treasury');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      address: safe,
      source: 'snapshot',
      owners: [alice.address, bob.address, carol.address],
      threshold: 1,
      nonce: 1,
      modules: [],
      guard: null,
      executed: 1,
      failed: 0,
    });
    expect(body.policy).toEqual({
      ok: false,
      required: 2,
      reason: 'threshold 1 of 3 owners is below 2 (minThreshold 2)',
    });
    expect(body.history.map((change: { summary: string }) => change.summary)).toEqual([
      'threshold 2 → 1',
      'set up with 3 owners, threshold 2',
    ]);
    expect(body.lastExecutionAt).toBe(body.history[0].at);
  });

  it('shows the proxy’s implementation, admin and upgrades', async () => {
    const { status, body } = await get('/api/v1/governance/proxies/vault');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      implementation: proxy.implementations[1],
      admin: proxy.proxyAdmin.address,
      beacon: null,
    });
    expect(body.upgrades.map((change: { name: string }) => change.name)).toEqual([
      'Upgraded',
      'AdminChanged',
      'Upgraded',
    ]);
    expect(body.lastUpgradeAt).toBe(body.upgrades[0].at);
  });

  it('serves the event feed page by page with its cursor, and filtered by target', async () => {
    const all = await get('/api/v1/governance/events?since=0&limit=1000');
    expect(all.status).toBe(200);
    const total = ['dao', 'dao-timelock', 'treasury', 'vault'].reduce(
      (sum, id) => sum + tracker.store.eventCount(id),
      0,
    );
    expect(all.body.events).toHaveLength(total);
    const seen: number[] = [];
    let after: number | null = null;
    for (let page = 0; page < 100; page += 1) {
      const { body } = await get(
        `/api/v1/governance/events?since=1970-01-01T00:00:00Z&limit=7${after === null ? '' : `&after=${after}`}`,
      );
      if (body.events.length === 0) {
        expect(body.next).toBe(after);
        break;
      }
      seen.push(...body.events.map((event: { id: number }) => event.id));
      after = body.next;
    }
    expect(seen).toEqual(all.body.events.map((event: { id: number }) => event.id));
    expect(new Set(seen).size).toBe(total);

    const safeOnly = await get('/api/v1/governance/events?since=0&target=treasury,vault');
    expect(new Set(safeOnly.body.events.map((event: { target: string }) => event.target))).toEqual(
      new Set(['treasury', 'vault']),
    );
    const changed = safeOnly.body.events.find((event: { name: string }) => event.name === 'ChangedThreshold');
    expect(changed).toMatchObject({
      chain: 'local',
      address: safe,
      args: { threshold: '1' },
      at: expect.stringMatching(/Z$/),
    });
    // By default, the last 24 hours of block time.
    expect((await get('/api/v1/governance/events')).body.since).toBe(new Date(chainNowMs - 86_400_000).toISOString());
  });

  it(
    'answers 400 naming the bad parameter and 404 for unknown ' +
      'targets, targets of another kind and unknown proposals',
    async () => {
      for (const [url, field] of [
        ['/api/v1/governance/proposals?state=Bogus', 'query.state'],
        ['/api/v1/governance/proposals/dao/0xabc', 'params.id'],
        ['/api/v1/governance/timelocks/dao-timelock/operations?status=late', 'query.status'],
        ['/api/v1/governance/events?since=yesterday', 'query.since'],
        ['/api/v1/governance/events?limit=0', 'query.limit'],
        ['/api/v1/governance/events?after=-1', 'query.after'],
      ] as const) {
        const { status, body } = await get(url);
        expect({ url, status, field: body.field }).toEqual({ url, status: 400, field });
      }
      for (const [url, message] of [
        ['/api/v1/governance/proposals?target=nope', 'no governance target "nope"'],
        ['/api/v1/governance/proposals?target=treasury', 'governance target "treasury" is a safe, not a governor'],
        ['/api/v1/governance/proposals/dao/123', 'no proposal 123 on governor "dao"'],
        ['/api/v1/governance/safes/dao', 'governance target "dao" is a governor, not a safe'],
        ['/api/v1/governance/proxies/treasury', 'governance target "treasury" is a safe, not a proxy'],
        ['/api/v1/governance/timelocks/vault/operations', 'governance target "vault" is a proxy, not a timelock'],
        ['/api/v1/governance/events?target=dao,nope', 'no governance target "nope"'],
      ] as const) {
        const { status, body } = await get(url);
        expect({ url, status, body }).toEqual({ url, status: 404, body: { error: 'not_found', message } });
      }
    },
  );

  it('guards the reads when asked, and lists the routes in the OpenAPI document', async () => {
    const guarded = server({ token, protectReads: true });
    expect((await guarded.inject({ method: 'GET', url: '/api/v1/governance/targets' })).statusCode).toBe(401);
    expect(
      (
        await guarded.inject({
          method: 'GET',
          url: '/api/v1/governance/targets',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(200);

    const { body } = await get('/api/v1/openapi.json');
    const paths = Object.keys(body.paths).filter((path) => path.includes('/governance/'));
    expect(paths.sort()).toEqual([
      '/api/v1/governance/contracts/{target}/matches',
      '/api/v1/governance/events',
      '/api/v1/governance/proposals',
      '/api/v1/governance/proposals/{target}/{id}',
      '/api/v1/governance/proxies/{target}',
      '/api/v1/governance/safes/{target}',
      '/api/v1/governance/targets',
      '/api/v1/governance/timelocks/{target}/operations',
    ]);
  });

  it(
    'serves the governance metrics of what was ingested, accepted by ' +
      'promtool, with no address or proposal id in a label',
    async () => {
      const response = await server().inject({ method: 'GET', url: '/metrics' });
      const metrics = response.body;
      expect(metrics).toContain('ere_governance_proposals{chain="local",target="dao",state="Executed"} 1');
      expect(metrics).toContain('ere_governance_proposals{chain="local",target="dao",state="Active"} 1');
      expect(metrics).toContain(
        'ere_governance_timelock_operations{chain="local",target="dao-timelock",status="executed"} 1',
      );
      expect(metrics).toContain('ere_governance_timelock_min_delay_seconds{chain="local",target="dao-timelock"} 7200');
      expect(metrics).toContain('ere_governance_safe_threshold_policy_ok{chain="local",target="treasury"} 0');
      expect(metrics).toContain('ere_governance_up{chain="local",target="vault"} 1');
      expect(metrics).toMatch(/ere_governance_rpc_requests_total\{chain="local",method="eth_getLogs"\} [1-9]/);
      expect(metrics).toMatch(/ere_governance_events_ingested_total\{chain="local",target="dao"\} [1-9]/);
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
      expect(lint.status).toBe(0);
      const labels = metrics
        .split('\n')
        .filter((line) => line.startsWith('ere_governance_'))
        .flatMap((line) => [...line.matchAll(/="([^"]*)"/g)].map((match) => match[1]!));
      for (const value of labels) expect(value).not.toMatch(/0x[0-9a-f]{6}|\d{10}/i);
      expect(metrics).not.toContain(executed.id.toString());
    },
  );
});
