// Silences in Alertmanager's API shape: list them with their state now, create one, expire one. The
// engine judges a new silence (matchers, times, author, comment); its verdict becomes a 400 naming each
// problem's field.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { matcherSchema } from '../../alerting/matchers.js';
import { silenceState, type Silence } from '../../alerting/silences.js';
import { SilenceError, type AlertEngine } from '../../alerting/alert-engine.js';
import { HttpError, defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() })),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z
    .object({ state: z.enum(['pending', 'active', 'expired']) })
    .describe('Computed now: pending before startsAt, active until endsAt (exclusive), then expired.'),
});

function silenceView(silence: Silence, nowMs: number): z.infer<typeof silenceSchema> {
  return {
    id: silence.id,
    matchers: silence.matchers,
    startsAt: iso(silence.startsAtMs),
    endsAt: iso(silence.endsAtMs),
    createdBy: silence.createdBy,
    comment: silence.comment,
    createdAt: iso(silence.createdAtMs),
    updatedAt: iso(silence.updatedAtMs),
    status: { state: silenceState(silence, nowMs) },
  };
}

const time = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .transform((value) => Date.parse(value));

const postableSilence = z.strictObject({
  matchers: z
    .array(matcherSchema)
    .describe('All must match for the silence to apply; at least one must not match the empty string.'),
  startsAt: time.optional().describe('Default: now.'),
  endsAt: time,
  createdBy: z.string(),
  comment: z.string(),
});

/** The engine names each problem as `<field>: <problem>`: named here as body fields. */
function silenceProblem(error: SilenceError): HttpError {
  const problems = error.problems.map((problem) => `body.${problem}`);
  const field = /^([^:\s]+):/.exec(problems[0] ?? '')?.[1] ?? 'body';
  return new HttpError(400, 'bad_request', `invalid silence: ${problems.join('; ')}`, field);
}

const idParams = z.strictObject({ id: z.string().min(1).describe('The silence id.') });

export function silenceRoutes(deps: { engine: AlertEngine; clock: Clock }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/silences',
      summary: 'Every silence, pending, active or expired (expired ones until retention prunes them), oldest first.',
      tag: 'silences',
      responses: { 200: { description: 'Silences.', schema: z.object({ silences: z.array(silenceSchema) }) } },
      handler: () => {
        const nowMs = deps.clock.now();
        return { silences: deps.engine.silences().map((silence) => silenceView(silence, nowMs)) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/silences',
      summary: 'Creates a silence: matching alerts are not notified between startsAt and endsAt.',
      tag: 'silences',
      auth: 'write',
      body: postableSilence,
      responses: {
        201: {
          description: 'The new silence and its id.',
          schema: z.object({ silenceID: z.string(), silence: silenceSchema }),
        },
        400: {
          description: 'A bad silence: every problem in `message`, the first one’s field in `field`.',
          schema: errorBodySchema,
        },
      },
      handler: ({ body }, reply) => {
        let silence: Silence;
        try {
          silence = deps.engine.addSilence({
            matchers: body.matchers,
            startsAtMs: body.startsAt,
            endsAtMs: body.endsAt,
            createdBy: body.createdBy,
            comment: body.comment,
          });
        } catch (error) {
          throw error instanceof SilenceError ? silenceProblem(error) : error;
        }
        void reply.code(201);
        return { silenceID: silence.id, silence: silenceView(silence, deps.clock.now()) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/silences/:id',
      summary: 'Expires a silence now; it stays listed as expired.',
      tag: 'silences',
      auth: 'write',
      params: idParams,
      responses: {
        200: { description: 'The expired silence.', schema: silenceSchema },
        404: { description: 'No silence with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const silence = deps.engine.expireSilence(params.id);
        if (!silence) throw notFound(`no silence "${params.id}"`);
        return silenceView(silence, deps.clock.now());
      },
    }),
  ];
}
