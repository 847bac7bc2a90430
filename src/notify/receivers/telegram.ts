// Telegram bots: one sendMessage per batch, in Telegram's HTML parse mode. Telegram refuses a message over
// 4,096 characters or with broken markup, so user text is escaped, cut only where no tag or entity is
// split, and alerts that do not fit are counted in an "and N more" line. The bot token is in the request
// path: it is a secret, and the URL is never put in an error (postJson names only the status).

import { z } from 'zod';
import type { DeliveryResult, Notification, NotificationBatch } from '../../domain/alert.js';
import { urlHost, urlSecrets } from '../../log/redact.js';
import { postJson } from '../http-post.js';
import { defineReceiverKind } from '../receiver.js';
import {
  alertSummary,
  alertTiming,
  andMore,
  batchHeadline,
  escapeAndTruncate,
  escapeMarkup,
  formatValue,
  isHttpUrl,
  isoTime,
  kindStyles,
  runbookUrl,
  shownLabels,
  takeWhileFits,
  testNotice,
} from './text.js';

export const telegramConfigSchema = z.strictObject({
  kind: z.literal('telegram'),
  botToken: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be a bot token such as "123456789:AAE…" from @BotFather')
    .describe('The bot token from @BotFather, `<bot id>:<secret>`; a secret, never shown (it is in the request path).'),
  chatId: z
    .union([
      z.number().int(),
      z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{4,})$/, 'must be a numeric chat id or "@channelname"'),
    ])
    .describe("The chat the bot posts to: a numeric chat id (negative for groups) or a public channel's `@name`."),
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.telegram.org')
    .describe("The Bot API server: a local Bot API server, or a proxy, instead of Telegram's own."),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

export const telegramTextMax = 4_096;

export interface TelegramMessage {
  chat_id: string | number;
  text: string;
  parse_mode: 'HTML';
  disable_web_page_preview: true;
}

const headlineShown = 300;
const summaryShown = 200;
const labelsShown = 400;
const linkUrlMax = 1_000;
/** The shortest share of the text an alert gets, however many there are: enough to say what it is. */
const minimumPerAlert = 400;

export function sendMessageUrl(config: TelegramConfig): string {
  return `${config.apiUrl.replace(/\/+$/, '')}/bot${config.botToken}/sendMessage`;
}

/** A link, or none when the URL is not http(s) or too long to leave room for the alert (a cut URL is useless). */
function link(url: string | undefined, text: string): string[] {
  if (!url || !isHttpUrl(url)) return [];
  const href = escapeMarkup(url).replace(/"/g, '&quot;');
  return href.length > linkUrlMax ? [] : [`<a href="${href}">${text}</a>`];
}

/** One alert in at most `budget` characters (its own lines short enough that only the description is cut). */
function alertText(notification: Notification, budget: number, nowMs: number): string {
  const { alert, kind } = notification;
  const still = kind === 'reminder' ? ' <i>(still firing)</i>' : '';
  const title = `${kindStyles[kind].emoji} <b>${escapeAndTruncate(alertSummary(alert), summaryShown)}</b>${still}`;
  const labels = escapeAndTruncate(
    [alert.severity, ...shownLabels(alert.labels).map(([name, value]) => `${name}: ${value}`)].join(' · '),
    labelsShown,
  );
  const facts = [
    ...(alert.value === null ? [] : [`Value: ${formatValue(alert.value)}`]),
    `${alertTiming(alert, nowMs)} (since ${isoTime(alert.startsAtMs)})`,
  ].join(' · ');
  const links = [...link(runbookUrl(alert), 'Runbook'), ...link(alert.generatorUrl, 'ERE')].join(' · ');
  const fixed = [title, labels, facts, links].filter(Boolean);
  const descriptionRoom = budget - fixed.join('\n').length - 1;
  const description = alert.annotations.description?.trim();
  const lines = [
    fixed[0]!,
    fixed[1]!,
    ...(description && descriptionRoom > 20 ? [escapeAndTruncate(description, descriptionRoom)] : []),
    ...fixed.slice(2),
  ];
  return lines.join('\n');
}

export function telegramText(batch: NotificationBatch, nowMs: number): string {
  const head = [
    `<b>${escapeAndTruncate(batchHeadline(batch), headlineShown)}</b>`,
    ...(batch.test ? [`<i>${escapeMarkup(testNotice)}</i>`] : []),
  ].join('\n');
  // Room for the "and N more" line and the blank lines between parts.
  const room = telegramTextMax - head.length - 80;
  const perAlert = Math.max(minimumPerAlert, Math.floor(room / Math.max(1, batch.notifications.length)) - 2);
  const alerts = batch.notifications.map((notification) => alertText(notification, perAlert, nowMs));
  const { shown, omitted } = takeWhileFits(alerts, (text) => text.length + 2, room);
  return [head, ...shown, ...(omitted > 0 ? [andMore(omitted)] : [])].join('\n\n');
}

/** Telegram says how long to wait in its JSON body (`parameters.retry_after`, seconds), not always in a header. */
function retryAfterFromBody(responseBody: string): number | undefined {
  try {
    const seconds = (JSON.parse(responseBody) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    return typeof seconds === 'number' && seconds >= 0 ? seconds * 1_000 : undefined;
  } catch {
    return undefined;
  }
}

const telegramSecrets = (config: TelegramConfig): string[] => [
  config.botToken,
  sendMessageUrl(config),
  ...urlSecrets(config.apiUrl),
];

export const telegramReceiver = defineReceiverKind<TelegramConfig>({
  kind: 'telegram',
  configSchema: telegramConfigSchema,
  maxBatchSize: 10,
  secrets: telegramSecrets,
  describe: (config) => urlHost(config.apiUrl),
  create(config, context) {
    const url = sendMessageUrl(config);
    return {
      async deliver(batch, signal): Promise<DeliveryResult> {
        const message: TelegramMessage = {
          chat_id: config.chatId,
          text: telegramText(batch, context.clock.now()),
          parse_mode: 'HTML',
          disable_web_page_preview: true,
        };
        const { result, responseBody } = await postJson({
          url,
          body: JSON.stringify(message),
          timeoutMs: context.timeoutMs,
          signal,
          secrets: telegramSecrets(config),
        });
        if (result.outcome === 'retry' && result.retryAfterMs === undefined) {
          const retryAfterMs = retryAfterFromBody(responseBody);
          if (retryAfterMs !== undefined) return { ...result, retryAfterMs };
        }
        return result;
      },
    };
  },
});
