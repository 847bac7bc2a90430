// No false positive under reorgs: three honest endpoints (proxies of one anvil, one of them a little slow, so
// that they see the chain at different moments) while the chain is reorganised again and again with
// evm_snapshot and evm_revert, up to three blocks deep, and every block carries a transaction with 18 logs.
// Every data check runs at five blocks deep for the whole loop, as the service would schedule them, and
// none may find a disagreement; each must have judged, so that the run cannot pass by judging nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Abi, type Address, encodeFunctionData, parseAbi } from 'viem';
import { startAnvil, type AnvilNode } from '../../../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../../../src/demo/fault-proxy.js';
import {
  anvilAccount,
  createAnvilClient,
  deployContract,
  sendTransaction,
} from '../../../../src/demo/governance/client.js';
import { compileSolidity } from '../../../../src/demo/governance/contracts.js';
import { correctnessCheckKinds } from '../../../../src/endpoints/rpc/correctness/checks/index.js';
import { checkedChain, emitterSource } from './correctness-fixture.js';

const RUN_MS = 75_000;
const DEPTH = 5;
const MAX_REORG = 3;

let node: AnvilNode;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  node = await startAnvil();
  for (let index = 0; index < 3; index += 1) proxies.push(await startFaultProxy({ upstreamUrl: node.url }));
  proxies[2]!.setFault({ kind: 'slow', delayMs: 150 });
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await node?.stop();
});

describe('data checks under reorgs', () => {
  it(`find no disagreement among honest endpoints while reorgs up to ${MAX_REORG} blocks deep go on`, {
    timeout: RUN_MS + 60_000,
  }, async () => {
    const client = createAnvilClient(node.url);
    const miner = anvilAccount(0);
    const other = anvilAccount(4);
    const { emitter: artifact } = compileSolidity(
      { 'Emitter.sol': emitterSource },
      { emitter: { source: 'Emitter.sol', name: 'Emitter' } },
    );
    const emitter: Address = await deployContract(client, miner, artifact);
    const tick = encodeFunctionData({ abi: artifact.abi as Abi, functionName: 'tick', args: [] });
    const mineTicks = async (blocks: number) => {
      for (let index = 0; index < blocks; index += 1) await sendTransaction(client, miner, { to: emitter, data: tick });
    };
    await mineTicks(DEPTH + 5);

    const chain = checkedChain('local', { a: proxies[0]!.url, b: proxies[1]!.url, c: proxies[2]!.url });
    const total = encodeFunctionData({ abi: parseAbi(['function total() view returns (uint256)']) });
    const config = {
      blocks: { interval: '1s', depth: DEPTH, tagLagBlocks: 64 },
      logs: { interval: '1s', depth: DEPTH, blocks: 2, receipts: true },
      state: {
        interval: '1s',
        depth: DEPTH,
        calls: [{ name: 'total', to: emitter, data: total }],
        balances: [miner.address],
      },
      transactions: { interval: '1s', depth: DEPTH },
    };
    const checks = correctnessCheckKinds.map((kind) => chain.check(kind, config));
    const { engine, close } = chain.engine(checks);
    const outcomes = new Map<string, { agree: number; disagree: string[] }>();
    const stop = Date.now() + RUN_MS;
    let reorgs = 0;

    const probing = (async () => {
      while (Date.now() < stop) {
        await chain.probeAll();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const checking = (async () => {
      while (Date.now() < stop) {
        for (const check of checks) {
          const run = await check.run(AbortSignal.timeout(5_000));
          engine.apply('local', run);
          for (const result of run.results) {
            const tally = outcomes.get(result.check) ?? { agree: 0, disagree: [] };
            for (const verdict of result.verdicts)
              if (verdict.outcome === 'agree') tally.agree += 1;
              else if (verdict.outcome === 'disagree')
                tally.disagree.push(`${verdict.endpoint} at ${result.block}: ${verdict.message}`);
            outcomes.set(result.check, tally);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    const reorganising = (async () => {
      while (Date.now() < stop) {
        const depth = 1 + (reorgs % MAX_REORG);
        const snapshot = await client.request({ method: 'evm_snapshot' } as never);
        await mineTicks(depth);
        await new Promise((resolve) => setTimeout(resolve, 700));
        await client.request({ method: 'evm_revert', params: [snapshot] } as never);
        // Another first transaction, so that every block of the new branch differs from the old one's.
        await sendTransaction(client, other, { to: other.address, data: '0x' });
        await mineTicks(depth);
        reorgs += 1;
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
    })();
    await Promise.all([probing, checking, reorganising]);

    expect(reorgs).toBeGreaterThan(20);
    for (const check of ['block', 'finalized', 'safe', 'logs', 'state', 'transaction']) {
      const tally = outcomes.get(check);
      expect(tally?.disagree ?? [], check).toEqual([]);
      expect(tally?.agree ?? 0, check).toBeGreaterThan(30);
    }
    expect(chain.tracker.health('local')!.endpoints.every((endpoint) => endpoint.incorrectData === null)).toBe(true);
    close();
  });
});
