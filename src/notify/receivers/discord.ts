// Discord webhooks: one message per batch, one embed per alert (red while firing, green once resolved).
// Discord refuses a message over any of its embed limits, the 6,000 characters of all embeds together
// included, so each embed gets an equal share of that and is cut to it; alerts beyond ten embeds are
// counted in the message's content.

import { z } from 'zod';
import type { Notification, NotificationBatch } from '../../domain/alert.js';
import { urlHost, urlSecrets } from '../../log/redact.js';
import { postJson } from '../http-post.js';
import { defineReceiverKind } from '../receiver.js';
import {
  alertTiming,
  alertTitle,
  andMore,
  batchHeadline,
  formatValue,
  isHttpUrl,
  runbookUrl,
  shownLabels,
  testNotice,
  truncate,
} from './text.js';

export const discordConfigSchema = z.strictObject({
  kind: z.literal('discord'),
  url: z
    .url({ protocol: /^https?$/ })
    .describe(
      'The channel webhook URL (`https://discord.com/api/webhooks/<id>/<token>`); a ' +
        'secret, never shown: put it in the environment with `${VAR}`.',
    ),
});
export type DiscordConfig = z.infer<typeof discordConfigSchema>;

/** discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const discordLimits = {
  embeds: 10,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  embedsTotal: 6_000,
  content: 2_000,
} as const;

export const discordColors = { firing: 0xe53935, resolved: 0x43a047 } as const;

/** Label values are identifiers; a long one is shown cut, leaving room for the description. */
const labelValueShown = 200;
/** Kept back from the total for safety: Discord counts characters, we count UTF-16 units (never fewer). */
const embedsBudget = discordLimits.embedsTotal - 100;
const footerText = 'ERE Monitor';

export interface DiscordField {
  name: string;
  value: string;
  inline: boolean;
}

export interface DiscordEmbed {
  title: string;
  url?: string;
  description?: string;
  color: number;
  fields: DiscordField[];
  timestamp: string;
  footer: { text: string };
}

export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  /** No @everyone, role or user pings from alert text. */
  allowed_mentions: { parse: never[] };
}

/** Characters Discord counts towards the 6,000 of a message. */
export function embedLength(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    (embed.description?.length ?? 0) +
    embed.footer.text.length +
    embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

function field(name: string, value: string, inline = true): DiscordField {
  return {
    name: truncate(name, discordLimits.fieldName),
    value: truncate(value || '-', discordLimits.fieldValue),
    inline,
  };
}

/** `<t:…>` tokens: Discord shows each reader the time in their own zone. */
function discordTime(ms: number): string {
  const seconds = Math.floor(ms / 1_000);
  return `<t:${seconds}:f> (<t:${seconds}:R>)`;
}

/** One alert's embed, all its text within `budget` characters: the facts first, the description with what is left. */
function alertEmbed(notification: Notification, budget: number, nowMs: number): DiscordEmbed {
  const { alert } = notification;
  const title = truncate(alertTitle(notification), Math.min(discordLimits.title, Math.floor(budget / 4)));
  const runbook = runbookUrl(alert);
  const candidates = [
    field('Severity', alert.severity),
    field(alert.status === 'resolved' ? 'Resolved' : 'Status', alertTiming(alert, nowMs)),
    field('Started', discordTime(alert.startsAtMs)),
    ...(alert.value === null ? [] : [field('Value', formatValue(alert.value))]),
    ...shownLabels(alert.labels).map(([name, value]) => field(name, truncate(value, labelValueShown))),
    ...(runbook && runbook.length < 1_000 ? [field('Runbook', `[Open the runbook](${runbook})`, false)] : []),
  ];
  let remaining = budget - title.length - footerText.length;
  const fields: DiscordField[] = [];
  for (const candidate of candidates.slice(0, discordLimits.fields)) {
    const size = candidate.name.length + candidate.value.length;
    if (size > remaining) break;
    fields.push(candidate);
    remaining -= size;
  }
  const description = truncate(
    alert.annotations.description?.trim() ?? '',
    Math.min(discordLimits.description, remaining),
  );
  const url = alert.generatorUrl.length <= 2_000 && isHttpUrl(alert.generatorUrl) ? alert.generatorUrl : undefined;
  return {
    title,
    ...(url ? { url } : {}),
    ...(description ? { description } : {}),
    color: alert.status === 'resolved' ? discordColors.resolved : discordColors.firing,
    fields,
    timestamp: new Date(alert.endsAtMs ?? alert.startsAtMs).toISOString(),
    footer: { text: footerText },
  };
}

export function discordMessage(batch: NotificationBatch, nowMs: number): DiscordMessage {
  const shown = batch.notifications.slice(0, discordLimits.embeds);
  const budget = Math.floor(embedsBudget / Math.max(1, shown.length));
  const embeds = shown.map((notification) => alertEmbed(notification, budget, nowMs));
  const omitted = batch.notifications.length - shown.length;
  // The headline is cut first so that the "and N more" line always fits.
  const content = [
    truncate(batchHeadline(batch), 500),
    ...(batch.test ? [testNotice] : []),
    ...(omitted > 0 ? [andMore(omitted)] : []),
  ];
  return { content: truncate(content.join('\n'), discordLimits.content), embeds, allowed_mentions: { parse: [] } };
}

const discordSecrets = (config: DiscordConfig): string[] => urlSecrets(config.url);

export const discordReceiver = defineReceiverKind<DiscordConfig>({
  kind: 'discord',
  configSchema: discordConfigSchema,
  maxBatchSize: discordLimits.embeds,
  secrets: discordSecrets,
  describe: (config) => urlHost(config.url),
  create(config, context) {
    return {
      async deliver(batch, signal) {
        const message = discordMessage(batch, context.clock.now());
        const { result } = await postJson({
          url: config.url,
          body: JSON.stringify(message),
          timeoutMs: context.timeoutMs,
          signal,
          secrets: discordSecrets(config),
        });
        return result;
      },
    };
  },
});
