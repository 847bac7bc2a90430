// The verifier over a real governor on anvil, as the service runs it: every queued proposal is simulated when
// it appears; a fork that cannot start is a typed error, retried after its backoff; and the run shortly before
// an ETA catches a proposal that became unexecutable after it was queued (another proposal drained the
// treasury), which the chain then confirms: executed at its ETA, it reverts with the predicted error. Each
// counts once for the governance_verification SLI: good for the one that ran as simulated, bad for the other.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFunctionData, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import type { GovernanceTarget } from '../../../src/domain/governance.js';
import { parseConfig } from '../../../src/config/load.js';
import { resolveSlos } from '../../../src/config/slos.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { GovernanceTracker } from '../../../src/governance/governance-tracker.js';
import { SloEngine } from '../../../src/slo/slo-engine.js';
import { ChainReader } from '../../../src/governance/ingest/chain-reader.js';
import { defaultPolicy } from '../../../src/governance/policy/findings.js';
import { revertReason } from '../../../src/governance/simulate/effects.js';
import { VerificationStore } from '../../../src/governance/verify/verification-store.js';
import { DecisionVerifier } from '../../../src/governance/verify/verifier.js';
import { type Database, openDatabase } from '../../../src/store/database.js';
import { type AnvilClient, anvilAccount, createAnvilClient, sendTransaction } from '../../helpers/anvil-client.js';
import { deployGovernance, type Governance } from '../../helpers/governance-contracts.js';
import {
  execute,
  fundVoter,
  type Proposal,
  passTime,
  proposeActions,
  queue,
  Support,
  vote,
} from '../../helpers/governance-driver.js';

const deployer = anvilAccount(0);
const grantee = getAddress(anvilAccount(5).address);
const auditor = getAddress(anvilAccount(6).address);
const wei = (tokens: bigint) => tokens * 10n ** 18n;
const delaySeconds = 120;
const beforeEtaSeconds = 50;

let node: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let db: Database;
let tracker: GovernanceTracker;
let verifier: DecisionVerifier;
let chainNowMs = 0;
let upstreamUrl: string;
let drain: Proposal;
let payment: Proposal;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function syncClock(): Promise<void> {
  chainNowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
}

async function poll(): Promise<void> {
  await syncClock();
  const status = await tracker.poll('dao');
  expect([status.lastError, status.caughtUp]).toEqual([null, true]);
}

const transfer = (to: string, tokens: bigint) => ({
  target: gov.token.address,
  value: 0n,
  calldata: encodeFunctionData({ abi: gov.token.abi, functionName: 'transfer', args: [to, wei(tokens)] }),
});

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  const startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: BigInt(delaySeconds),
    votingDelayBlocks: 1,
    votingPeriodBlocks: 5,
  });
  await fundVoter(client, gov, deployer, deployer, 0n);
  await sendTransaction(client, deployer, {
    to: gov.token.address,
    data: transfer(gov.timelock.address, 1_000n).calldata,
  });
  ({ db } = openDatabase(join(mkdtempSync(join(tmpdir(), 'ere-verifier-')), 'ere.db')));
  const target: GovernanceTarget = {
    id: 'dao',
    kind: 'governor',
    chain: 'local',
    address: gov.governor.address,
    startBlock,
    confirmations: 0,
    pollIntervalMs: 1_000,
    maxBlockRange: 500,
    labels: {},
    settings: {
      flavor: 'openzeppelin',
      token: undefined,
      executionGraceMs: 600_000,
      quorumRiskWindowMs: 3_600_000,
      topDelegates: 2,
    },
  };
  const reader = new ChainReader('local', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
  });
  const clock = { now: () => chainNowMs };
  tracker = new GovernanceTracker(db, [target], { clock, readers: new Map([['local', reader]]) });
  upstreamUrl = `http://127.0.0.1:${await closedPort()}`;
  verifier = new DecisionVerifier(
    {
      clock,
      store: new VerificationStore(db),
      decoder: tracker.decoder,
      decisions: () =>
        tracker.targets().map((each) => ({
          target: each,
          decisions: tracker.verifiable(each.id),
          forkBlock: tracker.status(each.id)?.cursorBlock ?? null,
        })),
      decisionsOf: (id) => tracker.verifiable(id),
      outcomes: {
        decided: (id) => tracker.store.outcomeSubjects(id, 'verification'),
        record: (outcomes, nowMs) => tracker.store.recordOutcomes(outcomes, nowMs),
      },
      upstream: () => ({ url: upstreamUrl, timeoutMs: 5_000, chainId: node.chainId }),
      policy: () => defaultPolicy,
    },
    { beforeEtaMs: beforeEtaSeconds * 1_000, timeoutMs: 30_000 },
  );

  drain = await proposeActions(client, gov, deployer, 'Grant 600', [transfer(grantee, 600n)]);
  payment = await proposeActions(client, gov, deployer, 'Pay the auditor 600', [transfer(auditor, 600n)]);
  await client.mine({ blocks: 2 });
  await vote(client, gov, deployer, drain, Support.For);
  await vote(client, gov, deployer, payment, Support.For);
  await client.mine({ blocks: 6 });
  await queue(client, gov, deployer, drain);
  await passTime(client, 60);
  await queue(client, gov, deployer, payment);
}, 120_000);

afterAll(async () => {
  await verifier?.stop();
  db?.close();
  await node?.stop();
});

describe('the decision verifier', () => {
  it('records a fork that cannot start as a typed error, and retries it after its backoff', async () => {
    await poll();
    const failed = await verifier.run();
    expect(failed.map((each) => [each.decisionId, each.trigger, each.outcome, each.errorCode])).toEqual([
      [drain.id.toString(), 'appeared', 'error', 'fork_failed'],
      [payment.id.toString(), 'appeared', 'error', 'fork_failed'],
    ]);
    expect(failed[0]!.errorMessage).toMatch(/^the fork at block \d+ did not start/);
    // The error names what failed, never the upstream's address.
    expect(failed[0]!.errorMessage).not.toContain(upstreamUrl);
    expect(verifier.due(chainNowMs)).toEqual([]);
    expect(verifier.due(chainNowMs + 30_000).map((due) => due.trigger)).toEqual(['retry', 'retry']);

    upstreamUrl = node.url;
    chainNowMs += 30_000;
    const retried = await verifier.run();
    expect(retried.map((each) => [each.trigger, each.outcome, each.stage])).toEqual([
      ['retry', 'success', 'queued'],
      ['retry', 'success', 'queued'],
    ]);
    expect(retried.every((each) => each.findings.length === 0)).toBe(true);
    expect(verifier.history('dao', 'proposal', payment.id.toString()).map((each) => each.outcome)).toEqual([
      'error',
      'success',
    ]);
  }, 60_000);

  it('simulates again before the ETA and catches a proposal the treasury can no longer pay', async () => {
    // The first proposal runs and takes 600 of the treasury's 1,000.
    await passTime(client, delaySeconds - 60 + 1);
    await execute(client, gov, deployer, drain);
    const paymentEta = Number(
      await client.readContract({ ...gov.governor, functionName: 'proposalEta', args: [payment.id] }),
    );
    // Into the window before the second one's ETA.
    const now = Number((await client.getBlock()).timestamp);
    expect(now).toBeLessThan(paymentEta - beforeEtaSeconds);
    await passTime(client, paymentEta - beforeEtaSeconds - now + 1);
    await poll();
    expect(chainNowMs).toBeLessThan(paymentEta * 1_000);
    const again = await verifier.run();
    expect(again.map((each) => [each.decisionId, each.trigger, each.outcome])).toEqual([
      [payment.id.toString(), 'before_eta', 'revert'],
    ]);
    const [verification] = again;
    const balance = wei(400n);
    expect(verification!.findings.map(({ check, severity, message }) => [check, severity, message])).toEqual([
      [
        'will_revert',
        'critical',
        `it will revert: ERC20InsufficientBalance(sender=${getAddress(gov.timelock.address)}, ` +
          `balance=${balance}, needed=${wei(600n)})`,
      ],
    ]);
    expect(verification!.forkBlock).toBe(Number(await client.getBlockNumber()));
    expect(verifier.currentFindings('dao').map(({ finding }) => finding.check)).toEqual(['will_revert']);

    // At its ETA the chain agrees: executing it reverts with that error.
    await passTime(client, beforeEtaSeconds);
    const failure = await execute(client, gov, deployer, payment).catch((error: unknown) => error);
    const data = findRevertData(failure);
    expect(revertReason(data)).toBe(verification!.result!.revert!.reason);
  }, 60_000);

  it('counts each decision once for the governance_verification SLI, at its ETA, as the chain bore out', async () => {
    await syncClock();
    verifier.recordOutcomes(chainNowMs);
    verifier.recordOutcomes(chainNowMs + 60_000);
    const rows = db
      .prepare("SELECT subject, good, decided_ms AS decidedMs FROM governance_sli_outcomes WHERE sli = 'verification'")
      .all() as { subject: string; good: number; decidedMs: number }[];
    const eta = async (proposal: Proposal) =>
      Number(await client.readContract({ ...gov.governor, functionName: 'proposalEta', args: [proposal.id] })) * 1_000;
    // Seen once voting was over: the deadline is the ETA. The grant ran as simulated; the payment could not.
    expect(rows.sort((a, b) => a.decidedMs - b.decidedMs)).toEqual([
      { subject: `proposal:${drain.id}`, good: 1, decidedMs: await eta(drain) },
      { subject: `proposal:${payment.id}`, good: 0, decidedMs: await eta(payment) },
    ]);
    const config = parseConfig(`
chains: [{ id: local, chainId: ${node.chainId}, rpc: [{ id: anvil, url: "${node.url}" }] }]
governance: [{ kind: governor, id: dao, chain: local, address: "${gov.governor.address}", startBlock: 1 }]
slos:
  - { id: verified, service: dao, objective: 99, window: 30d, sli: { kind: governance_verification, chain: local } }
`);
    const engine = new SloEngine(db, resolveSlos(config), { clock: fixedClock(chainNowMs + 3_600_000), settleMs: 0 });
    expect(engine.evaluate()[0]).toMatchObject({ slo: 'verified', window: { good: 1, valid: 2 }, sliRatio: 0.5 });
  }, 60_000);
});

/** The revert data viem's error carries, somewhere down its causes. */
function findRevertData(error: unknown): `0x${string}` | undefined {
  let current = error as { data?: unknown; cause?: unknown } | undefined;
  while (current) {
    if (typeof current.data === 'string' && current.data.startsWith('0x')) return current.data as `0x${string}`;
    if (current.data && typeof current.data === 'object' && 'data' in current.data) {
      const inner = (current.data as { data?: unknown }).data;
      if (typeof inner === 'string' && inner.startsWith('0x')) return inner as `0x${string}`;
    }
    current = current.cause as typeof current;
  }
  return undefined;
}
