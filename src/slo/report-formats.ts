// SLO reports as text for people and spreadsheets: an aligned table for the terminal, CSV (one row per SLO),
// Markdown to paste into a forum post or a DAO report, and JSON as the REST API returns it.

import type { SloReportView } from './report-view.js';

export const reportFormats = ['table', 'json', 'csv', 'markdown'] as const;
export type ReportFormat = (typeof reportFormats)[number];

const percent = (ratio: number | null, digits: number) => (ratio === null ? '–' : `${(ratio * 100).toFixed(digits)}%`);
/** Coverage with the digits that keep a small share from reading 0.0 %, and LOW below half the period. */
export function coverageText(ratio: number, low: boolean): string {
  const digits = ratio === 0 || ratio >= 0.1 ? 1 : ratio >= 0.001 ? 2 : 4;
  return `${(ratio * 100).toFixed(digits)}%${low ? ' LOW' : ''}`;
}
const lowDataWarning = (report: SloReportView) =>
  `${report.slo.id}: data for only ` +
  `${coverageText(report.dataCoverageRatio, false)} of the period: its SLI and budget stand on little`;
const met = (value: boolean | null) => (value === null ? 'no data' : value ? 'yes' : 'NO');
const periodText = (report: SloReportView) => `${report.period.label}${report.period.partial ? ' (so far)' : ''}`;
const minutes = (seconds: number) =>
  seconds >= 3_600 ? `${(seconds / 3_600).toFixed(1)}h` : `${Math.round(seconds / 60)}m`;
const shortTime = (iso: string) => iso.slice(0, 16).replace('T', ' ');

interface Column {
  title: string;
  value(report: SloReportView): string;
}

const summaryColumns: Column[] = [
  { title: 'SLO', value: (report) => report.slo.id },
  { title: 'Service', value: (report) => report.slo.service },
  { title: 'Period', value: periodText },
  { title: 'Objective', value: (report) => `${report.slo.objectivePercent}%` },
  { title: 'SLI', value: (report) => percent(report.sliRatio, 3) },
  { title: 'Met', value: (report) => met(report.objectiveMet) },
  { title: 'Budget used', value: (report) => percent(report.errorBudget?.consumedRatio ?? null, 1) },
  { title: 'Data', value: (report) => coverageText(report.dataCoverageRatio, report.dataCoverageLow) },
  { title: 'Incidents', value: (report) => String(report.incidents.length) },
];

function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index]!))
      .join('  ')
      .trimEnd(),
  );
}

function incidentLine(incident: SloReportView['incidents'][number]): string {
  const spent =
    incident.budgetConsumedRatio === null ? '' : `, ${percent(incident.budgetConsumedRatio, 1)} of the budget`;
  return (
    `${shortTime(incident.start)} → ${shortTime(incident.end)} ` +
    `(${minutes(incident.durationSeconds)}): ${incident.validEvents - incident.goodEvents} bad ` +
    `of ${incident.validEvents}, burn rate ${incident.burnRate.toFixed(1)}${spent}`
  );
}

export function formatTable(reports: readonly SloReportView[]): string {
  const lines = alignedTable(
    summaryColumns.map((column) => column.title.toUpperCase()),
    reports.map((report) => summaryColumns.map((column) => column.value(report))),
  );
  const low = reports.filter((report) => report.dataCoverageLow);
  if (low.length > 0) lines.push('', ...low.map((report) => `WARNING ${lowDataWarning(report)}`));
  for (const report of reports.filter((candidate) => candidate.incidents.length > 0)) {
    lines.push(
      '',
      `${report.slo.id}: worst incidents`,
      ...report.incidents.map((incident) => `  ${incidentLine(incident)}`),
    );
  }
  return lines.join('\n');
}

const csvColumns: { title: string; value(report: SloReportView): string | number | boolean | null }[] = [
  { title: 'slo', value: (report) => report.slo.id },
  { title: 'service', value: (report) => report.slo.service },
  { title: 'period', value: (report) => report.period.label },
  { title: 'from', value: (report) => report.period.from },
  { title: 'to', value: (report) => report.period.to },
  { title: 'partial', value: (report) => report.period.partial },
  { title: 'objective_percent', value: (report) => report.slo.objectivePercent },
  { title: 'budgeting', value: (report) => report.slo.budgeting },
  { title: 'good_events', value: (report) => report.goodEvents },
  { title: 'valid_events', value: (report) => report.validEvents },
  { title: 'sli_ratio', value: (report) => report.sliRatio },
  { title: 'objective_met', value: (report) => report.objectiveMet },
  { title: 'budget_consumed_ratio', value: (report) => report.errorBudget?.consumedRatio ?? null },
  { title: 'budget_remaining_ratio', value: (report) => report.errorBudget?.remainingRatio ?? null },
  { title: 'data_coverage_ratio', value: (report) => report.dataCoverageRatio },
  { title: 'data_coverage_low', value: (report) => report.dataCoverageLow },
  { title: 'incidents', value: (report) => report.incidents.length },
  { title: 'alert_transitions', value: (report) => report.alerts.length },
];

/** RFC 4180: quote a field holding a comma, a quote or a line break; empty for no value. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv(reports: readonly SloReportView[]): string {
  const rows = [
    csvColumns.map((column) => column.title),
    ...reports.map((report) => csvColumns.map((column) => csvField(column.value(report)))),
  ];
  return rows.map((row) => row.join(',')).join('\r\n');
}

/** Text in a Markdown table cell: pipes escaped, no line breaks. */
const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

export function formatMarkdown(reports: readonly SloReportView[]): string {
  const periods = [...new Set(reports.map(periodText))];
  const lines = [`# SLO report: ${periods.join(', ')}`, ''];
  lines.push(
    ...markdownTable(
      summaryColumns.map((column) => column.title),
      reports.map((report) => summaryColumns.map((column) => column.value(report))),
    ),
  );
  for (const report of reports) {
    lines.push('', `## ${report.slo.id}`, '');
    if (report.slo.description) lines.push(report.slo.description, '');
    if (report.dataCoverageLow) lines.push(`> **Warning:** ${lowDataWarning(report)}.`, '');
    lines.push(
      `- Service: ${report.slo.service}; objective ` +
        `${report.slo.objectivePercent}% over ${report.slo.window} (${report.slo.budgeting})`,
      `- SLI: ${report.slo.sli.description}`,
      `- Period: ${report.period.from} to ` +
        `${report.period.to}${report.period.partial ? ' (the period is not over)' : ''}`,
      `- Result: ${percent(report.sliRatio, 3)} over ${report.validEvents} valid events, objective met: ` +
        `${met(report.objectiveMet)}, error budget used: ` +
        `${percent(report.errorBudget?.consumedRatio ?? null, 1)}, data for ` +
        `${coverageText(report.dataCoverageRatio, report.dataCoverageLow)} of the minutes`,
    );
    if (report.incidents.length > 0)
      lines.push('', '### Worst incidents', '', ...report.incidents.map((incident) => `1. ${incidentLine(incident)}`));
    if (report.alerts.length > 0) {
      lines.push(
        '',
        '### Alerts',
        '',
        ...markdownTable(
          ['At', 'Severity', 'From', 'To'],
          report.alerts.map((alert) => [shortTime(alert.at), alert.severity, alert.from, alert.to]),
        ),
      );
    }
    lines.push(
      '',
      '### Per day (UTC)',
      '',
      ...markdownTable(
        ['Day', 'SLI', 'Met', 'Good', 'Valid'],
        report.days.map((day) => [
          day.date,
          percent(day.sliRatio, 3),
          met(day.objectiveMet),
          String(day.goodEvents),
          String(day.validEvents),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function formatReports(reports: readonly SloReportView[], format: ReportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ reports }, null, 2);
    case 'csv':
      return formatCsv(reports);
    case 'markdown':
      return formatMarkdown(reports);
    case 'table':
      return formatTable(reports);
  }
}
