// A generic webhook: Alertmanager's webhook payload (version 4), so that anything written for Alertmanager
// receives ERE's alerts unchanged, plus an idempotency key per alert and per request and, when a key is
// configured, an HMAC signature the receiving side can check with `verifyWebhookSignature`.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { commonEntries, type AlertLabels, type Notification, type NotificationBatch } from '../../domain/alert.js';
import { httpHeaders } from '../../domain/fields.js';
import { urlHost, urlSecrets } from '../../log/redact.js';
import { postJson } from '../http-post.js';
import { defineReceiverKind } from '../receiver.js';

export const webhookHeaders = {
  idempotencyKey: 'Idempotency-Key',
  test: 'X-ERE-Test',
  timestamp: 'X-ERE-Timestamp',
  signature: 'X-ERE-Signature',
} as const;

/** Set by ERE or by HTTP itself: a custom value would be merged into ours (`a, b`) or break the request. */
const reservedHeaderNames = new Set(
  [...Object.values(webhookHeaders), 'Content-Length', 'Host'].map((name) => name.toLowerCase()),
);

export const webhookConfigSchema = z.strictObject({
  kind: z.literal('webhook'),
  url: z
    .url({ protocol: /^https?$/ })
    .describe(
      "Where the alerts are posted, as Alertmanager's webhook payload " +
        '(version 4); credentials or keys in it are never shown.',
    ),
  headers: httpHeaders(reservedHeaderNames).describe(
    'HTTP headers sent with every request, such as `Authorization`; their values are ' +
      "treated as secrets. ERE's own (`Idempotency-Key`, `X-ERE-…`), `Content-Length` and " +
      "`Host` cannot be set; a `Content-Type` or `User-Agent` replaces ERE's.",
  ),
  hmacKey: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      'Signs every request: `X-ERE-Signature` is the HMAC-SHA256, keyed with this, of ' +
        '`<X-ERE-Timestamp>.<body>` (see `verifyWebhookSignature`). Unsigned when absent.',
    ),
  maxAlerts: z
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe(
      "Most alerts per request, the rest counted in `truncatedAlerts` (Alertmanager's `max_alerts`); 0 for no limit.",
    ),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** What Alertmanager sends as `endsAt` for an alert that has not ended (Go's zero time). */
export const zeroTime = '0001-01-01T00:00:00Z';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: AlertLabels;
  annotations: Readonly<Record<string, string>>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  /** Not in Alertmanager's payload: the notification's key, the same on every retry of it. */
  idempotencyKey: string;
}

/** Alertmanager's webhook message, version 4. */
export interface WebhookMessage {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: AlertLabels;
  commonLabels: AlertLabels;
  commonAnnotations: Readonly<Record<string, string>>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** RFC 3339 as Go writes it (Alertmanager's `time.Time`): no trailing zeros in the fraction. */
export function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

function webhookAlert(notification: Notification): WebhookAlert {
  const { alert } = notification;
  return {
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: goTime(alert.startsAtMs),
    endsAt: alert.endsAtMs === null ? zeroTime : goTime(alert.endsAtMs),
    generatorURL: alert.generatorUrl,
    fingerprint: alert.fingerprint,
    idempotencyKey: notification.idempotencyKey,
  };
}

export function webhookMessage(batch: NotificationBatch, maxAlerts: number): WebhookMessage {
  // As Alertmanager does: the common labels, annotations and status describe the alerts sent, not those cut.
  const sent = maxAlerts > 0 ? batch.notifications.slice(0, maxAlerts) : batch.notifications;
  const alerts = sent.map(webhookAlert);
  return {
    version: '4',
    groupKey: batch.groupKey,
    truncatedAlerts: batch.notifications.length - sent.length,
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    receiver: batch.receiver,
    groupLabels: batch.groupLabels,
    commonLabels: commonEntries(alerts.map((alert) => alert.labels)),
    commonAnnotations: commonEntries(alerts.map((alert) => alert.annotations)),
    externalURL: batch.externalUrl,
    alerts,
  };
}

/** The same for every attempt at the same batch, so that the receiving side can drop a retried duplicate. */
export function batchIdempotencyKey(batch: NotificationBatch): string {
  return createHash('sha256')
    .update(batch.notifications.map((notification) => notification.idempotencyKey).join(','))
    .digest('hex');
}

function sign(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookSignatureInput {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string | Buffer;
  /** The `X-ERE-Timestamp` header. */
  timestamp: string | undefined;
  /** The `X-ERE-Signature` header. */
  signature: string | undefined;
  key: string;
  nowMs: number;
  /** Oldest (and furthest in the future) a timestamp may be; default 300 s. */
  toleranceSeconds?: number;
}

export type WebhookSignatureCheck = { valid: true } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a request signed by ERE's webhook receiver.
 *
 * The scheme: ERE sends `X-ERE-Timestamp: <unix seconds>` and
 * `X-ERE-Signature: sha256=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>`. A receiver recomputes the
 * HMAC over the raw body bytes with the shared key, compares in constant time, and refuses a timestamp
 * more than `toleranceSeconds` from its clock so that a captured request cannot be replayed later (within
 * the window, drop duplicates by the `Idempotency-Key` header).
 */
export function verifyWebhookSignature(input: WebhookSignatureInput): WebhookSignatureCheck {
  const { timestamp, signature, key, nowMs, toleranceSeconds = 300 } = input;
  if (
    timestamp === undefined ||
    signature === undefined ||
    !/^\d{1,12}$/.test(timestamp) ||
    !/^sha256=[0-9a-f]{64}$/.test(signature)
  ) {
    return { valid: false, reason: 'malformed' };
  }
  if (Math.abs(nowMs / 1_000 - Number(timestamp)) > toleranceSeconds) return { valid: false, reason: 'stale' };
  const expected = createHmac('sha256', key).update(`${timestamp}.`).update(input.body).digest();
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}

const webhookSecrets = (config: WebhookConfig): string[] => [
  ...urlSecrets(config.url),
  ...Object.values(config.headers),
  ...(config.hmacKey ? [config.hmacKey] : []),
];

export const webhookReceiver = defineReceiverKind<WebhookConfig>({
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  maxBatchSize: 100,
  secrets: webhookSecrets,
  describe: (config) => urlHost(config.url),
  create(config, context) {
    return {
      async deliver(batch, signal) {
        const body = JSON.stringify(webhookMessage(batch, config.maxAlerts));
        // Lower-cased, as postJson's own headers are, so that a custom Content-Type or User-Agent replaces
        // the default instead of being merged with it.
        const headers: Record<string, string> = Object.fromEntries(
          Object.entries(config.headers).map(([name, value]) => [name.toLowerCase(), value]),
        );
        headers[webhookHeaders.idempotencyKey] = batchIdempotencyKey(batch);
        if (batch.test) headers[webhookHeaders.test] = 'true';
        if (config.hmacKey) {
          const timestamp = String(Math.floor(context.clock.now() / 1_000));
          headers[webhookHeaders.timestamp] = timestamp;
          headers[webhookHeaders.signature] = sign(config.hmacKey, timestamp, body);
        }
        const { result } = await postJson({
          url: config.url,
          body,
          headers,
          timeoutMs: context.timeoutMs,
          signal,
          secrets: webhookSecrets(config),
        });
        return result;
      },
    };
  },
});
