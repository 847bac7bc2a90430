import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeAbortedError } from '../../../src/endpoints/collector.js';
import { rpcEndpointCollector } from '../../../src/endpoints/rpc/rpc-endpoint.js';
import { RpcProbeError } from '../../../src/endpoints/rpc/rpc-probe-error.js';
import { systemClock } from '../../../src/domain/clock.js';
import type { RpcEndpointTarget } from '../../../src/domain/rpc.js';
import { startAnvil, type AnvilNode } from '../../../src/anvil/anvil.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../../../src/demo/fault-proxy.js';

let anvil: AnvilNode;
let proxy: FaultProxy;
const servers: Server[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mine(3);
  proxy = await startFaultProxy({ upstreamUrl: anvil.url });
});

afterAll(async () => {
  await proxy?.close();
  await anvil?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

function target(url: string, fields: Partial<RpcEndpointTarget> = {}): RpcEndpointTarget {
  return {
    chain: 'local',
    endpoint: 'e',
    url,
    headers: {},
    expectedChainId: 31337,
    timeoutMs: 400,
    labels: {},
    ...fields,
  };
}

function probe(url: string, fields: Partial<RpcEndpointTarget> = {}, shutdownSignal = new AbortController().signal) {
  return rpcEndpointCollector.createProbe(target(url, fields), { clock: systemClock, shutdownSignal });
}

async function failure(run: Promise<unknown>): Promise<RpcProbeError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RpcProbeError);
  return error as RpcProbeError;
}

/** A real HTTP server on 127.0.0.1 answering every request with `respond`. */
async function server(
  respond: (body: string, reply: (status: number, text: string, headers?: Record<string, string>) => void) => void,
): Promise<string> {
  const http = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () =>
      respond(body, (status, text, headers = { 'content-type': 'application/json' }) =>
        response.writeHead(status, headers).end(text),
      ),
    );
  });
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

async function withFault<T>(fault: Fault, fn: () => Promise<T>): Promise<T> {
  proxy.setFault(fault);
  try {
    return await fn();
  } finally {
    proxy.setFault({ kind: 'none' });
  }
}

describe('rpc endpoint collector against anvil', () => {
  it('reads head, block, syncing and client version in one batched HTTP request', async () => {
    const before = proxy.requestCount;
    const observation = await probe(proxy.url).run();
    expect(proxy.requestCount - before).toBe(1);
    expect(observation).toMatchObject({
      ok: true,
      batched: true,
      chainId: 31337,
      syncing: false,
      errorClass: null,
      clientVersion: 'anvil/v1.7.1',
    });
    expect(observation.headBlock).toBeGreaterThanOrEqual(3);
    expect(observation.gasLimit).toBeGreaterThan(0);
    expect(observation.baseFeePerGasWei).toBeGreaterThan(0);
    expect(Math.abs(observation.headTimestamp! - Date.now() / 1_000)).toBeLessThan(60);
    expect(observation.latencyMs).toBeGreaterThan(0);
  });

  it('asks the client version at start only, not on every tick', async () => {
    const endpoint = probe(proxy.url);
    expect((await endpoint.run()).clientVersion).toBe('anvil/v1.7.1');
    expect((await endpoint.run()).clientVersion).toBeNull();
  });

  it('follows the chain as it grows', async () => {
    const endpoint = probe(anvil.url);
    const first = await endpoint.run();
    await anvil.mine(2);
    expect((await endpoint.run()).headBlock).toBe(first.headBlock! + 2);
  });

  it('treats a refused net_peerCount as no data, not a failure', async () => {
    const observation = await withFault({ kind: 'refuse_peer_count' }, () => probe(proxy.url).run());
    expect(observation).toMatchObject({ ok: true, peerCount: null });
  });

  it('reports syncing', async () => {
    expect(await withFault({ kind: 'syncing' }, () => probe(proxy.url).run())).toMatchObject({
      ok: true,
      syncing: true,
    });
  });

  it('falls back to single requests when an endpoint refuses batches, and remembers it', async () => {
    await withFault({ kind: 'no_batch' }, async () => {
      const endpoint = probe(proxy.url);
      expect(await endpoint.run()).toMatchObject({ ok: true, batched: false, chainId: 31337 });
      const before = proxy.requestCount;
      expect(await endpoint.run()).toMatchObject({ ok: true, batched: false });
      expect(proxy.requestCount - before).toBe(5);
    });
  });

  it.each<[Fault, string, RegExp]>([
    [{ kind: 'hang' }, 'timeout', /no answer within 400 ms/],
    [{ kind: 'http_status', status: 500 }, 'http_status', /HTTP 500/],
    [{ kind: 'http_status', status: 502 }, 'http_status', /HTTP 502/],
    [{ kind: 'rate_limited' }, 'rate_limited', /429/],
    [{ kind: 'jsonrpc_error' }, 'jsonrpc_error', /JSON-RPC error -32603/],
    [{ kind: 'malformed' }, 'invalid_response', /not valid JSON/],
    [{ kind: 'wrong_chain_id', chainId: 5 }, 'chain_id_mismatch', /chain id 5, expected 31337/],
  ])('classifies %j as %s', async (fault, errorClass, message) => {
    const error = await withFault(fault, () => failure(probe(proxy.url).run()));
    expect(error.errorClass).toBe(errorClass);
    expect(error.shortMessage).toMatch(message);
    expect(error.message).not.toContain(proxy.url);
  });

  it('keeps what a wrong-chain endpoint answered', async () => {
    const error = await withFault({ kind: 'wrong_chain_id', chainId: 5 }, () => failure(probe(proxy.url).run()));
    expect(error.partial).toMatchObject({ chainId: 5 });
    expect(error.partial.headBlock).toBeGreaterThanOrEqual(3);
  });

  it('a slow endpoint within the timeout is up with its latency', async () => {
    const observation = await withFault({ kind: 'slow', delayMs: 150 }, () =>
      probe(proxy.url, { timeoutMs: 1_000 }).run(),
    );
    expect(observation.ok).toBe(true);
    expect(observation.latencyMs).toBeGreaterThanOrEqual(150);
  });
});

describe('rpc endpoint collector against misbehaving servers', () => {
  it('classifies a closed port as connection', async () => {
    const closed = await server(() => {});
    servers.at(-1)!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await failure(probe(closed).run())).errorClass).toBe('connection');
  });

  it('classifies a connection reset mid-request as connection', async () => {
    const http = createServer((request) => request.socket.destroy());
    servers.push(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const error = await failure(probe(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`).run());
    expect(error.errorClass).toBe('connection');
  });

  it('classifies HTTP 429 with a JSON-RPC error body as rate_limited', async () => {
    const url = await server((body, reply) => {
      const ids = [JSON.parse(body)].flat().map((request: { id: number }) => request.id);
      reply(
        429,
        JSON.stringify(
          ids.map((id) => ({ jsonrpc: '2.0', id, error: { code: -32000, message: 'too many requests' } })),
        ),
      );
    });
    expect((await failure(probe(url).run())).errorClass).toBe('rate_limited');
  });

  it('classifies JSON-RPC error -32005 (limit exceeded) as rate_limited', async () => {
    const url = await server((body, reply) => {
      const requests = [JSON.parse(body)].flat() as { id: number }[];
      reply(
        200,
        JSON.stringify(
          requests.map(({ id }) => ({
            jsonrpc: '2.0',
            id,
            error: { code: -32005, message: 'daily request limit reached' },
          })),
        ),
      );
    });
    const error = await failure(probe(url).run());
    expect(error.errorClass).toBe('rate_limited');
    expect(error.shortMessage).toMatch(/-32005 on eth_chainId: daily request limit reached/);
  });

  it('classifies a block without a timestamp and a non-hex head as invalid_response', async () => {
    const answer = (block: unknown, blockNumber: unknown) =>
      server((body, reply) => {
        const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
        const results: Record<string, unknown> = {
          eth_chainId: '0x7a69',
          eth_blockNumber: blockNumber,
          eth_getBlockByNumber: block,
          eth_syncing: false,
          net_peerCount: '0x3',
          web3_clientVersion: 'Geth/v1.14.8-stable/linux-amd64/go1.22.5',
        };
        const answer = ({ id, method }: { id: number; method: string }) => ({
          jsonrpc: '2.0',
          id,
          result: results[method],
        });
        requestCount += 1;
        reply(200, JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)));
      });
    let requestCount = 0;
    const noBlock = await failure(probe(await answer(null, '0x10')).run());
    expect(noBlock).toMatchObject({
      errorClass: 'invalid_response',
      shortMessage: 'eth_getBlockByNumber(latest) returned no block',
    });
    // A wrong answer to a batch is not a refusal of batches: no second round of single requests.
    expect(requestCount).toBe(1);
    const badHead = await failure(
      probe(await answer({ number: '0x10', timestamp: '0x1', gasUsed: '0x0', gasLimit: '0x1' }, 'sixteen')).run(),
    );
    expect(badHead).toMatchObject({
      errorClass: 'invalid_response',
      shortMessage: 'eth_blockNumber is not a hex quantity',
    });
    const good = await probe(
      await answer(
        { number: '0x10', timestamp: '0x64', gasUsed: '0x5', gasLimit: '0xa', baseFeePerGas: '0x7' },
        '0x10',
      ),
    ).run();
    expect(good).toMatchObject({
      ok: true,
      headBlock: 16,
      headTimestamp: 100,
      peerCount: 3,
      gasUsed: 5,
      gasLimit: 10,
      baseFeePerGasWei: 7,
    });
  });

  it('sends configured headers and never puts the URL in its errors', async () => {
    const seen: string[] = [];
    const http = createServer((request, response) => {
      seen.push(String(request.headers.authorization));
      response.writeHead(503).end('unavailable');
    });
    servers.push(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v2/SECRETKEY0123456789?apikey=QUERYSECRET`;
    const error = await failure(probe(url, { headers: { Authorization: 'Bearer HEADERSECRET' } }).run());
    expect(seen[0]).toBe('Bearer HEADERSECRET');
    expect(error.errorClass).toBe('http_status');
    expect(`${error.message} ${error.shortMessage}`).not.toMatch(/SECRETKEY|QUERYSECRET|HEADERSECRET/);
  });

  it('ends an in-flight probe at once on shutdown, without a sample', async () => {
    const controller = new AbortController();
    const pending = probe(await server(() => {}), { timeoutMs: 10_000 }, controller.signal).run();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(ProbeAbortedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(rpcEndpointCollector.failure(target('http://x'), new ProbeAbortedError('stop'), 0, 0)).toBeNull();
  });
});
