// The Telegram receiver against a capture server standing in for the Bot API: the sendMessage request field
// by field, HTML that Telegram's parser accepts (only its tags, every <, > and & escaped), the 4,096
// character limit whatever the alerts hold, and the bot token kept out of every result.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../../src/domain/alert.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import { telegramReceiver, telegramTextMax, type TelegramMessage } from '../../../src/notify/receivers/telegram.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.js';
import { describeDeliveryOutcomes } from './outcomes.js';

const botToken = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let server: HttpReceiver;
let apiUrl: string;

beforeAll(async () => {
  server = await startHttpReceiver({ respond: () => ({ status: 200, body: { ok: true, result: { message_id: 1 } } }) });
  // A Bot API behind a path prefix, given with a trailing slash.
  apiUrl = `${server.url}/telegram/`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function receiver(config: Record<string, unknown> = {}, timeoutMs = 2_000) {
  const parsed = telegramReceiver.configSchema.parse({
    kind: 'telegram',
    botToken,
    chatId: -1001234567890,
    apiUrl,
    ...config,
  });
  return telegramReceiver.create(parsed, { clock: fixedClock(alertNowMs), timeoutMs });
}

async function send(batch: NotificationBatch, config: Record<string, unknown> = {}): Promise<TelegramMessage> {
  server.reset();
  const result = await receiver(config).deliver(batch, new AbortController().signal);
  expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
  const [request] = await server.waitFor(1);
  expect(request!.method).toBe('POST');
  expect(request!.path).toBe(`/telegram/bot${botToken}/sendMessage`);
  expect(request!.headers['content-type']).toBe('application/json');
  const message = request!.json as TelegramMessage;
  expectTelegramHtml(message.text);
  return message;
}

/**
 * What Telegram's HTML mode accepts, as far as ERE uses it: only <b>, <i> and <a href="…">, balanced; every
 * other <, > and & written as an entity.
 */
function expectTelegramHtml(text: string): void {
  const open: string[] = [];
  for (const [token] of text.matchAll(/<[^>]*>|&[^;&<>\s]*;?|[<>]/g)) {
    if (token.startsWith('&')) {
      expect(['&lt;', '&gt;', '&amp;', '&quot;'], `entity ${token}`).toContain(token);
      continue;
    }
    const tag = /^<(\/?)(b|i|a)(?: href="[^"<>]*")?>$/.exec(token);
    expect(tag, `markup ${token}`).not.toBeNull();
    if (tag![1]) expect(open.pop()).toBe(tag![2]);
    else open.push(tag![2]!);
  }
  expect(open).toEqual([]);
}

describe('telegram receiver', () => {
  it('is in the receiver list, with the token and the whole URL as secrets', () => {
    expect(receiverKind('telegram')).toBe(telegramReceiver);
    const config = telegramReceiver.configSchema.parse({ kind: 'telegram', botToken, chatId: '@ere_alerts' });
    expect(config).toEqual({ kind: 'telegram', botToken, chatId: '@ere_alerts', apiUrl: 'https://api.telegram.org' });
    expect(telegramReceiver.describe(config)).toBe('api.telegram.org');
    expect(telegramReceiver.secrets(config)).toEqual(
      expect.arrayContaining([botToken, `https://api.telegram.org/bot${botToken}/sendMessage`]),
    );
  });

  it.each([
    ['a token without the bot id', { botToken: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: 1 }],
    ['a chat that is neither an id nor a @name', { botToken, chatId: 'ere alerts' }],
    ['a fractional chat id', { botToken, chatId: 1.5 }],
    ['an API URL that is not http(s)', { botToken, chatId: 1, apiUrl: 'file:///etc' }],
    ['an unknown key', { botToken, chatId: 1, parseMode: 'MarkdownV2' }],
  ])('refuses %s', (_, config) => {
    expect(telegramReceiver.configSchema.safeParse({ kind: 'telegram', ...config }).success).toBe(false);
  });

  it('sends one HTML message with the headline, the alert, its facts and links', async () => {
    const alert = testAlert();
    const message = await send(testBatch([alert]));
    expect(message).toEqual({
      chat_id: -1001234567890,
      parse_mode: 'HTML',
      disable_web_page_preview: true,
      text: [
        '<b>🔥 FIRING: RPC availability SLO is burning its error budget</b>',
        '',
        '🔥 <b>RPC availability SLO is burning its error budget</b>',
        'page · chain: mainnet · endpoint: infura · slo: rpc-availability',
        'mainnet/infura: 14.4x burn rate over 1h and 5m',
        'Value: 14.4 · firing for 3h 12m (since 2023-11-14T19:01:20Z)',
        `<a href="https://runbooks.example.com/slo-burn">Runbook</a> · <a href="${alert.generatorUrl}">ERE</a>`,
      ].join('\n'),
    });
  });

  it('tells resolved and reminders apart from firing, and keeps a string chat id', async () => {
    const alert = testAlert();
    const resolved = await send(testBatch([resolvedAlert(alert, alertNowMs - 60_000)]), { chatId: '@ere_alerts' });
    expect(resolved.chat_id).toBe('@ere_alerts');
    expect(resolved.text).toMatch(
      /^<b>✅ RESOLVED: RPC availability SLO is burning its error budget<\/b>\n\n✅ <b>RPC/,
    );
    expect(resolved.text).toContain('Value: 14.4 · resolved after 3h 11m (since 2023-11-14T19:01:20Z)');

    const reminder = await send(testBatch([testNotification(alert, { kind: 'reminder' })]));
    expect(reminder.text).toMatch(
      new RegExp(
        /^<b>🔁 STILL FIRING: RPC availability SLO is burning its error budget<\/b>\n\n🔁 <b>RPC availability /.source +
          /SLO is burning its error budget<\/b> <i>\(still firing\)<\/i>/.source,
      ),
    );
  });

  it('marks a test message', async () => {
    const message = await send(testBatch([testAlert()], { test: true }));
    expect(message.text).toMatch(
      new RegExp(
        /^<b>\[TEST\] 🔥 FIRING: [^\n]*<\/b>\n<i>This is a test message sent by `ere test-notify`; no alert /.source +
          /is firing.<\/i>\n\n/.source,
      ),
    );
  });

  it('escapes <, > and & in alert text and quotes in links', async () => {
    const alert = testAlert({
      labels: { alertname: 'A', severity: 'page', chain: '<b>main</b>' },
      annotations: {
        summary: '<script>alert(1)</script> & co',
        description: 'a < b > c &amp; d',
        runbook_url: 'https://r.example.com/?a=1&b="x"',
      },
    });
    const message = await send(testBatch([alert]));
    expect(message.text).toContain('🔥 <b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b>');
    expect(message.text).toContain('chain: &lt;b&gt;main&lt;/b&gt;');
    expect(message.text).toContain('a &lt; b &gt; c &amp;amp; d');
    expect(message.text).toContain('<a href="https://r.example.com/?a=1&amp;b=&quot;x&quot;">Runbook</a>');
  });

  it('stays within 4096 characters and valid markup however big the alerts, and counts those left out', async () => {
    const labels: Record<string, string> = { alertname: 'A', severity: 'page' };
    for (let index = 0; index < 50; index += 1) labels[`label_${index}`] = '<&>'.repeat(500);
    const alerts = Array.from({ length: 30 }, (_, index) =>
      testAlert({
        fingerprint: `f${index}`,
        labels,
        annotations: {
          summary: '&'.repeat(5_000),
          description: '<>'.repeat(50_000),
          runbook_url: `https://r.example.com/${'&'.repeat(900)}`,
        },
      }),
    );
    const message = await send(testBatch(alerts, { test: true, groupLabels: { alertname: '<'.repeat(5_000) } }));
    expect(message.text.length).toBeLessThanOrEqual(telegramTextMax);
    const shown = message.text.split('\n\n').filter((part) => part.startsWith('🔥')).length;
    expect(shown).toBeGreaterThan(0);
    expect(message.text.endsWith(`…and ${30 - shown} more alerts not shown`)).toBe(true);

    const single = await send(
      testBatch([testAlert({ annotations: { summary: 's', description: '<>'.repeat(50_000) } })]),
    );
    expect(single.text.length).toBeLessThanOrEqual(telegramTextMax);
    expect(single.text.length).toBeGreaterThan(telegramTextMax - 200);
  });

  it('shows a full batch of ordinary alerts', async () => {
    const alerts = Array.from({ length: telegramReceiver.maxBatchSize }, (_, index) =>
      testAlert({ fingerprint: `f${index}` }),
    );
    const message = await send(testBatch(alerts));
    expect(message.text).not.toContain('more alert');
    expect(message.text.split('\n\n').filter((part) => part.startsWith('🔥 <b>'))).toHaveLength(
      telegramReceiver.maxBatchSize,
    );
  });

  it("waits as long as Telegram's body says on 429, and fails on a bad token without naming it", async () => {
    server.enqueue({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 12',
        parameters: { retry_after: 12 },
      },
    });
    const limited = await receiver().deliver(testBatch([testAlert()]), new AbortController().signal);
    expect(limited).toMatchObject({ outcome: 'retry', statusCode: 429, retryAfterMs: 12_000 });

    server.enqueue({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const unauthorized = await receiver().deliver(testBatch([testAlert()]), new AbortController().signal);
    expect(unauthorized).toMatchObject({ outcome: 'failed', statusCode: 401 });
    expect(JSON.stringify([limited, unauthorized])).not.toMatch(/AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw|\/bot/);
  });

  describeDeliveryOutcomes({
    server: () => server,
    receiver: (timeoutMs) => receiver({}, timeoutMs),
    batch: () => testBatch([testAlert()]),
    secrets: () => [botToken, 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', `${apiUrl}bot${botToken}/sendMessage`],
  });
});
