// Compliance reports: totals, objective met, budget, incidents, days, and the periods they cover.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SloDefinition } from '../../src/domain/slo.js';
import {
  buildReport,
  incidentGapMinutes,
  minuteSource,
  resolvePeriod,
  ReportPeriodError,
  worstIncidents,
  type MinuteEvents,
  type ReportPeriod,
} from '../../src/slo/report.js';
import { dayMs, minuteMs } from '../../src/slo/window.js';

const october = Date.UTC(2026, 9, 1);

function definition(fields: Partial<SloDefinition> = {}): SloDefinition {
  return {
    id: 's',
    service: 'rpc',
    description: '',
    objectivePercent: 99,
    objective: 0.99,
    window: { kind: 'calendar', unit: 'month' },
    windowText: 'month',
    budgeting: 'occurrences',
    timesliceObjective: 0.99,
    sli: {
      kind: 'availability',
      description: '',
      selection: { chain: 'c', endpoints: ['e'] },
      query: { table: 'rpc_rollups_1m', good: 'ok_count', valid: 'total_count' },
    },
    labels: {},
    alerting: { enabled: true, minValidEvents: 0, tiers: [] },
    ...fields,
  };
}

const month: ReportPeriod = {
  fromMs: october,
  toMs: Date.UTC(2026, 10, 1),
  label: '2026-10',
  partial: false,
  totalMs: 31 * dayMs,
};

/** Minutes [from, to) of the period, 10 events each, `bad` of them bad. */
function minutes(from: number, to: number, bad: (index: number) => number = () => 0): MinuteEvents[] {
  return Array.from({ length: to - from }, (_, offset) => ({
    minuteMs: october + (from + offset) * minuteMs,
    good: 10 - bad(from + offset),
    valid: 10,
  }));
}

describe('buildReport', () => {
  it('totals the period, says whether the objective was met and how much budget the worst incident spent', () => {
    const data = minutes(0, 31 * 1_440, (index) => (index >= 600 && index < 630 ? 10 : 0));
    const report = buildReport(definition(), month, minuteSource(data));
    expect(report.valid).toBe(31 * 1_440 * 10);
    expect(report.good).toBe(31 * 1_440 * 10 - 300);
    expect(report.objectiveMet).toBe(true);
    expect(report.errorBudget?.totalEvents).toBeCloseTo(0.01 * 31 * 1_440 * 10, 6);
    expect(report.errorBudget?.consumedEvents).toBe(300);
    expect(report.dataCoverageRatio).toBe(1);
    expect(report.incidents).toEqual([
      expect.objectContaining({
        startMs: october + 600 * minuteMs,
        endMs: october + 630 * minuteMs,
        good: 0,
        valid: 300,
      }),
    ]);
    expect(report.incidents[0]!.burnRate).toBeCloseTo(100, 9);
    expect(report.incidents[0]!.budgetConsumedRatio).toBeCloseTo(300 / (0.01 * 31 * 1_440 * 10), 9);
    expect(report.days).toHaveLength(31);
    expect(report.days[0]).toMatchObject({ dayMs: october, valid: 14_400, good: 14_100, objectiveMet: false });
    expect(report.days[1]).toMatchObject({ valid: 14_400, good: 14_400, objectiveMet: true });
    expect(report.days[0]!.sliRatio).toBeCloseTo(14_100 / 14_400, 12);
  });

  it('without data the objective is neither met nor missed, and the days say so', () => {
    const report = buildReport(definition(), month, minuteSource([]));
    expect(report).toMatchObject({
      sliRatio: null,
      objectiveMet: null,
      errorBudget: null,
      dataCoverageRatio: 0,
      incidents: [],
    });
    expect(report.days.every((day) => day.sliRatio === null && day.objectiveMet === null)).toBe(true);
  });

  it('a missed objective, with data for half the month only', () => {
    const data = minutes(0, 15 * 1_440, (index) => (index % 10 === 0 ? 2 : 0));
    const report = buildReport(definition(), month, minuteSource(data));
    expect(report.sliRatio).toBeCloseTo(0.98, 12);
    expect(report.objectiveMet).toBe(false);
    expect(report.errorBudget?.remainingRatio).toBe(0);
    expect(report.dataCoverageRatio).toBeCloseTo(15 / 31, 12);
    expect(report.days[20]).toMatchObject({ valid: 0, sliRatio: null });
  });

  it('time slices: the budget is a share of every minute of the period, measured or not', () => {
    const data = minutes(0, 1_440).map((minute, index) => ({
      minuteMs: minute.minuteMs,
      good: index < 100 ? 0 : 1,
      valid: 1,
    }));
    const report = buildReport(definition({ budgeting: 'timeslices' }), month, minuteSource(data));
    expect(report.errorBudget?.totalEvents).toBeCloseTo(0.01 * 31 * 1_440, 9);
    expect(report.errorBudget?.consumedEvents).toBe(100);
  });

  it('ignores minutes outside the period', () => {
    const data = [...minutes(-10, 0, () => 10), ...minutes(0, 10)];
    expect(buildReport(definition(), month, minuteSource(data))).toMatchObject({
      good: 100,
      valid: 100,
      incidents: [],
    });
  });
});

describe('worstIncidents', () => {
  it('bridges gaps shorter than the gap limit, splits longer ones, and ranks by budget spent', () => {
    const bad = new Set([10, 11, 12, 13 + incidentGapMinutes, 100, 101, 102, 103, 104, 105, 300]);
    const data = minutes(0, 400, (index) => (bad.has(index) ? 5 : 0));
    const incidents = worstIncidents(0.99, data, 1_000, 10, minuteSource(data).range);
    expect(
      incidents.map((incident) => [(incident.startMs - october) / minuteMs, (incident.endMs - october) / minuteMs]),
    ).toEqual([
      [100, 106],
      [10, 13],
      [13 + incidentGapMinutes, 14 + incidentGapMinutes],
      [300, 301],
    ]);
    const bridgedData = minutes(0, 400, (index) => (index === 10 || index === 10 + incidentGapMinutes - 1 ? 5 : 0));
    const bridged = worstIncidents(0.99, bridgedData, 1_000, 10, minuteSource(bridgedData).range);
    expect(bridged).toHaveLength(1);
    expect(bridged[0]).toMatchObject({
      good: (incidentGapMinutes - 2) * 10 + 10,
      valid: incidentGapMinutes * 10,
      budgetConsumedRatio: 0.01,
    });
    expect(bridged[0]!.peakBurnRate).toBeCloseTo(50, 9);
  });

  it('a minute burning exactly at the objective is not an incident; the limit caps the list', () => {
    const atObjective = minutes(0, 10, () => 1);
    expect(worstIncidents(0.9, atObjective, 100, 5, minuteSource(atObjective).range)).toEqual([]);
    const many = minutes(0, 100, (index) => (index % 10 === 0 ? 1 : 0));
    expect(worstIncidents(0.99, many, 100, 3, minuteSource(many).range)).toHaveLength(3);
  });

  it('every bad event of a burning minute lands in exactly one incident', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (bads) => {
        const data = minutes(0, bads.length, (index) => bads[index]!);
        const incidents = worstIncidents(0.99, data, 100, 1_000, minuteSource(data).range);
        const burningBad = data
          .filter((minute) => minute.good < minute.valid)
          .reduce((sum, minute) => sum + minute.valid - minute.good, 0);
        expect(incidents.reduce((sum, incident) => sum + incident.valid - incident.good, 0)).toBe(burningBad);
        for (let index = 1; index < incidents.length; index += 1) {
          expect(incidents[index - 1]!.valid - incidents[index - 1]!.good).toBeGreaterThanOrEqual(
            incidents[index]!.valid - incidents[index]!.good,
          );
        }
      }),
    );
  });
});

describe('resolvePeriod', () => {
  const settled = Date.UTC(2026, 10, 21, 12, 30);
  const rolling = { kind: 'rolling', durationMs: 30 * dayMs } as const;
  const calendar = { kind: 'calendar', unit: 'month' } as const;

  it('a past month is whole; February has 28 or 29 days; the current month is partial', () => {
    expect(resolvePeriod({ period: '2026-10' }, rolling, settled)).toEqual({ ...month, label: '2026-10' });
    expect(resolvePeriod({ period: '2026-02' }, rolling, settled).totalMs).toBe(28 * dayMs);
    expect(resolvePeriod({ period: '2028-02' }, rolling, settled).totalMs).toBe(29 * dayMs);
    expect(resolvePeriod({ period: '2026-11' }, rolling, settled)).toEqual({
      fromMs: Date.UTC(2026, 10, 1),
      toMs: settled,
      label: '2026-11',
      partial: true,
      totalMs: 30 * dayMs,
    });
    expect(resolvePeriod({ period: '2027-01' }, rolling, settled)).toMatchObject({
      fromMs: Date.UTC(2027, 0, 1),
      toMs: Date.UTC(2027, 0, 1),
      partial: true,
    });
  });

  it('a range is rounded down to minutes; the default is the SLO window', () => {
    expect(
      resolvePeriod({ fromMs: october + 59_999, toMs: october + 3 * minuteMs + 1 }, rolling, settled),
    ).toMatchObject({
      fromMs: october,
      toMs: october + 3 * minuteMs,
      totalMs: 3 * minuteMs,
      partial: false,
      label: '2026-10-01T00:00:00.000Z/2026-10-01T00:03:00.000Z',
    });
    expect(resolvePeriod({}, rolling, settled)).toMatchObject({
      fromMs: settled - 30 * dayMs,
      toMs: settled,
      partial: false,
      label: 'last 30d',
    });
    expect(resolvePeriod({}, calendar, settled)).toMatchObject({
      fromMs: Date.UTC(2026, 10, 1),
      toMs: settled,
      partial: true,
      label: '2026-11',
    });
  });

  it('rejects a bad month, an empty range, and a month with a range', () => {
    expect(() => resolvePeriod({ period: '2026-13' }, rolling, settled)).toThrow(ReportPeriodError);
    expect(() => resolvePeriod({ period: 'October' }, rolling, settled)).toThrow(/not a month such as 2026-10/);
    expect(() => resolvePeriod({ fromMs: october, toMs: october + 59_000 }, rolling, settled)).toThrow(
      /from must be before to/,
    );
    expect(() => resolvePeriod({ period: '2026-10', fromMs: october }, rolling, settled)).toThrow(/not both/);
  });
});
