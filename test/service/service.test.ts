// The whole service against a real anvil chain: three endpoints (the node, a proxy, a liar), the real
// store, the real HTTP server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../src/demo/fault-proxy.js';
import { startCapturedService, testConfig, waitFor, type CapturedService } from '../helpers/service.js';

let anvil: AnvilNode;
let proxy: FaultProxy;
let liar: FaultProxy;
let service: CapturedService;

const secretPath = 'v2/PATHSECRET0123456789';
const get = async (url: string) => {
  const response = await service.app.inject({ method: 'GET', url });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the answers' fields as the JSON has them
  return { status: response.statusCode, body: response.json() as Record<string, any> };
};
const chain = async () => (await get('/api/v1/chains/local')).body;
const anvilHead = async () => {
  const response = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
  });
  return Number(BigInt(((await response.json()) as { result: string }).result));
};
/** Waits until the honest endpoints (not the liar) and the consensus are all at `head`. */
const settledAt = (head: number) =>
  waitFor(
    async () => {
      const current = await chain();
      const heads = Object.fromEntries(
        current.endpoints.map((endpoint: { id: string; headBlock: number | null }) => [
          endpoint.id,
          endpoint.headBlock,
        ]),
      );
      return current.consensusHead === head && heads.node === head && heads.proxy === head && current;
    },
    10_000,
    `the chain at block ${head}`,
  );

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mine(5);
  proxy = await startFaultProxy({ upstreamUrl: anvil.url });
  liar = await startFaultProxy({ upstreamUrl: anvil.url });
  liar.setFault({ kind: 'ahead', blocks: 1_000 });
  const proxyUrl = new URL(proxy.url);
  service = await startCapturedService(
    testConfig([
      { id: 'node', url: anvil.url },
      { id: 'proxy', url: `http://operator:PASSWORDSECRET@${proxyUrl.host}/${secretPath}?apikey=QUERYSECRET` },
      { id: 'liar', url: liar.url, headers: { Authorization: 'Bearer HEADERSECRET' } },
    ]),
  );
  await waitFor(
    async () =>
      (await chain()).endpoints.every((endpoint: { lastProbeAt: string | null }) => endpoint.lastProbeAt !== null),
    10_000,
    'first probes',
  );
});

afterAll(async () => {
  await service?.stop();
  await proxy?.close();
  await liar?.close();
  await anvil?.stop();
});

describe('service', () => {
  it('a lying endpoint far ahead moves neither the consensus head nor the others', async () => {
    await anvil.mine(1);
    const head = await anvilHead();
    const state = await waitFor(async () => {
      const current = await chain();
      const heads = Object.fromEntries(
        current.endpoints.map((endpoint: { id: string; headBlock: number | null }) => [
          endpoint.id,
          endpoint.headBlock,
        ]),
      );
      return (
        current.consensusHead === head &&
        heads.node === head &&
        heads.proxy === head &&
        heads.liar === head + 1_000 &&
        current
      );
    });
    expect(state).toMatchObject({
      status: 'degraded',
      healthyEndpoints: 2,
      configuredEndpoints: 3,
      singlePointOfFailure: false,
    });
    const liarState = state.endpoints.find((endpoint: { id: string }) => endpoint.id === 'liar');
    expect(liarState).toMatchObject({ up: true, healthy: false, headBlock: head + 1_000, lagBlocks: -1_000 });
    expect(liarState.unhealthyReasons).toEqual(['1000 blocks ahead of the consensus head']);
  });

  it('one healthy endpoint left is visible as a single point of failure', async () => {
    proxy.setFault({ kind: 'http_status', status: 500 });
    try {
      const state = await waitFor(async () => ((await chain()).healthyEndpoints === 1 ? chain() : undefined));
      expect(state).toMatchObject({ status: 'single_point_of_failure', singlePointOfFailure: true });
      expect(state.endpoints.find((endpoint: { id: string }) => endpoint.id === 'proxy')).toMatchObject({
        up: false,
        errorClass: 'http_status',
        errorMessage: 'HTTP 500',
      });
      const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('ere_chain_single_point_of_failure{chain="local"} 1');
      expect(metrics).toContain('ere_chain_healthy_endpoints{chain="local"} 1');
      expect(metrics).toMatch(
        /ere_rpc_probe_errors_total\{chain="local",endpoint="proxy",error_class="http_status"\} [1-9]/,
      );
    } finally {
      proxy.setFault({ kind: 'none' });
    }
    await waitFor(async () => (await chain()).healthyEndpoints === 2, 10_000, 'recovery');
  });

  it('the chain head age grows while no block is mined, and drops when one is', async () => {
    // Block timestamps are whole seconds, so ages are compared with each other, not with fixed bounds.
    await anvil.mine(1);
    const head = await settledAt(await anvilHead());
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const halted = await chain();
    expect(halted.consensusHead).toBe(head.consensusHead);
    expect(halted.headAgeSeconds - head.headAgeSeconds).toBeGreaterThanOrEqual(1.5);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    const metricAge = Number(/ere_chain_head_age_seconds\{chain="local"\} ([\d.]+)/.exec(metrics)?.[1]);
    expect(metricAge).toBeGreaterThanOrEqual(halted.headAgeSeconds);
    await anvil.mine(1);
    const fresh = await settledAt(halted.consensusHead + 1);
    expect(fresh.headAgeSeconds).toBeLessThan(halted.headAgeSeconds);
  });

  it('counts each alert evaluation and shows when the last one succeeded', async () => {
    const before = Date.now() / 1_000;
    const metrics = await waitFor(
      async () => {
        const body = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
        return /ere_evaluations_total\{evaluator="alerts",outcome="success"\} [1-9]/.test(body) && body;
      },
      20_000,
      'an alert evaluation',
    );
    const last = Number(
      /ere_evaluation_last_success_timestamp_seconds\{evaluator="alerts"\} ([\d.e+]+)/.exec(metrics)?.[1],
    );
    // The first evaluation ran at start, before this test; it is recent, and none failed.
    expect(last).toBeGreaterThan(before - 120);
    expect(last).toBeLessThanOrEqual(Date.now() / 1_000);
    expect(metrics).toMatch(/ere_evaluation_duration_seconds_count\{evaluator="alerts"\} [1-9]/);
    expect(metrics).not.toContain('ere_evaluations_total{evaluator="alerts",outcome="failure"}');
  });

  it('serves stored samples newest first, bounded by limit', async () => {
    service.flush();
    const { status, body } = await get('/api/v1/endpoints/node/samples?limit=3');
    expect(status).toBe(200);
    expect(body.samples).toHaveLength(3);
    const times = body.samples.map((sample: { at: string }) => Date.parse(sample.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(body.samples[0]).toMatchObject({ ok: true, chainId: 31337, batched: true });
    const all = await get(
      `/api/v1/endpoints/node/samples?from=${Date.now() - 3_600_000}&to=${new Date().toISOString()}&limit=1000`,
    );
    expect(all.body.samples.length).toBeGreaterThan(3);
  });

  it.each([
    ['/api/v1/endpoints/node/samples?limit=0', 'query.limit'],
    ['/api/v1/endpoints/node/samples?limit=1001', 'query.limit'],
    ['/api/v1/endpoints/node/samples?limit=ten', 'query.limit'],
    ['/api/v1/endpoints/node/samples?from=yesterday', 'query.from'],
    ['/api/v1/endpoints/node/samples?from=2000&to=1000', 'query.from'],
    ['/api/v1/endpoints/node/samples?colour=blue', 'query.colour'],
  ])('%s is a 400 naming %s', async (url, field) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'bad_request', field });
    expect(body.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}`));
  });

  it('unknown ids and routes are 404 with a JSON body', async () => {
    expect(await get('/api/v1/chains/nope')).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no chain "nope"' },
    });
    expect(await get('/api/v1/endpoints/nope/samples')).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no endpoint "nope"' },
    });
    expect(await get('/api/v1/endpoints/nope')).toMatchObject({ status: 404 });
    expect(await get('/api/v2/anything')).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no route GET /api/v2/anything' },
    });
  });

  it('lists chains, answers health and readiness, and documents the API', async () => {
    expect((await get('/api/v1/chains')).body.chains).toEqual([
      expect.objectContaining({ id: 'local', chainId: 31337, configuredEndpoints: 3 }),
    ]);
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    const { body: openapi } = await get('/api/v1/openapi.json');
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/chains',
        '/api/v1/chains/{chain}',
        '/api/v1/endpoints/{id}',
        '/api/v1/endpoints/{id}/samples',
        '/metrics',
        '/readyz',
      ]),
    );
    const limit = openapi.paths['/api/v1/endpoints/{id}/samples'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'limit',
    );
    expect(limit).toMatchObject({ in: 'query', required: false });
  });

  it('never shows a secret of an endpoint URL or header in the API, the metrics or the logs', async () => {
    proxy.setFault({ kind: 'http_status', status: 503 });
    await waitFor(
      async () =>
        (await chain()).endpoints.find((endpoint: { id: string }) => endpoint.id === 'proxy').errorClass ===
        'http_status',
    );
    proxy.setFault({ kind: 'none' });
    const state = await chain();
    expect(state.endpoints.find((endpoint: { id: string }) => endpoint.id === 'proxy').url).toBe(
      `http://${new URL(proxy.url).host}/***`,
    );
    service.flush();
    const surfaces = [
      JSON.stringify(state),
      JSON.stringify((await get('/api/v1/endpoints/proxy/samples?limit=1000')).body),
      (await service.app.inject({ method: 'GET', url: '/metrics' })).body,
      service.logLines.join(''),
    ];
    expect(
      service.logLines.some((line) => line.includes('"endpoint":"proxy"') && line.includes('watching endpoint')),
    ).toBe(true);
    for (const text of surfaces)
      expect(text).not.toMatch(/PASSWORDSECRET|PATHSECRET|QUERYSECRET|HEADERSECRET|operator:/);
  });
});
