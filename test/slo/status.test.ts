import { describe, expect, it } from 'vitest';
import type { SloDefinition } from '../../src/domain/slo.js';
import { defaultTiers } from '../../src/slo/alert-tiers.js';
import { MinuteSeries } from '../../src/slo/minute-series.js';
import { computeStatus, seriesWindows, sloEvents, windowCoverage } from '../../src/slo/status.js';
import { dayMs, minuteMs } from '../../src/slo/window.js';

const window = { kind: 'rolling' as const, durationMs: 30 * dayMs };
const definition: SloDefinition = {
  id: 'avail',
  service: 'rpc',
  description: '',
  objectivePercent: 99.9,
  objective: 0.999,
  window,
  windowText: '30d',
  budgeting: 'occurrences',
  timesliceObjective: 0.999,
  sli: {
    kind: 'availability',
    description: '',
    selection: { chain: 'c', endpoints: ['a'] },
    query: { table: 'rpc_rollups_1m', good: 'ok_count', valid: 'total_count' },
  },
  labels: {},
  alerting: { enabled: true, minValidEvents: 20, tiers: defaultTiers(window) },
};

/** `minutes` minutes of 100 events each with the given error ratio, ending at `end`. */
function seriesOf(def: SloDefinition, minutes: number, errorRatio: number, perMinute = 100) {
  const series = new MinuteSeries(seriesWindows(def));
  const end = 1_800_000_000_000;
  for (let index = minutes; index > 0; index -= 1)
    series.push(end - index * minuteMs, { good: perMinute * (1 - errorRatio), valid: perMinute });
  return { series, end };
}

function status(def: SloDefinition, minutes: number, errorRatio: number, perMinute = 100) {
  const { series, end } = seriesOf(def, minutes, errorRatio, perMinute);
  const valid = minutes * perMinute;
  return computeStatus({
    definition: def,
    evaluatedAtMs: end,
    window: { startMs: end - 30 * dayMs, endMs: end, totalMs: 30 * dayMs },
    windowCounts: { good: valid * (1 - errorRatio), valid },
    series,
  });
}

describe('computeStatus', () => {
  it(
    'a steady 1 % error rate burns a 99.9 % budget 10× too fast: the ' +
      '6× page and both tickets fire, not the 14.4× page',
    () => {
      const result = status(definition, 4_320, 0.01);
      expect(result.burnRates['1h']).toBeCloseTo(10, 9);
      expect(result.burnRates.window).toBeCloseTo(10, 9);
      expect(result.tiers.map((tier) => tier.fires)).toEqual([false, true, true, true]);
      expect(result.firing).toEqual({ page: true, ticket: true });
      expect(result.sliRatio).toBeCloseTo(0.99, 9);
      expect(result.errorBudget!.remainingRatio).toBe(0);
      expect(result.exhaustionAtMs).toBeNull();
    },
  );

  it('a good service fires nothing and forecasts from the last hour', () => {
    const result = status(definition, 4_320, 0.0005, 10_000);
    expect(result.firing).toEqual({ page: false, ticket: false });
    expect(result.errorBudget!.consumedRatio).toBeCloseTo(0.5, 9);
    // Half the budget left at burn rate 0.5: a whole window to go.
    expect(result.exhaustionAtMs! - result.evaluatedAtMs).toBeCloseTo(30 * dayMs, -3);
  });

  it('the low-traffic guard keeps a sparse SLO from paging, and says so', () => {
    const result = status(definition, 4_320, 1, 0.001);
    expect(result.tiers[0]).toMatchObject({ guarded: true, fires: false });
    expect(result.firing.page).toBe(false);
  });

  it('no data is no SLI and no budget, never good', () => {
    const result = status(definition, 0, 0);
    expect(result).toMatchObject({ sliRatio: null, errorBudget: null, data: { validEvents: 0, sufficient: false } });
    expect(result.burnRates['5m']).toBeNull();
  });

  it('a disabled SLO never fires', () => {
    expect(status({ ...definition, alerting: { ...definition.alerting, enabled: false } }, 4_320, 0.5).firing).toEqual({
      page: false,
      ticket: false,
    });
  });

  it('time slices turn each minute into one good or bad minute', () => {
    const slices = { ...definition, budgeting: 'timeslices' as const, timesliceObjective: 0.95 };
    expect(sloEvents(slices, { good: 96, valid: 100 })).toEqual({ good: 1, valid: 1 });
    expect(sloEvents(slices, { good: 94, valid: 100 })).toEqual({ good: 0, valid: 1 });
    expect(sloEvents(slices, { good: 0, valid: 0 })).toEqual({ good: 0, valid: 0 });
    expect(sloEvents(definition, { good: 94, valid: 100 })).toEqual({ good: 94, valid: 100 });
  });
});

describe('window coverage', () => {
  it.each([
    { name: 'no data yet', since: null, windowMinutes: 60, coverage: 0 },
    { name: 'two minutes of a 3-day window', since: -2, windowMinutes: 4_320, coverage: 2 / 4_320 },
    { name: 'half the window', since: -30, windowMinutes: 60, coverage: 0.5 },
    { name: 'longer than the window', since: -600, windowMinutes: 60, coverage: 1 },
    { name: 'data since the future (clock moved back)', since: 5, windowMinutes: 60, coverage: 0 },
  ])('$name: $coverage', ({ since, windowMinutes, coverage }) => {
    const end = 1_800_000_000_000;
    expect(windowCoverage(since === null ? null : end + since * minuteMs, end, windowMinutes * minuteMs)).toBeCloseTo(
      coverage,
      12,
    );
  });

  /** Two minutes of data, all bad: what the demo showed two minutes in. */
  function twoMinutesIn(sinceMinutes: number) {
    const { series, end } = seriesOf(definition, 2, 1);
    return computeStatus({
      definition,
      evaluatedAtMs: end,
      window: { startMs: end - 30 * dayMs, endMs: end, totalMs: 30 * dayMs },
      windowCounts: { good: 0, valid: 200 },
      series,
      dataSinceMs: end - sinceMinutes * minuteMs,
    });
  }

  it('two minutes of data cover half of no window: every burn rate and every tier is unknown', () => {
    const result = twoMinutesIn(2);
    for (const name of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'] as const)
      expect(result.burnRates[name], name).toBeNull();
    expect(result.tiers.every((tier) => tier.longBurnRate === null && !tier.fires)).toBe(true);
    expect(result.firing).toEqual({ page: false, ticket: false });
    expect(result.data.windowCoverage).toBeCloseTo(2 / (30 * 1_440), 12);
  });

  it.each([
    { sinceMinutes: 2, page: false, covered: [] },
    { sinceMinutes: 3, page: false, covered: ['5m'] },
    { sinceMinutes: 29, page: false, covered: ['5m', '30m'] },
    // Half the hour covered, and all of it bad: the 1 h / 5 min tier may page.
    { sinceMinutes: 30, page: true, covered: ['5m', '30m', '1h'] },
    { sinceMinutes: 180, page: true, covered: ['5m', '30m', '1h', '2h', '6h'] },
  ])('data since $sinceMinutes minutes ago: $covered told, page $page', ({ sinceMinutes, page, covered }) => {
    const result = twoMinutesIn(sinceMinutes);
    const told = Object.entries(result.burnRates)
      .filter(([, rate]) => rate !== null)
      .map(([name]) => name);
    expect(told).toEqual(covered);
    expect(result.firing.page).toBe(page);
  });
});
