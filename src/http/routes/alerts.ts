// Alerts: the pending and firing ones with their muting, routing, acknowledgement and what each receiver
// was last told; one alert with its recent transitions; the transition history; and acknowledging one.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { alertSeverities } from '../../domain/alert.js';
import { silenceLimits } from '../../alerting/silences.js';
import type { ActiveAlert, AlertEngine } from '../../alerting/alert-engine.js';
import type { AlertStore, TransitionRecord } from '../../alerting/alert-store.js';
import type { Outbox } from '../../notify/outbox.js';
import { instant, wholeNumber } from '../query.js';
import { HttpError, defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';
import { notificationSchema, notificationView } from './notifications.js';

export const maxTransitionLimit = 1_000;
const defaultHistoryMs = 86_400_000;
const recentTransitions = 20;
/** Rows of one alert read to find each receiver's latest; an alert has few receivers. */
const notificationsPerAlert = 100;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const finiteOrNull = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

const labelsSchema = z.record(z.string(), z.string());

const lastNotificationSchema = notificationSchema.pick({
  receiver: true,
  id: true,
  kind: true,
  status: true,
  reason: true,
  createdAt: true,
  deliveredAt: true,
  attempts: true,
  lastError: true,
});

export const alertSchema = z.object({
  fingerprint: z.string(),
  rule: z.string(),
  severity: z.enum(alertSeverities),
  state: z.enum(['pending', 'firing']),
  labels: labelsSchema,
  annotations: labelsSchema,
  value: z.number().nullable(),
  activeSince: z.string(),
  firingSince: z.string().nullable(),
  silencedBy: z.array(z.string()).describe('Ids of the active silences that match it.'),
  inhibited: z.boolean(),
  receivers: z.array(z.string()).describe('Receiver ids its labels route to.'),
  ack: z.object({ by: z.string(), at: z.string(), comment: z.string().nullable() }).nullable(),
  notifications: z
    .array(lastNotificationSchema)
    .describe('Per receiver, the latest notification of this episode (since activeSince).'),
});

export const transitionSchema = z.object({
  id: z.number(),
  fingerprint: z.string(),
  rule: z.string(),
  severity: z.enum(alertSeverities),
  labels: labelsSchema,
  annotations: labelsSchema,
  from: z.enum(['inactive', 'pending', 'firing', 'resolved']),
  to: z.enum(['inactive', 'pending', 'firing', 'resolved']),
  at: z.string(),
  value: z.number().nullable(),
  startsAt: z.string().nullable().describe('When the firing episode began (firing and resolved transitions).'),
});

function transitionView(transition: TransitionRecord): z.infer<typeof transitionSchema> {
  const { atMs, startsAtMs, value, ...rest } = transition;
  return { ...rest, at: iso(atMs)!, value: finiteOrNull(value), startsAt: iso(startsAtMs) };
}

const fingerprintParams = z.strictObject({
  fingerprint: z.string().min(1).describe('The alert’s fingerprint (a hash of its labels).'),
});

const alertsQuery = z.strictObject({
  state: z.enum(['pending', 'firing']).optional(),
  severity: z.enum(alertSeverities).optional(),
});

const historyQuery = z.strictObject({
  from: instant.describe('Start of the range (inclusive). Default: 24 hours before `to`.'),
  to: instant.describe('End of the range (inclusive). Default: now.'),
  fingerprint: z.string().min(1).optional().describe('Only the transitions of this alert.'),
  limit: wholeNumber(1, maxTransitionLimit).describe(
    `Most transitions to return, 1 to ${maxTransitionLimit}. Default 100.`,
  ),
});

const ackBody = z.strictObject({
  by: z.string().trim().min(1, 'is required').max(silenceLimits.createdByLength),
  comment: z.string().max(silenceLimits.commentLength).optional(),
});

export function alertRoutes(deps: {
  engine: AlertEngine;
  store: AlertStore;
  outbox: Outbox;
  clock: Clock;
}): RouteDefinition[] {
  const view = (alert: ActiveAlert): z.infer<typeof alertSchema> => {
    const latest = new Map<string, z.infer<typeof lastNotificationSchema>>();
    for (const row of deps.outbox.list({ fingerprint: alert.fingerprint, limit: notificationsPerAlert })) {
      if (row.createdAtMs < alert.activeSinceMs || latest.has(row.receiver)) continue;
      const { receiver, id, kind, status, reason, createdAt, deliveredAt, attempts, lastError } = notificationView(row);
      latest.set(receiver, { receiver, id, kind, status, reason, createdAt, deliveredAt, attempts, lastError });
    }
    return {
      fingerprint: alert.fingerprint,
      rule: alert.rule,
      severity: alert.severity,
      state: alert.state,
      labels: alert.labels,
      annotations: alert.annotations,
      value: finiteOrNull(alert.value),
      activeSince: iso(alert.activeSinceMs)!,
      firingSince: iso(alert.firingSinceMs),
      silencedBy: alert.silencedBy,
      inhibited: alert.inhibited,
      receivers: alert.receivers,
      ack: alert.ack && {
        by: alert.ack.by,
        at: iso(alert.ack.atMs)!,
        comment: alert.ack.comment === '' ? null : alert.ack.comment,
      },
      notifications: [...latest.values()].sort((a, b) => a.receiver.localeCompare(b.receiver)),
    };
  };
  const activeAlert = (fingerprint: string) => {
    const alert = deps.engine.active().find((candidate) => candidate.fingerprint === fingerprint);
    if (!alert) throw notFound(`no active alert "${fingerprint}"`);
    return alert;
  };

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts',
      summary:
        'The pending and firing alerts, firing first, with their silences, ' +
        'inhibition, receivers, acknowledgement and latest notifications.',
      tag: 'alerts',
      query: alertsQuery,
      responses: {
        200: { description: 'Active alerts.', schema: z.object({ alerts: z.array(alertSchema) }) },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
      },
      handler: ({ query }) => ({
        alerts: deps.engine
          .active()
          .filter(
            (alert) =>
              (query.state === undefined || alert.state === query.state) &&
              (query.severity === undefined || alert.severity === query.severity),
          )
          .map(view),
      }),
    }),
    // Fastify matches static segments before parameters, so this is not read as a fingerprint.
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts/history',
      summary: 'Alert transitions (pending, firing, resolved, inactive), newest first.',
      tag: 'alerts',
      query: historyQuery,
      responses: {
        200: {
          description: 'Transitions in the range, newest first, at most `limit`.',
          schema: z.object({ from: z.string(), to: z.string(), transitions: z.array(transitionSchema) }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        const toMs = query.to ?? deps.clock.now();
        const fromMs = query.from ?? toMs - defaultHistoryMs;
        if (fromMs > toMs)
          throw new HttpError(400, 'bad_request', 'query.from: must not be after query.to', 'query.from');
        const transitions = deps.store.transitions({
          fromMs,
          toMs: toMs + 1,
          fingerprint: query.fingerprint,
          limit: query.limit ?? 100,
        });
        return { from: iso(fromMs)!, to: iso(toMs)!, transitions: transitions.map(transitionView) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts/:fingerprint',
      summary: 'One pending or firing alert, with its latest transitions.',
      tag: 'alerts',
      params: fingerprintParams,
      responses: {
        200: {
          description: 'The alert.',
          schema: alertSchema.extend({
            transitions: z
              .array(transitionSchema)
              .describe(`Its latest ${recentTransitions} transitions, newest first.`),
          }),
        },
        404: { description: 'No active alert with that fingerprint.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const alert = activeAlert(params.fingerprint);
        const transitions = deps.store.transitions({
          fromMs: 0,
          toMs: deps.clock.now() + 1,
          fingerprint: alert.fingerprint,
          limit: recentTransitions,
        });
        return { ...view(alert), transitions: transitions.map(transitionView) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/alerts/:fingerprint/ack',
      summary: 'Acknowledges an active alert: no more reminders until it resolves.',
      tag: 'alerts',
      auth: 'write',
      params: fingerprintParams,
      body: ackBody,
      responses: {
        200: { description: 'The acknowledged alert.', schema: alertSchema },
        400: { description: 'A bad body, the field named in `field`.', schema: errorBodySchema },
        404: { description: 'No active alert with that fingerprint.', schema: errorBodySchema },
      },
      handler: ({ params, body }) => {
        if (!deps.engine.acknowledge(params.fingerprint, { by: body.by, comment: body.comment ?? '' }))
          throw notFound(`no active alert "${params.fingerprint}"`);
        return view(activeAlert(params.fingerprint));
      },
    }),
  ];
}
