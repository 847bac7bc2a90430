import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  breakerAfter,
  breakerAllows,
  closedBreaker,
  fullBucket,
  takeToken,
  type BreakerPolicy,
  type BreakerState,
  type RateLimit,
  type TokenBucket,
} from '../../src/notify/delivery-policy.js';

const backoff = { initialMs: 1_000, maxMs: 60_000 };
const justBelowOne = 1 - Number.EPSILON;

describe('backoffMs', () => {
  // The ceiling doubles per failure from initialMs up to maxMs; the wait is in [ceiling / 2, ceiling).
  it.each([
    { failures: 0, ceiling: 1_000 },
    { failures: 1, ceiling: 1_000 },
    { failures: 2, ceiling: 2_000 },
    { failures: 3, ceiling: 4_000 },
    { failures: 6, ceiling: 32_000 },
    { failures: 7, ceiling: 60_000 },
    { failures: 8, ceiling: 60_000 },
    { failures: 1_000, ceiling: 60_000 },
  ])('after $failures failure(s): between $ceiling/2 and $ceiling', ({ failures, ceiling }) => {
    expect(backoffMs(failures, backoff, () => 0)).toBe(ceiling / 2);
    expect(backoffMs(failures, backoff, () => 0.5)).toBe(ceiling * 0.75);
    const longest = backoffMs(failures, backoff, () => justBelowOne);
    expect(longest).toBeLessThan(ceiling);
    expect(longest).toBeCloseTo(ceiling, 6);
  });

  it('a max below the initial wait caps the first wait too', () => {
    expect(backoffMs(1, { initialMs: 5_000, maxMs: 2_000 }, () => 0)).toBe(1_000);
  });

  it('stays within [d/2, d] for any failure count and random draw, and never shrinks as failures grow', () => {
    const policy = fc.record({
      initialMs: fc.integer({ min: 1, max: 60_000 }),
      maxMs: fc.integer({ min: 1, max: 6 * 3_600_000 }),
    });
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (policy, failures, draw) => {
          const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1));
          const wait = backoffMs(failures, policy, () => draw);
          expect(Number.isFinite(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
          expect(wait).toBeLessThanOrEqual(ceiling);
          expect(backoffMs(failures + 1, policy, () => draw)).toBeGreaterThanOrEqual(wait);
        },
      ),
    );
  });
});

const breakerPolicy: BreakerPolicy = { failures: 3, cooldownMs: 1_000, maxCooldownMs: 4_000 };

describe('circuit breaker', () => {
  const t0 = 1_700_000_000_000;

  /** Applies outcomes at successive times, checking the gate first as the worker does. */
  function drive(
    start: BreakerState,
    events: { atMs: number; ok?: boolean }[],
  ): { allowed: boolean[]; state: BreakerState } {
    let state = start;
    const allowed: boolean[] = [];
    for (const event of events) {
      const gate = breakerAllows(state, event.atMs);
      state = gate.next;
      allowed.push(gate.allowed);
      if (gate.allowed && event.ok !== undefined) state = breakerAfter(state, event.ok, event.atMs, breakerPolicy);
    }
    return { allowed, state };
  }

  it.each<{ name: string; state: BreakerState; ok: boolean; atMs: number; next: BreakerState }>([
    {
      name: 'closed, a failure below the limit: closed, counted',
      state: closedBreaker(breakerPolicy),
      ok: false,
      atMs: t0,
      next: { state: 'closed', consecutiveFailures: 1, openUntilMs: 0, cooldownMs: 1_000 },
    },
    {
      name: 'closed, the Nth consecutive failure: open for the cooldown',
      state: { state: 'closed', consecutiveFailures: 2, openUntilMs: 0, cooldownMs: 1_000 },
      ok: false,
      atMs: t0,
      next: { state: 'open', consecutiveFailures: 3, openUntilMs: t0 + 1_000, cooldownMs: 1_000 },
    },
    {
      name: 'closed, a success: the count starts again',
      state: { state: 'closed', consecutiveFailures: 2, openUntilMs: 0, cooldownMs: 1_000 },
      ok: true,
      atMs: t0,
      next: closedBreaker(breakerPolicy),
    },
    {
      name: 'half-open, the trial fails: open again for twice the cooldown',
      state: { state: 'half-open', consecutiveFailures: 3, openUntilMs: t0, cooldownMs: 1_000 },
      ok: false,
      atMs: t0,
      next: { state: 'open', consecutiveFailures: 4, openUntilMs: t0 + 2_000, cooldownMs: 2_000 },
    },
    {
      name: 'half-open, the trial fails at the max cooldown: stays at the max',
      state: { state: 'half-open', consecutiveFailures: 9, openUntilMs: t0, cooldownMs: 4_000 },
      ok: false,
      atMs: t0,
      next: { state: 'open', consecutiveFailures: 10, openUntilMs: t0 + 4_000, cooldownMs: 4_000 },
    },
    {
      name: 'half-open, the trial succeeds: closed, cooldown back to the first',
      state: { state: 'half-open', consecutiveFailures: 9, openUntilMs: t0, cooldownMs: 4_000 },
      ok: true,
      atMs: t0,
      next: closedBreaker(breakerPolicy),
    },
  ])('$name', ({ state, ok, atMs, next }) => {
    expect(breakerAfter(state, ok, atMs, breakerPolicy)).toEqual(next);
  });

  it.each<{ name: string; state: BreakerState; atMs: number; allowed: boolean; nextState: BreakerState['state'] }>([
    { name: 'closed: allowed', state: closedBreaker(breakerPolicy), atMs: t0, allowed: true, nextState: 'closed' },
    {
      name: 'open, cooldown not over: refused',
      state: { state: 'open', consecutiveFailures: 3, openUntilMs: t0 + 1_000, cooldownMs: 1_000 },
      atMs: t0 + 999,
      allowed: false,
      nextState: 'open',
    },
    {
      name: 'open, cooldown over: a trial, half-open',
      state: { state: 'open', consecutiveFailures: 3, openUntilMs: t0 + 1_000, cooldownMs: 1_000 },
      atMs: t0 + 1_000,
      allowed: true,
      nextState: 'half-open',
    },
    {
      name: 'half-open: the trial may go',
      state: { state: 'half-open', consecutiveFailures: 3, openUntilMs: t0, cooldownMs: 1_000 },
      atMs: t0,
      allowed: true,
      nextState: 'half-open',
    },
  ])('$name', ({ state, atMs, allowed, nextState }) => {
    const gate = breakerAllows(state, atMs);
    expect(gate.allowed).toBe(allowed);
    expect(gate.next.state).toBe(nextState);
  });

  it(
    'opens after N failures, refuses until the cooldown, doubles it on ' +
      'each failed trial up to the max, and closes on a success',
    () => {
      const { allowed, state } = drive(closedBreaker(breakerPolicy), [
        { atMs: t0, ok: false },
        { atMs: t0 + 10, ok: false },
        { atMs: t0 + 20, ok: false }, // opens until t0 + 1020
        { atMs: t0 + 1_019, ok: false }, // refused
        { atMs: t0 + 1_020, ok: false }, // trial fails: open until t0 + 3020
        { atMs: t0 + 3_019 }, // refused
        { atMs: t0 + 3_020, ok: false }, // trial fails: open until t0 + 7020
        { atMs: t0 + 7_020, ok: false }, // trial fails: 8 s capped at 4 s, until t0 + 11020
        { atMs: t0 + 11_019 }, // refused
        { atMs: t0 + 11_020, ok: true }, // trial succeeds: closed
        { atMs: t0 + 11_021, ok: false },
        { atMs: t0 + 11_022, ok: false },
      ]);
      expect(allowed).toEqual([true, true, true, false, true, false, true, true, false, true, true, true]);
      expect(state).toEqual({ state: 'closed', consecutiveFailures: 2, openUntilMs: 0, cooldownMs: 1_000 });
    },
  );

  it('a success between failures keeps it closed', () => {
    const { allowed, state } = drive(closedBreaker(breakerPolicy), [
      { atMs: t0, ok: false },
      { atMs: t0, ok: false },
      { atMs: t0, ok: true },
      { atMs: t0, ok: false },
      { atMs: t0, ok: false },
    ]);
    expect(allowed.every(Boolean)).toBe(true);
    expect(state.state).toBe('closed');
  });
});

describe('token bucket', () => {
  const t0 = 1_700_000_000_000;
  const limit: RateLimit = { perMinute: 60, burst: 3 };

  /** Tries to take a token at each time; returns what happened to each try. */
  function takes(start: TokenBucket, times: number[], rate = limit): { taken: boolean; waitMs: number }[] {
    let bucket = start;
    return times.map((atMs) => {
      const result = takeToken(bucket, atMs, rate);
      bucket = result.next;
      return { taken: result.taken, waitMs: result.waitMs };
    });
  }

  it('starts full: a burst goes at once, then the next waits for a token', () => {
    expect(takes(fullBucket(limit, t0), [t0, t0, t0, t0])).toEqual([
      { taken: true, waitMs: 0 },
      { taken: true, waitMs: 0 },
      { taken: true, waitMs: 0 },
      { taken: false, waitMs: 1_000 },
    ]);
  });

  it('refills at perMinute: the wait shrinks as time passes, and a token comes when it said', () => {
    expect(takes({ tokens: 0, atMs: t0 }, [t0 + 250, t0 + 500, t0 + 1_000, t0 + 1_000, t0 + 2_000])).toEqual([
      { taken: false, waitMs: 750 },
      { taken: false, waitMs: 500 },
      { taken: true, waitMs: 0 },
      { taken: false, waitMs: 1_000 },
      { taken: true, waitMs: 0 },
    ]);
  });

  it('never holds more than the burst after a long idle time', () => {
    const results = takes({ tokens: 0, atMs: t0 }, [t0 + 3_600_000, t0 + 3_600_000, t0 + 3_600_000, t0 + 3_600_000]);
    expect(results.map((result) => result.taken)).toEqual([true, true, true, false]);
  });

  it.each([
    { perMinute: 0.5, waitMs: 120_000 },
    { perMinute: 6, waitMs: 10_000 },
    { perMinute: 600, waitMs: 100 },
    { perMinute: 7, waitMs: 8_572 },
  ])('an empty bucket at $perMinute/min waits $waitMs ms (rounded up)', ({ perMinute, waitMs }) => {
    expect(takeToken({ tokens: 0, atMs: t0 }, t0, { perMinute, burst: 1 })).toMatchObject({ taken: false, waitMs });
  });

  it('waiting exactly the wait it gives always yields a token, however the fractions added up', () => {
    // Found by this property: at 1,000/min, 20 ms then at once again refilled 0.99999999 of a token.
    const rate = { perMinute: 1_000, burst: 2 };
    const first = takeToken({ tokens: 0, atMs: t0 }, t0 + 20, rate);
    const second = takeToken(first.next, t0 + 20 + first.waitMs, rate);
    const third = takeToken(second.next, t0 + 20 + first.waitMs, rate);
    expect(third.taken).toBe(false);
    expect(takeToken(third.next, t0 + 20 + first.waitMs + third.waitMs, rate).taken).toBe(true);
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1_000, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 50 }),
        (perMinute, burst, gaps) => {
          const rate = { perMinute, burst };
          let bucket: TokenBucket = { tokens: 0, atMs: t0 };
          let nowMs = t0;
          for (const gap of gaps) {
            nowMs += gap;
            const attempt = takeToken(bucket, nowMs, rate);
            bucket = attempt.next;
            if (attempt.taken) continue;
            nowMs += attempt.waitMs;
            const retry = takeToken(bucket, nowMs, rate);
            expect(retry.taken).toBe(true);
            bucket = retry.next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes no more than burst + rate × elapsed over any schedule of tries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 10 }),
        (gaps, perMinute, burst) => {
          const rate = { perMinute, burst };
          const times: number[] = [];
          for (const gap of gaps) times.push((times.at(-1) ?? t0) + gap);
          const taken = takes(fullBucket(rate, t0), times, rate).filter((result) => result.taken).length;
          const elapsed = times.at(-1)! - t0;
          expect(taken).toBeLessThanOrEqual(burst + Math.floor((elapsed * perMinute) / 60_000));
        },
      ),
    );
  });
});
