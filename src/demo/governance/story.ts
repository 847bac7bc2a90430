// The demo's governance story, told round after round on the demo chain and printed one "[governance]" line
// per step: a proposal passes, is queued and executed after the timelock delay; one is defeated for lack of
// quorum; one is queued and left past its ETA (overdue), to be executed late in the next round; a hostile
// proposal would point the DAO's vault at a rogue implementation, and ERE's verdict on it is told before the
// vote; the Safe's owners lower its threshold below policy and raise it back; the proxy is upgraded. The
// demo waits for its blocks in real time; tests move an automining chain forward instead (the ChainPace).

import {
  type Address,
  type Hex,
  encodeFunctionData,
  formatEther,
  formatUnits,
  getAddress,
  parseEther,
  slice,
} from 'viem';
import type { HDAccount } from 'viem/accounts';
import type { AnvilClient } from './client.js';
import type { Governance } from './contracts.js';
import { type Proposal, Support, execute, proposeActions, queue, vote } from './driver.js';
import { upgradeTransparentProxy } from './proxy.js';
import { execSafeTransaction } from './safe.js';
import {
  DEMO_EXECUTION_GRACE_SECONDS,
  type DemoGovernance,
  demoGovernanceIds,
  demoGovernanceSettings,
} from './setup.js';

/** How the story waits for the chain. */
export interface ChainPace {
  /** Resolves once the chain's head is at `block` or later. */
  untilBlock(block: bigint): Promise<void>;
  /** Resolves once the head's timestamp is at `seconds` or later. */
  untilTime(seconds: bigint): Promise<void>;
}

/** Waits for blocks that the chain mines on its own (the demo's anvil, one block a second). */
export function realTimePace(client: AnvilClient, signal: AbortSignal, pollMs = 500): ChainPace {
  const until = async (reached: () => Promise<boolean>) => {
    while (!(await reached())) await abortableSleep(pollMs, signal);
  };
  return {
    untilBlock: (block) => until(async () => (await client.getBlockNumber()) >= block),
    untilTime: (seconds) => until(async () => (await client.getBlock()).timestamp >= seconds),
  };
}

/** Mines blocks and moves time forward on an automining chain, for tests. */
export function fastForwardPace(client: AnvilClient): ChainPace {
  return {
    untilBlock: async (block) => {
      const head = await client.getBlockNumber();
      if (head < block) await client.mine({ blocks: Number(block - head) });
    },
    untilTime: async (seconds) => {
      const { timestamp } = await client.getBlock();
      if (timestamp >= seconds) return;
      await client.increaseTime({ seconds: Number(seconds - timestamp) });
      await client.mine({ blocks: 1 });
    },
  };
}

export interface GovernanceStoryDeps {
  client: AnvilClient;
  deployment: DemoGovernance;
  pace: ChainPace;
  say(line: string): void;
  /** Seconds the overdue proposal stays overdue before the next round executes it; 30 unless told. */
  restSeconds?: number;
  /** What ERE says a proposal will do, once it has simulated it: null when it has not yet. */
  verdict?(proposal: Proposal): Promise<DecisionVerdict | null>;
}

/** ERE's verdict on a decision: its actions decoded, one line each, and what its policy found. */
export interface DecisionVerdict {
  actions: string[];
  findings: { check: string; severity: string; message: string }[];
}

/**
 * Seconds between the start of the story and its first round: time to read the banner, and for the chain to have some
 * history.
 */
const FIRST_ROUND_DELAY_SECONDS = 15;

/** What a round leaves to the next: the proposal it queued and left. */
export interface RoundResult {
  leftQueued: Proposal;
}

// OpenZeppelin's IGovernor.ProposalState, in enum order.
const proposalStates = [
  'Pending',
  'Active',
  'Canceled',
  'Defeated',
  'Succeeded',
  'Queued',
  'Expired',
  'Executed',
] as const;
const EIP1967_IMPLEMENTATION_SLOT: Hex = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';

interface Grant {
  ether: string;
  purpose: string;
}

const grants: Record<'passes' | 'defeated' | 'overdue', Grant> = {
  passes: { ether: '1', purpose: 'the docs team' },
  defeated: { ether: '50', purpose: 'a new marketing budget' },
  overdue: { ether: '2', purpose: 'the audit reserve' },
};

/** One round of the story; `previous` is what the last round left queued. */
export async function playGovernanceRound(
  deps: GovernanceStoryDeps,
  round: number,
  previous: RoundResult | null,
): Promise<RoundResult> {
  const { client, deployment, pace, say } = deps;
  const { gov, people } = deployment;
  const { deployer, alice, bob, carol } = people;
  const governor = demoGovernanceIds.governor;
  const title = (grant: Grant) => `Grant ${grant.ether} ETH to ${grant.purpose} (round ${round})`;
  const proposeGrant = (proposer: HDAccount, grant: Grant) =>
    proposeActions(client, gov, proposer, `# ${title(grant)}\n\nPaid by the timelock out of the DAO's treasury.`, [
      { target: people.grantee, value: parseEther(grant.ether), calldata: '0x' },
    ]);

  if (previous && (await stateOf(client, gov, previous.leftQueued)) === 'Queued') {
    const eta = await etaOf(client, gov, previous.leftQueued);
    await execute(client, gov, deployer, previous.leftQueued);
    const late = Number((await client.getBlock()).timestamp - eta);
    say(
      `[governance] "${titleOf(previous.leftQueued)}" executed at last, ` +
        `${late} s after its ETA: late for the dao-execution SLO`,
    );
  }

  const passes = await proposeGrant(alice, grants.passes);
  const defeated = await proposeGrant(bob, grants.defeated);
  const overdue = await proposeGrant(alice, grants.overdue);
  say(
    `[governance] round ${round} on ${governor}: three proposals, "${title(grants.passes)}" (to pass), ` +
      `"${title(grants.defeated)}" (to fail) and ` +
      `"${title(grants.overdue)}" (to be left in the queue); voting opens in ` +
      `${demoGovernanceSettings.votingDelayBlocks} blocks and lasts ${demoGovernanceSettings.votingPeriodBlocks}`,
  );

  await proposeHostileUpgrade(deps, round);
  await setSafeThreshold(deps, 1);

  const proposals = [passes, defeated, overdue];
  const snapshots = await Promise.all(
    proposals.map((proposal) => readGovernor<bigint>(client, gov, 'proposalSnapshot', [proposal.id])),
  );
  await pace.untilBlock(max(snapshots) + 1n);
  await vote(client, gov, alice, passes, Support.For);
  await vote(client, gov, bob, passes, Support.For);
  say(`[governance] "${title(grants.passes)}": alice and bob vote for (${await tally(client, gov, passes)})`);
  await vote(client, gov, carol, defeated, Support.For);
  await vote(client, gov, bob, defeated, Support.Against, 'not this quarter');
  say(
    `[governance] "${title(grants.defeated)}": carol votes for, bob against ` +
      `(${await tally(client, gov, defeated)}): quorum at risk until voting closes`,
  );
  await vote(client, gov, alice, overdue, Support.For);
  say(`[governance] "${title(grants.overdue)}": alice votes for (${await tally(client, gov, overdue)})`);

  await upgradeProxy(deps);

  const deadlines = await Promise.all(
    proposals.map((proposal) => readGovernor<bigint>(client, gov, 'proposalDeadline', [proposal.id])),
  );
  await pace.untilBlock(max(deadlines) + 1n);
  const states = await Promise.all(proposals.map((proposal) => stateOf(client, gov, proposal)));
  say(
    `[governance] voting closed: "${title(grants.passes)}" ${states[0]}, ` +
      `"${title(grants.defeated)}" ${states[1]} (quorum not reached), "${title(grants.overdue)}" ${states[2]}`,
  );

  await queue(client, gov, deployer, passes);
  await queue(client, gov, deployer, overdue);
  const eta = await etaOf(client, gov, passes);
  const overdueEta = await etaOf(client, gov, overdue);
  say(
    `[governance] both passed proposals queued in the timelock; ` +
      `executable after its ${await timelockDelay(client, gov)} s delay`,
  );

  await pace.untilTime(eta);
  await execute(client, gov, deployer, passes);
  say(
    `[governance] "${title(grants.passes)}" executed: the timelock paid ${grants.passes.ether} ETH ` +
      `(treasury left: ${formatEther(await client.getBalance({ address: gov.timelock.address }))} ETH)`,
  );

  await setSafeThreshold(deps, 2);

  const overdueAt = overdueEta + BigInt(DEMO_EXECUTION_GRACE_SECONDS);
  say(
    `[governance] "${title(grants.overdue)}" is left in the queue: overdue ` +
      `${DEMO_EXECUTION_GRACE_SECONDS} s after its ETA, executed late next round`,
  );
  await pace.untilTime(overdueAt + 1n);
  say(
    `[governance] "${title(grants.overdue)}" is now overdue (see ` +
      `${demoGovernanceIds.governor} in /api/v1/governance/proposals)`,
  );
  await pace.untilTime(overdueAt + 1n + BigInt(deps.restSeconds ?? 30));
  return { leftQueued: overdue };
}

/** Plays rounds until stopped; a failed round is reported and the next one starts after a pause. */
export function startGovernanceStory(deps: Omit<GovernanceStoryDeps, 'pace'> & { firstRoundDelaySeconds?: number }): {
  stop(): Promise<void>;
} {
  const controller = new AbortController();
  const pace = realTimePace(deps.client, controller.signal);
  const play = async () => {
    let previous: RoundResult | null = null;
    const delaySeconds = deps.firstRoundDelaySeconds ?? FIRST_ROUND_DELAY_SECONDS;
    deps.say(`[governance] the DAO's first round starts in ${delaySeconds} s; a round takes about 3 minutes`);
    await abortableSleep(delaySeconds * 1_000, controller.signal).catch(() => undefined);
    for (let round = 1; !controller.signal.aborted; round += 1) {
      try {
        previous = await playGovernanceRound({ ...deps, pace }, round, previous);
      } catch (error) {
        if (controller.signal.aborted) return;
        deps.say(`[governance] round ${round} stopped: ${describeError(error)}; the next round starts in 10 s`);
        previous = null;
        await abortableSleep(10_000, controller.signal).catch(() => undefined);
      }
    }
  };
  const playing = play();
  return {
    stop: async () => {
      controller.abort();
      // A transaction in flight waits for its block (a second); never longer than a few.
      await Promise.race([playing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}

/**
 * The hostile round: carol proposes to point the DAO's vault at a rogue implementation (one that can
 * delegatecall anything and destroy itself), dressed as a routine upgrade; nobody votes for it, and ERE flags
 * it from its simulation before anyone votes.
 */
async function proposeHostileUpgrade(deps: GovernanceStoryDeps, round: number): Promise<Proposal> {
  const { client, deployment, say } = deps;
  const { vault } = deployment;
  const title = `Upgrade the vault to v2 (round ${round})`;
  const hostile = await proposeActions(
    client,
    deployment.gov,
    deployment.people.carol,
    `# ${title}\n\nA routine upgrade of the DAO's vault.`,
    [
      {
        target: vault.proxy.proxyAdmin.address,
        value: 0n,
        calldata: encodeFunctionData({
          abi: vault.proxy.proxyAdmin.abi,
          functionName: 'upgradeAndCall',
          args: [vault.proxy.proxy.address, vault.rogue, '0x'],
        }),
      },
    ],
  );
  say(
    `[governance] hostile round: carol proposes "${title}", which points the DAO's vault at a new ` +
      'implementation; ERE simulates it on a fork before anyone votes',
  );
  if (!deps.verdict) return hostile;
  const verdict = await deps.verdict(hostile);
  if (verdict === null) say(`[governance] no verdict on "${title}" yet: see /api/v1/governance/verifications`);
  else {
    const findings = verdict.findings.map((finding) => `${finding.check} (${finding.severity}): ${finding.message}`);
    say(
      `[governance] ERE's verdict on "${title}" before the vote: ${verdict.actions.join('; ')}; ` +
        (findings.length > 0 ? `flagged: ${findings.join('; ')}` : 'nothing flagged'),
    );
  }
  return hostile;
}

/** Changes the Safe's threshold through a Safe transaction signed by as many owners as it currently needs. */
async function setSafeThreshold(deps: GovernanceStoryDeps, threshold: number): Promise<void> {
  const { client, deployment, say } = deps;
  const { safe } = deployment.safe;
  const { alice, bob, carol } = deployment.people;
  const current = Number(await client.readContract({ ...safe, functionName: 'getThreshold' }));
  const owners = [alice, bob, carol];
  const signers = owners.slice(0, current);
  const data = encodeFunctionData({ abi: safe.abi, functionName: 'changeThreshold', args: [BigInt(threshold)] });
  await execSafeTransaction(client, safe, { to: safe.address, data }, signers, signers[0]!);
  const names = ['alice', 'bob', 'carol'].slice(0, current).join(' and ');
  const policy = threshold < 2 ? ', below its policy of 2' : ', as its policy wants';
  say(
    `[governance] ${demoGovernanceIds.safe}: ${names} ${signers.length > 1 ? 'sign' : 'signs'} a Safe ` +
      `transaction setting the threshold from ${current} to ${threshold} of ${owners.length}${policy}`,
  );
}

/** Points the proxy at whichever of its two implementations it is not using. */
async function upgradeProxy(deps: GovernanceStoryDeps): Promise<void> {
  const { client, deployment, say } = deps;
  const { proxy } = deployment;
  const slot = await client.getStorageAt({ address: proxy.proxy.address, slot: EIP1967_IMPLEMENTATION_SLOT });
  const current = getAddress(slice(slot ?? '0x', 12, 32));
  const next = current === proxy.implementations[0] ? proxy.implementations[1] : proxy.implementations[0];
  await upgradeTransparentProxy(client, deployment.people.deployer, proxy, next);
  say(
    `[governance] ${demoGovernanceIds.proxy}: its ProxyAdmin's owner upgrades ` +
      `the implementation from ${short(current)} to ${short(next)}`,
  );
}

function readGovernor<T>(
  client: AnvilClient,
  gov: Governance,
  functionName: string,
  args: readonly unknown[],
): Promise<T> {
  return client.readContract({ ...gov.governor, functionName, args }) as Promise<T>;
}

async function stateOf(
  client: AnvilClient,
  gov: Governance,
  proposal: Proposal,
): Promise<(typeof proposalStates)[number]> {
  const state = await readGovernor<number>(client, gov, 'state', [proposal.id]);
  return proposalStates[state] ?? 'Pending';
}

function etaOf(client: AnvilClient, gov: Governance, proposal: Proposal): Promise<bigint> {
  return readGovernor<bigint>(client, gov, 'proposalEta', [proposal.id]);
}

async function timelockDelay(client: AnvilClient, gov: Governance): Promise<bigint> {
  return (await client.readContract({ ...gov.timelock, functionName: 'getMinDelay' })) as bigint;
}

/** "for 150,000 / against 0 of a 40,000 quorum", in whole tokens. */
async function tally(client: AnvilClient, gov: Governance, proposal: Proposal): Promise<string> {
  const [against, inFavour] = await readGovernor<readonly [bigint, bigint, bigint]>(client, gov, 'proposalVotes', [
    proposal.id,
  ]);
  const snapshot = await readGovernor<bigint>(client, gov, 'proposalSnapshot', [proposal.id]);
  const quorum = await readGovernor<bigint>(client, gov, 'quorum', [snapshot]);
  const tokens = (value: bigint) => Number(formatUnits(value, 18)).toLocaleString('en-US');
  return `for ${tokens(inFavour)}, against ${tokens(against)}; quorum ${tokens(quorum)}`;
}

function titleOf(proposal: Proposal): string {
  return proposal.description.split('\n')[0]!.replace(/^#\s*/, '');
}

function max(values: readonly bigint[]): bigint {
  // biome-ignore lint/complexity/useMathMinMax: the values are bigints, which Math.max does not take
  return values.reduce((a, b) => (b > a ? b : a));
}

function short(address: Address): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** viem's and the service's errors carry a one-line shortMessage; the full message can run to pages. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (error as Error & { shortMessage?: string }).shortMessage ?? error.message.split('\n')[0]!;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
