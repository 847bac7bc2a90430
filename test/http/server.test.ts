// The HTTP layer on its own: readiness, errors that never leak, and /metrics checked by promtool and
// against the golden list of metric families.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_CODES } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { fixedClock } from '../../src/domain/clock.js';
import { ChainView } from '../../src/endpoints/rpc/rpc-view.js';
import { defineRoute } from '../../src/http/route.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { createRpcMetrics } from '../../src/endpoints/rpc/rpc-metrics.js';
import { createSelfMetrics } from '../../src/metrics/self-metrics.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { resolveSlos } from '../../src/config/slos.js';
import { createSloEventMetrics, createSloMetrics } from '../../src/slo/slo-metrics.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { tempDir } from '../helpers/service.js';

const config = parseConfig(`
chains: [{ id: c, chainId: 1, pollInterval: 15s, rpc: [{ id: a, url: "https://a.example.com/v2/KEYKEYKEYKEY" },
    { id: b, url: "https://b.example.com/" }] }]
slos: [{ id: avail, service: rpc, objective: 99.9, sli: { kind: availability, chain: c } }]
`);
const now = 1_800_000_000_000;

function build(readiness = () => ({ ready: true })) {
  const clock = fixedClock(now);
  const tracker = new ChainTracker(
    [{ chain: 'c', endpoints: ['a', 'b'], policy: { maxLagBlocks: 5, staleAfterMs: 45_000 } }],
    clock,
  );
  const registry = new Registry();
  createSelfMetrics(registry, { version: '0.0.0-test' });
  const rpcMetrics = createRpcMetrics(registry, tracker);
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    scrubber: new SecretScrubber(),
    destination: { write: (line: string) => void lines.push(line) },
  });
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const definitions = resolveSlos(config);
  const slos = new SloEngine(db, definitions, {
    clock,
    settleMs: 30_000,
    onEvents: createSloEventMetrics(registry, definitions).record,
  });
  createSloMetrics(registry, slos);
  slos.evaluate();
  const app = buildServer({
    version: '0.0.0-test',
    clock,
    logger,
    registry,
    readiness,
    view: new ChainView(config, tracker),
    samples: new RpcSampleStore(db),
    slos,
    sloReports: new SloReports(db, slos.definitions(), () => slos.settledEnd(clock.now())),
    auth: { protectReads: false },
  });
  return { app, tracker, rpcMetrics, lines };
}

function observe(tracker: ChainTracker, rpcMetrics: ReturnType<typeof createRpcMetrics>) {
  const base = {
    chain: 'c',
    at: now - 2_000,
    latencyMs: 80,
    chainId: 1,
    syncing: false,
    gasUsed: 15_000_000,
    gasLimit: 30_000_000,
    baseFeePerGasWei: 7e9,
    batched: true,
    headHash: null,
    ancestorHashes: [],
    tags: null,
  };
  for (const observation of [
    {
      ...base,
      endpoint: 'a',
      ok: true,
      errorClass: null,
      errorMessage: null,
      headBlock: 100,
      headTimestamp: now / 1_000 - 12,
      peerCount: 50,
      clientVersion: 'Geth/v1.14.8-stable/linux-amd64/go1.22.5',
    },
    {
      ...base,
      endpoint: 'b',
      ok: false,
      errorClass: 'timeout' as const,
      errorMessage: 'no answer within 10000 ms',
      headBlock: null,
      headTimestamp: null,
      peerCount: null,
      clientVersion: null,
    },
  ]) {
    rpcMetrics.recordSample(tracker.observe(observation).sample);
  }
}

/** Sends bytes as they are and reads the answer until the server closes the connection. */
function rawRequest(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('HTTP server', () => {
  it('is not ready until the service says so, with the reason', async () => {
    const { app } = build(() => ({ ready: false, reason: 'collectors are not scheduled yet' }));
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'not_ready', message: 'collectors are not scheduled yet' });
  });

  it("answers instants outside ISO 8601 or Date's range with a 400 naming the field", async () => {
    const { app } = build();
    for (const [url, field] of [
      ['/api/v1/endpoints/a/samples?to=9007199254740993', 'query.to'],
      ['/api/v1/endpoints/a/samples?from=8640000000000001', 'query.from'],
      ['/api/v1/endpoints/a/samples?from=May%205', 'query.from'],
      ['/api/v1/endpoints/a/samples?to=1%2F2%2F3', 'query.to'],
      ['/api/v1/slos/avail/report?to=9007199254740993', 'query.to'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ error: 'bad_request', field });
    }
  });

  it('answers what fastify refuses before a route runs in the documented shape, naming the field', async () => {
    const { app } = build();
    const { registerRoutes } = await import('../../src/http/route.js');
    const { z } = await import('zod');
    registerRoutes(app, [
      defineRoute({
        method: 'POST',
        url: '/echo',
        summary: 'echo',
        tag: 'test',
        body: z.strictObject({ by: z.string() }),
        responses: {},
        handler: ({ body }) => body,
      }),
    ]);
    const json = { 'content-type': 'application/json' };
    for (const [request, status, field] of [
      [{ method: 'GET', url: '/api/v1/endpoints/%E0%A4%A/samples' }, 400, 'params'],
      [{ method: 'GET', url: '/api/v1/endpoints/%ZZ' }, 400, 'params'],
      [{ method: 'GET', url: `/api/v1/endpoints/${'a'.repeat(500)}/samples` }, 414, 'params'],
      [{ method: 'GET', url: '/api/v1/endpoints/a/samples?colour=red' }, 400, 'query.colour'],
      [{ method: 'POST', url: '/echo', payload: '{bad', headers: json }, 400, 'body'],
      [{ method: 'POST', url: '/echo', payload: '{"__proto__":{"by":"x"}}', headers: json }, 400, 'body'],
      [{ method: 'POST', url: '/echo', payload: '', headers: json }, 400, 'body'],
      [{ method: 'POST', url: '/echo', payload: '{"by":"x","colour":1}', headers: json }, 400, 'body.colour'],
      [{ method: 'POST', url: '/echo', payload: `{"by":"${'x'.repeat(2_000_000)}"}`, headers: json }, 413, 'body'],
      [
        { method: 'POST', url: '/echo', payload: '<by>x</by>', headers: { 'content-type': 'application/xml' } },
        415,
        'body',
      ],
    ] as const) {
      const response = await app.inject(request);
      const what = `${request.method} ${request.url.slice(0, 60)}`;
      expect(response.statusCode, what).toBe(status);
      expect(Object.keys(response.json()).sort(), what).toEqual(['error', 'field', 'message']);
      expect(response.json(), what).toMatchObject({
        error: 'bad_request',
        field,
        message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `)),
      });
    }
  });

  it('answers a request that is not HTTP in the documented shape', async () => {
    const { app } = build();
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as AddressInfo;
      for (const [raw, status] of [
        ['GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400],
        [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ] as const) {
        const answer = await rawRequest(port, raw);
        expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
          error: 'bad_request',
          message: expect.any(String),
        });
      }
    } finally {
      await app.close();
    }
  });

  it('answers an unexpected error with a bare 500 and logs it', async () => {
    const { app, lines } = build();
    // A route that fails the way a bug would, registered on the real server and error handler.
    const { registerRoutes } = await import('../../src/http/route.js');
    registerRoutes(app, [
      defineRoute({
        method: 'GET',
        url: '/boom',
        summary: 'fails',
        tag: 'test',
        responses: {},
        handler: () => {
          throw new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/ere/ere.db');
        },
      }),
    ]);
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal_error', message: 'internal error' });
    expect(lines.join('')).toContain('SQLITE_CORRUPT');
  });

  it('serves metrics that promtool accepts, with only the metric families of the golden list', async () => {
    const { app, tracker, rpcMetrics } = build();
    observe(tracker, rpcMetrics);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('ere_rpc_endpoint_up{chain="c",endpoint="a"} 1');
    expect(metrics).toContain('ere_rpc_endpoint_up{chain="c",endpoint="b"} 0');
    expect(metrics).toContain('ere_rpc_endpoint_info{chain="c",endpoint="a",client="Geth",version="v1.14.8-stable"} 1');
    expect(metrics).toContain('ere_rpc_endpoint_gas_utilization_ratio{chain="c",endpoint="a"} 0.5');
    expect(metrics).toContain('ere_chain_single_point_of_failure{chain="c"} 1');
    expect(metrics).toContain('ere_rpc_probe_errors_total{chain="c",endpoint="b",error_class="timeout"} 1');
    expect(metrics).not.toMatch(/example\.com|KEYKEY/);
    expect(metrics).toContain('ere_slo_objective_ratio{slo="avail",service="rpc"} 0.999');
    expect(metrics).toContain('ere_slo_alert_firing{slo="avail",service="rpc",severity="page"} 0');
    expect(metrics).toContain('ere_slo_events_total{slo="avail",service="rpc",outcome="good"} 0');
    expect(metrics).toContain('ere_slo_events_total{slo="avail",service="rpc",outcome="bad"} 0');

    const lint = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    const families = metrics
      .split('\n')
      .filter((line) => line.startsWith('# TYPE ere_') && !/ere_(process|nodejs)_/.test(line))
      .map((line) => line.slice('# TYPE '.length))
      .sort();
    const golden = readFileSync(new URL('./metrics.golden.txt', import.meta.url), 'utf8')
      .trim()
      .split('\n');
    expect(families).toEqual(golden);
  });

  it('promtool is the real one', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version \d/);
  });
});
