// The probe's head hash and ancestor blocks, against anvil: asked in the probe's own batch only at the heights
// the tracker names, and checked against anvil's blocks read directly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcEndpointCollector } from '../../../src/endpoints/rpc/rpc-endpoint.js';
import { systemClock } from '../../../src/domain/clock.js';
import type { RpcEndpointTarget } from '../../../src/domain/rpc.js';
import { startAnvil, type AnvilNode } from '../../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../../src/demo/fault-proxy.js';

let anvil: AnvilNode;
let proxy: FaultProxy;
let recorder: Server;
let recorderUrl: string;
/** The JSON-RPC bodies the recorder forwarded to anvil, parsed. */
const bodies: unknown[] = [];
/** A method the recorder answers with a JSON-RPC error instead of forwarding, with the params it matches. */
let refuse: ((call: { method: string; params?: unknown[] }) => boolean) | null = null;

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mine(20);
  proxy = await startFaultProxy({ upstreamUrl: anvil.url });
  recorder = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const body = JSON.parse(text) as
        | { id: number; method: string; params?: unknown[] }
        | { id: number; method: string; params?: unknown[] }[];
      bodies.push(body);
      const calls = Array.isArray(body) ? body : [body];
      void Promise.all(
        calls.map(async (call) =>
          refuse?.(call)
            ? { jsonrpc: '2.0', id: call.id, error: { code: -32000, message: 'header not found' } }
            : rpc(call.method, call.params ?? [], call.id),
        ),
      ).then((answers) =>
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(Array.isArray(body) ? answers : answers[0])),
      );
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  recorder?.closeAllConnections();
  recorder?.close();
  await proxy?.close();
  await anvil?.stop();
});

async function rpc(method: string, params: unknown[], id = 1): Promise<{ id: number; result?: unknown }> {
  const response = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  });
  return (await response.json()) as { id: number; result?: unknown };
}

async function hashAt(height: number): Promise<string> {
  return ((await rpc('eth_getBlockByNumber', [`0x${height.toString(16)}`, false])).result as { hash: string }).hash;
}

function probe(url: string, heights: readonly number[]) {
  const target: RpcEndpointTarget = {
    chain: 'local',
    endpoint: 'e',
    url,
    headers: {},
    expectedChainId: 31337,
    timeoutMs: 2_000,
    labels: {},
    ancestorHeights: () => heights,
  };
  return rpcEndpointCollector.createProbe(target, { clock: systemClock, shutdownSignal: new AbortController().signal });
}

describe('ancestor blocks in the probe', () => {
  it('reports the head hash, and asks nothing more while no height is named', async () => {
    bodies.length = 0;
    const observation = await probe(recorderUrl, []).run();
    expect(observation.headHash).toBe(await hashAt(observation.headBlock!));
    expect(observation.ancestorHashes).toEqual([]);
    expect(bodies).toHaveLength(1);
    expect((bodies[0] as { method: string }[]).filter((call) => call.method === 'eth_getBlockByNumber')).toHaveLength(
      1,
    );
  });

  it("asks the named heights in the same batch and reports anvil's hashes there, null above its head", async () => {
    bodies.length = 0;
    const observation = await probe(recorderUrl, [10, 3, 10_000]).run();
    expect(bodies).toHaveLength(1);
    const asked = (bodies[0] as { method: string; params: unknown[] }[])
      .filter((call) => call.method === 'eth_getBlockByNumber')
      .map((call) => call.params[0]);
    expect(asked).toEqual(['latest', '0xa', '0x3', '0x2710']);
    expect(observation).toMatchObject({ ok: true, batched: true });
    expect(observation.ancestorHashes).toEqual([
      { number: 10, hash: await hashAt(10) },
      { number: 3, hash: await hashAt(3) },
      { number: 10_000, hash: null },
    ]);
  });

  it('asks four heights at most', async () => {
    bodies.length = 0;
    const observation = await probe(recorderUrl, [1, 2, 3, 4, 5, 6]).run();
    expect(observation.ancestorHashes.map((ancestor) => ancestor.number)).toEqual([1, 2, 3, 4]);
  });

  it('leaves out an ancestor the endpoint refuses, and the probe still succeeds', async () => {
    refuse = (call) => call.method === 'eth_getBlockByNumber' && call.params?.[0] === '0x5';
    try {
      const observation = await probe(recorderUrl, [5, 4]).run();
      expect(observation.ok).toBe(true);
      expect(observation.ancestorHashes).toEqual([{ number: 4, hash: await hashAt(4) }]);
    } finally {
      refuse = null;
    }
  });

  it('asks them one by one from an endpoint that refuses batches', async () => {
    proxy.setFault({ kind: 'no_batch' });
    try {
      const observation = await probe(proxy.url, [7]).run();
      expect(observation).toMatchObject({
        ok: true,
        batched: false,
        ancestorHashes: [{ number: 7, hash: await hashAt(7) }],
      });
    } finally {
      proxy.setFault({ kind: 'none' });
    }
  });

  it(
    'shows what a proxy adding to the numbers gives away: its head ' + "block's hash is anvil's block at the real head",
    async () => {
      proxy.setFault({ kind: 'ahead', blocks: 50 });
      try {
        const head = Number(BigInt((await rpc('eth_blockNumber', [])).result as string));
        const observation = await probe(proxy.url, [head]).run();
        expect(observation.headBlock).toBe(head + 50);
        expect(observation.headHash).toBe(await hashAt(head));
        expect(observation.ancestorHashes).toEqual([{ number: head, hash: observation.headHash }]);
      } finally {
        proxy.setFault({ kind: 'none' });
      }
    },
  );
});
