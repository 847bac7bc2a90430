// The beacon sample store on a real SQLite file: samples round-trip, the newest per endpoint through the
// index (not a scan of every row), and pruning by time.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BeaconSample } from '../../../src/domain/beacon.js';
import { BeaconSampleStore } from '../../../src/endpoints/beacon/beacon-samples.js';
import { openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/service.js';
import { now, observation, slot } from './fixtures.js';

function sample(endpoint: string, at: number, fields: Partial<BeaconSample> = {}): BeaconSample {
  return {
    ...observation(endpoint, { at }),
    wallClockSlot: slot,
    headAgeSeconds: 3.5,
    lagSlots: 0,
    finalityDistanceEpochs: 2,
    healthy: true,
    ...fields,
  };
}

function setup() {
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  return { db, store: new BeaconSampleStore(db) };
}

describe('BeaconSampleStore', () => {
  it('stores every field and reads it back, nulls and booleans included', () => {
    const { store } = setup();
    const failed = sample('teku', now, {
      ok: false,
      healthy: false,
      errorClass: 'timeout',
      errorMessage: 'syncing: no answer within 10000 ms',
      syncing: null,
      syncDistance: null,
      optimistic: null,
      peerCount: null,
      headAgeSeconds: null,
      lagSlots: null,
      finalityDistanceEpochs: null,
      wallClockSlot: null,
    });
    const ok = sample('lighthouse', now, {
      version: 'Lighthouse/v5.3.0',
      optimistic: true,
      syncing: true,
      latencyMs: 12.5,
    });
    store.insertMany([failed, ok]);
    expect(store.latestPerEndpoint()).toEqual([ok, failed]);
  });

  it('gives the newest sample of each endpoint, by probe time', () => {
    const { store } = setup();
    store.insertMany([
      sample('a', now - 24_000),
      sample('b', now - 12_000, { headSlot: slot - 1 }),
      sample('a', now, { headSlot: slot + 2 }),
      sample('b', now - 24_000),
    ]);
    store.insertMany([sample('c', now - 1_000)]);
    expect(store.latestPerEndpoint().map((item) => [item.endpoint, item.at, item.headSlot])).toEqual([
      ['a', now, slot + 2],
      ['b', now - 12_000, slot - 1],
      ['c', now - 1_000, slot],
    ]);
    expect(setup().store.latestPerEndpoint()).toEqual([]);
  });

  it('finds the newest samples through the endpoint index', () => {
    const { db } = setup();
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id FROM beacon_samples WHERE endpoint = ? ORDER BY at_ms DESC, id DESC LIMIT 1`,
        )
        .all('a') as { detail: string }[]
    ).map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX beacon_samples_by_endpoint/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('writes a batch in one transaction: all or nothing', () => {
    const { store } = setup();
    const broken = { ...sample('b', now), chain: null } as unknown as BeaconSample;
    expect(() => store.insertMany([sample('a', now), broken])).toThrow(/NOT NULL/);
    expect(store.latestPerEndpoint()).toEqual([]);
  });

  it('prunes samples older than the cutoff, in chunks', () => {
    const { store } = setup();
    const old = Array.from({ length: 12_000 }, (_, index) => sample(`e${index % 3}`, now - 8 * 86_400_000 + index));
    store.insertMany([...old, sample('e0', now), sample('e1', now - 86_400_000)]);
    expect(store.prune(now - 7 * 86_400_000)).toBe(12_000);
    expect(store.latestPerEndpoint().map((item) => item.endpoint)).toEqual(['e0', 'e1']);
    expect(store.prune(now - 7 * 86_400_000)).toBe(0);
    expect(store.samples('e1', { fromMs: 0, toMs: now, limit: 10 })).toHaveLength(1);
  });
});
