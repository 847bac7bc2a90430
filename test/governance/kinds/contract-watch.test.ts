// A contract watch on a real ERC20 on anvil: a large-Transfer matcher and a large-transfer() call matcher,
// calls found in the blocks' transactions (direct calls only) or in their traces (a Safe's internal call
// too). What it matches is checked against the chain's own logs and calls; it survives a restart (nothing
// lost, nothing twice) and a reorg (the reorged-away match disappears, the new branch's appears); alerts
// carry the decoded arguments; and `ere governance test-match` prints the same matches for the same history
// without storing anything.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Address, encodeFunctionData, getAddress, parseAbiItem } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import { parseConfig } from '../../../src/config/load.js';
import { resolveGovernanceTarget } from '../../../src/governance/governance-schema.js';
import { GovernanceTracker } from '../../../src/governance/governance-tracker.js';
import { ChainReader } from '../../../src/governance/ingest/chain-reader.js';
import type { ContractView } from '../../../src/governance/kinds/contract/index.js';
import { type Database, openDatabase } from '../../../src/store/database.js';
import {
  type AnvilClient,
  anvilAccount,
  createAnvilClient,
  deployContract,
  sendTransaction,
} from '../../helpers/anvil-client.js';
import { governanceArtifacts } from '../../helpers/governance-contracts.js';
import { runEre } from '../../helpers/ere-cli.js';
import { deploySafe, execSafeTransaction } from '../../helpers/safe-contracts.js';
import { tempDir } from '../../helpers/service.js';

const deployer = anvilAccount(0);
const owner = anvilAccount(1);
const bob = getAddress(anvilAccount(2).address);
const carol = getAddress(anvilAccount(3).address);
const dave = getAddress(anvilAccount(4).address);
const tokens = (count: bigint) => count * 10n ** 18n;
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
const large = tokens(100_000n);

let node: AnvilNode;
let client: AnvilClient;
let token: Address;
let safe: Awaited<ReturnType<typeof deploySafe>>;
let startBlock: number;
let dir: string;
let configFile: string;

const transferData = (to: Address, amount: bigint) =>
  encodeFunctionData({ abi: governanceArtifacts().token.abi, functionName: 'transfer', args: [to, amount] });

function configText(): string {
  const watch = (id: string, calls: string) => `  - kind: contract
    id: ${id}
    chain: local
    address: "${token}"
    startBlock: ${startBlock}
    confirmations: 0
    calls: ${calls}
    matchers:
      - { name: large-transfer, event: "Transfer(address,address,uint256)", where: "value > 1e23" }
      - { name: large-call, function: "transfer(address,uint256)", where: "value > 1e23" }
`;
  return `chains:
  - { id: local, chainId: ${node.chainId}, rpc: [{ id: anvil, url: "${node.url}" }] }
governance:
${watch('whales', 'transactions')}${watch('whales-traced', 'traces')}`;
}

function openTracker(): { tracker: GovernanceTracker; db: Database } {
  const config = parseConfig(configText(), { env: {} });
  const { db } = openDatabase(join(dir, 'ere.db'));
  const reader = new ChainReader('local', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
  });
  let nowMs = Date.now();
  const tracker = new GovernanceTracker(db, config.governance.map(resolveGovernanceTarget), {
    clock: { now: () => nowMs },
    readers: new Map([['local', reader]]),
  });
  const poll = tracker.poll.bind(tracker);
  tracker.poll = async (id, options) => {
    nowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
    const status = await poll(id, options);
    expect([status.lastError, status.caughtUp]).toEqual([null, true]);
    return status;
  };
  return { tracker, db };
}

const viewOf = (tracker: GovernanceTracker, id: string) => tracker.view(id) as ContractView;
/** A watch's matches, oldest first, as [matcher, name, to, value]. */
const matchesOf = (tracker: GovernanceTracker, id: string) =>
  [...viewOf(tracker, id).matches]
    .reverse()
    .map((match) => [match.matcher, match.name, match.args.to, match.args.value]);

/** The chain's own record: Transfer logs over the limit, from the node, decoded by viem. */
async function largeTransferLogs(): Promise<unknown[][]> {
  const logs = await client.getLogs({
    address: token,
    event: parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)'),
    fromBlock: BigInt(startBlock),
    toBlock: 'latest',
  });
  return logs
    .filter((log) => log.args.value! > large)
    .map((log) => ['large-transfer', 'Transfer', getAddress(log.args.to!), log.args.value!.toString()]);
}

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  dir = tempDir();
  token = getAddress(await deployContract(client, deployer, governanceArtifacts().token, [tokens(1_000_000n)]));
  safe = await deploySafe(client, deployer, [owner.address], 1n);
  startBlock = Number(await client.getBlockNumber()) + 1;
  // Direct transfers by the deployer, large and small; the Safe's, large and small, are calls made by the Safe.
  await sendTransaction(client, deployer, { to: token, data: transferData(bob, tokens(200_000n)) });
  await sendTransaction(client, deployer, { to: token, data: transferData(bob, tokens(10n)) });
  await sendTransaction(client, deployer, { to: token, data: transferData(safe.safe.address, tokens(300_000n)) });
  await execSafeTransaction(
    client,
    safe.safe,
    { to: token, data: transferData(carol, tokens(150_000n)) },
    [owner],
    deployer,
  );
  await execSafeTransaction(client, safe.safe, { to: token, data: transferData(carol, tokens(5n)) }, [owner], deployer);
  configFile = join(dir, 'ere.yaml');
  writeFileSync(configFile, configText());
}, 120_000);

afterAll(async () => {
  await node?.stop();
});

describe('a contract watch', () => {
  it('matches the large transfers the chain logged, and the large calls by transaction or by trace', async () => {
    const { tracker, db } = openTracker();
    await tracker.poll('whales');
    await tracker.poll('whales-traced');
    const events = await largeTransferLogs();
    expect(events.map(([, , to]) => to)).toEqual([bob, safe.safe.address, carol]);
    const direct = [
      ['large-call', 'transfer(address,uint256)', bob, tokens(200_000n).toString()],
      ['large-call', 'transfer(address,uint256)', safe.safe.address, tokens(300_000n).toString()],
    ];
    const internal = ['large-call', 'transfer(address,uint256)', carol, tokens(150_000n).toString()];
    // Each log and its call come from one transaction: by block, the call's index is after the logs'.
    expect(matchesOf(tracker, 'whales')).toEqual([events[0], direct[0], events[1], direct[1], events[2]]);
    expect(matchesOf(tracker, 'whales-traced')).toEqual([
      events[0],
      direct[0],
      events[1],
      direct[1],
      events[2],
      internal,
    ]);
    expect(viewOf(tracker, 'whales').counts).toEqual({ 'large-transfer': 3, 'large-call': 2 });
    // Only what a matcher selects is stored: the small transfers are not.
    expect(tracker.store.eventCount('whales')).toBe(5);
    db.close();
  }, 60_000);

  it('loses nothing and counts nothing twice across a restart, and follows a reorg', async () => {
    let { tracker, db } = openTracker();
    expect(viewOf(tracker, 'whales').counts).toEqual({ 'large-transfer': 3, 'large-call': 2 });
    const snapshot = await client.snapshot();
    await sendTransaction(client, deployer, { to: token, data: transferData(dave, tokens(123_456n)) });
    await tracker.poll('whales');
    expect(matchesOf(tracker, 'whales').at(-1)).toEqual([
      'large-call',
      'transfer(address,uint256)',
      dave,
      tokens(123_456n).toString(),
    ]);
    expect(viewOf(tracker, 'whales').counts).toEqual({ 'large-transfer': 4, 'large-call': 3 });
    db.close();

    // The block that held it is replaced by a longer branch with a different large transfer.
    await client.revert({ id: snapshot });
    await sendTransaction(client, deployer, { to: token, data: transferData(carol, tokens(400_001n)) });
    await client.mine({ blocks: 2 });
    ({ tracker, db } = openTracker());
    await tracker.poll('whales');
    await tracker.poll('whales');
    const events = await largeTransferLogs();
    expect(events.map(([, , to]) => to)).toEqual([bob, safe.safe.address, carol, carol]);
    expect(matchesOf(tracker, 'whales').filter(([matcher]) => matcher === 'large-transfer')).toEqual(events);
    expect(matchesOf(tracker, 'whales').some(([, , to]) => to === dave)).toBe(false);
    expect(viewOf(tracker, 'whales').counts).toEqual({ 'large-transfer': 4, 'large-call': 3 });

    // A recent match is an alert with its decoded arguments.
    const reading = tracker.reading('whales')!;
    const signals = reading.signals('GovernanceContractMatch', Date.now(), { changeHoldMs: 3_600_000 * 24 * 365 });
    const newest = signals.find(
      (signal) => signal.labels.event === 'Transfer' && signal.labels.match?.includes('400001'),
    );
    expect(newest?.labels).toMatchObject({ target: 'whales', matcher: 'large-transfer', kind: 'contract' });
    expect(newest?.details).toEqual([
      `from: ${getAddress(deployer.address)}`,
      `to: ${carol}`,
      `value: ${tokens(400_001n)}`,
    ]);
    // The API's answer: one matcher's matches, newest first, with the counts.
    const route = tracker
      .routes()
      .map((each) => each.use((spec) => spec))
      .find((spec) => spec.url === '/api/v1/governance/contracts/:target/matches')!;
    const answer = route.handler({
      params: { target: 'whales' },
      query: route.query!.parse({ matcher: 'large-transfer', limit: '2' }),
    }) as { counts: Record<string, number>; matches: { summary: string; args: unknown }[] };
    expect(answer.counts).toEqual({ 'large-transfer': 4, 'large-call': 3 });
    expect(answer.matches.map((match) => match.args)).toEqual([
      { from: getAddress(deployer.address), to: carol, value: tokens(400_001n).toString() },
      { from: safe.safe.address, to: carol, value: tokens(150_000n).toString() },
    ]);
    expect(answer.matches[0]!.summary).toBe(
      `Transfer(from=${short(deployer.address)}, to=${short(carol)}, value=${tokens(400_001n)})`,
    );
    db.close();
  }, 60_000);

  it('test-match prints the same matches over the same history, storing nothing', async () => {
    let { tracker, db } = openTracker();
    // Polled again since the reorg: its view is of the chain as it is now.
    await tracker.poll('whales-traced');
    const head = Number(await client.getBlockNumber());
    const matches = [...viewOf(tracker, 'whales-traced').matches].reverse();
    const counts = viewOf(tracker, 'whales-traced').counts;
    const stored = tracker.store.eventCount('whales-traced');
    db.close();
    const run = await runEre([
      'governance',
      'test-match',
      '--config',
      configFile,
      '--target',
      'whales-traced',
      '--from-block',
      String(startBlock),
      '--to-block',
      String(head),
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as { counts: Record<string, number>; matches: unknown[] };
    expect(printed.matches).toEqual(
      matches.map((match) => ({
        block: match.blockNumber,
        tx: match.txHash,
        logIndex: match.logIndex,
        matcher: match.matcher,
        name: match.name,
        args: match.args,
      })),
    );
    expect(printed.counts).toEqual(counts);
    expect(counts).toEqual({ 'large-transfer': 4, 'large-call': 4 });
    ({ tracker, db } = openTracker());
    expect(tracker.store.eventCount('whales-traced')).toBe(stored);
    db.close();

    const text = await runEre([
      'governance',
      'test-match',
      '--config',
      configFile,
      '--target',
      'whales',
      '--from-block',
      String(startBlock),
      '--to-block',
      String(head),
    ]);
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe(`7 matches of whales (${token}) on local, blocks ${startBlock}-${head}; nothing stored:`);
    expect(lines.at(-1)).toBe('Per matcher: large-transfer 4, large-call 3');
  }, 120_000);
});
