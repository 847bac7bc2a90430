// Beacon endpoints monitored over real HTTP: simulated beacon nodes on 127.0.0.1 probed through the Beacon
// API client by the collector and its runner, samples derived by the tracker, stored in SQLite and seeded
// back, request metrics fed by the client's hook, and the API view; a lagging node, a syncing one, stalled
// finality and a node going down.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSim, type RunningBeaconSim } from '../../../src/beacon-sim/index.js';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import { beaconEndpointCollector } from '../../../src/endpoints/beacon/beacon-endpoint.js';
import { collectorRun } from '../../../src/endpoints/runner.js';
import type { BeaconEndpointTarget, BeaconSample } from '../../../src/domain/beacon.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { BeaconView } from '../../../src/endpoints/beacon/beacon-view.js';
import { createBeaconMetrics } from '../../../src/endpoints/beacon/beacon-metrics.js';
import { createSelfMetrics } from '../../../src/metrics/self-metrics.js';
import { BeaconTracker } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { BeaconSampleStore } from '../../../src/endpoints/beacon/beacon-samples.js';
import { openDatabase } from '../../../src/store/database.js';

const genesisTime = 1_700_000_000;
const secondsPerSlot = 6;
const slotsPerEpoch = 8;
const clock = fixedClock((genesisTime + 40 * secondsPerSlot) * 1_000 + 500);
const toSlot = (slot: number) => clock.set((genesisTime + slot * secondsPerSlot) * 1_000 + 500);
const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 3 * secondsPerSlot * 1_000 };
const endpoints = ['steady', 'lagging', 'syncing'];

let nodes: RunningBeaconSim[];
let targets: BeaconEndpointTarget[];
let registry: Registry;
let tracker: BeaconTracker;
let beaconMetrics: ReturnType<typeof createBeaconMetrics>;
let pollAll: () => Promise<BeaconSample[]>;

beforeAll(async () => {
  nodes = await Promise.all(
    endpoints.map(() =>
      startBeaconSim({
        seed: 3,
        validatorCount: 16,
        slotsPerEpoch,
        secondsPerSlot,
        genesisTime,
        clock,
        version: 'Lighthouse/v5.3.0-sim',
      }),
    ),
  );
  nodes[1]!.sim.setLag(5);
  nodes[2]!.sim.setSyncing(true);
  targets = nodes.map((node, index) => ({
    chain: 'sim',
    endpoint: endpoints[index]!,
    url: `${node.url}/`,
    headers: {},
    timeoutMs: 2_000,
    labels: {},
  }));
  registry = new Registry();
  tracker = new BeaconTracker([{ chain: 'sim', endpoints, policy }], clock);
  beaconMetrics = createBeaconMetrics(registry, tracker);
  const selfMetrics = createSelfMetrics(registry, { version: 'test' });
  const shutdown = new AbortController();
  const createApi = (target: BeaconEndpointTarget) =>
    new BeaconClient({
      url: target.url,
      headers: target.headers,
      timeoutMs: target.timeoutMs,
      bulkTimeoutMs: 5_000,
      onRequest: (event) => beaconMetrics.recordRequest(target, event),
    });
  const runs = targets.map((target) => {
    const samples: BeaconSample[] = [];
    const run = collectorRun(
      beaconEndpointCollector,
      target,
      beaconEndpointCollector.createProbe(target, { clock, shutdownSignal: shutdown.signal, createApi }),
      {
        clock,
        metrics: selfMetrics,
        onObservation: (observation) => {
          const sample = tracker.observe(observation);
          beaconMetrics.recordSample(sample);
          samples.push(sample);
        },
      },
    );
    return async () => {
      samples.length = 0;
      await run();
      return samples[0]!;
    };
  });
  pollAll = () => Promise.all(runs.map((run) => run()));
});

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.close()));
});

describe('beacon endpoints over HTTP', () => {
  it('judges a steady node healthy, a lagging one behind and a syncing one down', async () => {
    toSlot(40);
    const [steady, lagging, syncing] = await pollAll();
    expect(steady).toMatchObject({
      ok: true,
      headSlot: 40,
      wallClockSlot: 40,
      lagSlots: 0,
      syncing: false,
      version: 'Lighthouse/v5.3.0-sim',
      healthy: true,
    });
    expect(steady!.finalityDistanceEpochs).toBe(5 - steady!.finalizedEpoch!);
    expect(lagging).toMatchObject({ ok: true, headSlot: 35, lagSlots: 5, healthy: false });
    // The syncing node says so on /eth/v1/node/syncing and answers 503 on the head's data.
    expect(syncing).toMatchObject({ ok: false, errorClass: 'syncing', syncing: true, healthy: false });
    // The host is named; a URL, which may carry a key, never is.
    expect(syncing!.errorMessage).toBe(
      `head header: node is syncing (HTTP 503) from ` +
        `${new URL(nodes[2]!.url).host} on GET /eth/v1/beacon/headers/{block_id}`,
    );

    const health = tracker.health('sim')!;
    expect(health).toMatchObject({ wallClockSlot: 40, headSlot: 40, healthyEndpoints: 1, configuredEndpoints: 3 });
    expect(health.endpoints.map((state) => state.unhealthyReasons)).toEqual([
      [],
      ['5 slots behind the highest head'],
      ['probe failed: syncing'],
    ]);
    expect(tracker.timing('sim')).toEqual({ genesisTime, secondsPerSlot, slotsPerEpoch });
    expect(tracker.endpointsByHealth('sim')).toEqual(['steady', 'lagging', 'syncing']);

    const view = new BeaconView(tracker, targets).chain('sim')!;
    expect(view).toMatchObject({ status: 'single_point_of_failure', wallClockSlot: 40, healthyEndpoints: 1 });
    expect(view.endpoints[0]).toMatchObject({
      id: 'steady',
      healthy: true,
      version: 'Lighthouse/v5.3.0-sim',
      errorClass: null,
    });
  });

  it('counts every request the client made, by route template and outcome', async () => {
    const text = await registry.getSingleMetricAsString('ere_beacon_requests_total');
    expect(text).toContain(
      'ere_beacon_requests_total{chain="sim",endpoint="steady",route="GET /eth/v1/node/syncing",outcome="ok"} 1',
    );
    expect(text).toContain(
      'ere_beacon_requests_total{chain="sim",endpoint="steady",route="GET /eth/v1/config/spec",outcome="ok"} 1',
    );
    expect(text).toContain(
      'ere_beacon_requests_total{chain="sim",endpoint="syncing",route="GET ' +
        '/eth/v1/beacon/headers/{block_id}",outcome="syncing"} 1',
    );
    expect(text).not.toContain(nodes[0]!.url);
  });

  it('reads the clock once, and shows stalled finality as a growing distance', async () => {
    nodes[0]!.sim.stallFinality(true);
    toSlot(80);
    const [steady] = await pollAll();
    toSlot(96);
    const [later] = await pollAll();
    expect(later!.finalizedEpoch).toBe(steady!.finalizedEpoch);
    expect(later!.finalityDistanceEpochs).toBe(12 - later!.finalizedEpoch!);
    expect(later!.finalityDistanceEpochs).toBeGreaterThan(4);
    expect(nodes[0]!.sim.requests()).toMatchObject({
      'GET /eth/v1/beacon/genesis': 1,
      'GET /eth/v1/config/spec': 1,
      'GET /eth/v1/node/version': 1,
      'GET /eth/v1/node/syncing': 3,
    });
    nodes[0]!.sim.stallFinality(false);
  });

  it('records a node that went down as a connection failure, and it comes back', async () => {
    nodes[0]!.sim.setDown(true);
    toSlot(97);
    const [down] = await pollAll();
    expect(down).toMatchObject({ ok: false, errorClass: 'connection', healthy: false, headSlot: null });
    // The lagging node has the highest head now: no longer behind, it takes over.
    expect(tracker.health('sim')!.healthyEndpoints).toBe(1);
    expect(tracker.endpointsByHealth('sim')[0]).toBe('lagging');
    nodes[0]!.sim.setDown(false);
    toSlot(98);
    const [back] = await pollAll();
    expect(back).toMatchObject({ ok: true, headSlot: 98, healthy: true });
  });

  it('stores the samples and seeds a new tracker from them after a restart', async () => {
    const { db } = openDatabase(':memory:');
    const store = new BeaconSampleStore(db);
    toSlot(99);
    const polled = await pollAll();
    store.insertMany(polled);
    const restarted = new BeaconTracker([{ chain: 'sim', endpoints, policy }], clock);
    for (const sample of store.latestPerEndpoint()) restarted.seed(sample);
    expect(restarted.health('sim')!.endpoints.map((state) => [state.endpoint, state.up, state.headSlot])).toEqual([
      ['steady', true, 99],
      ['lagging', true, 94],
      ['syncing', false, null],
    ]);
    // A failed probe's partial answer is stored as it came: the syncing node's head from /eth/v1/node/syncing.
    expect(store.latestPerEndpoint().find((sample) => sample.endpoint === 'syncing')).toMatchObject({
      ok: false,
      errorClass: 'syncing',
      syncing: true,
      headSlot: 40,
    });
    db.close();
  });
});

describe('a beacon node that never answers', () => {
  it('times out at the target timeout through the client, which reports each request timed out', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const target: BeaconEndpointTarget = {
      chain: 'sim',
      endpoint: 'silent',
      url,
      headers: {},
      timeoutMs: 300,
      labels: {},
    };
    const outcomes: string[] = [];
    const probe = beaconEndpointCollector.createProbe(target, {
      clock,
      shutdownSignal: new AbortController().signal,
      createApi: () =>
        new BeaconClient({
          url,
          timeoutMs: target.timeoutMs,
          bulkTimeoutMs: 1_000,
          onRequest: (event) => outcomes.push(`${event.route}: ${event.outcome}`),
        }),
    });
    const failure = await probe.run().catch((error: unknown) => error);
    const observation = beaconEndpointCollector.failure(target, failure, clock.now(), 300)!;
    expect(observation).toMatchObject({ ok: false, errorClass: 'timeout' });
    expect(observation.errorMessage).toMatch(
      /^genesis or spec: no complete answer from 127\.0\.0\.1:\d+ within 300 ms on GET \/eth\/v1\/beacon\/genesis$/,
    );
    expect(outcomes).toContain('GET /eth/v1/node/syncing: timeout');
    expect(outcomes).toContain('GET /eth/v1/beacon/headers/{block_id}: timeout');
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
