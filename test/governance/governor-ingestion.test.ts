// Governance ingestion against real OpenZeppelin contracts on anvil: proposals through every outcome (executed,
// defeated, canceled, queued past their ETA), tallies and timelines, SLI outcomes, a restart mid-lifecycle
// with nothing missed or counted twice, and a reorg whose rolled-back events disappear.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, getAddress, type Hex, parseAbi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainReader } from '../../src/governance/ingest/chain-reader.js';
import { governorEvents } from '../../src/governance/kinds/governor/ingest.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import type { GovernanceTarget } from '../../src/domain/governance.js';
import type { GovernorView, ProposalView } from '../../src/governance/kinds/governor/model.js';
import type { TimelockView } from '../../src/governance/kinds/timelock/model.js';
import { GovernanceTracker } from '../../src/governance/governance-tracker.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { deployGovernance, type Governance, TIMELOCK_ROLES } from '../helpers/governance-contracts.js';

const roleKeys = {
  DEFAULT_ADMIN_ROLE: 'admin',
  PROPOSER_ROLE: 'proposer',
  EXECUTOR_ROLE: 'executor',
  CANCELLER_ROLE: 'canceller',
} as const;
import { Support, cancel, execute, fundVoter, passTime, propose, queue, vote } from '../helpers/governance-driver.js';

const deployer = anvilAccount(0);
const alice = anvilAccount(1);
const bob = anvilAccount(2);
const graceSeconds = 600;

let node: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let dbPath: string;
let startBlock: number;

function targets(lateStart?: number): GovernanceTarget[] {
  const base = { chain: 'local', startBlock, confirmations: 0, pollIntervalMs: 1_000, maxBlockRange: 50, labels: {} };
  const late: GovernanceTarget[] =
    lateStart === undefined
      ? []
      : [
          {
            ...base,
            startBlock: lateStart,
            id: 'late-timelock',
            kind: 'timelock',
            address: gov.timelock.address,
            settings: { flavor: 'openzeppelin', executionGraceMs: graceSeconds * 1_000 },
          },
        ];
  return [
    ...late,
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
      settings: { flavor: 'openzeppelin', executionGraceMs: graceSeconds * 1_000 },
    },
  ];
}

/** A tracker over the test database, with a clock that follows the chain's (anvil's time moves with increaseTime). */
function openTracker(lateStart?: number): { tracker: GovernanceTracker; db: Database; reader: ChainReader } {
  const { db } = openDatabase(dbPath);
  const reader = new ChainReader('local', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
  });
  let chainNowMs = Date.now();
  const clock = { now: () => chainNowMs };
  const tracker = new GovernanceTracker(db, targets(lateStart), { clock, readers: new Map([['local', reader]]) });
  const poll = tracker.poll.bind(tracker);
  tracker.poll = async (id, options) => {
    chainNowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
    return poll(id, options);
  };
  return { tracker, db, reader };
}

async function pollAll(tracker: GovernanceTracker): Promise<void> {
  for (const id of ['dao', 'dao-timelock']) {
    const status = await tracker.poll(id);
    expect(status.lastError).toBeNull();
    expect(status.caughtUp).toBe(true);
  }
}

const proposalOf = (tracker: GovernanceTracker, id: bigint): ProposalView =>
  (tracker.view('dao') as GovernorView).proposals.find((proposal) => proposal.id === id.toString())!;

/** The watched events on chain (the token's transfers and delegations are not watched). */
async function chainEventCount(): Promise<number> {
  const logs = await client.getLogs({
    address: [gov.governor.address, gov.token.address],
    events: governorEvents,
    fromBlock: BigInt(startBlock),
    toBlock: 'latest',
  });
  return logs.length;
}

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  // From the deployment on, so that the timelock's role grants are seen.
  startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 3_600n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 10,
    quorumPercent: 4n,
  });
  dbPath = join(mkdtempSync(join(tmpdir(), 'ere-gov-')), 'ere.db');
  // Alice holds 10 %, Bob 5 %: each alone reaches the 4 % quorum; the deployer keeps the rest undelegated.
  await fundVoter(client, gov, deployer, alice, 100_000n);
  await fundVoter(client, gov, deployer, bob, 50_000n);
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

describe('governor ingestion', () => {
  it('follows proposals to every outcome, with tallies, ' +
    'timelines, SLI outcomes and a restart in the middle', async () => {
    let { tracker, db } = openTracker();
    const passed = await propose(client, gov, alice, '# Raise the delay\n\nTwo hours.');
    const defeated = await propose(client, gov, bob, 'Defeat me', 7_201n);
    const canceled = await propose(client, gov, bob, 'Cancel me', 7_202n);
    // OpenZeppelin lets the proposer cancel only while the proposal is pending (before the voting delay).
    await cancel(client, gov, bob, canceled);
    const overdue = await propose(client, gov, alice, 'Queue and forget', 7_203n);
    await pollAll(tracker);
    // Read in the step that ingested its creation: four blocks later, past the one-block voting delay.
    expect(proposalOf(tracker, passed.id)).toMatchObject({ state: 'Active', title: 'Raise the delay', voters: 0 });
    expect(proposalOf(tracker, overdue.id)).toMatchObject({ state: 'Pending' });
    expect(proposalOf(tracker, canceled.id).state).toBe('Canceled');

    await client.mine({ blocks: 2 });
    await vote(client, gov, alice, passed, Support.For, 'ship it');
    await vote(client, gov, bob, passed, Support.Against);
    await vote(client, gov, bob, defeated, Support.Against);
    await vote(client, gov, alice, overdue, Support.For);
    await pollAll(tracker);
    const active = proposalOf(tracker, passed.id);
    expect(active).toMatchObject({
      state: 'Active',
      voters: 2,
      votes: { for: (100_000n * 10n ** 18n).toString(), against: (50_000n * 10n ** 18n).toString(), abstain: '0' },
    });
    expect(active.quorum).toBe((40_000n * 10n ** 18n).toString());
    // 150,000 counted against a 40,000 quorum: 250 % of quorum, under its own name and, for one release, the former
    // one.
    expect(active.quorumReachedRatio).toBe(2.5);
    expect(active.turnoutRatio).toBe(2.5);
    expect(active.quorumReached).toBe(true);
    // Turnout against the chain's own supply at the proposal's snapshot.
    const supply = (await client.readContract({
      address: gov.token.address,
      abi: parseAbi(['function getPastTotalSupply(uint256) view returns (uint256)']),
      functionName: 'getPastTotalSupply',
      args: [BigInt(active.voteStart)],
    })) as bigint;
    expect(supply).toBeGreaterThan(0n);
    expect(active.votesTotal).toBe((150_000n * 10n ** 18n).toString());
    expect(active.votingSupply).toBe(supply.toString());
    expect(active.turnoutOfSupplyRatio).toBeCloseTo(
      Number((150_000n * 10n ** 18n * 1_000_000n) / supply) / 1_000_000,
      6,
    );
    expect(active.turnoutOfSupplyRatio).toBeLessThan(1);

    // Restart in the middle of voting: a new tracker over the same database resumes at the cursor.
    db.close();
    ({ tracker, db } = openTracker());
    expect(proposalOf(tracker, passed.id).voters).toBe(2);

    await client.mine({ blocks: 11 });
    await queue(client, gov, deployer, passed);
    await queue(client, gov, deployer, overdue);
    await passTime(client, 3_601);
    await execute(client, gov, deployer, passed);
    await pollAll(tracker);

    expect(proposalOf(tracker, passed.id)).toMatchObject({ state: 'Executed', voters: 2, overdue: false });
    // Against votes do not count towards quorum (OpenZeppelin counts for and abstain).
    expect(proposalOf(tracker, defeated.id)).toMatchObject({ state: 'Defeated', quorumReached: false });
    expect(proposalOf(tracker, overdue.id)).toMatchObject({ state: 'Queued', overdue: false });
    await passTime(client, graceSeconds + 1);
    await pollAll(tracker);
    expect(proposalOf(tracker, overdue.id)).toMatchObject({ state: 'Queued', overdue: true });

    const view = tracker.view('dao') as GovernorView;
    expect(view.byState).toMatchObject({ Executed: 1, Defeated: 1, Canceled: 1, Queued: 1 });
    expect(view.topDelegates.map((entry) => entry.delegate)).toEqual([alice.address, bob.address]);
    expect(view.topDelegatesShare).toBe(1);

    // Nothing missed, nothing twice: the store holds exactly the chain's logs.
    expect(tracker.store.eventCount('dao')).toBe(await chainEventCount());
    expect(
      tracker.store
        .proposalStates('dao')
        .filter((row) => row.proposalId === passed.id.toString())
        .map((row) => row.state),
    ).toEqual(['Pending', 'Active', 'Succeeded', 'Queued', 'Executed']);

    const outcomes = db
      .prepare('SELECT sli, subject, good FROM governance_sli_outcomes WHERE target = ? ORDER BY sli, subject')
      .all('dao') as { sli: string; subject: string; good: number }[];
    const outcome = (sli: string, id: bigint) =>
      outcomes.find((row) => row.sli === sli && row.subject === id.toString())?.good;
    expect(outcome('participation', passed.id)).toBe(1);
    expect(outcome('participation', defeated.id)).toBe(0);
    expect(outcome('participation', canceled.id)).toBeUndefined();
    expect(outcome('execution', passed.id)).toBe(1);
    expect(outcome('execution', overdue.id)).toBe(0);

    const timelock = tracker.view('dao-timelock') as TimelockView;
    expect(timelock.minDelaySeconds).toBe(7_200);
    expect(timelock.byStatus).toMatchObject({ executed: 1, overdue: 1 });
    expect(timelock.roles.PROPOSER_ROLE).toEqual([getAddress(gov.governor.address)]);
    expect(timelock.rolesFrom).toBe('hasRole');
    expect(timelock.changes.map((change) => change.summary)).toContain('minimum delay 3600 s → 7200 s');
    db.close();
  }, 120_000);

  it('rolls back events a reorg removed and ingests the new branch', async () => {
    const { tracker, db } = openTracker();
    await pollAll(tracker);
    const before = tracker.store.eventCount('dao');
    const proposal = await propose(client, gov, alice, 'Reorged away', 9_001n);
    const snapshot = await client.snapshot();
    await client.mine({ blocks: 2 });
    await vote(client, gov, alice, proposal, Support.For);
    await pollAll(tracker);
    expect(proposalOf(tracker, proposal.id).voters).toBe(1);

    // The vote's block is replaced by a longer branch where Bob votes instead.
    await client.revert({ id: snapshot });
    await client.mine({ blocks: 3 });
    await vote(client, gov, bob, proposal, Support.Against);
    await client.mine({ blocks: 2 });
    await tracker.poll('dao');
    await pollAll(tracker);

    const after = proposalOf(tracker, proposal.id);
    expect(after.voters).toBe(1);
    expect(after.votes.for).toBe('0');
    expect(after.votes.against).toBe((50_000n * 10n ** 18n).toString());
    expect(tracker.store.eventCount('dao')).toBe(before + 2);
    expect(tracker.store.eventCount('dao')).toBe(await chainEventCount());
    db.close();
  }, 60_000);

  it('reads who holds the timelock roles when watched from after every role event', async () => {
    const lateStart = Number(await client.getBlockNumber()) + 1;
    const { tracker, db } = openTracker(lateStart);
    // The only trace of the governor from here on: the transactions that queue its proposals.
    const proposal = await propose(client, gov, alice, 'Queued after the late start', 7_300n);
    await client.mine({ blocks: 2 });
    await vote(client, gov, alice, proposal, Support.For);
    await client.mine({ blocks: 11 });
    await queue(client, gov, deployer, proposal);
    const status = await tracker.poll('late-timelock');
    expect([status.lastError, status.caughtUp]).toEqual([null, true]);
    const view = tracker.view('late-timelock') as TimelockView;
    expect([...tracker.store.events('late-timelock')].filter((event) => event.name.startsWith('Role'))).toEqual([]);
    expect(view.rolesFrom).toBe('hasRole');
    const governor = getAddress(gov.governor.address);
    const timelock = getAddress(gov.timelock.address);
    expect(view.roles).toEqual({
      DEFAULT_ADMIN_ROLE: [timelock],
      PROPOSER_ROLE: [governor],
      EXECUTOR_ROLE: ['0x0000000000000000000000000000000000000000'],
      CANCELLER_ROLE: [governor],
    });
    // The chain's own answer for each of them, and for the deployer, who renounced its admin role.
    const hasRole = (role: Hex, account: Address) =>
      client.readContract({ ...gov.timelock, functionName: 'hasRole', args: [role, account] }) as Promise<boolean>;
    for (const [name, holders] of Object.entries(view.roles))
      for (const holder of holders)
        expect(await hasRole(TIMELOCK_ROLES[roleKeys[name as keyof typeof roleKeys]], holder as Address)).toBe(true);
    expect(await hasRole(TIMELOCK_ROLES.admin, deployer.address)).toBe(false);
    db.close();
  }, 60_000);
});
