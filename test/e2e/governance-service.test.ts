// The service end to end on governance: real contracts on anvil, the real service ingesting them through
// its scheduler, the governance alerts delivered to a webhook on loopback, the metrics and the REST API
// showing the same facts.
import { join } from 'node:path';
import { encodeFunctionData, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceShow } from '../../src/cli/commands/governance-show.js';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { deployGovernance, type Governance, TIMELOCK_ROLES } from '../helpers/governance-contracts.js';
import {
  Support,
  execute,
  fundVoter,
  passTime,
  propose,
  proposeActions,
  queue,
  vote,
} from '../helpers/governance-driver.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { deploySafe, execSafeTransaction, type SafeDeployment } from '../helpers/safe-contracts.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

const deployer = anvilAccount(0);
const owners = [anvilAccount(1), anvilAccount(2), anvilAccount(3)];
let anvil: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let safe: SafeDeployment;
let hook: HttpReceiver;
let service: CapturedService;

/** The description the webhook received first for a firing alert of that name. */
function firingDescription(alertname: string): string | undefined {
  for (const request of hook.requests)
    for (const alert of (request.json as { alerts?: WebhookAlert[] })?.alerts ?? [])
      if (alert.status === 'firing' && alert.labels.alertname === alertname) return alert.annotations.description;
  return undefined;
}

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Alert names the webhook received with this status, from Alertmanager-shaped payloads. */
function received(status: 'firing' | 'resolved'): string[] {
  return hook.requests.flatMap((request) =>
    ((request.json as { alerts?: { status: string; labels: Record<string, string> }[] })?.alerts ?? [])
      .filter((alert) => alert.status === status)
      .map((alert) => alert.labels.alertname!),
  );
}

beforeAll(async () => {
  anvil = await startAnvil();
  client = createAnvilClient(anvil.url, anvil.chainId);
  const startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 60n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 5,
  });
  safe = await deploySafe(
    client,
    deployer,
    owners.map((owner) => owner.address),
    2n,
  );
  await fundVoter(client, gov, deployer, deployer, 0n);
  hook = await startHttpReceiver();
  const base = { chain: 'local', startBlock, confirmations: 0, pollInterval: '200ms' };
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      chains: [
        {
          id: 'local',
          chainId: 31337,
          pollInterval: '300ms',
          timeout: '250ms',
          rpc: [{ id: 'anvil', url: anvil.url }],
        },
      ],
      governance: [
        { ...base, kind: 'governor', id: 'dao', address: gov.governor.address, executionGrace: '1h' },
        { ...base, kind: 'timelock', id: 'dao-timelock', address: gov.timelock.address },
        { ...base, kind: 'safe', id: 'council', address: safe.safe.address, minThreshold: 2 },
      ],
      slos: [
        {
          id: 'dao-execution',
          service: 'dao',
          objective: 90,
          sli: { kind: 'governance_execution', chain: 'local', targets: ['dao'] },
        },
      ],
      simulation: { interval: '300ms' },
      alerting: {
        evaluationInterval: '1s',
        rules: [],
        receivers: [{ id: 'hook', kind: 'webhook', url: `${hook.url}/alerts` }],
        route: { receiver: 'hook', groupBy: ['alertname', 'target'], groupWait: '0s', groupInterval: '1s' },
      },
    }),
  );
  service = await startCapturedService(config);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await hook?.close();
  await anvil?.stop();
});

describe('governance in the running service', () => {
  it('alerts a Safe threshold lowered below policy, and shows it in metrics and the API', async () => {
    await waitFor(() => service.governance.status('council')?.caughtUp, 20_000, 'the Safe ingested');
    const changeThreshold = encodeFunctionData({ abi: safe.safe.abi, functionName: 'changeThreshold', args: [1n] });
    await execSafeTransaction(
      client,
      safe.safe,
      { to: safe.safe.address, data: changeThreshold },
      [owners[0]!, owners[1]!],
      deployer,
    );

    await waitFor(
      () =>
        received('firing').includes('SafeThresholdChanged') &&
        received('firing').includes('SafeThresholdPolicyViolated'),
      20_000,
      'the Safe alerts delivered',
    );
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ere_governance_safe_threshold\{chain="local",target="council"\} 1/);
    expect(metrics).toMatch(/ere_governance_safe_threshold_policy_ok\{chain="local",target="council"\} 0/);
    const safeView = (await service.app.inject({ method: 'GET', url: '/api/v1/governance/safes/council' })).json() as {
      threshold: number;
      policy: { ok: boolean };
    };
    expect(safeView).toMatchObject({ threshold: 1, policy: { ok: false } });
  }, 60_000);

  it('follows a proposal to execution and alerts it, with its timeline in the API', async () => {
    const proposal = await propose(client, gov, deployer, 'Raise the delay');
    await waitFor(() => received('firing').includes('GovernanceProposalCreated'), 20_000, 'the new proposal alert');
    await client.mine({ blocks: 2 });
    await vote(client, gov, deployer, proposal, Support.For);
    await client.mine({ blocks: 6 });
    await queue(client, gov, deployer, proposal);
    // The message says what the proposal will do, decoded from its calldata; so does the timelock's, once queued.
    expect(firingDescription('GovernanceProposalCreated')).toBe(
      'A proposal is pending or open for votes on dao (local).\nActions:\n1. dao-timelock.updateDelay(newDelay=7,200)',
    );
    await waitFor(() => received('firing').includes('TimelockOperationScheduled'), 20_000, 'the scheduled operation');
    expect(firingDescription('TimelockOperationScheduled')).toBe(
      'An operation is scheduled on dao-timelock (local) and not ready yet.\n' +
        'Calls:\n1. dao-timelock.updateDelay(newDelay=7,200)',
    );
    // Queued is a new stage: simulated again before it runs.
    const verifiedStages = async () =>
      (
        (
          await service.app.inject({
            method: 'GET',
            url: `/api/v1/governance/verifications/dao/proposal/${proposal.id}`,
          })
        ).json() as { verifications: { stage: string }[] }
      ).verifications.map((run) => run.stage);
    await waitFor(async () => (await verifiedStages()).includes('queued'), 20_000, 'the queued proposal simulated');
    await passTime(client, 61);
    await execute(client, gov, deployer, proposal);

    await waitFor(() => received('firing').includes('GovernanceProposalExecuted'), 20_000, 'the execution alert');
    await waitFor(
      () => received('resolved').includes('GovernanceProposalCreated'),
      20_000,
      'the new proposal alert resolved',
    );
    const detail = (
      await service.app.inject({ method: 'GET', url: `/api/v1/governance/proposals/dao/${proposal.id}` })
    ).json() as { state: string; timeline: { state: string }[]; voters: number; votesCast: { voter: string }[] };
    expect(detail.state).toBe('Executed');
    expect(detail.timeline.map((entry) => entry.state)).toEqual([
      'Pending',
      'Active',
      'Succeeded',
      'Queued',
      'Executed',
    ]);
    expect(detail.voters).toBe(1);
    expect(detail.votesCast.map((cast) => cast.voter)).toEqual([deployer.address]);
    const outcome = service.db
      .prepare("SELECT good FROM governance_sli_outcomes WHERE target = 'dao' AND sli = 'execution' AND subject = ?")
      .get(proposal.id.toString()) as { good: number } | undefined;
    expect(outcome?.good).toBe(1);
    // The proposal was simulated at each stage it went through, every time a success with no finding.
    const report = (
      await service.app.inject({
        method: 'GET',
        url: `/api/v1/governance/verifications/dao/proposal/${proposal.id}`,
      })
    ).json() as { verifications: { stage: string; outcome: string; findings: unknown[] }[] };
    expect(report.verifications.map((run) => run.stage)).toEqual(expect.arrayContaining(['pending', 'queued']));
    expect(report.verifications.every((run) => run.outcome === 'success' && run.findings.length === 0)).toBe(true);
  }, 60_000);

  it('simulates a risky proposal while its vote is open, and pages with what it would do', async () => {
    const outsider = anvilAccount(8).address;
    const proposal = await proposeActions(client, gov, deployer, 'Quietly hand over the timelock', [
      {
        target: gov.timelock.address,
        value: 0n,
        calldata: encodeFunctionData({ abi: gov.timelock.abi, functionName: 'updateDelay', args: [0n] }),
      },
      {
        target: gov.timelock.address,
        value: 0n,
        calldata: encodeFunctionData({
          abi: gov.timelock.abi,
          functionName: 'grantRole',
          args: [TIMELOCK_ROLES.admin, outsider],
        }),
      },
    ]);
    await waitFor(
      () => received('firing').filter((name) => name === 'GovernanceActionRisky').length >= 2,
      30_000,
      'the risky proposal alerts',
    );
    const alerts = hook.requests
      .flatMap((request) => (request.json as { alerts?: WebhookAlert[] })?.alerts ?? [])
      .filter((alert) => alert.status === 'firing' && alert.labels.alertname === 'GovernanceActionRisky');
    expect(alerts.map((alert) => [alert.labels.check, alert.labels.severity, alert.labels.decision]).sort()).toEqual([
      ['delay_lowered', 'page', proposal.id.toString()],
      ['role_granted', 'page', proposal.id.toString()],
    ]);
    const roleAlert = alerts.find((alert) => alert.labels.check === 'role_granted')!;
    expect(roleAlert.annotations.description).toContain(
      `Action 2: DEFAULT_ADMIN_ROLE of ${short(gov.timelock.address)} is granted to ${short(outsider)}.`,
    );
    expect(roleAlert.annotations.description).toMatch(
      new RegExp(`Report: http://\\S+/api/v1/governance/verifications/dao/proposal/${proposal.id}$`),
    );
    const { decisions } = (
      await service.app.inject({ method: 'GET', url: '/api/v1/governance/verifications?target=dao' })
    ).json() as {
      decisions: { decisionId: string; verified: boolean; latest: { simulation: { note: string } } | null }[];
    };
    const risky = decisions.find((decision) => decision.decisionId === proposal.id.toString())!;
    expect(risky.verified).toBe(true);
    expect(risky.latest?.simulation.note).toMatch(/^as if passed/);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /ere_governance_findings\{chain="local",target="dao",check="role_granted",severity="critical"\} 1/,
    );
    expect(metrics).toMatch(/ere_governance_simulations_total\{chain="local",target="dao",outcome="success"\} \d+/);
    // The same report, as a person reads it.
    const lines: string[] = [];
    const code = await governanceShow.run(['dao', proposal.id.toString(), '--url', service.url], {
      out: (line) => lines.push(line),
      err: (line) => lines.push(`error: ${line}`),
    });
    expect(code).toBe(0);
    const markdown = lines.join('\n');
    expect(markdown).toContain(`# Proposal ${proposal.id} on dao (local)`);
    expect(markdown).toContain('1. dao-timelock.updateDelay(newDelay=0)');
    expect(markdown).toContain(`2. dao-timelock.grantRole(role=0x00000000…(32 bytes), account=${short(outsider)})`);
    expect(markdown).toMatch(/: \*\*success\*\*\.\n\n_as if passed/);
    expect(markdown).toContain('- [2] ');
    expect(markdown).toContain(
      `- **critical** role_granted (action 2): DEFAULT_ADMIN_ROLE of ${short(gov.timelock.address)} ` +
        `is granted to ${short(outsider)}`,
    );
  }, 60_000);
});

const short = (address: string) => `${getAddress(address).slice(0, 6)}…${getAddress(address).slice(-4)}`;
