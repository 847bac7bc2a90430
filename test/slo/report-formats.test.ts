import { describe, expect, it } from 'vitest';
import { coverageText, formatReports } from '../../src/slo/report-formats.js';
import type { SloReportView } from '../../src/slo/report-view.js';

describe('coverageText', () => {
  it.each([
    { ratio: 0, low: true, text: '0.0% LOW' },
    // Two minutes of a month read 0.0 % with one digit.
    { ratio: 0.0002, low: true, text: '0.0200% LOW' },
    { ratio: 0.004, low: true, text: '0.40% LOW' },
    { ratio: 0.25, low: true, text: '25.0% LOW' },
    { ratio: 0.5, low: false, text: '50.0%' },
    { ratio: 1, low: false, text: '100.0%' },
  ])('$ratio → $text', ({ ratio, low, text }) => {
    expect(coverageText(ratio, low)).toBe(text);
  });
});

describe('low coverage in the reports', () => {
  const report = (id: string, dataCoverageRatio: number) =>
    ({
      slo: {
        id,
        service: 'rpc',
        objectivePercent: 99.9,
        window: '30d',
        budgeting: 'occurrences',
        description: '',
        sli: { description: 'availability' },
      },
      period: { label: '2026-12', from: '2026-12-01T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z', partial: true },
      goodEvents: 0,
      validEvents: 200,
      sliRatio: 0,
      objectiveMet: false,
      errorBudget: null,
      dataCoverageRatio,
      dataCoverageLow: dataCoverageRatio < 0.5,
      incidents: [],
      alerts: [],
      days: [],
    }) as unknown as SloReportView;
  const reports = [report('two-minutes', 0.0002), report('covered', 0.99)];

  it('the table marks it LOW and warns under the table, naming the SLO; a covered SLO gets no warning', () => {
    const table = formatReports(reports, 'table');
    expect(table).toContain('0.0200% LOW');
    expect(table).toContain('WARNING two-minutes: data for only 0.0200% of the period');
    expect(table).not.toContain('WARNING covered');
  });

  it('Markdown warns in the SLO section, and CSV has a column for it', () => {
    expect(formatReports(reports, 'markdown')).toContain(
      '> **Warning:** two-minutes: data for only 0.0200% of the period',
    );
    const [header, first, second] = formatReports(reports, 'csv').split(/\r?\n/);
    const column = header!.split(',').indexOf('data_coverage_low');
    expect(column).toBeGreaterThan(0);
    expect([first!.split(',')[column], second!.split(',')[column]]).toEqual(['true', 'false']);
  });
});
