// The notification outbox as operators need to see it: what was queued for which receiver, whether it was
// delivered, each attempt when asked, and how far behind each receiver is. Rows hold receiver ids, never
// receiver URLs or keys, and so does every answer here.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import {
  idempotencyKey,
  notificationStatuses,
  type AttemptRecord,
  type NotificationRecord,
  type NotificationStatus,
  type Outbox,
} from '../../notify/outbox.js';
import { wholeNumber } from '../query.js';
import { defineRoute, errorBodySchema, type RouteDefinition } from '../route.js';

export const maxNotificationLimit = 1_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const statusSchema = z.enum(notificationStatuses as readonly [NotificationStatus, ...NotificationStatus[]]);

export const attemptSchema = z.object({
  at: z.string(),
  outcome: z.enum(['delivered', 'retry', 'failed']),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const notificationSchema = z.object({
  id: z.number(),
  receiver: z.string().describe('Receiver id from the config.'),
  kind: z.enum(['firing', 'resolved', 'reminder']),
  status: statusSchema,
  reason: z.string().nullable().describe('Why it was suppressed (silenced, inhibited), when it was.'),
  fingerprint: z.string(),
  alertname: z.string(),
  severity: z.string(),
  idempotencyKey: z.string().describe('The key receivers deduplicate with: the same on every attempt.'),
  createdAt: z.string(),
  dueAt: z.string().describe('When its group may go out (group wait and interval).'),
  nextAttemptAt: z
    .string()
    .nullable()
    .describe(
      'While pending: when the next attempt will be made, at its retry time or when ' +
        'its receiver’s open circuit lets it through, whichever is later.',
    ),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  attemptLog: z.array(attemptSchema).optional().describe('Every attempt, oldest first; with `?attempts=true` only.'),
});

/** When a receiver's circuit breaker holds its attempts back, until when; null when it does not. */
export type ReceiverHold = (receiver: string) => number | null;

/** When a pending row will really be tried: its own retry time, or later while its receiver is held. */
function nextAttemptMs(row: NotificationRecord, heldUntil: ReceiverHold): number | null {
  if (row.status !== 'pending') return null;
  return Math.max(row.nextAttemptAtMs, heldUntil(row.receiver) ?? 0);
}

export function notificationView(
  row: NotificationRecord,
  heldUntil: ReceiverHold = () => null,
): z.infer<typeof notificationSchema> {
  return {
    id: row.id,
    receiver: row.receiver,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    fingerprint: row.fingerprint,
    alertname: row.alert.rule,
    severity: row.alert.severity,
    idempotencyKey: idempotencyKey(row),
    createdAt: iso(row.createdAtMs)!,
    dueAt: iso(row.dueAtMs)!,
    nextAttemptAt: iso(nextAttemptMs(row, heldUntil)),
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAtMs),
  };
}

function attemptView(attempt: AttemptRecord): z.infer<typeof attemptSchema> {
  return {
    at: iso(attempt.atMs)!,
    outcome: attempt.outcome,
    statusCode: attempt.statusCode,
    error: attempt.error,
    durationMs: attempt.durationMs,
  };
}

const notificationsQuery = z.strictObject({
  status: statusSchema.optional(),
  receiver: z.string().min(1).optional().describe('Receiver id.'),
  fingerprint: z.string().min(1).optional().describe('Only the notifications of this alert.'),
  limit: wholeNumber(1, maxNotificationLimit).describe(
    `Most notifications to return, 1 to ${maxNotificationLimit}. Default 100.`,
  ),
  attempts: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Include each notification’s attempt log.'),
});

export function notificationRoutes(deps: {
  outbox: Outbox;
  clock: Clock;
  heldUntil?: ReceiverHold | undefined;
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/notifications',
      summary: 'Outbox notifications, newest first, and per receiver how many are pending and for how long.',
      tag: 'alerts',
      query: notificationsQuery,
      responses: {
        200: {
          description: 'Notifications, and the pending backlog of every receiver that has one.',
          schema: z.object({
            notifications: z.array(notificationSchema),
            summary: z
              .record(z.string(), z.object({ pending: z.number(), oldestPendingAgeSeconds: z.number() }))
              .describe('By receiver id; receivers with nothing pending are left out.'),
          }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        const rows = deps.outbox.list({
          status: query.status,
          receiver: query.receiver,
          fingerprint: query.fingerprint,
          limit: query.limit ?? 100,
        });
        const notifications = rows.map((row) => {
          const view = notificationView(row, deps.heldUntil);
          if (!query.attempts) return view;
          return { ...view, attemptLog: deps.outbox.attempts(row.id).map(attemptView) };
        });
        const summary = Object.fromEntries(
          deps.outbox
            .pendingByReceiver(deps.clock.now())
            .map((entry) => [
              entry.receiver,
              { pending: entry.depth, oldestPendingAgeSeconds: entry.oldestAgeSeconds },
            ]),
        );
        return { notifications, summary };
      },
    }),
  ];
}
