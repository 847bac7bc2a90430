import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/domain/clock.js';
import { BeaconTracker, trackedBeaconChains } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { beaconSchema } from '../../../src/endpoints/beacon/beacon-schema.js';
import { epoch, now, observation, slot, timing } from './fixtures.js';

const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 };

function setup(endpoints = ['a', 'b', 'c']) {
  const clock = fixedClock(now);
  const tracker = new BeaconTracker([{ chain: 'mainnet', endpoints, policy }], clock);
  return { clock, tracker };
}

describe('BeaconTracker', () => {
  it('derives a sample against the wall clock and the chain, once the chain timing is learnt from a probe', () => {
    const { tracker } = setup();
    const blind = tracker.observe(observation('a'));
    expect(blind).toMatchObject({
      wallClockSlot: null,
      headAgeSeconds: null,
      finalityDistanceEpochs: null,
      healthy: true,
    });
    expect(tracker.timing('mainnet')).toBeUndefined();

    const sample = tracker.observe({ ...observation('b', { headSlot: slot - 4 }), timing });
    expect(tracker.timing('mainnet')).toEqual(timing);
    expect(sample).toMatchObject({
      wallClockSlot: slot,
      headAgeSeconds: 51,
      lagSlots: 4,
      finalityDistanceEpochs: 2,
      healthy: false,
    });
    // The chain's clock is not carried into the sample (nor the store).
    expect(sample).not.toHaveProperty('timing');
  });

  it('keeps a failed probe’s partial answer as it came, and judges it down', () => {
    const { tracker } = setup();
    tracker.observe({ ...observation('a'), timing });
    const sample = tracker.observe(
      observation('b', {
        ok: false,
        errorClass: 'timeout',
        errorMessage: 'finality checkpoints: no answer within 10000 ms',
        finalizedEpoch: null,
      }),
    );
    expect(sample).toMatchObject({ ok: false, headSlot: slot, lagSlots: null, healthy: false });
    expect(tracker.health('mainnet')!.endpoints[1]).toMatchObject({
      up: false,
      errorClass: 'timeout',
      unhealthyReasons: ['probe failed: timeout'],
    });
  });

  it('keeps the version asked hourly across the probes that do not ask it', () => {
    const { tracker } = setup();
    tracker.observe({ ...observation('a', { version: 'Teku/v24.10.0' }), timing });
    tracker.observe(observation('a', { version: null }));
    expect(tracker.version('a')).toBe('Teku/v24.10.0');
    expect(tracker.health('mainnet')!.endpoints[0]!.version).toBe('Teku/v24.10.0');
  });

  it('is seeded from stored samples, ignoring endpoints no longer configured, and forgets them once stale', () => {
    const { clock, tracker } = setup(['a', 'b']);
    tracker.seed({
      ...observation('a'),
      wallClockSlot: slot,
      headAgeSeconds: 2,
      lagSlots: 0,
      finalityDistanceEpochs: 2,
      healthy: true,
    });
    tracker.seed({
      ...observation('gone'),
      wallClockSlot: slot,
      headAgeSeconds: 2,
      lagSlots: 0,
      finalityDistanceEpochs: 2,
      healthy: true,
    });
    expect(tracker.isFresh('a')).toBe(true);
    expect(tracker.isFresh('b')).toBe(false);
    expect(tracker.isFresh('gone')).toBe(false);
    expect(tracker.health('mainnet')!.endpoints.map((state) => state.endpoint)).toEqual(['a', 'b']);
    clock.advance(36_000);
    expect(tracker.isFresh('a')).toBe(false);
    expect(tracker.health('mainnet')!.headSlot).toBeNull();
  });

  it.each([
    {
      name: 'healthy first, then up, then the rest',
      observations: [
        observation('a', { ok: false, errorClass: 'connection' }),
        observation('b', { syncing: true }),
        observation('c'),
      ],
      order: ['c', 'b', 'a'],
    },
    {
      name: 'among healthy ones, the least lag first',
      observations: [
        observation('a', { headSlot: slot - 2 }),
        observation('b', { headSlot: slot - 1 }),
        observation('c'),
      ],
      order: ['c', 'b', 'a'],
    },
    {
      name: 'at equal lag, the lowest latency first',
      observations: [
        observation('a', { latencyMs: 300 }),
        observation('b', { latencyMs: 20 }),
        observation('c', { latencyMs: 90 }),
      ],
      order: ['b', 'c', 'a'],
    },
    {
      name: 'an endpoint never probed last, in configured order',
      observations: [observation('b')],
      order: ['b', 'a', 'c'],
    },
  ])('endpointsByHealth: $name', ({ observations, order }) => {
    const { tracker } = setup();
    for (const item of observations) tracker.observe({ ...item, timing });
    expect(tracker.endpointsByHealth('mainnet')).toEqual(order);
  });

  it('answers nothing for an unknown chain, and refuses its observations', () => {
    const { tracker } = setup();
    expect(tracker.health('holesky')).toBeUndefined();
    expect(tracker.endpointsByHealth('holesky')).toEqual([]);
    expect(() => tracker.observe(observation('a', { chain: 'holesky' }))).toThrow(/unknown beacon chain/);
  });

  it('follows the chains of the config that have beacon endpoints, with their policy', () => {
    const beacon = beaconSchema.parse({
      endpoints: [{ id: 'lh', url: 'http://127.0.0.1:5052' }],
      pollInterval: '6s',
      maxHeadAge: '30s',
    });
    expect(trackedBeaconChains([{ id: 'mainnet', beacon }, { id: 'l2' }])).toEqual([
      { chain: 'mainnet', endpoints: ['lh'], policy: { maxLagSlots: 2, maxHeadAgeMs: 30_000, staleAfterMs: 18_000 } },
    ]);
  });

  it('reports the chain as a whole', () => {
    const { tracker } = setup();
    tracker.observe({ ...observation('a'), timing });
    tracker.observe(observation('b', { finalizedEpoch: epoch - 3 }));
    expect(tracker.allHealth()).toEqual([
      expect.objectContaining({
        chain: 'mainnet',
        headSlot: slot,
        finalizedEpoch: epoch - 2,
        healthyEndpoints: 2,
        configuredEndpoints: 3,
      }),
    ]);
  });
});
