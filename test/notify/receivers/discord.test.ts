// The Discord receiver against a capture server: one embed per alert field by field, red and green, no
// mentions, and every Discord limit held (6,000 characters across embeds included) however big the alerts.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../../src/domain/alert.js';
import { fixedClock } from '../../../src/domain/clock.js';
import {
  discordColors,
  discordLimits,
  discordReceiver,
  embedLength,
  type DiscordMessage,
} from '../../../src/notify/receivers/discord.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.js';
import { describeDeliveryOutcomes } from './outcomes.js';

const webhookPath = '/api/webhooks/112233445566778899/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
let server: HttpReceiver;
let webhookUrl: string;

beforeAll(async () => {
  server = await startHttpReceiver({ respond: () => ({ status: 204 }) });
  webhookUrl = `${server.url}${webhookPath}`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function receiver(timeoutMs = 2_000) {
  const parsed = discordReceiver.configSchema.parse({ kind: 'discord', url: webhookUrl });
  return discordReceiver.create(parsed, { clock: fixedClock(alertNowMs), timeoutMs });
}

async function send(batch: NotificationBatch): Promise<DiscordMessage> {
  server.reset();
  const result = await receiver().deliver(batch, new AbortController().signal);
  expect(result).toEqual({ outcome: 'delivered', statusCode: 204 });
  const [request] = await server.waitFor(1);
  expect(request!.method).toBe('POST');
  expect(request!.path).toBe(webhookPath);
  expect(request!.headers['content-type']).toBe('application/json');
  return request!.json as DiscordMessage;
}

function expectWithinLimits(message: DiscordMessage): void {
  expect(message.content.length).toBeLessThanOrEqual(discordLimits.content);
  expect(message.embeds.length).toBeLessThanOrEqual(discordLimits.embeds);
  expect(message.embeds.reduce((sum, embed) => sum + embedLength(embed), 0)).toBeLessThanOrEqual(
    discordLimits.embedsTotal,
  );
  for (const embed of message.embeds) {
    expect(embed.title.length).toBeLessThanOrEqual(discordLimits.title);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(discordLimits.description);
    expect(embed.fields.length).toBeLessThanOrEqual(discordLimits.fields);
    for (const field of embed.fields) {
      expect(field.name.length).toBeLessThanOrEqual(discordLimits.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(discordLimits.fieldValue);
      expect(field.value.length).toBeGreaterThan(0);
    }
  }
}

describe('discord receiver', () => {
  it('is in the receiver list, ten alerts a message, the URL secret', () => {
    expect(receiverKind('discord')).toBe(discordReceiver);
    expect(discordReceiver.maxBatchSize).toBe(10);
    const config = discordReceiver.configSchema.parse({
      kind: 'discord',
      url: 'https://discord.com/api/webhooks/1122/T0kenT0kenT0ken',
    });
    expect(discordReceiver.describe(config)).toBe('discord.com');
    expect(discordReceiver.secrets(config)).toEqual(
      expect.arrayContaining([
        'https://discord.com/api/webhooks/1122/T0kenT0kenT0ken',
        '/api/webhooks/1122/T0kenT0kenT0ken',
      ]),
    );
    expect(discordReceiver.configSchema.safeParse({ kind: 'discord', url: 'discord.com/api/webhooks/1' }).success).toBe(
      false,
    );
  });

  it('sends a firing alert as a red embed with its facts, labels and links', async () => {
    const alert = testAlert();
    const message = await send(testBatch([alert]));
    const started = Math.floor(alert.startsAtMs / 1_000);
    expect(message).toEqual({
      content: '🔥 FIRING: RPC availability SLO is burning its error budget',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: '🔥 RPC availability SLO is burning its error budget',
          url: alert.generatorUrl,
          description: 'mainnet/infura: 14.4x burn rate over 1h and 5m',
          color: discordColors.firing,
          fields: [
            { name: 'Severity', value: 'page', inline: true },
            { name: 'Status', value: 'firing for 3h 12m', inline: true },
            { name: 'Started', value: `<t:${started}:f> (<t:${started}:R>)`, inline: true },
            { name: 'Value', value: '14.4', inline: true },
            { name: 'chain', value: 'mainnet', inline: true },
            { name: 'endpoint', value: 'infura', inline: true },
            { name: 'slo', value: 'rpc-availability', inline: true },
            { name: 'Runbook', value: '[Open the runbook](https://runbooks.example.com/slo-burn)', inline: false },
          ],
          timestamp: new Date(alert.startsAtMs).toISOString(),
          footer: { text: 'ERE Monitor' },
        },
      ],
    });
  });

  it('makes resolved green and reminders say still firing', async () => {
    const alert = testAlert();
    const resolved = await send(testBatch([resolvedAlert(alert, alertNowMs - 60_000)]));
    expect(resolved.content).toBe('✅ RESOLVED: RPC availability SLO is burning its error budget');
    expect(resolved.embeds[0]).toMatchObject({
      title: '✅ RPC availability SLO is burning its error budget',
      color: discordColors.resolved,
      timestamp: new Date(alertNowMs - 60_000).toISOString(),
    });
    expect(resolved.embeds[0]!.fields[1]).toEqual({ name: 'Resolved', value: 'resolved after 3h 11m', inline: true });

    const reminder = await send(testBatch([testNotification(alert, { kind: 'reminder' })]));
    expect(reminder.content).toBe('🔁 STILL FIRING: RPC availability SLO is burning its error budget');
    expect(reminder.embeds[0]).toMatchObject({
      title: '🔁 RPC availability SLO is burning its error budget',
      color: discordColors.firing,
    });
  });

  it('marks a test message', async () => {
    const message = await send(testBatch([testAlert()], { test: true }));
    expect(message.content).toBe(
      '[TEST] 🔥 FIRING: RPC availability SLO is burning its error budget\nThis is ' +
        'a test message sent by `ere test-notify`; no alert is firing.',
    );
  });

  it('keeps every limit with huge annotations and labels, and counts alerts beyond ten', async () => {
    const labels: Record<string, string> = { alertname: 'A', severity: 'page' };
    for (let index = 0; index < 40; index += 1) labels[`label_${index}`] = 'v'.repeat(3_000);
    const alerts = Array.from({ length: 14 }, (_, index) =>
      testAlert({
        fingerprint: `f${index}`,
        labels,
        annotations: {
          summary: 'S'.repeat(10_000),
          description: 'D'.repeat(50_000),
          runbook_url: `https://r.example.com/${'x'.repeat(5_000)}`,
        },
      }),
    );
    const message = await send(testBatch(alerts, { test: true, groupLabels: { alertname: 'A'.repeat(10_000) } }));
    expectWithinLimits(message);
    expect(message.embeds).toHaveLength(10);
    expect(message.content.endsWith('\n…and 4 more alerts not shown')).toBe(true);
    expect(message.embeds[0]!.description!.endsWith('D…')).toBe(true);
  });

  it('gives a single alert the room for a long description', async () => {
    const message = await send(
      testBatch([testAlert({ annotations: { summary: 's', description: 'D'.repeat(50_000) } })]),
    );
    expectWithinLimits(message);
    expect(message.embeds[0]!.description).toHaveLength(discordLimits.description);
  });

  describeDeliveryOutcomes({
    server: () => server,
    receiver,
    batch: () => testBatch([testAlert()]),
    secrets: () => [webhookUrl, 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
  });
});
