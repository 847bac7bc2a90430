// Block agreement against real chains: three endpoints with one chain id, two of them (through proxies) on
// one anvil and the third on a second anvil with its own history. The rounds ride in real probes; the fork
// is flagged, pinned to its endpoint and held unhealthy, and the honest two stay healthy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../../../src/demo/fault-proxy.js';
import { blockAgreement } from '../../../../src/endpoints/rpc/correctness/checks/block-agreement.js';
import { checkedChain } from './correctness-fixture.js';

let honest: AnvilNode;
let fork: AnvilNode;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  honest = await startAnvil();
  fork = await startAnvil({ genesisTimestamp: Math.floor(Date.now() / 1_000) - 86_400 });
  await honest.mine(30);
  await fork.mine(30);
  proxies.push(await startFaultProxy({ upstreamUrl: honest.url }), await startFaultProxy({ upstreamUrl: honest.url }));
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await honest?.stop();
  await fork?.stop();
});

describe('block agreement rounds over real probes', () => {
  it('flags the endpoint on another chain with the same chain id, and only that one', async () => {
    const {
      tracker,
      probeAll,
      check: make,
      engine: makeEngine,
    } = checkedChain('local', {
      a: proxies[0]!.url,
      b: proxies[1]!.url,
      f: fork.url,
    });
    const check = make(blockAgreement, { blocks: { interval: '1s', depth: 5, tagLagBlocks: 3 } });
    const { engine, store, db, close } = makeEngine([check]);

    await probeAll();
    expect(tracker.consensusHead('local')).toBe(30);
    expect((await check.run(AbortSignal.timeout(5_000))).results).toEqual([]); // the first round starts
    await probeAll();
    const run = await check.run(AbortSignal.timeout(5_000));
    const block = run.results.find((result) => result.check === 'block')!;
    expect(block.block).toBe(25);
    expect(block.verdicts.map((verdict) => [verdict.endpoint, verdict.outcome])).toEqual([
      ['a', 'agree'],
      ['b', 'agree'],
      ['f', 'disagree'],
    ]);
    // The independent truth: the honest chain's own block at that height, and the fork's.
    const hashOf = async (node: AnvilNode) => {
      const response = await fetch(node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['0x19', false] }),
      });
      return ((await response.json()) as { result: { hash: string } }).result.hash;
    };
    expect(block.verdicts[0]!.digest).toBe(await hashOf(honest));
    expect(block.verdicts[2]!.digest).toBe(await hashOf(fork));

    engine.apply('local', run);
    const health = tracker.health('local')!;
    expect(health.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.healthy])).toEqual([
      ['a', true],
      ['b', true],
      ['f', false],
    ]);
    expect(health.endpoints[2]!.incorrectData).toMatchObject({ check: 'block', block: 25, against: 'majority' });
    expect(store.disagreements('f', 5).map((row) => row.check)).toContain('block');
    const counts = db
      .prepare("SELECT endpoint, agree, disagree FROM rpc_correctness_1m WHERE check_name = 'block' ORDER BY endpoint")
      .all();
    expect(counts).toEqual([
      { endpoint: 'a', agree: 1, disagree: 0 },
      { endpoint: 'b', agree: 1, disagree: 0 },
      { endpoint: 'f', agree: 0, disagree: 1 },
    ]);
    close();
  });
});
