// One writer for every endpoint kind, on a real SQLite file: each kind's batch is its own transaction, so a
// table that refuses rows holds back its own kind's samples only, and the others are written on time.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BeaconSample } from '../../src/domain/beacon.js';
import type { ChainObservation } from '../../src/domain/rpc.js';
import { BeaconSampleStore } from '../../src/endpoints/beacon/beacon-samples.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriters } from '../../src/endpoints/sample-writer.js';
import { openDatabase } from '../../src/store/database.js';
import { observation, now } from './beacon/fixtures.js';
import { refuseInserts } from './pipeline-harness.js';
import { tempDir } from '../helpers/service.js';
import { sample } from '../helpers/samples.js';

const chain: ChainObservation = {
  chain: 'c',
  consensusHead: 10,
  headAgeSeconds: 2,
  configuredEndpoints: 1,
  healthyEndpoints: 1,
};
const beaconSample = (at: number): BeaconSample => ({
  ...observation('node', { at }),
  wallClockSlot: null,
  headAgeSeconds: null,
  lagSlots: null,
  finalityDistanceEpochs: null,
  healthy: true,
});

describe('SampleWriters', () => {
  it('writes each kind in its own transaction: a refused beacon batch leaves the RPC batch written', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const flushed: number[] = [];
    const errors: number[] = [];
    const writers = new SampleWriters({
      flushIntervalMs: 3_600_000,
      onFlush: ({ samples }) => flushed.push(samples),
      onError: (_error, waiting) => errors.push(waiting),
    });
    const rpc = writers.writerFor(new RpcSampleStore(db));
    const beacon = writers.writerFor(new BeaconSampleStore(db));
    const refusal = refuseInserts(db, 'beacon_samples', 'node');
    for (const at of [now, now + 1_000]) {
      rpc.enqueue(sample({ at }), chain);
      beacon.enqueue(beaconSample(at), null);
    }
    expect(writers.flush()).toBe(false);
    expect(flushed).toEqual([2]);
    expect(errors).toEqual([2]);
    expect([rpc.waiting, beacon.waiting]).toEqual([0, 2]);
    expect(db.prepare('SELECT count(*) AS n FROM rpc_samples').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM beacon_samples').get()).toEqual({ n: 0 });
    refusal.lift();
    expect(writers.close()).toBe(true);
    expect(flushed).toEqual([2, 2]);
    expect(db.prepare('SELECT count(*) AS n FROM beacon_samples').get()).toEqual({ n: 2 });
    db.close();
  });
});
