import { describe, expect, it } from 'vitest';
import { defaultTiers, tierFires } from '../../src/slo/alert-tiers.js';
import { nextAlertState } from '../../src/slo/alert-state.js';
import { dayMs, hourMs, minuteMs } from '../../src/slo/window.js';

describe('default burn-rate tiers', () => {
  it('are the SRE Workbook defaults for a 30-day window', () => {
    expect(defaultTiers({ kind: 'rolling', durationMs: 30 * dayMs })).toEqual([
      { severity: 'page', burnRate: 14.4, longWindowMs: hourMs, shortWindowMs: 5 * minuteMs },
      { severity: 'page', burnRate: 6, longWindowMs: 6 * hourMs, shortWindowMs: 30 * minuteMs },
      { severity: 'ticket', burnRate: 3, longWindowMs: dayMs, shortWindowMs: 2 * hourMs },
      { severity: 'ticket', burnRate: 1, longWindowMs: 3 * dayMs, shortWindowMs: 6 * hourMs },
    ]);
    expect(defaultTiers({ kind: 'calendar', unit: 'month' })).toEqual(
      defaultTiers({ kind: 'rolling', durationMs: 30 * dayMs }),
    );
  });

  it('scale windows with the SLO window, keeping the budget share each tier catches', () => {
    const [page] = defaultTiers({ kind: 'rolling', durationMs: 7 * dayMs });
    expect(page).toEqual({ severity: 'page', burnRate: 14.4, longWindowMs: 14 * minuteMs, shortWindowMs: minuteMs });
    const [fast] = defaultTiers({ kind: 'rolling', durationMs: 28 * dayMs });
    expect(fast!.longWindowMs).toBe(56 * minuteMs);
    // 2 % of a 28-day budget in 56 minutes.
    expect(fast!.burnRate).toBeCloseTo((0.02 * 28 * dayMs) / (56 * minuteMs), 6);
  });

  it('fire only when both windows burn too fast and the long window has enough events', () => {
    const tier = { severity: 'page' as const, burnRate: 14.4, longWindowMs: hourMs, shortWindowMs: 5 * minuteMs };
    expect(tierFires(tier, { longBurnRate: 20, shortBurnRate: 15, longValidEvents: 100 }, 10)).toBe(true);
    expect(tierFires(tier, { longBurnRate: 20, shortBurnRate: 10, longValidEvents: 100 }, 10)).toBe(false);
    expect(tierFires(tier, { longBurnRate: 10, shortBurnRate: 20, longValidEvents: 100 }, 10)).toBe(false);
    expect(tierFires(tier, { longBurnRate: 20, shortBurnRate: 20, longValidEvents: 9 }, 10)).toBe(false);
    expect(tierFires(tier, { longBurnRate: null, shortBurnRate: 20, longValidEvents: 100 }, 10)).toBe(false);
    expect(tierFires(tier, { longBurnRate: 14.4, shortBurnRate: 14.4, longValidEvents: 100 }, 10)).toBe(false);
  });
});

describe('SLO alert state machine', () => {
  it.each([
    ['inactive', false, 'inactive', null],
    ['inactive', true, 'firing', { from: 'inactive', to: 'firing' }],
    ['firing', true, 'firing', null],
    ['firing', false, 'resolved', { from: 'firing', to: 'resolved' }],
    ['resolved', false, 'resolved', null],
    ['resolved', true, 'firing', { from: 'resolved', to: 'firing' }],
  ] as const)('%s, fires=%s → %s', (from, fires, state, transition) => {
    expect(nextAlertState(from, fires)).toEqual({ state, transition });
  });
});
