// Governance ingestion of an OpenZeppelin Governor executing through a Compound-style Timelock, on anvil: a
// queued proposal left past its ETA plus the timelock's grace period becomes Expired (state, timeline, a bad
// execution SLI outcome, an expired timelock transaction), and one executed in time raises the timelock's
// delay (ExecuteTransaction and NewDelay decoded, the delay read back), after the admin handover is seen; that
// one is simulated first, as the governor's proposal and as the timelock's queued transaction, and each
// simulation predicts the events the real execution emits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFunctionData, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainReader } from '../../src/governance/ingest/chain-reader.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import type { GovernanceTarget } from '../../src/domain/governance.js';
import type { GovernorView, ProposalView } from '../../src/governance/kinds/governor/model.js';
import type { TimelockView } from '../../src/governance/kinds/timelock/model.js';
import { GovernanceTracker } from '../../src/governance/governance-tracker.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { Fork } from '../../src/governance/simulate/fork.js';
import { type ExecutionPlan, type SimulationResult, simulateOnFork } from '../../src/governance/simulate/simulate.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { predictedEvents, realEvents } from '../helpers/simulation-oracle.js';
import { deployCompoundGovernance } from '../helpers/compound-contracts.js';
import type { Governance } from '../helpers/governance-contracts.js';
import { Support, execute, fundVoter, passTime, proposeActions, queue, vote } from '../helpers/governance-driver.js';

const deployer = anvilAccount(0);
const alice = anvilAccount(1);
const graceSeconds = 600;
const compoundGracePeriodSeconds = 14 * 86_400;

let node: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let db: Database;
let tracker: GovernanceTracker;

function targets(startBlock: number): GovernanceTarget[] {
  const base = { chain: 'local', startBlock, confirmations: 0, pollIntervalMs: 1_000, maxBlockRange: 50, labels: {} };
  return [
    // GovernorTimelockCompound is an OpenZeppelin Governor; only its timelock is Compound's.
    {
      ...base,
      id: 'dao',
      kind: 'governor',
      address: gov.governor.address,
      settings: {
        flavor: 'openzeppelin',
        token: undefined,
        executionGraceMs: graceSeconds * 1_000,
        quorumRiskWindowMs: 3_600_000,
        topDelegates: 2,
      },
    },
    {
      ...base,
      id: 'dao-timelock',
      kind: 'timelock',
      address: gov.timelock.address,
      settings: { flavor: 'compound', executionGraceMs: graceSeconds * 1_000 },
    },
  ];
}

/** A tracker with a clock that follows the chain's (anvil's time moves with increaseTime). */
function openTracker(startBlock: number): GovernanceTracker {
  ({ db } = openDatabase(join(mkdtempSync(join(tmpdir(), 'ere-gov-compound-')), 'ere.db')));
  const reader = new ChainReader('local', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
  });
  let chainNowMs = Date.now();
  const created = new GovernanceTracker(db, targets(startBlock), {
    clock: { now: () => chainNowMs },
    readers: new Map([['local', reader]]),
  });
  const poll = created.poll.bind(created);
  created.poll = async (id, options) => {
    chainNowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
    return poll(id, options);
  };
  return created;
}

async function pollAll(): Promise<void> {
  for (const id of ['dao', 'dao-timelock']) {
    const status = await tracker.poll(id);
    expect(status.lastError).toBeNull();
    expect(status.caughtUp).toBe(true);
  }
}

const proposalOf = (id: bigint): ProposalView =>
  (tracker.view('dao') as GovernorView).proposals.find((proposal) => proposal.id === id.toString())!;
const governorState = async (id: bigint) =>
  Number(await client.readContract({ ...gov.governor, functionName: 'state', args: [id] }));
const setDelay = (seconds: bigint) => ({
  target: gov.timelock.address,
  value: 0n,
  calldata: encodeFunctionData({ abi: gov.timelock.abi, functionName: 'setDelay', args: [seconds] }),
});

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  const startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployCompoundGovernance(client, deployer, {
    timelockDelaySeconds: 3_600n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 10,
    quorumPercent: 4n,
  });
  // Alice holds 10 %, over the 4 % quorum; the deployer keeps the rest undelegated.
  await fundVoter(client, gov, deployer, alice, 100_000n);
  tracker = openTracker(startBlock);
}, 90_000);

afterAll(async () => {
  db?.close();
  await node?.stop();
});

describe('Compound timelock with GovernorTimelockCompound', () => {
  it('follows a proposal left queued past its grace period to Expired, and one executed in time', async () => {
    const forgotten = await proposeActions(client, gov, alice, 'Queue and forget', [setDelay(5_400n)]);
    const delayRaise = await proposeActions(client, gov, alice, '# Raise the delay\n\nTwo hours.', [setDelay(7_200n)]);
    await client.mine({ blocks: 2 });
    await vote(client, gov, alice, forgotten, Support.For);
    await vote(client, gov, alice, delayRaise, Support.For);
    await client.mine({ blocks: 11 });
    await queue(client, gov, deployer, forgotten);
    await queue(client, gov, deployer, delayRaise);
    await pollAll();

    expect(proposalOf(forgotten.id)).toMatchObject({ state: 'Queued', overdue: false });
    const queuedEtaSeconds = Number(
      await client.readContract({ ...gov.governor, functionName: 'proposalEta', args: [forgotten.id] }),
    );
    expect(proposalOf(forgotten.id).etaMs).toBe(queuedEtaSeconds * 1_000);
    let timelock = tracker.view('dao-timelock') as TimelockView;
    expect(timelock.byStatus).toMatchObject({ scheduled: 2 });
    expect(timelock.minDelaySeconds).toBe(3_600);
    // The handover to the governor, from the timelock's own events; the admin read back.
    expect(timelock.changes.map((change) => change.name)).toEqual(['NewAdmin', 'NewPendingAdmin']);
    expect(tracker.snapshot('dao-timelock')?.state).toMatchObject({
      admin: getAddress(gov.governor.address),
      gracePeriodSeconds: compoundGracePeriodSeconds,
    });

    // Both decisions simulated before they run: the proposal through the governor, the queued transaction by
    // the timelock's admin at its ETA; each predicts what the real execution then does.
    const proposalDecision = tracker.verifiable('dao').find((decision) => decision.id === delayRaise.id.toString())!;
    const transactionDecision = tracker
      .verifiable('dao-timelock')
      .find((decision) => decision.calls[0]!.data === setDelay(7_200n).calldata)!;
    expect([proposalDecision.stage, 'unsupported' in proposalDecision.plan]).toEqual(['queued', false]);
    expect('unsupported' in transactionDecision.plan).toBe(false);
    const fork = await Fork.start({
      upstream: { url: node.url, timeoutMs: 10_000 },
      chainId: node.chainId,
      blockNumber: Number(await client.getBlockNumber()),
    });
    let byGovernor: SimulationResult;
    let byTimelock: SimulationResult;
    try {
      byGovernor = await simulateOnFork(fork, proposalDecision.plan as ExecutionPlan);
      byTimelock = await simulateOnFork(fork, transactionDecision.plan as ExecutionPlan);
    } finally {
      await fork.stop();
    }
    expect([byGovernor.success, byTimelock.success]).toEqual([true, true]);

    await passTime(client, 3_601);
    const receipt = await client.waitForTransactionReceipt({
      hash: await client.writeContract({
        account: deployer,
        chain: client.chain,
        ...gov.governor,
        functionName: 'execute',
        args: [delayRaise.targets, delayRaise.values, delayRaise.calldatas, delayRaise.descriptionHash],
      }),
    });
    expect(predictedEvents(byGovernor)).toEqual(realEvents(receipt.logs));
    expect(predictedEvents(byTimelock)).toEqual(
      realEvents(receipt.logs).filter(([, name]) => name !== 'ProposalExecuted'),
    );
    expect(byGovernor.events.map((event) => event.name)).toEqual([
      'NewDelay',
      'ExecuteTransaction',
      'ProposalExecuted',
    ]);
    await pollAll();
    expect(proposalOf(delayRaise.id)).toMatchObject({ state: 'Executed', overdue: false });
    timelock = tracker.view('dao-timelock') as TimelockView;
    expect(timelock.byStatus).toMatchObject({ executed: 1, ready: 1 });
    const executed = timelock.operations.find((operation) => operation.status === 'executed')!;
    expect(executed.calls).toEqual([
      {
        index: 0,
        target: getAddress(gov.timelock.address),
        value: '0',
        call: setDelay(7_200n).calldata.slice(0, 10),
        data: setDelay(7_200n).calldata,
        signature: '',
      },
    ]);
    expect(executed.readyAtMs).toBe(queuedEtaSeconds * 1_000);
    const execution = [...tracker.store.events('dao-timelock')].find((event) => event.name === 'ExecuteTransaction')!;
    expect(execution).toMatchObject({
      key: executed.id,
      args: {
        target: getAddress(gov.timelock.address),
        value: '0',
        signature: '',
        data: setDelay(7_200n).calldata,
        eta: String(queuedEtaSeconds),
      },
    });
    // The delay read from delay(), and its change from NewDelay. Compound's timelock sets its first delay
    // without an event, so the delay before the first NewDelay is not known from events.
    const delaySeconds = Number(await client.readContract({ ...gov.timelock, functionName: 'delay' }));
    expect(delaySeconds).toBe(7_200);
    expect(tracker.snapshot('dao-timelock')?.state.minDelaySeconds).toBe(delaySeconds);
    expect(timelock.minDelaySeconds).toBe(delaySeconds);
    expect(timelock.changes[0]).toMatchObject({ name: 'NewDelay' });
    expect(timelock.changes[0]!.summary).toMatch(/^minimum delay .+ s → 7200 s$/);

    // Left unexecuted until the timelock would refuse it: the governor reports Expired.
    await passTime(client, compoundGracePeriodSeconds);
    expect(await governorState(forgotten.id)).toBe(6);
    await expect(execute(client, gov, deployer, forgotten)).rejects.toThrow();
    await pollAll();

    expect(proposalOf(forgotten.id)).toMatchObject({ state: 'Expired', overdue: false, executedAtMs: null });
    expect((tracker.view('dao') as GovernorView).byState).toMatchObject({ Expired: 1, Executed: 1 });
    expect(tracker.store.proposalStates('dao', forgotten.id.toString()).map((row) => row.state)).toEqual([
      'Pending',
      'Active',
      'Succeeded',
      'Queued',
      'Expired',
    ]);
    const outcomes = db
      .prepare('SELECT sli, subject, good FROM governance_sli_outcomes WHERE target = ?')
      .all('dao') as { sli: string; subject: string; good: number }[];
    const outcome = (sli: string, id: bigint) =>
      outcomes.find((row) => row.sli === sli && row.subject === id.toString())?.good;
    expect(outcome('execution', forgotten.id)).toBe(0);
    expect(outcome('execution', delayRaise.id)).toBe(1);
    expect(outcome('participation', forgotten.id)).toBe(1);

    timelock = tracker.view('dao-timelock') as TimelockView;
    expect(timelock.byStatus).toMatchObject({ executed: 1, expired: 1, ready: 0, overdue: 0 });
    const expired = timelock.operations.find((operation) => operation.status === 'expired')!;
    expect(expired.calls[0]!.call).toBe(setDelay(5_400n).calldata.slice(0, 10));
    expect(expired.executedAtMs).toBeNull();
  }, 120_000);
});
