// SQLite failing under the beacon write path: simulated beacon nodes over HTTP, probed by the collector and its
// runner, through the observation pipeline into a real SQLite file whose trigger refuses one endpoint's rows.
// Nothing is lost or half-applied: the batch stays queued, the failure is counted and logged once, and once the
// database takes rows again every sample is written as the tracker derived it.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSim, type RunningBeaconSim } from '../../../src/beacon-sim/index.js';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import { createBeaconMetrics } from '../../../src/endpoints/beacon/beacon-metrics.js';
import { BeaconSampleStore } from '../../../src/endpoints/beacon/beacon-samples.js';
import { BeaconTracker, beaconObservations } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { seedFromStore } from '../../../src/endpoints/endpoint-tracker.js';
import { beaconEndpointCollector } from '../../../src/endpoints/beacon/beacon-endpoint.js';
import type { BeaconEndpointTarget, BeaconSample } from '../../../src/domain/beacon.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/service.js';
import { pipelineHarness, refuseInserts } from '../pipeline-harness.js';

const genesisTime = 1_700_000_000;
const secondsPerSlot = 6;
const clock = fixedClock((genesisTime + 40 * secondsPerSlot) * 1_000 + 500);
const toSlot = (slot: number) => clock.set((genesisTime + slot * secondsPerSlot) * 1_000 + 500);
const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 3 * secondsPerSlot * 1_000 };
const endpoints = ['a', 'b'];

let nodes: RunningBeaconSim[];
let targets: BeaconEndpointTarget[];

beforeAll(async () => {
  nodes = await Promise.all(
    endpoints.map(() =>
      startBeaconSim({ seed: 5, validatorCount: 16, slotsPerEpoch: 8, secondsPerSlot, genesisTime, clock }),
    ),
  );
  targets = nodes.map((node, index) => ({
    chain: 'sim',
    endpoint: endpoints[index]!,
    url: `${node.url}/`,
    headers: {},
    timeoutMs: 2_000,
    labels: {},
  }));
});

afterAll(async () => {
  await Promise.all((nodes ?? []).map((node) => node.close()));
});

/** What the store keeps of a sample: the failing routes are shown live only. */
const stored = ({ failingRoutes: _routes, ...sample }: BeaconSample) => sample;

describe('a beacon sample write that SQLite refuses', () => {
  it('keeps the batch queued, counts and logs the failure once, writes every sample once SQLite recovers', async () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new BeaconSampleStore(db);
    const tracker = new BeaconTracker([{ chain: 'sim', endpoints, policy }], clock);
    const harness = pipelineHarness({
      clock,
      kind: beaconObservations(tracker),
      store,
      metrics: (registry) => createBeaconMetrics(registry, tracker),
    });
    const createApi = (target: BeaconEndpointTarget) =>
      new BeaconClient({ url: target.url, headers: {}, timeoutMs: target.timeoutMs, bulkTimeoutMs: 5_000 });
    const runs = targets.map((target) =>
      harness.run(
        beaconEndpointCollector,
        target,
        beaconEndpointCollector.createProbe(target, { clock, shutdownSignal: new AbortController().signal, createApi }),
      ),
    );

    // Endpoint a's row is inserted first in each batch, b's is refused: the transaction must take a's back.
    const refusal = refuseInserts(db, 'beacon_samples', 'b');
    for (const slot of [40, 41]) {
      toSlot(slot);
      // A run that threw would reach the scheduler as "task failed unexpectedly": each one resolves.
      await Promise.all(runs.map((run) => run()));
    }
    expect(harness.derived.map((sample) => [sample.endpoint, sample.ok, sample.headSlot])).toEqual([
      ['a', true, 40],
      ['b', true, 40],
      ['a', true, 41],
      ['b', true, 41],
    ]);
    await harness.expectRefusedFlush(4);
    expect(db.prepare('SELECT count(*) AS n FROM beacon_samples').get()).toEqual({ n: 0 });
    // The probes themselves were counted as they happened, and the endpoints shown up.
    expect(await harness.counter('ere_beacon_probe_duration_seconds')).toBe(4);
    expect(harness.linesWith('beacon endpoint is up')).toHaveLength(2);

    refusal.lift();
    await harness.expectAllWritten({
      ids: endpoints,
      rows: (endpoint) => store.samples(endpoint, { fromMs: 0, toMs: clock.now(), limit: 10 }),
      asStored: stored,
      latestAt: (endpoint) => tracker.latestObservation(endpoint)?.at,
    });
    // A restart seeded from the store resumes from what the tracker held.
    const restarted = new BeaconTracker([{ chain: 'sim', endpoints, policy }], clock);
    seedFromStore(restarted, store);
    const view = (health: BeaconTracker) =>
      health.health('sim')!.endpoints.map((state) => [state.endpoint, state.up, state.headSlot, state.lastObservedAt]);
    expect(view(restarted)).toEqual(view(tracker));
    db.close();
  });
});
