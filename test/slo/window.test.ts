import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarMonth, dayMs, parseMonth, windowAt } from '../../src/slo/window.js';

describe('calendar windows', () => {
  it.each([
    ['2026-02', 28],
    ['2028-02', 29],
    ['2000-02', 29],
    ['2100-02', 28],
    ['2026-10', 31],
    ['2026-11', 30],
    ['2026-12', 31],
  ])('%s has %i days, from midnight UTC', (month, days) => {
    const bounds = parseMonth(month)!;
    expect((bounds.endMs - bounds.startMs) / dayMs).toBe(days);
    expect(new Date(bounds.startMs).toISOString()).toBe(`${month}-01T00:00:00.000Z`);
  });

  it('rejects what is not a month', () => {
    for (const text of ['2026-13', '2026-00', '2026-1', 'October', '2026-10-01']) expect(parseMonth(text)).toBeNull();
  });

  it('every instant falls in its UTC month, which starts on the 1st at 00:00 UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }), (atMs) => {
        const { startMs, endMs } = calendarMonth(atMs);
        expect(startMs).toBeLessThanOrEqual(atMs);
        expect(atMs).toBeLessThan(endMs);
        const start = new Date(startMs);
        expect([
          start.getUTCDate(),
          start.getUTCHours(),
          start.getUTCMinutes(),
          start.getUTCSeconds(),
          start.getUTCMilliseconds(),
        ]).toEqual([1, 0, 0, 0, 0]);
        expect(calendarMonth(endMs).startMs).toBe(endMs);
        const days = (endMs - startMs) / dayMs;
        expect([28, 29, 30, 31]).toContain(days);
      }),
    );
  });

  it('a calendar window covers the month so far, and its total is the whole month', () => {
    const at = Date.UTC(2028, 1, 10, 12);
    expect(windowAt({ kind: 'calendar', unit: 'month' }, at)).toEqual({
      startMs: Date.UTC(2028, 1, 1),
      endMs: at,
      totalMs: 29 * dayMs,
    });
    expect(windowAt({ kind: 'rolling', durationMs: 7 * dayMs }, at)).toEqual({
      startMs: at - 7 * dayMs,
      endMs: at,
      totalMs: 7 * dayMs,
    });
  });
});
