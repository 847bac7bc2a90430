import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { burnRate, errorBudget, exhaustionInMs, sliRatio } from '../../src/slo/budget.js';
import { dayMs } from '../../src/slo/window.js';

const objective = fc.double({ min: 0.5, max: 0.99999, noNaN: true });
const counts = fc
  .integer({ min: 1, max: 1_000_000 })
  .chain((valid) => fc.record({ valid: fc.constant(valid), good: fc.integer({ min: 0, max: valid }) }));

describe('error budget properties', () => {
  it('remaining is in [0, 1] and consumed is never negative, wherever defined', () => {
    fc.assert(
      fc.property(objective, counts, (o, c) => {
        const budget = errorBudget(o, c)!;
        expect(budget.remainingRatio).toBeGreaterThanOrEqual(0);
        expect(budget.remainingRatio).toBeLessThanOrEqual(1);
        expect(budget.consumedRatio).toBeGreaterThanOrEqual(0);
        expect(sliRatio(c)).toBeGreaterThanOrEqual(0);
        expect(sliRatio(c)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('consumption never decreases when bad events are added', () => {
    fc.assert(
      fc.property(objective, counts, fc.integer({ min: 1, max: 10_000 }), (o, c, bad) => {
        const before = errorBudget(o, c)!.consumedRatio;
        const after = errorBudget(o, { good: c.good, valid: c.valid + bad })!.consumedRatio;
        expect(after).toBeGreaterThanOrEqual(before - 1e-12);
      }),
    );
  });

  it('burn rate 1 spends exactly the whole budget by the end of the window', () => {
    fc.assert(
      fc.property(objective, fc.integer({ min: 1, max: 400 }), (o, days) => {
        // Errors at exactly the budget ratio, all window long.
        const valid = 1_000_000;
        const good = valid - (1 - o) * valid;
        expect(burnRate(o, { good, valid })).toBeCloseTo(1, 9);
        expect(errorBudget(o, { good, valid })!.consumedRatio).toBeCloseTo(1, 9);
        expect(exhaustionInMs(1, 1, days * dayMs)).toBe(days * dayMs);
      }),
    );
  });

  it('a budget half spent at burn rate 2 runs out in a quarter of the window', () => {
    expect(exhaustionInMs(0.5, 2, 30 * dayMs)).toBe(7.5 * dayMs);
    expect(exhaustionInMs(0.5, 0, 30 * dayMs)).toBeNull();
    expect(exhaustionInMs(0, 3, 30 * dayMs)).toBeNull();
  });

  it('no valid events define nothing: no data is never good', () => {
    expect(sliRatio({ good: 0, valid: 0 })).toBeNull();
    expect(burnRate(0.999, { good: 0, valid: 0 })).toBeNull();
    expect(errorBudget(0.999, { good: 0, valid: 0 })).toBeNull();
  });

  it('time slices count the budget in minutes of the whole window', () => {
    // 99.9 % over 30 days: 43.2 bad minutes allowed. 20 bad of 1,000 measured minutes spends 20/43.2.
    const budget = errorBudget(0.999, { good: 980, valid: 1_000 }, 30 * 24 * 60)!;
    expect(budget.totalEvents).toBeCloseTo(43.2, 9);
    expect(budget.consumedRatio).toBeCloseTo(20 / 43.2, 9);
  });
});
