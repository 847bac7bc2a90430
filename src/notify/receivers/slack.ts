// Slack incoming webhooks: one message per batch, Block Kit blocks with a plain `text` fallback (what
// notifications and old clients show). Slack refuses a message over any of its block limits, so every
// piece is cut to its limit here and alerts that do not fit are counted in an "and N more" line: a
// notification must never be lost to its size.

import { z } from 'zod';
import type { Notification, NotificationBatch } from '../../domain/alert.js';
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
  truncate,
  truncateMarkup,
} from './text.js';

export const slackConfigSchema = z.strictObject({
  kind: z.literal('slack'),
  url: z
    .url({ protocol: /^https?$/ })
    .describe(
      'The incoming webhook URL (`https://hooks.slack.com/services/…`); a ' +
        'secret, never shown: put it in the environment with `${VAR}`.',
    ),
  channel: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The channel to post to, such as `#alerts`. Honoured by legacy webhooks ' +
        "only; an app's webhook posts to the channel it was made for.",
    ),
  username: z
    .string()
    .min(1)
    .optional()
    .describe('The name the messages are posted under; like `channel`, honoured by legacy webhooks only.'),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** Slack's documented Block Kit limits (api.slack.com/reference/block-kit). */
export const slackLimits = {
  headerText: 150,
  sectionText: 3_000,
  fieldsPerSection: 10,
  fieldText: 2_000,
  blocks: 50,
  buttonText: 75,
  buttonUrl: 3_000,
  text: 3_000,
  contextText: 2_000,
} as const;

/**
 * Slack also refuses messages whose blocks hold too much text in total (`msg_blocks_too_long`, an
 * undocumented limit near 12,000 characters), so all block text together stays under this.
 */
const blockTextBudget = 9_000;
/** Label values are identifiers; a long one is shown cut, leaving room for the description. */
const labelValueShown = 200;
const summaryShown = 300;

type TextObject = { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };
type Button = { type: 'button'; text: TextObject; url: string; action_id: string };
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'actions'; elements: Button[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  channel?: string;
  username?: string;
}

function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text };
}

/** A `<!date>` token: each reader sees their own time zone, others the ISO fallback. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1_000)}^{date_short_pretty} {time}|${isoTime(ms)}>`;
}

function field(name: string, value: string): TextObject {
  return mrkdwn(truncateMarkup(`*${name}*\n${value}`, slackLimits.fieldText));
}

function button(text: string, url: string, actionId: string): Button | undefined {
  if (url.length > slackLimits.buttonUrl || !isHttpUrl(url)) return undefined;
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(text, slackLimits.buttonText) },
    url,
    action_id: actionId,
  };
}

/** A section (summary, description, facts and labels) and, when there are links, a row of buttons. */
function alertBlocks(notification: Notification, index: number, descriptionShown: number, nowMs: number): SlackBlock[] {
  const { alert, kind } = notification;
  const style = kindStyles[kind];
  const summary =
    `${style.emoji} ` +
    `*${escapeAndTruncate(alertSummary(alert), summaryShown)}*${kind === 'reminder' ? ' _(still firing)_' : ''}`;
  const description = alert.annotations.description?.trim();
  const text = description ? `${summary}\n${escapeAndTruncate(description, descriptionShown)}` : summary;

  const facts = [
    field('Severity', escapeMarkup(alert.severity)),
    field('Started', slackDate(alert.startsAtMs)),
    field(
      alert.status === 'resolved' ? 'Resolved' : 'Status',
      alert.endsAtMs === null
        ? alertTiming(alert, nowMs)
        : `${slackDate(alert.endsAtMs)} (${alertTiming(alert, nowMs)})`,
    ),
    ...(alert.value === null ? [] : [field('Value', formatValue(alert.value))]),
  ];
  const labels = shownLabels(alert.labels).map(([name, value]) =>
    field(escapeAndTruncate(name, 100), escapeAndTruncate(value, labelValueShown)),
  );
  const fields = [...facts, ...labels].slice(0, slackLimits.fieldsPerSection);

  const runbook = runbookUrl(alert);
  const buttons = [
    runbook ? button('Runbook', runbook, `runbook-${index}`) : undefined,
    button('Open in ERE', alert.generatorUrl, `ere-${index}`),
  ].filter((candidate): candidate is Button => candidate !== undefined);
  return [
    { type: 'section', text: mrkdwn(truncateMarkup(text, slackLimits.sectionText)), fields },
    ...(buttons.length > 0 ? [{ type: 'actions' as const, elements: buttons }] : []),
  ];
}

function blockTextLength(blocks: readonly SlackBlock[]): number {
  let length = 0;
  for (const block of blocks) {
    if (block.type === 'header') length += block.text.text.length;
    else if (block.type === 'section')
      length += block.text.text.length + (block.fields ?? []).reduce((sum, each) => sum + each.text.length, 0);
    else if (block.type === 'context') length += block.elements.reduce((sum, each) => sum + each.text.length, 0);
    else length += block.elements.reduce((sum, each) => sum + each.text.text.length, 0);
  }
  return length;
}

/** The whole message for a batch, within Slack's limits whatever the alerts hold. */
export function slackMessage(batch: NotificationBatch, config: SlackConfig, nowMs: number): SlackMessage {
  const headline = batchHeadline(batch);
  const head: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline, slackLimits.headerText), emoji: true } },
  ];
  const context = [
    ...(batch.test ? [escapeMarkup(testNotice)] : []),
    ...Object.entries(batch.groupLabels).map(
      ([name, value]) => `${escapeMarkup(name)}: *${escapeAndTruncate(value, labelValueShown)}*`,
    ),
  ].join('  ·  ');
  if (context) head.push({ type: 'context', elements: [mrkdwn(truncateMarkup(context, slackLimits.contextText))] });

  // Share the text budget among the alerts so that a batch of many shows many, each described shorter.
  const count = Math.max(1, batch.notifications.length);
  const descriptionShown = Math.max(200, Math.min(2_000, Math.floor(blockTextBudget / count) - 600));
  const perAlert = batch.notifications.map((notification, index) =>
    alertBlocks(notification, index, descriptionShown, nowMs),
  );
  const reservedBlocks = head.length + 1; // the "and N more" line
  const byBlocks = perAlert.slice(0, Math.floor((slackLimits.blocks - reservedBlocks) / 2));
  const { shown, omitted: omittedByText } = takeWhileFits(
    byBlocks,
    blockTextLength,
    blockTextBudget - blockTextLength(head) - 100,
  );
  const omitted = omittedByText + (perAlert.length - byBlocks.length);

  const blocks = [...head, ...shown.flat()];
  if (omitted > 0) blocks.push({ type: 'context', elements: [mrkdwn(andMore(omitted))] });

  const fallback = [
    headline,
    ...batch.notifications.map(
      (notification) => `${kindStyles[notification.kind].emoji} ${alertSummary(notification.alert)}`,
    ),
  ];
  return {
    text: escapeAndTruncate(fallback.join('\n'), slackLimits.text),
    blocks,
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
  };
}

const slackSecrets = (config: SlackConfig): string[] => urlSecrets(config.url);

export const slackReceiver = defineReceiverKind<SlackConfig>({
  kind: 'slack',
  configSchema: slackConfigSchema,
  maxBatchSize: 20,
  secrets: slackSecrets,
  describe: (config) => urlHost(config.url),
  create(config, context) {
    return {
      async deliver(batch, signal) {
        const message = slackMessage(batch, config, context.clock.now());
        const { result } = await postJson({
          url: config.url,
          body: JSON.stringify(message),
          timeoutMs: context.timeoutMs,
          signal,
          secrets: slackSecrets(config),
        });
        return result;
      },
    };
  },
});
