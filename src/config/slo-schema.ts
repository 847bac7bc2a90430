// The `slos:` section of the config: SLOs over the collectors' data, validated per SLI kind.

import { z } from 'zod';
import { sliKind, sliKinds } from '../rules/sli/index.js';
import { parseDurationMs } from './duration.js';

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
  severity: z.enum(['page', 'ticket']),
  burnRate: z.number().positive(),
  longWindow: windowText,
  shortWindow: windowText,
});

export const sloSchema = z
  .strictObject({
    id: z.string().regex(sloIdPattern, 'must be 1-63 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit'),
    service: z.string().min(1).max(63),
    description: z.string().default(''),
    /** Percent, e.g. 99.9. */
    objective: z.number().gt(0).lt(100),
    window: sloWindowSchema.default('30d'),
    budgeting: z.enum(['occurrences', 'timeslices']).default('occurrences'),
    /** Time slices: a minute is good when its share of good events is at least this percent (default: the objective). */
    timesliceObjective: z.number().gt(0).max(100).optional(),
    sli: z.looseObject({
      kind: z.enum(sliKinds.map((kind) => kind.kind) as [string, ...string[]]),
      chain: z.string().min(1),
      /** Endpoint ids of the chain; default all (with `labels`, those matching). */
      endpoints: z.array(z.string().min(1)).min(1).optional(),
      /** Endpoint labels that must all match. */
      labels: z.record(z.string(), z.string()).optional(),
    }),
    labels: z
      .record(z.string(), z.string())
      .superRefine((labels, ctx) => {
        for (const name of Object.keys(labels)) {
          if (!labelNamePattern.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'label names are letters, digits and "_"' });
          // Prometheus reserves "__"; the generated rules set the sloth_ labels and severity themselves.
          else if (name.startsWith('__') || name.startsWith('sloth_') || name === 'severity') {
            ctx.addIssue({ code: 'custom', path: [name], message: 'is reserved ("__…", "sloth_…" and "severity" are set by ERE)' });
          }
        }
      })
      .default({}),
    alerting: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Low-traffic guard: fewer valid events than this in a tier's long window cannot fire it. */
        minValidEvents: z.number().int().nonnegative().default(20),
        /** Replaces the default tiers (scaled from the SRE Workbook's) when given. */
        tiers: z.array(tierSchema).min(1).optional(),
      })
      .prefault({}),
  })
  .superRefine((slo, ctx) => {
    const kind = sliKind(slo.sli.kind);
    if (!kind) return;
    const { kind: _kind, chain: _chain, endpoints: _endpoints, labels: _labels, ...params } = slo.sli;
    const result = kind.params.safeParse(params, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = ['sli', ...issue.path];
        if (issue.code === 'unrecognized_keys') for (const key of issue.keys) ctx.addIssue({ code: 'custom', path: [...path, key], message: 'unknown key' });
        else ctx.addIssue({ code: 'custom', path, message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message });
      }
    }
  });

export type SloConfig = z.output<typeof sloSchema>;
