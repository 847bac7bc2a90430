// The `slos:` section of the config: SLOs over the collectors' data, validated per SLI kind.

import { z } from 'zod';
import { sliKind, sliKinds } from '../slo/sli/index.js';
import { parseDurationMs } from '../domain/duration.js';

const sloIdPattern = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** Label names as Prometheus has them, since SLO labels become metric labels. */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `7d`, `28d`, `30d` (any whole number of days from 1 to 400) or `month` (the calendar month, UTC). */
export const sloWindowSchema = z.string().refine((value) => {
  if (value === 'month') return true;
  const match = /^(\d+)d$/.exec(value);
  return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 400;
}, 'must be a rolling window in days such as "7d", "28d" or "30d", or "month" for the calendar month');

/** Alert windows are counted in the rollups' whole minutes. */
const windowText = z.string().refine((value) => {
  const ms = parseDurationMs(value);
  return ms !== null && ms >= 60_000 && ms % 60_000 === 0;
}, 'must be a whole number of minutes, such as "5m", "90m", "1h" or "3d"');

const tierSchema = z.strictObject({
  severity: z.enum(['page', 'ticket']).describe('The severity of the SLO alert while this tier fires.'),
  burnRate: z
    .number()
    .positive()
    .describe(
      'The tier fires when both its windows burn the error budget faster ' +
        'than this; at 1 the budget lasts exactly the SLO window.',
    ),
  longWindow: windowText.describe(
    'The long window the burn rate is measured over, a whole number of minutes such as `1h`.',
  ),
  shortWindow: windowText.describe(
    'The short window, which must burn too, so that the alert resolves soon ' +
      'after the burn stops; a whole number of minutes such as `5m`.',
  ),
});

export const sloSchema = z
  .strictObject({
    id: z
      .string()
      .regex(sloIdPattern, 'must be 1-63 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit')
      .describe("The SLO's id, unique: the `slo` label of its metrics and alerts, and the API's `:id`."),
    service: z
      .string()
      .min(1)
      .max(63)
      .describe('The service the SLO belongs to: the `service` label of its metrics and alerts.'),
    description: z.string().default('').describe('Free text shown with the SLO in the API and in reports.'),
    objective: z
      .number()
      .gt(0)
      .lt(100)
      .describe(
        'The share of valid events (or of minutes, with `timeslices`) that must be good, in percent, such as 99.9.',
      ),
    window: sloWindowSchema
      .default('30d')
      .describe(
        'The window the objective holds over: `Nd` rolling over N days ' +
          '(1 to 400), or `month`, the calendar month in UTC.',
      ),
    budgeting: z
      .enum(['occurrences', 'timeslices'])
      .default('occurrences')
      .describe(
        '`occurrences`: good events / valid events. `timeslices`: good minutes / ' +
          'measured minutes, the budget being a share of every minute of the window.',
      ),
    timesliceObjective: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe(
        'With `timeslices`: a minute is good when at least this percent ' +
          'of its events are good; the objective when absent.',
      ),
    sli: z
      .looseObject({
        kind: z
          .enum(sliKinds.map((kind) => kind.kind) as [string, ...string[]])
          .describe('What counts as a good and a valid event; each kind adds its own keys, listed with it below.'),
        chain: z.string().min(1).describe('The chain whose data the SLI counts.'),
        endpoints: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            'RPC endpoint ids of the chain counted by the per-endpoint kinds (availability, ' +
              'latency, freshness); all of them when absent (with `labels`, those matching).',
          ),
        labels: z
          .record(z.string(), z.string())
          .optional()
          .describe(
            "Endpoint labels that must all match (the chain's labels count too) " +
              'for an endpoint to be counted by the per-endpoint kinds.',
          ),
      })
      .describe("What the SLO counts: an SLI kind over a chain's data."),
    labels: z
      .record(z.string(), z.string())
      .superRefine((labels, ctx) => {
        for (const name of Object.keys(labels)) {
          if (!labelNamePattern.test(name))
            ctx.addIssue({ code: 'custom', path: [name], message: 'label names are letters, digits and "_"' });
          // Prometheus reserves "__"; the generated rules set the sloth_ labels and severity themselves.
          else if (name.startsWith('__') || name.startsWith('sloth_') || name === 'severity') {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'is reserved ("__…", "sloth_…" and "severity" are set by ERE)',
            });
          }
        }
      })
      .default({})
      .describe(
        'Labels of the SLO, on its alerts and on the series of the Prometheus rules `ere slo rules` writes; ' +
          'names are Prometheus label names, and `__…`, `sloth_…` and `severity` are reserved.',
      ),
    alerting: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('Burn-rate alerts (SloErrorBudgetBurn) for this SLO; `false` turns them off.'),
        minValidEvents: z
          .number()
          .int()
          .nonnegative()
          .default(20)
          .describe("Low-traffic guard: fewer valid events than this in a tier's long window cannot fire it."),
        tiers: z
          .array(tierSchema)
          .min(1)
          .optional()
          .describe(
            "Replaces the default tiers: the SRE Workbook's for a 30-day window (page on " +
              'burn rate 14.4 over 1h and 5m, and 6 over 6h and 30m; ticket on 3 over 1d ' +
              "and 2h, and 1 over 3d and 6h), scaled to the SLO's window.",
          ),
      })
      .prefault({})
      .describe("The SLO's burn-rate alerts."),
  })
  .superRefine((slo, ctx) => {
    const kind = sliKind(slo.sli.kind);
    if (!kind) return;
    const { kind: _kind, chain: _chain, endpoints: _endpoints, labels: _labels, ...params } = slo.sli;
    const result = kind.params.safeParse(params, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = ['sli', ...issue.path];
        if (issue.code === 'unrecognized_keys')
          for (const key of issue.keys) ctx.addIssue({ code: 'custom', path: [...path, key], message: 'unknown key' });
        else
          ctx.addIssue({
            code: 'custom',
            path,
            message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
          });
      }
    }
  });

export type SloConfig = z.output<typeof sloSchema>;
