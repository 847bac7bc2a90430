// The generic webhook receiver against a capture server: Alertmanager's v4 payload field by field (and
// side by side with what a real Alertmanager sends), the idempotency key, custom headers, and the HMAC
// signature checked with node:crypto as a receiving service would, then with verifyWebhookSignature.

import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../../src/domain/alert.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import {
  verifyWebhookSignature,
  webhookMessage,
  webhookReceiver,
  type WebhookMessage,
} from '../../../src/notify/receivers/webhook.js';
import { startAlertmanager, type Alertmanager } from '../../helpers/alertmanager.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type CapturedRequest, type HttpReceiver } from '../../helpers/http-receiver.js';
import { describeDeliveryOutcomes } from './outcomes.js';

const hmacKey = 'k3y-for-signing-webhooks-0123456789';
const webhookPath = '/hooks/ere?token=t0ken-in-query';
let server: HttpReceiver;
let webhookUrl: string;

beforeAll(async () => {
  server = await startHttpReceiver();
  webhookUrl = `${server.url}${webhookPath}`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function receiver(config: Record<string, unknown> = {}, timeoutMs = 2_000) {
  const parsed = webhookReceiver.configSchema.parse({ kind: 'webhook', url: webhookUrl, ...config });
  return webhookReceiver.create(parsed, { clock: fixedClock(alertNowMs), timeoutMs });
}

async function send(batch: NotificationBatch, config: Record<string, unknown> = {}): Promise<CapturedRequest> {
  server.reset();
  const result = await receiver(config).deliver(batch, new AbortController().signal);
  expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
  const [request] = await server.waitFor(1);
  expect(request!.method).toBe('POST');
  expect(request!.path).toBe(webhookPath);
  return request!;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('webhook receiver', () => {
  it('is in the receiver list, with defaults, limits and secrets', () => {
    expect(receiverKind('webhook')).toBe(webhookReceiver);
    const config = webhookReceiver.configSchema.parse({
      kind: 'webhook',
      url: 'https://hooks.example.com/ere/Z9y8X7w6V5u4',
      headers: { Authorization: 'Bearer s3cr3t-t0ken' },
      hmacKey,
    });
    expect(config).toEqual({
      kind: 'webhook',
      url: 'https://hooks.example.com/ere/Z9y8X7w6V5u4',
      headers: { Authorization: 'Bearer s3cr3t-t0ken' },
      hmacKey,
      maxAlerts: 0,
    });
    expect(webhookReceiver.describe(config)).toBe('hooks.example.com');
    expect(webhookReceiver.secrets(config)).toEqual(
      expect.arrayContaining([
        'https://hooks.example.com/ere/Z9y8X7w6V5u4',
        '/ere/Z9y8X7w6V5u4',
        'Bearer s3cr3t-t0ken',
        hmacKey,
      ]),
    );
  });

  it.each([
    ['a short HMAC key', { hmacKey: 'short' }],
    ['a negative maxAlerts', { maxAlerts: -1 }],
    ['a header ERE sets', { headers: { 'x-ere-signature': 'forged' } }],
    ['the idempotency header', { headers: { 'Idempotency-Key': 'x' } }],
    ['a header value with a line break', { headers: { 'X-Team': 'a\r\nX-Injected: 1' } }],
    ['a header name with a space', { headers: { 'X Team': 'a' } }],
    ['an unknown key', { secret: 'x' }],
  ])('refuses %s', (_, extra) => {
    expect(
      webhookReceiver.configSchema.safeParse({ kind: 'webhook', url: 'https://hooks.example.com/', ...extra }).success,
    ).toBe(false);
  });

  it("sends Alertmanager's version 4 payload", async () => {
    const firing = testAlert({ fingerprint: 'f1', startsAtMs: alertNowMs - 600_000 });
    const resolved = resolvedAlert(
      testAlert({
        fingerprint: 'f2',
        labels: { ...firing.labels, endpoint: 'alchemy' },
        annotations: { summary: firing.annotations.summary!, description: 'other' },
      }),
      alertNowMs - 1_500,
    );
    const batch = testBatch([testNotification(firing, { id: 11 }), testNotification(resolved, { id: 12 })]);
    const request = await send(batch);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      version: '4',
      groupKey: '{}/{}:{alertname="SloErrorBudgetBurn"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'team-chat',
      groupLabels: { alertname: 'SloErrorBudgetBurn' },
      commonLabels: { alertname: 'SloErrorBudgetBurn', severity: 'page', chain: 'mainnet', slo: 'rpc-availability' },
      commonAnnotations: { summary: 'RPC availability SLO is burning its error budget' },
      externalURL: 'http://ere.example.com:9470',
      alerts: [
        {
          status: 'firing',
          labels: firing.labels,
          annotations: firing.annotations,
          startsAt: '2023-11-14T22:03:20Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: firing.generatorUrl,
          fingerprint: 'f1',
          idempotencyKey: 'f1:11',
        },
        {
          status: 'resolved',
          labels: resolved.labels,
          annotations: resolved.annotations,
          startsAt: '2023-11-14T19:01:20Z',
          endsAt: '2023-11-14T22:13:18.5Z',
          generatorURL: resolved.generatorUrl,
          fingerprint: 'f2',
          idempotencyKey: 'f2:12',
        },
      ],
    });
  });

  it('says resolved only when every alert is', async () => {
    const request = await send(
      testBatch([resolvedAlert(testAlert({ fingerprint: 'f1' })), resolvedAlert(testAlert({ fingerprint: 'f2' }))]),
    );
    expect((request.json as WebhookMessage).status).toBe('resolved');
  });

  it('sends at most maxAlerts alerts and counts the rest in truncatedAlerts', async () => {
    const alerts = [
      testAlert({ fingerprint: 'f1' }),
      testAlert({ fingerprint: 'f2' }),
      resolvedAlert(testAlert({ fingerprint: 'f3', labels: { alertname: 'Other', severity: 'info' } })),
    ];
    const message = (await send(testBatch(alerts), { maxAlerts: 2 })).json as WebhookMessage;
    expect(message.alerts.map((alert) => alert.fingerprint)).toEqual(['f1', 'f2']);
    expect(message.truncatedAlerts).toBe(1);
    // Common labels are those of the alerts sent, as Alertmanager computes them.
    expect(message.commonLabels).toEqual(alerts[0]!.labels);
    expect(message.status).toBe('firing');
    expect(((await send(testBatch(alerts), { maxAlerts: 0 })).json as WebhookMessage).truncatedAlerts).toBe(0);
  });

  it('sends the custom headers and an Idempotency-Key that is the same for the same batch only', async () => {
    const batch = testBatch([
      testNotification(testAlert({ fingerprint: 'f1' }), { id: 1 }),
      testNotification(testAlert({ fingerprint: 'f2' }), { id: 2 }),
    ]);
    const config = { headers: { Authorization: 'Bearer s3cr3t-t0ken', 'X-Team': 'sre', 'User-Agent': 'ere-to-team' } };
    const first = await send(batch, config);
    expect(first.headers.authorization).toBe('Bearer s3cr3t-t0ken');
    expect(first.headers['x-team']).toBe('sre');
    // Replaces the default rather than being joined to it.
    expect(first.headers['user-agent']).toBe('ere-to-team');
    expect(first.headers['idempotency-key']).toBe(sha256('f1:1,f2:2'));
    expect(first.headers).not.toHaveProperty('x-ere-test');
    expect(first.headers).not.toHaveProperty('x-ere-signature');

    const retried = await send(batch, config);
    expect(retried.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(retried.rawBody).toBe(first.rawBody);
    const other = await send(testBatch([testNotification(testAlert({ fingerprint: 'f1' }), { id: 3 })]), config);
    expect(other.headers['idempotency-key']).not.toBe(first.headers['idempotency-key']);
  });

  it('marks a test batch with X-ERE-Test', async () => {
    const request = await send(testBatch([testAlert()], { test: true }));
    expect(request.headers['x-ere-test']).toBe('true');
  });

  describe('signature', () => {
    it('signs timestamp.body with HMAC-SHA256, as node:crypto computes it', async () => {
      const request = await send(testBatch([testAlert()]), { hmacKey });
      const timestamp = request.headers['x-ere-timestamp'] as string;
      expect(timestamp).toBe(String(alertNowMs / 1_000));
      const expected = createHmac('sha256', hmacKey).update(`${timestamp}.${request.rawBody}`, 'utf8').digest('hex');
      expect(request.headers['x-ere-signature']).toBe(`sha256=${expected}`);
    });

    it('is accepted by verifyWebhookSignature, and a tampered, stale, forged or missing one is not', async () => {
      const request = await send(testBatch([testAlert({ annotations: { summary: 'naïve ✓ unicode' } })]), { hmacKey });
      const signed = {
        body: request.rawBody,
        timestamp: request.headers['x-ere-timestamp'] as string,
        signature: request.headers['x-ere-signature'] as string,
        key: hmacKey,
        nowMs: alertNowMs + 60_000,
      };
      expect(verifyWebhookSignature(signed)).toEqual({ valid: true });
      expect(verifyWebhookSignature({ ...signed, body: Buffer.from(request.rawBody, 'utf8') })).toEqual({
        valid: true,
      });
      expect(verifyWebhookSignature({ ...signed, body: request.rawBody.replace('"firing"', '"resolved"') })).toEqual({
        valid: false,
        reason: 'mismatch',
      });
      expect(verifyWebhookSignature({ ...signed, key: `${hmacKey}x` })).toEqual({ valid: false, reason: 'mismatch' });
      expect(verifyWebhookSignature({ ...signed, timestamp: String(Number(signed.timestamp) + 1) })).toEqual({
        valid: false,
        reason: 'mismatch',
      });
      expect(verifyWebhookSignature({ ...signed, nowMs: alertNowMs + 301_000 })).toEqual({
        valid: false,
        reason: 'stale',
      });
      expect(verifyWebhookSignature({ ...signed, nowMs: alertNowMs - 301_000 })).toEqual({
        valid: false,
        reason: 'stale',
      });
      expect(verifyWebhookSignature({ ...signed, nowMs: alertNowMs + 301_000, toleranceSeconds: 600 })).toEqual({
        valid: true,
      });
      expect(verifyWebhookSignature({ ...signed, signature: signed.signature.slice(0, -2) })).toEqual({
        valid: false,
        reason: 'malformed',
      });
      expect(verifyWebhookSignature({ ...signed, signature: undefined })).toEqual({
        valid: false,
        reason: 'malformed',
      });
      expect(verifyWebhookSignature({ ...signed, timestamp: 'yesterday' })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    });
  });

  describeDeliveryOutcomes({
    server: () => server,
    receiver: (timeoutMs) => receiver({ headers: { Authorization: 'Bearer s3cr3t-t0ken' }, hmacKey }, timeoutMs),
    batch: () => testBatch([testAlert()]),
    secrets: () => [webhookUrl, 't0ken-in-query', 's3cr3t-t0ken', hmacKey],
  });
});

// What a real Alertmanager (Debian's prometheus-alertmanager) sends to a webhook, compared shape for shape with
// ERE's message for the same alert: anything written against Alertmanager's payload reads ERE's.
describe('webhook payload next to a real Alertmanager’s', () => {
  let alertmanager: Alertmanager;
  let capture: HttpReceiver;

  beforeAll(async () => {
    capture = await startHttpReceiver();
    alertmanager = await startAlertmanager({ webhookUrl: `${capture.url}/am`, groupBy: ['alertname'] });
  }, 60_000);

  afterAll(async () => {
    await alertmanager?.stop();
    await capture?.close();
  });

  it('has the same fields, of the same types, and the same values where both know them', async () => {
    const startsAtMs = Math.floor(Date.now() / 1_000) * 1_000 - 600_000;
    const alert = testAlert({ startsAtMs, labels: { alertname: 'WebhookShape', severity: 'page', chain: 'mainnet' } });
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: new Date(startsAtMs).toISOString(),
          generatorURL: alert.generatorUrl,
        },
      ]),
    });
    expect(posted.status).toBe(200);
    const [request] = await capture.waitFor(1, 20_000);
    const theirs = request!.json as WebhookMessage;
    const ours = webhookMessage(testBatch([alert], { groupLabels: { alertname: 'WebhookShape' } }), 0);

    const shape = (value: object) =>
      Object.fromEntries(
        Object.entries(value).map(([key, field]) => [key, Array.isArray(field) ? 'array' : typeof field]),
      );
    expect(shape(ours)).toEqual(shape(theirs));
    const { idempotencyKey, ...ourAlert } = ours.alerts[0]!;
    expect(idempotencyKey.startsWith(`${alert.fingerprint}:`)).toBe(true);
    expect(shape(ourAlert)).toEqual(shape(theirs.alerts[0]!));

    expect(ours.version).toBe(theirs.version);
    expect(ours.status).toBe(theirs.status);
    expect(ours.truncatedAlerts).toBe(theirs.truncatedAlerts);
    expect(ours.groupLabels).toEqual(theirs.groupLabels);
    expect(ours.commonLabels).toEqual(theirs.commonLabels);
    expect(ours.commonAnnotations).toEqual(theirs.commonAnnotations);
    for (const field of ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL'] as const)
      expect(ourAlert[field]).toEqual(theirs.alerts[0]![field]);
  });
});
