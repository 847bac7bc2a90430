// An SLO compliance report as users receive it, from the REST API and from `ere report --format json`: ISO
// times, counts named as events, no infinities. The zod schema documents it in the OpenAPI document.

import { minWindowCoverage } from './status.js';
import { z } from 'zod';
import type { SloDefinition } from '../domain/slo.js';
import type { SloReportWithAlerts } from './slo-reports.js';

const iso = (ms: number) => new Date(ms).toISOString();
const finiteOrNull = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

/** What an SLO is, as every view of it starts: the status routes and the reports. */
export const sloIdentitySchema = z.object({
  id: z.string(),
  service: z.string(),
  description: z.string(),
  objectivePercent: z.number(),
  window: z.string().describe('"30d" or another rolling window, or "month" (the calendar month, UTC).'),
  budgeting: z.enum(['occurrences', 'timeslices']),
  sli: z.object({ kind: z.string(), description: z.string(), chain: z.string(), endpoints: z.array(z.string()) }),
  labels: z.record(z.string(), z.string()),
});

export function sloIdentity(definition: SloDefinition): z.infer<typeof sloIdentitySchema> {
  return {
    id: definition.id,
    service: definition.service,
    description: definition.description,
    objectivePercent: definition.objectivePercent,
    window: definition.windowText,
    budgeting: definition.budgeting,
    sli: {
      kind: definition.sli.kind,
      description: definition.sli.description,
      chain: definition.sli.selection.chain,
      endpoints: [...definition.sli.selection.endpoints],
    },
    labels: definition.labels,
  };
}

export const sloReportSchema = z.object({
  slo: sloIdentitySchema,
  period: z.object({
    label: z.string().describe('"2026-10", an ISO 8601 interval, or "last 30d".'),
    from: z.string(),
    to: z.string().describe('End (exclusive) of what the report covers.'),
    partial: z.boolean().describe('The period is not over (or not settled): the report covers it up to `to`.'),
  }),
  goodEvents: z.number(),
  validEvents: z.number().describe('Events, or minutes for time-slice SLOs.'),
  sliRatio: z.number().nullable().describe('Null without valid events: no data is never counted as good.'),
  objectiveRatio: z.number(),
  objectiveMet: z.boolean().nullable(),
  errorBudget: z
    .object({
      totalEvents: z.number(),
      consumedEvents: z.number(),
      remainingEvents: z.number(),
      consumedRatio: z.number().nullable(),
      remainingRatio: z.number(),
    })
    .nullable(),
  dataCoverageRatio: z
    .number()
    .describe(
      'Share of the data slots covered that had valid events: endpoint-minutes for ' +
        'SLIs counted per endpoint, minutes for chain SLIs and time slices.',
    ),
  dataCoverageLow: z
    .boolean()
    .describe('Data for less than half the period: the SLI and the budget stand on little, and say so.'),
  incidents: z
    .array(
      z.object({
        start: z.string(),
        end: z.string(),
        durationSeconds: z.number(),
        goodEvents: z.number(),
        validEvents: z.number(),
        burnRate: z.number(),
        peakBurnRate: z.number(),
        budgetConsumedRatio: z.number().nullable().describe('Share of the period’s error budget this incident spent.'),
      }),
    )
    .describe(
      'The worst incidents, most budget spent first: runs of minutes burning ' +
        'faster than the objective allows, gaps under 5 minutes bridged.',
    ),
  days: z.array(
    z.object({
      date: z.string(),
      goodEvents: z.number(),
      validEvents: z.number(),
      sliRatio: z.number().nullable(),
      objectiveMet: z.boolean().nullable(),
    }),
  ),
  alerts: z
    .array(z.object({ severity: z.enum(['page', 'ticket']), from: z.string(), to: z.string(), at: z.string() }))
    .describe('Burn-rate alert transitions inside the period.'),
});

export type SloReportView = z.infer<typeof sloReportSchema>;

export function reportView(definition: SloDefinition, report: SloReportWithAlerts): SloReportView {
  const budget = report.errorBudget;
  return {
    slo: sloIdentity(definition),
    period: {
      label: report.period.label,
      from: iso(report.period.fromMs),
      to: iso(report.period.toMs),
      partial: report.period.partial,
    },
    goodEvents: report.good,
    validEvents: report.valid,
    sliRatio: report.sliRatio,
    objectiveRatio: report.objectiveRatio,
    objectiveMet: report.objectiveMet,
    errorBudget: budget ? { ...budget, consumedRatio: finiteOrNull(budget.consumedRatio) } : null,
    dataCoverageRatio: report.dataCoverageRatio,
    dataCoverageLow: report.dataCoverageRatio < minWindowCoverage,
    incidents: report.incidents.map((incident) => ({
      start: iso(incident.startMs),
      end: iso(incident.endMs),
      durationSeconds: (incident.endMs - incident.startMs) / 1_000,
      goodEvents: incident.good,
      validEvents: incident.valid,
      burnRate: incident.burnRate,
      peakBurnRate: incident.peakBurnRate,
      budgetConsumedRatio: finiteOrNull(incident.budgetConsumedRatio),
    })),
    days: report.days.map((day) => ({
      date: iso(day.dayMs).slice(0, 10),
      goodEvents: day.good,
      validEvents: day.valid,
      sliRatio: day.sliRatio,
      objectiveMet: day.objectiveMet,
    })),
    alerts: report.alerts.map((transition) => ({
      severity: transition.severity,
      from: transition.from,
      to: transition.to,
      at: iso(transition.atMs),
    })),
  };
}
