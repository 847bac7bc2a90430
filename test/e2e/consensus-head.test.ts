// The consensus head over HTTP, against real anvil nodes and fault proxies in front of them, one chain per case:
// - an honest endpoint and one frozen 20 blocks and 6 minutes behind it: the consensus is the honest head, the
//   frozen endpoint is behind, the chain is not halted and ChainHalted never fires;
// - an honest endpoint and a proxy adding 50 to its numbers: the liar is ahead, the honest one healthy;
// - two honest endpoints and a second anvil with the same chain id and its own history, ahead: it is ahead;
// - an honest endpoint, the frozen one and the second anvil frozen between them: the consensus is the honest head.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../src/demo/fault-proxy.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

const devAccount = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
let honestNode: AnvilNode;
let forkNode: AnvilNode;
const proxies: FaultProxy[] = [];
let service: CapturedService | undefined;

afterAll(async () => {
  await service?.stop();
  for (const proxy of proxies) await proxy.close();
  await honestNode?.stop();
  await forkNode?.stop();
});

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const headOf = async (url: string) => Number(BigInt((await rpc(url, 'eth_blockNumber')) as string));

/** Mines `blocks` blocks one second apart, the first at `firstTimestamp`. */
async function mineAt(node: AnvilNode, blocks: number, firstTimestamp: number): Promise<void> {
  await rpc(node.url, 'evm_setNextBlockTimestamp', [firstTimestamp]);
  await rpc(node.url, 'anvil_mine', [`0x${blocks.toString(16)}`, '0x1']);
}

/** A proxy frozen at the node's head now. */
async function frozenAt(node: AnvilNode, head: number): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ upstreamUrl: node.url });
  proxies.push(proxy);
  proxy.setFault({ kind: 'stale' });
  await waitFor(async () => (await headOf(proxy.url)) === head, 10_000, 'the proxy to freeze');
  return proxy;
}

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1_000);
  [honestNode, forkNode] = await Promise.all([startAnvil({ genesisTimestamp: now - 1_000 }), startAnvil()]);
  // The honest chain: 10 blocks six minutes ago, where one endpoint freezes, then 20 blocks up to a second ago,
  // then a block a second.
  await mineAt(honestNode, 10, now - 400);
  const frozen = await frozenAt(honestNode, 10);
  await mineAt(honestNode, 20, now - 21);
  await honestNode.setIntervalMining(1);
  // The other chain has a transaction in block 1, so its blocks differ from the honest chain's at every height.
  await rpc(forkNode.url, 'eth_sendTransaction', [
    { from: devAccount, to: '0x0000000000000000000000000000000000000001', value: '0x1' },
  ]);
  await forkNode.mine(19);
  const forkBetween = await frozenAt(forkNode, 20);
  await forkNode.mine(200);
  await forkNode.setIntervalMining(1);
  const liar = await startFaultProxy({ upstreamUrl: honestNode.url });
  proxies.push(liar);
  liar.setFault({ kind: 'ahead', blocks: 50 });

  const chain = (id: string, rpcEndpoints: { id: string; url: string }[]) => ({
    id,
    chainId: 31337,
    pollInterval: '1s',
    timeout: '1s',
    maxLagBlocks: 3,
    rpc: rpcEndpoints,
  });
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      log: { level: 'info' },
      chains: [
        chain('frozen-pair', [
          { id: 'fp-honest', url: honestNode.url },
          { id: 'fp-frozen', url: frozen.url },
        ]),
        chain('liar-pair', [
          { id: 'lp-honest', url: honestNode.url },
          { id: 'lp-liar', url: liar.url },
        ]),
        chain('fork-trio', [
          { id: 'ft-honest', url: honestNode.url },
          { id: 'ft-honest-2', url: honestNode.url },
          { id: 'ft-fork', url: forkNode.url },
        ]),
        chain('fork-between', [
          { id: 'fb-honest', url: honestNode.url },
          { id: 'fb-frozen', url: frozen.url },
          { id: 'fb-fork', url: forkBetween.url },
        ]),
      ],
      alerting: {
        evaluationInterval: '1s',
        rules: [
          {
            name: 'ChainHalted',
            source: 'chain',
            metric: 'head_age_seconds',
            op: '>',
            threshold: 60,
            for: '5s',
            severity: 'critical',
          },
        ],
      },
    }),
  );
  service = await startCapturedService(config);
}, 60_000);

interface ChainBody {
  status: string;
  consensusHead: number | null;
  endpoints: { id: string; healthy: boolean; headBlock: number | null; unhealthyReasons: string[] }[];
}

async function chainState(id: string): Promise<ChainBody> {
  return (await service!.app.inject({ method: 'GET', url: `/api/v1/chains/${id}` })).json() as ChainBody;
}

/** Each chain's endpoints as healthy (`ok`), or the reason's kind: `behind` or `ahead`. */
async function verdicts(
  id: string,
): Promise<{ status: string; consensusIsHonest: boolean; endpoints: Record<string, string> }> {
  const state = await chainState(id);
  const honest = await headOf(honestNode.url);
  const endpoints = Object.fromEntries(
    state.endpoints.map((endpoint) => [
      endpoint.id,
      endpoint.healthy
        ? 'ok'
        : (/blocks (behind|ahead)/.exec(endpoint.unhealthyReasons.join()) ?? [
            undefined,
            endpoint.unhealthyReasons.join(),
          ])[1]!,
    ]),
  );
  return {
    status: state.status,
    consensusIsHonest: state.consensusHead !== null && Math.abs(state.consensusHead - honest) <= 2,
    endpoints,
  };
}

const expected: Record<string, { status: string; consensusIsHonest: boolean; endpoints: Record<string, string> }> = {
  'frozen-pair': {
    status: 'single_point_of_failure',
    consensusIsHonest: true,
    endpoints: { 'fp-honest': 'ok', 'fp-frozen': 'behind' },
  },
  'liar-pair': {
    status: 'single_point_of_failure',
    consensusIsHonest: true,
    endpoints: { 'lp-honest': 'ok', 'lp-liar': 'ahead' },
  },
  'fork-trio': {
    status: 'degraded',
    consensusIsHonest: true,
    endpoints: { 'ft-honest': 'ok', 'ft-honest-2': 'ok', 'ft-fork': 'ahead' },
  },
  'fork-between': {
    status: 'single_point_of_failure',
    consensusIsHonest: true,
    endpoints: { 'fb-honest': 'ok', 'fb-frozen': 'behind', 'fb-fork': 'behind' },
  },
};

async function allVerdicts() {
  return Object.fromEntries(
    await Promise.all(Object.keys(expected).map(async (id) => [id, await verdicts(id)] as const)),
  );
}

describe('the consensus head with frozen, lying and forked endpoints', () => {
  it('is the honest head, and each bad endpoint alone is flagged, for as long as it is watched', async () => {
    let last: unknown;
    await waitFor(
      async () => {
        last = await allVerdicts();
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      30_000,
      'every chain to settle',
    ).catch((error: unknown) => {
      expect(last).toEqual(expected);
      throw error;
    });
    // Long enough for ChainHalted, held for 5 s, to fire if the consensus head were the frozen one.
    const watchUntil = Date.now() + 8_000;
    while (Date.now() < watchUntil) {
      expect(await allVerdicts()).toEqual(expected);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const alerts = (await service!.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json() as {
      alerts: { rule: string }[];
    };
    expect(alerts.alerts.filter((alert) => alert.rule === 'ChainHalted')).toEqual([]);
    const history = (await service!.app.inject({ method: 'GET', url: '/api/v1/alerts/history' })).json() as {
      transitions: { rule: string; to: string }[];
    };
    expect(
      history.transitions.filter((transition) => transition.rule === 'ChainHalted' && transition.to === 'firing'),
    ).toEqual([]);
  }, 60_000);
});
