// SLOs as they stand: the latest evaluation of each, with its budget, burn rates, alert states and
// whether it has enough data to alert.

import { z } from 'zod';
import type { SloEngine } from '../../slo/slo-engine.js';
import type { SloStatus } from '../../slo/status.js';
import type { StoredAlert } from '../../slo/slo-store.js';
import type { SloDefinition } from '../../domain/slo.js';
import { sloIdentity, sloIdentitySchema } from '../../slo/report-view.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const finiteOrNull = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value;

const alertSchema = z.object({ state: z.enum(['inactive', 'firing', 'resolved']), since: z.string().nullable() });
const burnRatesSchema = z
  .record(z.string(), z.number().nullable())
  .describe('By window: 5m, 30m, 1h, 2h, 6h, 1d, 3d and "window" (the whole SLO window).');

export const sloSummarySchema = sloIdentitySchema.extend({
  evaluatedAt: z
    .string()
    .nullable()
    .describe('End (exclusive) of the last minute counted; null before the first evaluation.'),
  sliRatio: z.number().nullable().describe('Over the SLO window; null without valid events (no data is never good).'),
  errorBudgetRemainingRatio: z.number().nullable(),
  burnRates: burnRatesSchema,
  alerts: z.object({ page: alertSchema, ticket: alertSchema }),
  data: z.object({
    validEvents: z.number(),
    minValidEvents: z.number(),
    sufficient: z.boolean().describe('Enough valid events for alerting (the low-traffic guard).'),
  }),
});

export const sloDetailSchema = sloSummarySchema.extend({
  windowRange: z
    .object({ start: z.string(), end: z.string(), goodEvents: z.number(), validEvents: z.number() })
    .nullable(),
  errorBudget: z
    .object({
      totalEvents: z.number(),
      consumedEvents: z.number(),
      remainingEvents: z.number(),
      consumedRatio: z.number().nullable(),
      remainingRatio: z.number(),
    })
    .nullable()
    .describe('In events, or minutes for time slices.'),
  exhaustionAt: z
    .string()
    .nullable()
    .describe('When the budget runs out if the last hour’s burn rate goes on; null when it does not.'),
  tiers: z.array(
    z.object({
      severity: z.enum(['page', 'ticket']),
      threshold: z.number(),
      longWindowSeconds: z.number(),
      shortWindowSeconds: z.number(),
      longBurnRate: z.number().nullable(),
      shortBurnRate: z.number().nullable(),
      longValidEvents: z.number(),
      fires: z.boolean(),
      guarded: z.boolean().describe('Too few valid events in the long window to fire.'),
    }),
  ),
});

function alertView(alert: StoredAlert | null) {
  return { state: alert?.state ?? 'inactive', since: iso(alert?.sinceMs ?? null) };
}

function summary(
  definition: SloDefinition,
  status: SloStatus | null,
  alerts: Record<'page' | 'ticket', StoredAlert | null>,
): z.infer<typeof sloSummarySchema> {
  return {
    ...sloIdentity(definition),
    evaluatedAt: iso(status?.evaluatedAtMs ?? null),
    sliRatio: status?.sliRatio ?? null,
    errorBudgetRemainingRatio: status?.errorBudget?.remainingRatio ?? null,
    burnRates: status
      ? Object.fromEntries(Object.entries(status.burnRates).map(([window, rate]) => [window, finiteOrNull(rate)]))
      : {},
    alerts: { page: alertView(alerts.page), ticket: alertView(alerts.ticket) },
    data: {
      validEvents: status?.data.validEvents ?? 0,
      minValidEvents: definition.alerting.minValidEvents,
      sufficient: status?.data.sufficient ?? false,
    },
  };
}

function detail(
  definition: SloDefinition,
  status: SloStatus | null,
  alerts: Record<'page' | 'ticket', StoredAlert | null>,
): z.infer<typeof sloDetailSchema> {
  const budget = status?.errorBudget ?? null;
  return {
    ...summary(definition, status, alerts),
    windowRange: status
      ? {
          start: iso(status.window.startMs)!,
          end: iso(status.window.endMs)!,
          goodEvents: status.window.good,
          validEvents: status.window.valid,
        }
      : null,
    errorBudget: budget ? { ...budget, consumedRatio: finiteOrNull(budget.consumedRatio) } : null,
    exhaustionAt: iso(status?.exhaustionAtMs ?? null),
    tiers: (status?.tiers ?? []).map((tier) => ({
      severity: tier.severity,
      threshold: tier.threshold,
      longWindowSeconds: tier.longWindowMs / 1_000,
      shortWindowSeconds: tier.shortWindowMs / 1_000,
      longBurnRate: finiteOrNull(tier.longBurnRate),
      shortBurnRate: finiteOrNull(tier.shortBurnRate),
      longValidEvents: tier.longValidEvents,
      fires: tier.fires,
      guarded: tier.guarded,
    })),
  };
}

export function sloRoutes(engine: SloEngine): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos',
      summary: 'Every SLO with its latest SLI, remaining budget, burn rates and alert states.',
      tag: 'slos',
      responses: { 200: { description: 'SLOs.', schema: z.object({ slos: z.array(sloSummarySchema) }) } },
      handler: () => ({
        slos: engine.statuses().map(({ definition, status, alerts }) => summary(definition, status, alerts)),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos/:id',
      summary: 'One SLO: SLI, error budget, burn rates, alert tiers and states, data sufficiency.',
      tag: 'slos',
      params: z.strictObject({ id: z.string().min(1).describe('SLO id from the config.') }),
      responses: {
        200: { description: 'The SLO.', schema: sloDetailSchema },
        404: { description: 'No SLO with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const entry = engine.statuses().find(({ definition }) => definition.id === params.id);
        if (!entry) throw notFound(`no SLO "${params.id}"`);
        return detail(entry.definition, entry.status, entry.alerts);
      },
    }),
  ];
}
