// Each way a provider at the right height serves wrong data, made by a fault proxy in front of a real anvil,
// caught by the data check that looks for it within one run and pinned to that endpoint alone. The truth
// is the chain's own: anvil's answers straight from its port.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Abi, type Address, encodeFunctionData, numberToHex, parseAbi } from 'viem';
import { startAnvil, type AnvilNode } from '../../../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../../../src/demo/fault-proxy.js';
import {
  anvilAccount,
  createAnvilClient,
  deployContract,
  writeContract,
} from '../../../../src/demo/governance/client.js';
import { compileSolidity } from '../../../../src/demo/governance/contracts.js';
import { blockAgreement } from '../../../../src/endpoints/rpc/correctness/checks/block-agreement.js';
import { logsCompleteness } from '../../../../src/endpoints/rpc/correctness/checks/logs.js';
import { stateAgreement } from '../../../../src/endpoints/rpc/correctness/checks/state.js';
import { transactionByHash } from '../../../../src/endpoints/rpc/correctness/checks/transaction.js';
import { type CheckedChain, checkedChain, outcomes, emitterSource } from './correctness-fixture.js';

let node: AnvilNode;
let emitter: Address;
let tickBlock: number;
const proxies: Record<'a' | 'b' | 'c', FaultProxy> = {} as never;
let chain: CheckedChain;

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

const head = async () => Number(await rpc<string>('eth_blockNumber', []));

beforeAll(async () => {
  node = await startAnvil();
  const client = createAnvilClient(node.url);
  const account = anvilAccount(0);
  const { emitter: artifact } = compileSolidity(
    { 'Emitter.sol': emitterSource },
    { emitter: { source: 'Emitter.sol', name: 'Emitter' } },
  );
  emitter = await deployContract(client, account, artifact);
  const receipt = await writeContract(client, account, {
    address: emitter,
    abi: artifact.abi as Abi,
    functionName: 'tick',
    args: [],
  });
  tickBlock = Number(receipt.blockNumber);
  await node.mine(100);
  for (const id of ['a', 'b', 'c'] as const) proxies[id] = await startFaultProxy({ upstreamUrl: node.url });
  chain = checkedChain('local', { a: proxies.a.url, b: proxies.b.url, c: proxies.c.url });
}, 60_000);

afterEach(() => {
  for (const proxy of Object.values(proxies)) proxy.setFault({ kind: 'none' });
});

afterAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy?.close();
  await node?.stop();
});

describe('wrong data from one endpoint of three', () => {
  it('another hash at one height: block agreement flags that endpoint, against the chain’s own hash', async () => {
    const depth = 5;
    const height = (await head()) - depth;
    proxies.b.setFault({ kind: 'fork_hash', height });
    const check = chain.check(blockAgreement, { blocks: { interval: '1s', depth, tags: false } });
    await chain.probeAll();
    await check.run(AbortSignal.timeout(5_000));
    await chain.probeAll();
    const [block] = (await check.run(AbortSignal.timeout(5_000))).results;
    expect(block?.block).toBe(height);
    expect(outcomes(block)).toEqual([
      ['a', 'agree'],
      ['b', 'disagree'],
      ['c', 'agree'],
    ]);
    const truth = await rpc<{ hash: string }>('eth_getBlockByNumber', [numberToHex(height), false]);
    expect(block?.verdicts[1]?.expected).toBe(truth.hash);
    expect(block?.verdicts[1]?.digest).not.toBe(truth.hash);
  });

  it('one log of eighteen dropped: the logs check flags that endpoint, held to its own receipts', async () => {
    proxies.a.setFault({ kind: 'drop_log', address: emitter });
    await chain.probeAll();
    const depth = (await head()) - tickBlock;
    const check = chain.check(logsCompleteness, {
      logs: { enabled: true, depth, blocks: 1, addresses: [emitter], receipts: true },
    });
    const [logs] = (await check.run(AbortSignal.timeout(5_000))).results;
    expect(logs?.block).toBe(tickBlock);
    expect(outcomes(logs)).toEqual([
      ['a', 'disagree'],
      ['b', 'agree'],
      ['c', 'agree'],
    ]);
    expect(logs?.verdicts[0]).toMatchObject({ against: 'receipts' });
    expect(logs?.verdicts[0]?.message).toMatch(/gave 17 logs, its receipts hold 18/);
    // The chain's own count, and the same check with the receipts off still finds the short endpoint.
    const own = await rpc<unknown[]>('eth_getLogs', [
      { fromBlock: numberToHex(tickBlock), toBlock: numberToHex(tickBlock), address: emitter },
    ]);
    expect(own).toHaveLength(18);
    const byMajority = chain.check(logsCompleteness, {
      logs: { enabled: true, depth, blocks: 1, addresses: [emitter], receipts: false },
    });
    const [majority] = (await byMajority.run(AbortSignal.timeout(5_000))).results;
    expect(outcomes(majority)).toEqual([
      ['a', 'disagree'],
      ['b', 'agree'],
      ['c', 'agree'],
    ]);
    expect(majority?.verdicts[0]?.message).toMatch(/gave 17 logs; most endpoints gave 18/);
  });

  it('a wrong eth_call: the state check flags that endpoint, and it is held unhealthy', async () => {
    proxies.b.setFault({ kind: 'wrong_call' });
    await chain.probeAll();
    const total = encodeFunctionData({ abi: parseAbi(['function total() view returns (uint256)']) });
    const check = chain.check(stateAgreement, {
      state: {
        depth: 10,
        calls: [{ name: 'emitter_total', to: emitter, data: total }],
        balances: [anvilAccount(1).address],
      },
    });
    const run = await check.run(AbortSignal.timeout(5_000));
    const [state] = run.results;
    expect(outcomes(state)).toEqual([
      ['a', 'agree'],
      ['b', 'disagree'],
      ['c', 'agree'],
    ]);
    const block = numberToHex((await head()) - 10);
    const truth = await rpc<string>('eth_call', [{ to: emitter, data: total }, block]);
    expect(BigInt(truth)).toBe(18n);
    expect(state?.verdicts[1]?.expected).toBe(truth);
    expect(state?.verdicts[1]?.message).toMatch(/^emitter_total at block \d+ is /);

    const { engine, close } = chain.engine([check]);
    engine.apply('local', run);
    const health = chain.tracker.health('local')!;
    expect(health.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.healthy])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(health.endpoints[1]?.incorrectData).toMatchObject({ check: 'state', against: 'majority' });
    close();
  });

  it('receipts 10 s late: the transaction check flags that endpoint as not finding the transaction', async () => {
    proxies.a.setFault({ kind: 'delay_receipts', delayMs: 10_000 });
    await chain.probeAll();
    const depth = (await head()) - tickBlock;
    const check = chain.check(transactionByHash, { transactions: { enabled: true, depth } });
    const [transaction] = (await check.run(AbortSignal.timeout(5_000))).results;
    expect(transaction?.block).toBe(tickBlock);
    expect(outcomes(transaction)).toEqual([
      ['a', 'disagree'],
      ['b', 'agree'],
      ['c', 'agree'],
    ]);
    expect(transaction?.verdicts[0]?.digest).toBe('not found');
  });

  it('a frozen finalized tag: the finalized check flags that endpoint once the chain moves on', async () => {
    proxies.c.setFault({ kind: 'freeze_finalized' });
    const frozen = await rpc<{ number: string }>('eth_getBlockByNumber', ['finalized', false]);
    // The freeze is read when the fault is set; one request through the proxy waits for it.
    await fetch(proxies.c.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['finalized', false] }),
    });
    await node.mine(20);
    const check = chain.check(blockAgreement, { blocks: { interval: '1s', depth: 5, tagLagBlocks: 3 } });
    await chain.probeAll();
    await check.run(AbortSignal.timeout(5_000));
    await chain.probeAll();
    const { results } = await check.run(AbortSignal.timeout(5_000));
    const finalized = results.find((result) => result.check === 'finalized');
    expect(outcomes(finalized)).toEqual([
      ['a', 'agree'],
      ['b', 'agree'],
      ['c', 'disagree'],
    ]);
    const now = await rpc<{ number: string }>('eth_getBlockByNumber', ['finalized', false]);
    expect(Number(now.number) - Number(frozen.number)).toBe(20);
    expect(finalized?.verdicts[2]?.message).toMatch(/finalized block \d+ is 20 blocks behind most endpoints/);
    expect(outcomes(results.find((result) => result.check === 'block'))).toEqual([
      ['a', 'agree'],
      ['b', 'agree'],
      ['c', 'agree'],
    ]);
  });
});
