// The beacon endpoint probe over an in-test Beacon API: what one run asks and records, that its requests go
// out together, that the clock is read once and the version hourly, and what a failure keeps.

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { beaconEndpointCollector } from '../../../src/endpoints/beacon/beacon-endpoint.js';
import { ProbeAbortedError } from '../../../src/endpoints/collector.js';
import { endpointKinds } from '../../../src/endpoints/index.js';
import { collectorRun } from '../../../src/endpoints/runner.js';
import { fixedClock } from '../../../src/domain/clock.js';
import type { BeaconEndpointTarget, BeaconObservation } from '../../../src/domain/beacon.js';
import { createSelfMetrics } from '../../../src/metrics/self-metrics.js';
import { FakeBeaconApi, FakeRequestError, epoch, now, slot, timing } from './fixtures.js';

const target: BeaconEndpointTarget = {
  chain: 'mainnet',
  endpoint: 'lighthouse',
  url: 'https://user:s3cret-pass@beacon.example.com/v1/key-0123456789abcdef?apikey=q-9876543210',
  headers: { authorization: 'Bearer tok-abcdef0123' },
  timeoutMs: 200,
  labels: {},
};

function setup() {
  const clock = fixedClock(now);
  const api = new FakeBeaconApi();
  const shutdown = new AbortController();
  const probe = beaconEndpointCollector.createProbe(target, {
    clock,
    shutdownSignal: shutdown.signal,
    createApi: () => api,
  });
  return { clock, api, shutdown, probe };
}

describe('beacon endpoint probe', () => {
  it('is the collector of the beacon kind in the list of endpoint kinds', () => {
    expect(endpointKinds.beacon.collector).toBe(beaconEndpointCollector);
    expect(endpointKinds.beacon.collector.kind).toBe('beacon');
  });

  it('records sync status, head, finality, peers and version, with the chain clock for the tracker', async () => {
    const { probe } = setup();
    const observation = await probe.run();
    expect(observation).toEqual({
      chain: 'mainnet',
      endpoint: 'lighthouse',
      at: now,
      ok: true,
      latencyMs: expect.any(Number),
      errorClass: null,
      errorMessage: null,
      headSlot: slot,
      finalizedEpoch: epoch - 2,
      justifiedEpoch: epoch - 1,
      syncing: false,
      syncDistance: 0,
      optimistic: false,
      peerCount: 75,
      version: 'Lighthouse/v5.3.0-d6ba8c3/x86_64-linux',
      failingRoutes: [],
      timing,
    });
  });

  it('sends its requests together, not one after another', async () => {
    const { api, probe } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    for (const name of ['syncing', 'header', 'finalityCheckpoints', 'peerCount'] as const) {
      const answer = api.answers[name];
      api.answers[name] = (async () => {
        started.push(name);
        await gate;
        return answer;
      }) as never;
    }
    const run = probe.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(['finalityCheckpoints', 'header', 'peerCount', 'syncing']);
    release();
    expect((await run).ok).toBe(true);
  });

  it('reads the chain clock once and the version at start and hourly', async () => {
    const { api, clock, probe } = setup();
    await probe.run();
    clock.advance(12_000);
    const second = await probe.run();
    expect(second.version).toBeNull();
    clock.advance(3_600_000);
    const hourly = await probe.run();
    expect(hourly.version).toBe('Lighthouse/v5.3.0-d6ba8c3/x86_64-linux');
    expect(api.calls.filter((call) => call === 'timing')).toHaveLength(1);
    expect(api.calls.filter((call) => call === 'version')).toHaveLength(2);
    expect(api.calls.filter((call) => call === 'syncing')).toHaveLength(3);
  });

  it('tolerates a node that refuses peer_count, and a version that fails (asked again next run)', async () => {
    const { api, probe } = setup();
    api.answers.peerCount = null;
    api.answers.version = new FakeRequestError('http_status', 'HTTP 500 on GET /eth/v1/node/version');
    const first = await probe.run();
    expect(first).toMatchObject({ ok: true, peerCount: null, version: null });
    api.answers.version = 'Teku/v24.10.0';
    expect((await probe.run()).version).toBe('Teku/v24.10.0');
  });

  it.each([
    {
      failing: 'syncing',
      error: new FakeRequestError('syncing', 'HTTP 503: node is syncing'),
      errorClass: 'syncing',
      message: 'syncing: HTTP 503: node is syncing',
    },
    {
      failing: 'header',
      error: new FakeRequestError('invalid_response', 'data.header.message.slot is not a decimal string'),
      errorClass: 'invalid_response',
      message: 'head header: data.header.message.slot is not a decimal string',
    },
    {
      failing: 'timing',
      error: new TypeError('fetch failed'),
      errorClass: 'connection',
      message: 'genesis or spec: connection failed: fetch failed',
    },
  ] as const)(
    'a failing $failing fails the probe as $errorClass and keeps the other answers',
    async ({ failing, error, errorClass, message }) => {
      const { api, probe } = setup();
      api.answers[failing] = error as never;
      const failure = await probe.run().catch((caught: unknown) => caught);
      const observation = beaconEndpointCollector.failure(target, failure, now, 30)!;
      expect(observation).toMatchObject({
        ok: false,
        errorClass,
        errorMessage: message,
        latencyMs: 30,
        peerCount: 75,
        version: 'Lighthouse/v5.3.0-d6ba8c3/x86_64-linux',
      });
      expect(observation.finalizedEpoch).toBe(epoch - 2);
      if (failing !== 'syncing') expect(observation.syncing).toBe(false);
      expect(observation.headSlot).toBe(slot);
      expect(observation.failingRoutes).toHaveLength(1);
      expect(observation.failingRoutes![0]!.errorClass).toBe(errorClass);
    },
  );

  it('keeps the chain clock on a failed probe that had read it', async () => {
    const { api, probe } = setup();
    api.answers.syncing = new FakeRequestError('syncing', 'HTTP 503: node is syncing');
    const observation = beaconEndpointCollector.failure(
      target,
      await probe.run().catch((caught: unknown) => caught),
      now,
      5,
    )! as BeaconObservation & { timing?: unknown };
    expect(observation.ok).toBe(false);
    expect(observation.timing).toEqual(timing);
    expect(observation.failingRoutes).toEqual([
      { route: 'GET /eth/v1/node/syncing', errorClass: 'syncing', message: 'HTTP 503: node is syncing' },
    ]);
  });

  it.each([
    {
      failing: 'finalityCheckpoints',
      route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
      error: new FakeRequestError('not_found', 'HTTP 404'),
    },
    {
      failing: 'peerCount',
      route: 'GET /eth/v1/node/peer_count',
      error: new FakeRequestError('http_status', 'HTTP 500'),
    },
    { failing: 'version', route: 'GET /eth/v1/node/version', error: new FakeRequestError('timeout', 'no answer') },
  ] as const)(
    'a failing $failing leaves the endpoint up, with the route among its failing routes',
    async ({ failing, route, error }) => {
      const { api, probe } = setup();
      api.answers[failing] = error as never;
      const observation = (await probe.run()) as BeaconObservation & { timing?: unknown };
      expect(observation).toMatchObject({ ok: true, errorClass: null, headSlot: slot, syncing: false });
      expect(observation.timing).toEqual(timing);
      expect(observation.failingRoutes).toEqual([{ route, errorClass: error.errorClass, message: error.shortMessage }]);
    },
  );

  it('calls a head without a block not found', async () => {
    const { api, probe } = setup();
    api.answers.header = null;
    const observation = beaconEndpointCollector.failure(
      target,
      await probe.run().catch((caught: unknown) => caught),
      now,
      5,
    )!;
    expect(observation).toMatchObject({
      ok: false,
      errorClass: 'not_found',
      errorMessage: 'head header: no block at head',
    });
  });

  it('gives up a little after the target timeout when the client does not', async () => {
    const { api, probe } = setup();
    // A client honouring the signal rejects; this one rejects with whatever the signal carries.
    api.syncing = ((options?: { signal?: AbortSignal }) =>
      new Promise((_resolve, reject) =>
        options!.signal!.addEventListener('abort', () => reject(options!.signal!.reason)),
      )) as never;
    const started = performance.now();
    const observation = beaconEndpointCollector.failure(
      target,
      await probe.run().catch((caught: unknown) => caught),
      now,
      200,
    )!;
    expect(performance.now() - started).toBeGreaterThanOrEqual(430);
    expect(observation).toMatchObject({
      errorClass: 'timeout',
      errorMessage: 'syncing: no answer within 450 ms',
      headSlot: slot,
    });
  });

  it('never lets the URL’s or headers’ secrets into a message or a version', async () => {
    const { api, probe } = setup();
    api.answers.syncing = new FakeRequestError('connection', `cannot reach ${target.url} with Bearer tok-abcdef0123`);
    api.answers.version = 'Lighthouse/v5 key-0123456789abcdef';
    const observation = beaconEndpointCollector.failure(
      target,
      await probe.run().catch((caught: unknown) => caught),
      now,
      5,
    )!;
    const text = JSON.stringify(observation);
    for (const secret of ['s3cret-pass', 'key-0123456789abcdef', 'q-9876543210', 'tok-abcdef0123'])
      expect(text).not.toContain(secret);
    expect(observation.errorMessage).toBe('syncing: cannot reach *** with ***');
  });

  it('records nothing for a run stopped by shutdown', async () => {
    const { api, shutdown, probe } = setup();
    api.answers.syncing = () => new Promise(() => {}) as never;
    api.syncing = ((options?: { signal?: AbortSignal }) =>
      new Promise((_resolve, reject) =>
        options!.signal!.addEventListener('abort', () => reject(new Error('aborted'))),
      )) as never;
    const run = probe.run();
    shutdown.abort();
    await expect(run).rejects.toBeInstanceOf(ProbeAbortedError);
    expect(beaconEndpointCollector.failure(target, new ProbeAbortedError('stopping'), now, 1)).toBeNull();
  });

  it('runs through the collector runner like any collector: a failure becomes an observation', async () => {
    const { api, clock, probe } = setup();
    api.answers.syncing = new FakeRequestError('rate_limited', 'HTTP 429');
    const observations: BeaconObservation[] = [];
    const registry = new Registry();
    const run = collectorRun(beaconEndpointCollector, target, probe, {
      clock,
      metrics: createSelfMetrics(registry, { version: 'test' }),
      onObservation: (item) => observations.push(item),
    });
    await run();
    expect(observations).toEqual([expect.objectContaining({ ok: false, errorClass: 'rate_limited', headSlot: slot })]);
    expect(await registry.getSingleMetricAsString('ere_collector_errors_total')).toContain(
      'collector="beacon",error_class="rate_limited"',
    );
  });
});
