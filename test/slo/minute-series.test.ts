import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinuteSeries } from '../../src/slo/minute-series.js';

const minute = 60_000;

describe('MinuteSeries', () => {
  it('keeps each window sum equal to the sum of its last minutes, gaps included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 4 }),
            good: fc.integer({ min: 0, max: 5 }),
            bad: fc.integer({ min: 0, max: 5 }),
          }),
          { maxLength: 200 },
        ),
        (pushes) => {
          const windows = [1, 5, 30, 60];
          const series = new MinuteSeries(windows);
          const minutes: { good: number; valid: number }[] = [];
          let at = 0;
          for (const { gap, good, bad } of pushes) {
            at += gap * minute;
            for (let index = 0; index < gap; index += 1) minutes.push({ good: 0, valid: 0 });
            series.push(at, { good, valid: good + bad });
            minutes.push({ good, valid: good + bad });
            at += minute;
          }
          for (const window of windows) {
            const last = minutes.slice(-window);
            expect(series.sum(window)).toEqual({
              good: last.reduce((sum, item) => sum + item.good, 0),
              valid: last.reduce((sum, item) => sum + item.valid, 0),
            });
          }
        },
      ),
    );
  });

  it('refuses minutes out of order and windows it does not keep', () => {
    const series = new MinuteSeries([5]);
    series.push(10 * minute, { good: 1, valid: 1 });
    expect(() => series.push(9 * minute, { good: 1, valid: 1 })).toThrow(/out of order/);
    expect(() => series.sum(6)).toThrow(/no running sum/);
    expect(series.endMs).toBe(11 * minute);
  });
});
