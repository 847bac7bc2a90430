// A beacon node that answers every route ERE needs but fails one it only reads for display (finality
// checkpoints here, as some providers do): the endpoint stays up and healthy, with the chain's clock, and
// its health names the failing route. A node failing a required route is down, and still keeps the clock.

import { createServer, request as httpRequest, type Server } from 'node:http';
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
import { createSelfMetrics } from '../../../src/metrics/self-metrics.js';
import { BeaconTracker } from '../../../src/endpoints/beacon/beacon-tracker.js';

const genesisTime = 1_700_000_000;
const secondsPerSlot = 6;
const slotsPerEpoch = 8;
const clock = fixedClock((genesisTime + 40 * secondsPerSlot) * 1_000 + 500);
const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 3 * secondsPerSlot * 1_000 };

let node: RunningBeaconSim;
let proxy: Server;
/** Path fragment the proxy answers 500 for. */
let failing = '/finality_checkpoints';

beforeAll(async () => {
  node = await startBeaconSim({
    seed: 5,
    validatorCount: 16,
    slotsPerEpoch,
    secondsPerSlot,
    genesisTime,
    clock,
    version: 'Teku/v24.10.0-sim',
  });
  const upstream = new URL(node.url);
  proxy = createServer((request, response) => {
    if (request.url?.includes(failing)) {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ code: 500, message: 'state not available' }));
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await node.close();
});

async function probeOnce(): Promise<{ sample: BeaconSample; tracker: BeaconTracker; target: BeaconEndpointTarget }> {
  const target: BeaconEndpointTarget = {
    chain: 'sim',
    endpoint: 'provider',
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    headers: {},
    timeoutMs: 2_000,
    labels: {},
  };
  const tracker = new BeaconTracker([{ chain: 'sim', endpoints: ['provider'], policy }], clock);
  const createApi = () => new BeaconClient({ url: target.url, timeoutMs: target.timeoutMs, bulkTimeoutMs: 5_000 });
  const samples: BeaconSample[] = [];
  const probe = beaconEndpointCollector.createProbe(target, {
    clock,
    shutdownSignal: new AbortController().signal,
    createApi,
  });
  await collectorRun(beaconEndpointCollector, target, probe, {
    clock,
    metrics: createSelfMetrics(new Registry(), { version: 'test' }),
    onObservation: (observation) => samples.push(tracker.observe(observation)),
  })();
  return { sample: samples[0]!, tracker, target };
}

describe('a beacon endpoint failing one route', () => {
  it('stays up and healthy when only finality checkpoints fail, and names the route', async () => {
    failing = '/finality_checkpoints';
    const { sample, tracker, target } = await probeOnce();
    expect(sample).toMatchObject({ ok: true, headSlot: 40, wallClockSlot: 40, finalizedEpoch: null, healthy: true });
    const health = tracker.health('sim')!;
    expect(health).toMatchObject({ wallClockSlot: 40, headSlot: 40, healthyEndpoints: 1 });
    expect(health.endpoints[0]!.failingRoutes).toEqual([
      {
        route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
        errorClass: 'http_status',
        message: expect.stringContaining('HTTP 500'),
      },
    ]);
    const view = new BeaconView(tracker, [target]).chain('sim')!;
    expect(view.timing).toEqual({ genesisTime, secondsPerSlot, slotsPerEpoch });
    expect(view.endpoints[0]).toMatchObject({
      up: true,
      healthy: true,
      failingRoutes: [
        { route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints', errorClass: 'http_status' },
      ],
    });
  });

  it('is down when the head header fails, and still knows the clock it read', async () => {
    failing = '/headers/head';
    const { sample, tracker } = await probeOnce();
    expect(sample).toMatchObject({ ok: false, errorClass: 'http_status', wallClockSlot: 40, healthy: false });
    expect(tracker.timing('sim')).toEqual({ genesisTime, secondsPerSlot, slotsPerEpoch });
    expect(tracker.health('sim')!.endpoints[0]!.failingRoutes.map((failure) => failure.route)).toEqual([
      'GET /eth/v1/beacon/headers/{block_id}',
    ]);
  });
});
