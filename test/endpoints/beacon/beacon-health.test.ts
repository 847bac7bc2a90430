import { describe, expect, it } from 'vitest';
import type { BeaconObservation } from '../../../src/domain/beacon.js';
import {
  deriveBeaconChainHealth,
  finalityDistanceEpochs,
  headAgeSeconds,
  wallClockSlot,
} from '../../../src/endpoints/beacon/beacon-health.js';
import { epoch, now, observation, slot, timing } from './fixtures.js';

const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 };
const genesisMs = timing.genesisTime * 1_000;

describe('the chain clock', () => {
  it.each([
    { at: genesisMs - 1, slot: null },
    { at: genesisMs, slot: 0 },
    { at: genesisMs + 11_999, slot: 0 },
    { at: genesisMs + 12_000, slot: 1 },
    { at: now, slot },
  ])('wall-clock slot at genesis + $at ms is $slot', ({ at, slot: expected }) => {
    expect(wallClockSlot(timing, at)).toBe(expected);
  });

  it('knows no slot without the chain timing', () => {
    expect(wallClockSlot(null, now)).toBeNull();
    expect(headAgeSeconds(undefined, slot, now)).toBeNull();
  });

  it.each([
    { headSlot: slot, age: 3 },
    { headSlot: slot - 1, age: 15 },
    { headSlot: slot - 10, age: 123 },
    { headSlot: null, age: null },
  ])('head age of slot $headSlot is $age s', ({ headSlot, age }) => {
    expect(headAgeSeconds(timing, headSlot, now)).toBe(age);
  });

  it.each([
    { finalized: epoch - 2, distance: 2 },
    { finalized: epoch - 3, distance: 3 },
    { finalized: epoch - 10, distance: 10 },
    { finalized: null, distance: null },
  ])('finality distance with finalized epoch $finalized is $distance', ({ finalized, distance }) => {
    expect(finalityDistanceEpochs(timing, finalized, now)).toBe(distance);
  });
});

function health(observations: BeaconObservation[], endpoints = observations.map((item) => item.endpoint)) {
  return deriveBeaconChainHealth(
    'mainnet',
    endpoints,
    new Map(observations.map((item) => [item.endpoint, item])),
    timing,
    now,
    policy,
    (endpoint) => (endpoint === 'a' ? 'Lighthouse/v5' : null),
  );
}

describe('deriveBeaconChainHealth', () => {
  it.each<{ name: string; b: Partial<BeaconObservation>; healthy: boolean; reasons: string[]; lag: number | null }>([
    { name: 'at the head', b: {}, healthy: true, reasons: [], lag: 0 },
    { name: 'two slots behind (the bound)', b: { headSlot: slot - 2 }, healthy: true, reasons: [], lag: 2 },
    {
      name: 'three slots behind',
      b: { headSlot: slot - 3 },
      healthy: false,
      reasons: ['3 slots behind the highest head'],
      lag: 3,
    },
    {
      name: 'syncing',
      b: { syncing: true, syncDistance: 40 },
      healthy: false,
      reasons: ['syncing, 40 slots behind'],
      lag: 0,
    },
    {
      name: 'failing',
      b: { ok: false, errorClass: 'timeout', headSlot: null },
      healthy: false,
      reasons: ['probe failed: timeout'],
      lag: null,
    },
    { name: 'stale', b: { at: now - 40_000 }, healthy: false, reasons: ['no recent probe'], lag: null },
    {
      name: 'far behind with an old head',
      b: { headSlot: slot - 10 },
      healthy: false,
      reasons: ['10 slots behind the highest head', 'head slot started 123 s ago (at most 60 s)'],
      lag: 10,
    },
  ])('endpoint b $name', ({ b, healthy, reasons, lag }) => {
    const state = health([observation('a'), observation('b', b)]).endpoints[1]!;
    expect(state).toMatchObject({ endpoint: 'b', healthy, unhealthyReasons: reasons, lagSlots: lag });
  });

  it('is not healthy when every endpoint is stuck at the same old head: lag 0, head age too high', () => {
    const result = health([observation('a', { headSlot: slot - 6 }), observation('b', { headSlot: slot - 6 })]);
    expect(result.healthyEndpoints).toBe(0);
    expect(result.endpoints[0]).toMatchObject({
      lagSlots: 0,
      headAgeSeconds: 75,
      unhealthyReasons: ['head slot started 75 s ago (at most 60 s)'],
    });
  });

  it('takes the chain head and finality from the best fresh, answering endpoint', () => {
    const result = health([
      observation('a', { headSlot: slot - 1, finalizedEpoch: epoch - 3 }),
      observation('b', { headSlot: slot, finalizedEpoch: epoch - 2 }),
      observation('c', { ok: false, errorClass: 'http_status', headSlot: slot + 50, finalizedEpoch: epoch }),
      observation('d', { at: now - 60_000, headSlot: slot + 60, finalizedEpoch: epoch }),
    ]);
    expect(result).toMatchObject({
      wallClockSlot: slot,
      headSlot: slot,
      finalizedEpoch: epoch - 2,
      finalityDistanceEpochs: 2,
      configuredEndpoints: 4,
      healthyEndpoints: 2,
    });
    expect(result.endpoints.map((state) => [state.endpoint, state.up, state.finalityDistanceEpochs])).toEqual([
      ['a', true, 3],
      ['b', true, 2],
      ['c', false, null],
      ['d', false, null],
    ]);
  });

  it('shows an endpoint never probed as such, and its version once known', () => {
    const result = health([observation('b')], ['a', 'b']);
    expect(result.endpoints[0]).toMatchObject({
      endpoint: 'a',
      up: false,
      healthy: false,
      unhealthyReasons: ['not probed yet'],
      version: 'Lighthouse/v5',
      lastObservedAt: null,
    });
    expect(result.healthyEndpoints).toBe(1);
  });

  it('knows nothing of the chain when no endpoint answered', () => {
    const result = health([observation('a', { ok: false, errorClass: 'connection' })]);
    expect(result).toMatchObject({
      wallClockSlot: slot,
      headSlot: null,
      finalizedEpoch: null,
      finalityDistanceEpochs: null,
      healthyEndpoints: 0,
    });
    expect(result.endpoints[0]).toMatchObject({ errorClass: 'connection', syncing: null, peerCount: null });
  });
});
