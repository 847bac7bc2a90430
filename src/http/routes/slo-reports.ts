// SLO history (stored evaluations, for burn-down charts) and compliance reports (from the rollups).

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { SloReports } from '../../slo/slo-reports.js';
import { ReportPeriodError } from '../../slo/report.js';
import { minuteMs, windowAt } from '../../slo/window.js';
import { parseDurationMs } from '../../domain/duration.js';
import { sloReportSchema, reportView } from '../../slo/report-view.js';
import { instant, wholeNumber } from '../query.js';
import { HttpError, defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

/** As many points as Prometheus' query_range allows. */
export const maxHistoryPoints = 11_000;
/** The default step keeps a chart to about this many points. */
const defaultHistoryPoints = 500;

const sloParams = z.strictObject({ id: z.string().min(1).describe('SLO id from the config.') });

const step = z
  .string()
  .transform((value, ctx) => {
    const ms = parseDurationMs(/^\d+$/.test(value) ? Number(value) : value);
    if (ms === null || ms < minuteMs || ms % minuteMs !== 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a whole number of minutes, such as "5m", "1h" or "3600" (seconds)',
      });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

const historyQuery = z.strictObject({
  from: instant.describe('Start (inclusive). Default: the start of the SLO window ending at `to`.'),
  to: instant.describe('End (inclusive). Default: now.'),
  step: step.describe(
    'Spacing of the points: a duration ("5m", "1h") or seconds, whole minutes. Default: about 500 points.',
  ),
});

const historyPointSchema = z.object({
  at: z.string().describe('from + k × step: the point shows the last evaluation at or before it, within one step.'),
  evaluatedAt: z.string(),
  windowGoodEvents: z.number(),
  windowValidEvents: z.number(),
  sliRatio: z.number().nullable(),
  errorBudgetRemainingRatio: z.number().nullable(),
  errorBudgetConsumedRatio: z.number().nullable(),
  burnRates: z.record(z.string(), z.number().nullable()),
  firing: z.object({ page: z.boolean(), ticket: z.boolean() }),
});

const reportQuery = z.strictObject({
  period: z.string().optional().describe('A calendar month, "2026-10" (UTC). Or give from and to.'),
  from: instant.describe('Start (inclusive), rounded down to a minute.'),
  to: instant.describe('End (exclusive), rounded down to a minute. Default: now.'),
  incidents: wholeNumber(0, 50).describe('How many of the worst incidents to list, 0 to 50. Default 5.'),
});

const finiteOrNull = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

export function sloReportRoutes(deps: { reports: SloReports; clock: Clock }): RouteDefinition[] {
  const definitionOf = (id: string) => {
    const definition = deps.reports.definition(id);
    if (!definition) throw notFound(`no SLO "${id}"`);
    return definition;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos/:id/history',
      summary: 'An SLO’s evaluations over time (SLI, budget remaining, burn rates, firing tiers), for charts.',
      tag: 'slos',
      params: sloParams,
      query: historyQuery,
      responses: {
        200: {
          description: 'Points, oldest first; steps without an evaluation are left out.',
          schema: z.object({
            slo: z.string(),
            from: z.string(),
            to: z.string(),
            stepSeconds: z.number(),
            points: z.array(historyPointSchema),
          }),
        },
        400: { description: 'A bad parameter, or more than 11,000 points.', schema: errorBodySchema },
        404: { description: 'No SLO with that id.', schema: errorBodySchema },
      },
      handler: ({ params, query }) => {
        const definition = definitionOf(params.id);
        const toMs = query.to ?? deps.clock.now();
        const fromMs = query.from ?? windowAt(definition.window, toMs).startMs;
        if (fromMs > toMs)
          throw new HttpError(400, 'bad_request', 'query.from: must not be after query.to', 'query.from');
        const stepMs =
          query.step ?? Math.max(minuteMs, Math.ceil((toMs - fromMs) / defaultHistoryPoints / minuteMs) * minuteMs);
        if ((toMs - fromMs) / stepMs > maxHistoryPoints) {
          throw new HttpError(
            400,
            'bad_request',
            `query.step: more than ${maxHistoryPoints} points; use a larger step or a shorter range`,
            'query.step',
          );
        }
        const points = deps.reports.history(definition, fromMs, toMs, stepMs).map((evaluation) => ({
          at: new Date(fromMs + Math.ceil((evaluation.evaluatedAtMs - fromMs) / stepMs) * stepMs).toISOString(),
          evaluatedAt: new Date(evaluation.evaluatedAtMs).toISOString(),
          windowGoodEvents: evaluation.windowGood,
          windowValidEvents: evaluation.windowValid,
          sliRatio: evaluation.sliRatio,
          errorBudgetRemainingRatio: evaluation.budgetRemainingRatio,
          errorBudgetConsumedRatio: finiteOrNull(evaluation.budgetConsumedRatio),
          burnRates: Object.fromEntries(
            Object.entries(evaluation.burnRates).map(([window, rate]) => [window, finiteOrNull(rate)]),
          ),
          firing: evaluation.firing,
        }));
        return {
          slo: definition.id,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          stepSeconds: stepMs / 1_000,
          points,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/slos/:id/report',
      summary:
        'A compliance report for a calendar month or a range: SLI, ' +
        'objective met, budget spent, worst incidents, SLI per day.',
      tag: 'slos',
      params: sloParams,
      query: reportQuery,
      responses: {
        200: { description: 'The report, computed from the per-minute rollups.', schema: sloReportSchema },
        400: { description: 'A bad period.', schema: errorBodySchema },
        404: { description: 'No SLO with that id.', schema: errorBodySchema },
      },
      handler: ({ params, query }) => {
        const definition = definitionOf(params.id);
        try {
          return reportView(
            definition,
            deps.reports.report(
              definition,
              { period: query.period, fromMs: query.from, toMs: query.to },
              query.incidents ?? 5,
            ),
          );
        } catch (error) {
          if (error instanceof ReportPeriodError)
            throw new HttpError(
              400,
              'bad_request',
              `query: ${error.message}`,
              query.period === undefined ? 'query.from' : 'query.period',
            );
          throw error;
        }
      },
    }),
  ];
}
