// The Slack receiver against a capture server: the Block Kit message field by field, firing, resolved and
// reminders told apart, user text escaped, and Slack's limits held whatever the alerts carry.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../../src/domain/alert.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import { slackLimits, slackReceiver, type SlackBlock, type SlackMessage } from '../../../src/notify/receivers/slack.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.js';
import { describeDeliveryOutcomes } from './outcomes.js';

let server: HttpReceiver;
let webhookUrl: string;
const webhookPath = '/services/T0001ABCD/B0002EFGH/Zx9yW8vU7tS6rQ5pO4nM3lK2';

beforeAll(async () => {
  server = await startHttpReceiver();
  webhookUrl = `${server.url}${webhookPath}`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function receiver(config: Record<string, unknown> = {}, timeoutMs = 2_000) {
  const parsed = slackReceiver.configSchema.parse({ kind: 'slack', url: webhookUrl, ...config });
  return slackReceiver.create(parsed, { clock: fixedClock(alertNowMs), timeoutMs });
}

async function send(batch: NotificationBatch, config: Record<string, unknown> = {}): Promise<SlackMessage> {
  const result = await receiver(config).deliver(batch, new AbortController().signal);
  expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
  const [request] = await server.waitFor(1);
  expect(request!.method).toBe('POST');
  expect(request!.path).toBe(webhookPath);
  expect(request!.headers['content-type']).toBe('application/json');
  return request!.json as SlackMessage;
}

const sections = (message: SlackMessage) =>
  message.blocks.filter((block): block is Extract<SlackBlock, { type: 'section' }> => block.type === 'section');
const header = (message: SlackMessage) => (message.blocks[0] as Extract<SlackBlock, { type: 'header' }>).text.text;
const contexts = (message: SlackMessage) =>
  message.blocks.flatMap((block) => (block.type === 'context' ? block.elements.map((element) => element.text) : []));
const buttons = (message: SlackMessage) =>
  message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : []));

describe('slack receiver', () => {
  it('is in the receiver list, with its limits and secrets', () => {
    expect(receiverKind('slack')).toBe(slackReceiver);
    expect(slackReceiver.maxBatchSize).toBe(20);
    const config = slackReceiver.configSchema.parse({
      kind: 'slack',
      url: 'https://hooks.slack.com/services/T0/B0/secretTokenValue123',
    });
    expect(slackReceiver.describe(config)).toBe('hooks.slack.com');
    expect(slackReceiver.secrets(config)).toEqual(
      expect.arrayContaining([
        'https://hooks.slack.com/services/T0/B0/secretTokenValue123',
        '/services/T0/B0/secretTokenValue123',
      ]),
    );
  });

  it('refuses a config that is not an http(s) URL or has unknown keys', () => {
    expect(slackReceiver.configSchema.safeParse({ kind: 'slack', url: 'ftp://hooks.slack.com/x' }).success).toBe(false);
    expect(slackReceiver.configSchema.safeParse({ kind: 'slack', url: 'not a url' }).success).toBe(false);
    expect(
      slackReceiver.configSchema.safeParse({ kind: 'slack', url: 'https://hooks.slack.com/x', icon: ':fire:' }).success,
    ).toBe(false);
  });

  it('sends a firing alert as a header, a section of facts and labels, and link buttons', async () => {
    const alert = testAlert();
    const message = await send(testBatch([alert]), { channel: '#alerts', username: 'ERE' });

    expect(message.channel).toBe('#alerts');
    expect(message.username).toBe('ERE');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔥 FIRING: RPC availability SLO is burning its error budget', emoji: true },
    });
    expect(contexts(message)).toEqual(['alertname: *SloErrorBudgetBurn*']);

    const [section] = sections(message);
    expect(section!.text).toEqual({
      type: 'mrkdwn',
      text: '🔥 *RPC availability SLO is burning its error budget*\nmainnet/infura: 14.4x burn rate over 1h and 5m',
    });
    const startedSeconds = Math.floor(alert.startsAtMs / 1_000);
    expect(section!.fields!.map((field) => field.text)).toEqual([
      '*Severity*\npage',
      `*Started*\n<!date^${startedSeconds}^{date_short_pretty} {time}|2023-11-14T19:01:20Z>`,
      '*Status*\nfiring for 3h 12m',
      '*Value*\n14.4',
      '*chain*\nmainnet',
      '*endpoint*\ninfura',
      '*slo*\nrpc-availability',
    ]);
    expect(buttons(message)).toEqual([
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Runbook' },
        url: 'https://runbooks.example.com/slo-burn',
        action_id: 'runbook-0',
      },
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open in ERE' },
        url: alert.generatorUrl,
        action_id: 'ere-0',
      },
    ]);
    expect(message.text).toBe(
      '🔥 FIRING: RPC availability SLO is burning its error budget\n🔥 RPC availability SLO is burning its error budget',
    );
  });

  it('makes resolved and reminder messages look different from firing', async () => {
    const firing = testAlert();
    const resolved = await send(testBatch([resolvedAlert(firing, alertNowMs - 60_000)]));
    expect(header(resolved)).toBe('✅ RESOLVED: RPC availability SLO is burning its error budget');
    expect(sections(resolved)[0]!.text.text).toMatch(/^✅ \*RPC/);
    expect(sections(resolved)[0]!.fields!.map((field) => field.text)).toContain(
      `*Resolved*\n<!date^${Math.floor((alertNowMs - 60_000) / 1_000)}^{date_short_pretty} {time}|` +
        `2023-11-14T22:12:20Z> (resolved after 3h 11m)`,
    );

    server.reset();
    const reminder = await send(testBatch([testNotification(firing, { kind: 'reminder' })]));
    expect(header(reminder)).toBe('🔁 STILL FIRING: RPC availability SLO is burning its error budget');
    expect(sections(reminder)[0]!.text.text).toMatch(
      /^🔁 \*RPC availability SLO is burning its error budget\* _\(still firing\)_/,
    );
  });

  it('counts a mixed batch in the header and shows each alert with its own mark', async () => {
    const batch = testBatch(
      [
        testAlert({ fingerprint: 'f1' }),
        resolvedAlert(testAlert({ fingerprint: 'f2', annotations: { summary: 'Head is stale' } })),
      ],
      { groupLabels: { chain: 'mainnet' } },
    );
    const message = await send(batch);
    expect(header(message)).toBe('🔥 FIRING: 1 firing, 1 resolved · chain=mainnet');
    expect(sections(message).map((section) => [...section.text.text][0])).toEqual(['🔥', '✅']);
    expect(buttons(message).map((button) => button.action_id)).toEqual(['runbook-0', 'ere-0', 'ere-1']);
  });

  it('marks a test message', async () => {
    const message = await send(testBatch([testAlert()], { test: true }));
    expect(header(message)).toMatch(/^\[TEST\] 🔥 FIRING: /);
    expect(message.text).toMatch(/^\[TEST\] /);
    expect(contexts(message)[0]).toContain('This is a test message sent by `ere test-notify`');
  });

  it('escapes &, < and > in user text so that it cannot mention, link or format', async () => {
    const alert = testAlert({
      labels: { alertname: 'X', severity: 'page', chain: '<!channel>' },
      annotations: { summary: 'ping <!here> & <@U024BE7LH>', description: '<https://evil.example|click> a > b' },
    });
    const message = await send(testBatch([alert]));
    const section = sections(message)[0]!;
    expect(section.text.text).toBe(
      '🔥 *ping &lt;!here&gt; &amp; &lt;@U024BE7LH&gt;*\n&lt;https://evil.example|click&gt; a &gt; b',
    );
    expect(section.fields!.map((field) => field.text)).toContain('*chain*\n&lt;!channel&gt;');
    expect(message.text).not.toMatch(/<!here>|<@U024BE7LH>/);
    // Only mrkdwn is parsed; the header is plain_text, shown as written.
    expect(header(message)).toBe('🔥 FIRING: ping <!here> & <@U024BE7LH>');
    expect(JSON.stringify(message.blocks.slice(1))).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
  });

  it('leaves out a runbook button whose link is not an http(s) URL or too long for Slack', async () => {
    const javascript = testAlert({ annotations: { summary: 's', runbook_url: 'javascript:alert(1)' } });
    const long = testAlert({
      fingerprint: 'f2',
      annotations: { summary: 's', runbook_url: `https://runbooks.example.com/${'x'.repeat(3_000)}` },
    });
    const message = await send(testBatch([javascript, long]));
    expect(buttons(message).map((button) => button.text.text)).toEqual(['Open in ERE', 'Open in ERE']);
  });

  it('never exceeds a Slack limit, however big the alerts, and says how many it left out', async () => {
    const huge = 'x'.repeat(100_000);
    const labels: Record<string, string> = { alertname: 'A'.repeat(5_000), severity: 'page' };
    for (let index = 0; index < 30; index += 1) labels[`label_${index}`] = `${'<&>'.repeat(2_000)}`;
    const alerts = Array.from({ length: 60 }, (_, index) =>
      testAlert({
        fingerprint: `f${index}`,
        labels,
        annotations: {
          summary: `${'😀'.repeat(5_000)}`,
          description: `${'&'.repeat(10_000)}${huge}`,
          runbook_url: `https://r.example.com/${huge}`,
        },
      }),
    );
    const message = await send(testBatch(alerts, { groupLabels: { alertname: 'A'.repeat(5_000) }, test: true }));
    const raw = JSON.stringify(message);
    // Cut strings never end in half an emoji or half an entity.
    expect(raw).not.toMatch(/\\ud83d"|\\ud83d…/i);
    expect(raw).not.toMatch(/&(a|am|amp|l|lt|g|gt)…/);

    expect(message.text.length).toBeLessThanOrEqual(slackLimits.text);
    expect(message.blocks.length).toBeLessThanOrEqual(slackLimits.blocks);
    expect(header(message).length).toBeLessThanOrEqual(slackLimits.headerText);
    for (const block of message.blocks) {
      if (block.type === 'section') {
        expect(block.text.text.length).toBeLessThanOrEqual(slackLimits.sectionText);
        expect(block.fields!.length).toBeLessThanOrEqual(slackLimits.fieldsPerSection);
        for (const field of block.fields!) expect(field.text.length).toBeLessThanOrEqual(slackLimits.fieldText);
      }
      if (block.type === 'context')
        for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(slackLimits.contextText);
    }
    for (const button of buttons(message)) {
      expect(button.text.text.length).toBeLessThanOrEqual(slackLimits.buttonText);
      expect(button.url.length).toBeLessThanOrEqual(slackLimits.buttonUrl);
    }
    const shown = sections(message).length;
    expect(shown).toBeGreaterThan(0);
    expect(contexts(message).at(-1)).toBe(`…and ${60 - shown} more alerts not shown`);
  });

  it('shows a full batch of ordinary alerts without leaving any out', async () => {
    const alerts = Array.from({ length: slackReceiver.maxBatchSize }, (_, index) =>
      testAlert({ fingerprint: `f${index}` }),
    );
    const message = await send(testBatch(alerts));
    expect(sections(message)).toHaveLength(slackReceiver.maxBatchSize);
    expect(contexts(message).join('\n')).not.toContain('more alert');
    expect(message.blocks.length).toBeLessThanOrEqual(slackLimits.blocks);
  });

  describeDeliveryOutcomes({
    server: () => server,
    receiver: (timeoutMs) => receiver({}, timeoutMs),
    batch: () => testBatch([testAlert()]),
    secrets: () => [webhookUrl, 'Zx9yW8vU7tS6rQ5pO4nM3lK2', webhookPath],
  });
});
