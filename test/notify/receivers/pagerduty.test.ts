// The PagerDuty receiver against a capture server standing in for the Events API v2: trigger and resolve
// events field by field, one dedup key per alert across its whole life, the severity map and the summary limit.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch, Severity } from '../../../src/domain/alert.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import {
  pagerDutyReceiver,
  pagerDutySummaryMax,
  type PagerDutyEvent,
  type PagerDutyTrigger,
} from '../../../src/notify/receivers/pagerduty.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.js';
import { describeDeliveryOutcomes } from './outcomes.js';

const routingKey = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12';
let server: HttpReceiver;
let eventsUrl: string;

beforeAll(async () => {
  server = await startHttpReceiver({
    respond: () => ({ status: 202, body: { status: 'success', message: 'Event processed' } }),
  });
  eventsUrl = `${server.url}/v2/enqueue`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function receiver(config: Record<string, unknown> = {}, timeoutMs = 2_000) {
  const parsed = pagerDutyReceiver.configSchema.parse({ kind: 'pagerduty', routingKey, url: eventsUrl, ...config });
  return pagerDutyReceiver.create(parsed, { clock: fixedClock(alertNowMs), timeoutMs });
}

async function send(batch: NotificationBatch, config: Record<string, unknown> = {}): Promise<PagerDutyEvent[]> {
  const result = await receiver(config).deliver(batch, new AbortController().signal);
  expect(result).toMatchObject({ outcome: 'delivered', statusCode: 202 });
  const requests = await server.waitFor(batch.notifications.length);
  for (const request of requests) {
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/enqueue');
    expect(request.headers['content-type']).toBe('application/json');
  }
  return requests.map((request) => request.json as PagerDutyEvent);
}

async function trigger(batch: NotificationBatch, config: Record<string, unknown> = {}): Promise<PagerDutyTrigger> {
  server.reset();
  const [event] = await send(batch, config);
  expect(event!.event_action).toBe('trigger');
  return event as PagerDutyTrigger;
}

describe('pagerduty receiver', () => {
  it('is in the receiver list, one alert per event, with the Events API URL by default', () => {
    expect(receiverKind('pagerduty')).toBe(pagerDutyReceiver);
    expect(pagerDutyReceiver.maxBatchSize).toBe(1);
    const config = pagerDutyReceiver.configSchema.parse({ kind: 'pagerduty', routingKey });
    expect(config).toEqual({ kind: 'pagerduty', routingKey, url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(pagerDutyReceiver.describe(config)).toBe('events.pagerduty.com');
    expect(pagerDutyReceiver.secrets(config)).toEqual([routingKey]);
  });

  it('counts a URL with credentials among the secrets, and refuses an empty key', () => {
    const config = pagerDutyReceiver.configSchema.parse({
      kind: 'pagerduty',
      routingKey,
      url: 'https://ere:pr0xy-pass@pd-proxy.example.com/v2/enqueue',
    });
    expect(pagerDutyReceiver.secrets(config)).toEqual(expect.arrayContaining([routingKey, 'pr0xy-pass']));
    expect(pagerDutyReceiver.describe(config)).toBe('pd-proxy.example.com');
    expect(pagerDutyReceiver.configSchema.safeParse({ kind: 'pagerduty', routingKey: '  ' }).success).toBe(false);
    expect(
      pagerDutyReceiver.configSchema.safeParse({ kind: 'pagerduty', routingKey, severity: 'critical' }).success,
    ).toBe(false);
  });

  it('triggers a firing alert with every field of the Events API v2', async () => {
    const alert = testAlert({
      labels: {
        alertname: 'SloErrorBudgetBurn',
        severity: 'page',
        chain: 'mainnet',
        endpoint: 'infura',
        service: 'rpc',
      },
    });
    const [event] = await send(testBatch([alert]));
    expect(event).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: alert.fingerprint,
      payload: {
        summary: 'RPC availability SLO is burning its error budget',
        source: 'infura',
        severity: 'critical',
        timestamp: new Date(alert.startsAtMs).toISOString(),
        component: 'rpc',
        group: 'mainnet',
        class: 'SloErrorBudgetBurn',
        custom_details: {
          labels: alert.labels,
          annotations: alert.annotations,
          value: 14.4,
          notification: 'firing',
          firing_since: '2023-11-14T19:01:20Z',
        },
      },
      links: [
        { href: 'https://runbooks.example.com/slo-burn', text: 'Runbook' },
        { href: alert.generatorUrl, text: 'ERE alert status' },
      ],
      client: 'ERE Monitor',
      client_url: 'http://ere.example.com:9470',
    });
  });

  it('keeps one dedup key from trigger through reminders to resolve', async () => {
    const alert = testAlert({ fingerprint: '9f8e7d6c5b4a3921' });
    const firing = await trigger(testBatch([testNotification(alert, { kind: 'firing' })]));
    const reminder = await trigger(testBatch([testNotification(alert, { kind: 'reminder' })]));
    server.reset();
    const [resolve] = await send(testBatch([resolvedAlert(alert)]));

    expect(firing.dedup_key).toBe('9f8e7d6c5b4a3921');
    expect(reminder.dedup_key).toBe(firing.dedup_key);
    expect(reminder.payload.custom_details.notification).toBe('reminder');
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: '9f8e7d6c5b4a3921' });
  });

  it.each<[Severity, string]>([
    ['page', 'critical'],
    ['critical', 'critical'],
    ['error', 'error'],
    ['ticket', 'warning'],
    ['warning', 'warning'],
    ['info', 'info'],
  ])('maps severity %s to %s', async (severity, expected) => {
    const event = await trigger(testBatch([testAlert({ severity })]));
    expect(event.payload.severity).toBe(expected);
  });

  it('takes the source from the endpoint, the chain, the config, else names ERE', async () => {
    const labels = (extra: Record<string, string>) => ({ alertname: 'A', severity: 'page' as const, ...extra });
    expect(
      (await trigger(testBatch([testAlert({ labels: labels({ chain: 'c', endpoint: 'e' }) })]), { source: 's' }))
        .payload.source,
    ).toBe('e');
    expect(
      (await trigger(testBatch([testAlert({ labels: labels({ chain: 'c' }) })]), { source: 's' })).payload.source,
    ).toBe('c');
    expect((await trigger(testBatch([testAlert({ labels: labels({}) })]), { source: 's' })).payload.source).toBe('s');
    const bare = await trigger(testBatch([testAlert({ labels: labels({}), annotations: { summary: 'x' } })]));
    expect(bare.payload.source).toBe('ere-monitor');
    // Without labels to take them from, component and group are left out rather than sent empty.
    expect(bare.payload).not.toHaveProperty('component');
    expect(bare.payload).not.toHaveProperty('group');
    expect(bare.links).toEqual([{ href: expect.any(String), text: 'ERE alert status' }]);
  });

  it('lets the config set component, group and class', async () => {
    const event = await trigger(testBatch([testAlert()]), {
      component: 'rpc-gateway',
      group: 'ethereum',
      class: 'slo-burn',
    });
    expect(event.payload).toMatchObject({ component: 'rpc-gateway', group: 'ethereum', class: 'slo-burn' });
  });

  it('cuts the summary to 1024 characters and falls back to the rule name without one', async () => {
    const long = await trigger(testBatch([testAlert({ annotations: { summary: 'S'.repeat(5_000) } })]));
    expect(long.payload.summary).toHaveLength(pagerDutySummaryMax);
    expect(long.payload.summary.endsWith('S…')).toBe(true);
    const unnamed = await trigger(testBatch([testAlert({ rule: 'HeadStale', annotations: {} })]));
    expect(unnamed.payload.summary).toBe('HeadStale');
  });

  it('marks a test event', async () => {
    const event = await trigger(testBatch([testAlert()], { test: true }));
    expect(event.payload.summary).toBe('[TEST] RPC availability SLO is burning its error budget');
    expect(event.payload.custom_details.test).toContain('ere test-notify');
  });

  it('sends a larger batch as one event each, stopping at the first not delivered', async () => {
    const alerts = [
      testAlert({ fingerprint: 'f1' }),
      testAlert({ fingerprint: 'f2' }),
      testAlert({ fingerprint: 'f3' }),
    ];
    const events = await send(testBatch(alerts));
    expect(events.map((event) => event.dedup_key)).toEqual(['f1', 'f2', 'f3']);

    server.reset();
    server.enqueue({ status: 202 }, { status: 429, headers: { 'retry-after': '1' } });
    const result = await receiver().deliver(testBatch(alerts), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'retry', statusCode: 429, retryAfterMs: 1_000 });
    expect(server.requests).toHaveLength(2);
  });

  it('never puts the routing key in an error', async () => {
    server.enqueue({
      status: 400,
      body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] },
    });
    const result = await receiver().deliver(testBatch([testAlert()]), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 400 });
    expect(JSON.stringify(result)).not.toContain(routingKey);
  });

  describeDeliveryOutcomes({
    server: () => server,
    receiver: (timeoutMs) => receiver({}, timeoutMs),
    batch: () => testBatch([testAlert()]),
    secrets: () => [routingKey, eventsUrl],
  });
});
