// The canary against a real chain: anvil mining a block a second, behind three fault proxies. A canary is
// sent, signed here, mined, and timed; one swallowed by an endpoint is found dropped at its timeout and
// replaced at a higher fee through the next endpoint with the same nonce; late receipts show as that
// endpoint's propagation time; a key without funds is refused. The truth is anvil's own: its nonces,
// receipts and blocks, asked on its port.
import { Registry } from 'prom-client';
import { type Hex, toHex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../../../src/demo/fault-proxy.js';
import { anvilAccount } from '../../../../src/demo/governance/client.js';
import { systemClock } from '../../../../src/domain/clock.js';
import { CanaryEngine } from '../../../../src/endpoints/rpc/canary/canary-engine.js';
import { createCanaryMetrics } from '../../../../src/endpoints/rpc/canary/canary-metrics.js';
import { canarySchema } from '../../../../src/endpoints/rpc/canary/canary-schema.js';
import { CanaryStore } from '../../../../src/endpoints/rpc/canary/canary-store.js';
import { canaryGauges } from '../../../../src/endpoints/rpc/canary/index.js';
import { endpointCaller } from '../../../../src/endpoints/rpc/correctness/rpc-calls.js';
import { createLogger } from '../../../../src/log/logger.js';
import { SecretScrubber } from '../../../../src/log/redact.js';
import { type Database, openDatabase } from '../../../../src/store/database.js';

let node: AnvilNode;
const proxies: Record<'a' | 'b' | 'c', FaultProxy> = {} as never;
const key = toHex(anvilAccount(7).getHdKey().privateKey!) as Hex;
const address = anvilAccount(7).address.toLowerCase();

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

const chainNonce = async (tag = 'latest') => Number(await rpc<string>('eth_getTransactionCount', [address, tag]));

beforeAll(async () => {
  node = await startAnvil({ blockTimeSeconds: 1 });
  for (const id of ['a', 'b', 'c'] as const) proxies[id] = await startFaultProxy({ upstreamUrl: node.url });
});

afterAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy?.close();
  await node?.stop();
});

function canaryOf(db: Database, config: Record<string, unknown>, privateKey = key) {
  const lines: string[] = [];
  // An empty scrubber: the key must stay out of the lines because it is never written, not because it is masked.
  const logger = createLogger({
    level: 'info',
    format: 'json',
    scrubber: new SecretScrubber(),
    destination: { write: (line: string) => lines.push(line) },
  });
  const registry = new Registry();
  const engines: CanaryEngine[] = [];
  const metrics = createCanaryMetrics(registry, canaryGauges(engines));
  const endpoints = (['a', 'b', 'c'] as const).map((endpoint) =>
    endpointCaller({
      chain: 'local',
      endpoint,
      url: proxies[endpoint].url,
      headers: {},
      expectedChainId: 31337,
      timeoutMs: 2_000,
      labels: {},
    }),
  );
  const engine = new CanaryEngine(
    {
      chain: 'local',
      chainId: 31337,
      config: canarySchema.parse({
        privateKey,
        interval: '1s',
        timeout: '4s',
        includedWithin: '3s',
        watchInterval: '100ms',
        maxFeePerGas: 50,
        ...config,
      }),
      endpoints,
    },
    { store: new CanaryStore(db), clock: systemClock, metrics, logger },
  );
  engines.push(engine);
  return { engine, registry, lines, store: new CanaryStore(db) };
}

/** Ticks the engine every 100 ms until `done` says so. */
async function tickUntil(engine: CanaryEngine, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out ticking the canary');
    await engine.tick(AbortSignal.timeout(5_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the canary on a real chain', () => {
  it('sends a self-transfer, sees it mined, and times inclusion and propagation; the key never shows', async () => {
    const { db } = openDatabase(':memory:');
    const { engine, registry, lines, store } = canaryOf(db, {});
    const before = await chainNonce();
    await tickUntil(engine, () => store.recent('local', address, 1)[0]?.propagation != null, 15_000);
    const [attempt] = store.recent('local', address, 1);
    expect(attempt).toMatchObject({ nonce: before, attempt: 1, status: 'included', endpoints: ['a'] });
    // The chain's own record of it.
    const receipt = await rpc<{ blockNumber: string; status: string; from: string; to: string }>(
      'eth_getTransactionReceipt',
      [attempt!.hash],
    );
    expect(receipt).toMatchObject({ status: '0x1', from: address, to: address });
    expect(Number(receipt.blockNumber)).toBe(attempt!.blockNumber);
    const transaction = await rpc<{ value: string; nonce: string }>('eth_getTransactionByHash', [attempt!.hash]);
    expect(transaction).toMatchObject({ value: '0x0', nonce: toHex(before) });
    expect(await chainNonce()).toBe(before + 1);
    expect(attempt!.inclusionSeconds).toBeGreaterThan(0);
    expect(attempt!.inclusionSeconds).toBeLessThan(3);
    expect(Object.keys(attempt!.propagation!)).toEqual(['a', 'b', 'c']);
    expect(engine.byEndpoint.get('a')).toMatchObject({ outcome: 'included' });

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/ere_canary_transactions_total\{chain="local",endpoint="a",outcome="included"\} 1/);
    expect(metrics).toMatch(/ere_canary_last_inclusion_seconds\{chain="local",endpoint="a",clock="wall"\} 0\.\d+/);
    expect(metrics).toMatch(/ere_canary_balance_wei\{chain="local"\} \d/);
    expect(db.prepare('SELECT endpoint, sent, included_in_time FROM canary_1m').all()).toEqual([
      { endpoint: 'a', sent: 1, included_in_time: 1 },
    ]);
    const everything = [metrics, lines.join(''), JSON.stringify(db.prepare('SELECT * FROM canary_transactions').all())];
    for (const text of everything) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(2));
    }
    db.close();
  });

  it('a send swallowed by one endpoint is dropped at its timeout and replaced through the next, same nonce', async () => {
    const { db } = openDatabase(':memory:');
    const { engine, store } = canaryOf(db, {});
    // The first send goes through a, the first in turn, which swallows it.
    proxies.a.setFault({ kind: 'swallow_send' });
    const before = await chainNonce();
    await tickUntil(engine, () => store.recent('local', address, 3).some((row) => row.status === 'included'), 20_000);
    proxies.a.setFault({ kind: 'none' });
    const [replacement, swallowed] = store.recent('local', address, 2);
    expect(swallowed).toMatchObject({ nonce: before, attempt: 1, endpoints: ['a'], status: 'dropped' });
    expect(replacement).toMatchObject({ nonce: before, attempt: 2, endpoints: ['b'], status: 'included' });
    expect(replacement!.fees.maxFeePerGas).toBeGreaterThan(swallowed!.fees.maxFeePerGas);
    expect(replacement!.fees.maxPriorityFeePerGas).toBeGreaterThan(swallowed!.fees.maxPriorityFeePerGas);
    // The chain never saw the swallowed one, and one transaction of the key was mined.
    expect(await rpc('eth_getTransactionByHash', [swallowed!.hash])).toBeNull();
    expect(await chainNonce()).toBe(before + 1);
    expect(engine.byEndpoint.get('a')).toMatchObject({ outcome: 'dropped' });
    expect(engine.byEndpoint.get('b')).toMatchObject({ outcome: 'included' });
    // Counted once, for the endpoint it was first sent through, and not in time.
    expect(db.prepare('SELECT endpoint, sent, included_in_time FROM canary_1m').all()).toEqual([
      { endpoint: 'a', sent: 1, included_in_time: 0 },
    ]);
    db.close();
  });

  it('receipts 10 s late at one endpoint show as its propagation time', async () => {
    const { db } = openDatabase(':memory:');
    const { engine, store } = canaryOf(db, { timeout: '15s' });
    proxies.c.setFault({ kind: 'delay_receipts', delayMs: 10_000 });
    await tickUntil(engine, () => store.recent('local', address, 1)[0]?.propagation != null, 25_000);
    proxies.c.setFault({ kind: 'none' });
    const [attempt] = store.recent('local', address, 1);
    expect(attempt!.status).toBe('included');
    const { a, b, c } = attempt!.propagation!;
    expect(a).toBeLessThan(1);
    expect(b).toBeLessThan(1);
    expect(c).toBeGreaterThanOrEqual(9.9);
    expect(c).toBeLessThan(11.5);
    db.close();
  }, 30_000);

  it('a key without funds is refused, as insufficient funds, by the endpoint it went through', async () => {
    const { db } = openDatabase(':memory:');
    const { engine, store } = canaryOf(db, { via: 'all', minBalance: 0.01 }, generatePrivateKey());
    await engine.tick(AbortSignal.timeout(5_000));
    const rows = store.recent('local', engine.address, 5);
    expect(rows.map((row) => [row.endpoints, row.status, row.reason])).toEqual([
      [['a', 'b', 'c'], 'rejected', 'insufficient_funds'],
    ]);
    expect(engine.inFlight).toEqual([]);
    expect(engine.balanceLow()).toBe(true);
    for (const endpoint of ['a', 'b', 'c'])
      expect(engine.byEndpoint.get(endpoint)).toMatchObject({ outcome: 'rejected', reason: 'insufficient_funds' });
    db.close();
  });
});
