// PagerDuty Events API v2: one event per alert. The alert's fingerprint is the dedup key, so a trigger, its
// reminders and its resolve all land on one incident (reminders never open a second one) and a retried
// request is deduplicated by PagerDuty itself.

import { z } from 'zod';
import type { AlertSnapshot, DeliveryResult, Notification, NotificationBatch, Severity } from '../../domain/alert.js';
import { urlHost, urlSecrets } from '../../log/redact.js';
import { postJson } from '../http-post.js';
import { defineReceiverKind } from '../receiver.js';
import { alertSummary, isoTime, runbookUrl, testPrefix, truncate } from './text.js';

export const pagerDutyEventsUrl = 'https://events.pagerduty.com/v2/enqueue';

export const pagerDutyConfigSchema = z.strictObject({
  kind: z.literal('pagerduty'),
  routingKey: z
    .string()
    .trim()
    .min(1)
    .describe('The integration key of an Events API v2 integration on a PagerDuty service; a secret, never shown.'),
  url: z
    .url({ protocol: /^https?$/ })
    .default(pagerDutyEventsUrl)
    .describe('The Events API v2 endpoint events are posted to; another URL for a proxy or a regional endpoint.'),
  source: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The event's `payload.source` when the alert has neither an " +
        '`endpoint` nor a `chain` label; `ere-monitor` when absent.',
    ),
  component: z
    .string()
    .min(1)
    .optional()
    .describe("The event's `payload.component`, instead of the alert's `service` or `slo` label."),
  group: z.string().min(1).optional().describe("The event's `payload.group`, instead of the alert's `chain` label."),
  class: z.string().min(1).optional().describe("The event's `payload.class`, instead of the alert's rule name."),
});
export type PagerDutyConfig = z.infer<typeof pagerDutyConfigSchema>;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export const pagerDutySeverities: Record<Severity, PagerDutySeverity> = {
  page: 'critical',
  critical: 'critical',
  error: 'error',
  ticket: 'warning',
  warning: 'warning',
  info: 'info',
};

/** PagerDuty refuses a longer summary. */
export const pagerDutySummaryMax = 1_024;

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  links: { href: string; text: string }[];
  client: string;
  client_url: string;
}

/** A resolve needs nothing but the key of the incident it closes. */
export interface PagerDutyResolve {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTrigger | PagerDutyResolve;

function optional<Name extends string>(name: Name, value: string | undefined): Partial<Record<Name, string>> {
  return value ? ({ [name]: value } as Record<Name, string>) : {};
}

function links(alert: AlertSnapshot): PagerDutyTrigger['links'] {
  const runbook = runbookUrl(alert);
  return [
    ...(runbook ? [{ href: runbook, text: 'Runbook' }] : []),
    { href: alert.generatorUrl, text: 'ERE alert status' },
  ];
}

export function pagerDutyEvent(
  notification: Notification,
  batch: NotificationBatch,
  config: PagerDutyConfig,
): PagerDutyEvent {
  const { alert } = notification;
  const dedupKey = alert.fingerprint;
  if (notification.kind === 'resolved')
    return { routing_key: config.routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const { labels } = alert;
  return {
    routing_key: config.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: truncate(`${batch.test ? testPrefix : ''}${alertSummary(alert)}`, pagerDutySummaryMax),
      source: labels.endpoint ?? labels.chain ?? config.source ?? 'ere-monitor',
      severity: pagerDutySeverities[alert.severity],
      timestamp: new Date(alert.startsAtMs).toISOString(),
      ...optional('component', config.component ?? labels.service ?? labels.slo),
      ...optional('group', config.group ?? labels.chain),
      ...optional('class', config.class ?? alert.rule),
      custom_details: {
        labels,
        annotations: alert.annotations,
        value: alert.value,
        notification: notification.kind,
        firing_since: isoTime(alert.startsAtMs),
        ...(batch.test ? { test: 'This is a test event sent by `ere test-notify`; no alert is firing.' } : {}),
      },
    },
    links: links(alert),
    client: 'ERE Monitor',
    client_url: batch.externalUrl,
  };
}

const pagerDutySecrets = (config: PagerDutyConfig): string[] => [
  config.routingKey,
  ...(config.url === pagerDutyEventsUrl ? [] : urlSecrets(config.url)),
];

export const pagerDutyReceiver = defineReceiverKind<PagerDutyConfig>({
  kind: 'pagerduty',
  configSchema: pagerDutyConfigSchema,
  maxBatchSize: 1,
  secrets: pagerDutySecrets,
  describe: (config) => urlHost(config.url),
  create(config, context) {
    return {
      // One event per notification: a batch larger than maxBatchSize still goes out, stopping at the
      // first event not delivered so that the worker retries the batch (PagerDuty deduplicates the rest).
      async deliver(batch, signal): Promise<DeliveryResult> {
        let result: DeliveryResult = { outcome: 'delivered', statusCode: null, detail: 'no notifications' };
        for (const notification of batch.notifications) {
          const event = pagerDutyEvent(notification, batch, config);
          ({ result } = await postJson({
            url: config.url,
            body: JSON.stringify(event),
            timeoutMs: context.timeoutMs,
            signal,
            secrets: pagerDutySecrets(config),
          }));
          if (result.outcome !== 'delivered') return result;
        }
        return result;
      },
    };
  },
});
