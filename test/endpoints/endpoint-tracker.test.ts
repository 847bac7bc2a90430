// Seeding after a restart, the same for every endpoint kind: the newest stored sample of each endpoint still
// configured on its chain comes back; one removed from the config, or moved to another chain, does not.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import { BeaconSampleStore } from '../../src/endpoints/beacon/beacon-samples.js';
import { BeaconTracker } from '../../src/endpoints/beacon/beacon-tracker.js';
import { seedFromStore } from '../../src/endpoints/endpoint-tracker.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { observation, now } from './beacon/fixtures.js';
import { tempDir } from '../helpers/service.js';
import { sample } from '../helpers/samples.js';

const staleAfterMs = 60_000;

/** Each kind's store, and its tracker over chain `c` (endpoint kept) and `d` (endpoint moved), seeded from it. */
const kinds = [
  {
    kind: 'rpc',
    setup: () => {
      const { db } = openDatabase(join(tempDir(), 'ere.db'));
      const store = new RpcSampleStore(db);
      const stored = (endpoint: string, chain: string, head: number) =>
        store.write([sample({ chain, endpoint, at: now - 1_000, headBlock: head })], [], []);
      const policy = { maxLagBlocks: 3, staleAfterMs };
      const tracker = new ChainTracker(
        ['c', 'd'].map((chain) => ({ chain, endpoints: chain === 'c' ? ['kept'] : ['moved'], policy })),
        fixedClock(now),
      );
      const lagOfNewProbe = () =>
        tracker.observe(sample({ chain: 'c', endpoint: 'kept', at: now, headBlock: 100 })).sample.lagBlocks;
      return {
        db,
        stored,
        lagOfNewProbe,
        restart: () => {
          seedFromStore(tracker, store);
          return tracker;
        },
      };
    },
  },
  {
    kind: 'beacon',
    setup: () => {
      const { db } = openDatabase(join(tempDir(), 'ere.db'));
      const store = new BeaconSampleStore(db);
      const derived = {
        wallClockSlot: null,
        headAgeSeconds: null,
        lagSlots: null,
        finalityDistanceEpochs: null,
        healthy: true,
      };
      const stored = (endpoint: string, chain: string, head: number) =>
        store.insertMany([{ ...observation(endpoint, { chain, headSlot: head }), ...derived }]);
      const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs };
      const tracker = new BeaconTracker(
        ['c', 'd'].map((chain) => ({ chain, endpoints: chain === 'c' ? ['kept'] : ['moved'], policy })),
        fixedClock(now),
      );
      const lagOfNewProbe = () => tracker.observe(observation('kept', { chain: 'c', at: now, headSlot: 100 })).lagSlots;
      return {
        db,
        stored,
        lagOfNewProbe,
        restart: () => {
          seedFromStore(tracker, store);
          return tracker;
        },
      };
    },
  },
];

describe.each(kinds)('seeding the $kind tracker from its store', ({ setup }) => {
  it('brings back the endpoints still configured on their chain, and no other', () => {
    const { db, stored, lagOfNewProbe, restart } = setup();
    stored('kept', 'c', 100);
    stored('removed', 'c', 105);
    stored('moved', 'c', 105);
    const restarted = restart();
    expect(restarted.isFresh('kept')).toBe(true);
    expect(restarted.latestObservation('removed')).toBeUndefined();
    // Stored while it was on chain c, it is on chain d now: its old state says nothing of d.
    expect(restarted.latestObservation('moved')).toBeUndefined();
    expect(restarted.health('c')!.endpoints.map((state) => [state.endpoint, state.up])).toEqual([['kept', true]]);
    expect(restarted.health('d')!.endpoints.map((state) => [state.endpoint, state.up])).toEqual([['moved', false]]);
    // Nor does a removed endpoint's head count when the next probe is judged against its chain.
    expect(lagOfNewProbe()).toBe(0);
    db.close();
  });
});
