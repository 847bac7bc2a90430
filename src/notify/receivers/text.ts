// The words chat receivers (Slack, Discord, Telegram) and PagerDuty's summary share: how an alert and a
// batch are named, how long an alert has fired, and how text is cut to a platform's limits without
// breaking a character or an escape, so that every receiver says the same thing in its own markup.

import type { AlertSnapshot, Notification, NotificationBatch, NotificationKind } from '../../domain/alert.js';

const ellipsis = '…';

/**
 * `text` cut to at most `max` UTF-16 units, ending in "…" when cut. Never splits a surrogate pair (a
 * lone half is invalid text that APIs reject); units are what every platform's limit counts at most.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ellipsis.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(0, end))}${ellipsis}`;
}

/** `&`, `<` and `>` as entities: the only characters Slack mrkdwn and Telegram HTML treat as markup. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Already-escaped text cut to `max`, dropping an entity the cut would split (`&am…` renders as garbage). */
export function truncateMarkup(escaped: string, max: number): string {
  const cut = truncate(escaped, max);
  if (cut === escaped) return cut;
  return cut.replace(/&[a-z]*…$/, ellipsis);
}

/** `truncateMarkup(escapeMarkup(text), max)`: user text made safe and short in one step. */
export function escapeAndTruncate(text: string, max: number): string {
  return truncateMarkup(escapeMarkup(text), max);
}

/** "45s", "12m 5s", "3h 12m", "2d 4h": the two largest units, enough to read at a glance. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  const units: [string, number][] = [
    ['d', Math.floor(seconds / 86_400)],
    ['h', Math.floor(seconds / 3_600) % 24],
    ['m', Math.floor(seconds / 60) % 60],
    ['s', seconds % 60],
  ];
  const first = units.findIndex(([, amount]) => amount > 0);
  if (first === -1) return '0s';
  return units
    .slice(first, first + 2)
    .filter(([, amount]) => amount > 0)
    .map(([unit, amount]) => `${amount}${unit}`)
    .join(' ');
}

/** `2024-05-01T12:00:00.000Z` without the milliseconds nobody reads. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a person reads first: the rule's `summary` annotation, else the rule's name. */
export function alertSummary(alert: AlertSnapshot): string {
  const summary = alert.annotations.summary?.trim();
  return summary ? summary : alert.rule;
}

/** Four significant digits at most: burn rates and ratios, not floating-point noise. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Labels people look for first; the others follow in name order. */
const keyLabelNames = ['chain', 'endpoint', 'slo', 'service', 'network', 'validator', 'window'];
/** Shown elsewhere (the title and the severity), not repeated among the labels. */
const hiddenLabelNames = new Set(['alertname', 'severity']);

/** The labels worth showing, key ones first. */
export function shownLabels(labels: Readonly<Record<string, string>>): [name: string, value: string][] {
  const rank = (name: string): number => {
    const index = keyLabelNames.indexOf(name);
    return index === -1 ? keyLabelNames.length : index;
  };
  return Object.entries(labels)
    .filter(([name]) => !hiddenLabelNames.has(name))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface KindStyle {
  emoji: string;
  word: string;
}

export const kindStyles: Record<NotificationKind, KindStyle> = {
  firing: { emoji: '🔥', word: 'FIRING' },
  reminder: { emoji: '🔁', word: 'STILL FIRING' },
  resolved: { emoji: '✅', word: 'RESOLVED' },
};

/** One line per alert: "🔥 summary". */
export function alertTitle(notification: Notification): string {
  return `${kindStyles[notification.kind].emoji} ${alertSummary(notification.alert)}`;
}

/** "firing for 3h 12m" or "resolved after 12m": how long, as of `nowMs` while it fires. */
export function alertTiming(alert: AlertSnapshot, nowMs: number): string {
  if (alert.status === 'resolved' && alert.endsAtMs !== null)
    return `resolved after ${humanDuration(alert.endsAtMs - alert.startsAtMs)}`;
  return `firing for ${humanDuration(nowMs - alert.startsAtMs)}`;
}

/** The batch's overall kind: any new firing wins, then reminders; resolved only when all are. */
export function batchKind(batch: NotificationBatch): NotificationKind {
  const kinds = new Set(batch.notifications.map((notification) => notification.kind));
  if (kinds.has('firing')) return 'firing';
  if (kinds.has('reminder')) return 'reminder';
  return 'resolved';
}

export const testPrefix = '[TEST] ';

/**
 * "[TEST] 🔥 FIRING: <summary>" for one alert; "🔥 FIRING: 2 firing, 1 resolved · chain=mainnet" for
 * several. Plain text: each receiver escapes and cuts it for its own header.
 */
export function batchHeadline(batch: NotificationBatch): string {
  const style = kindStyles[batchKind(batch)];
  const [only] = batch.notifications;
  let subject: string;
  if (batch.notifications.length === 1 && only) {
    subject = alertSummary(only.alert);
  } else {
    const resolved = batch.notifications.filter((notification) => notification.kind === 'resolved').length;
    const firing = batch.notifications.length - resolved;
    const counts = [firing ? `${firing} firing` : '', resolved ? `${resolved} resolved` : '']
      .filter(Boolean)
      .join(', ');
    const group = Object.entries(batch.groupLabels)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    subject = group ? `${counts} · ${group}` : counts;
  }
  return `${batch.test ? testPrefix : ''}${style.emoji} ${style.word}: ${subject}`;
}

/** Said in every chat message of `ere test-notify`, so nobody acts on it. */
export const testNotice = 'This is a test message sent by `ere test-notify`; no alert is firing.';

/** The runbook link, when the rule gives one that is an http(s) URL (anything else would be refused). */
export function runbookUrl(alert: AlertSnapshot): string | undefined {
  const url = alert.annotations.runbook_url?.trim();
  return url && isHttpUrl(url) ? url : undefined;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The longest prefix of `items` whose sizes fit in `budget`, at least one item (the first is always
 * shown, already cut to fit on its own), and how many were left out.
 */
export function takeWhileFits<T>(
  items: readonly T[],
  size: (item: T) => number,
  budget: number,
): { shown: T[]; omitted: number } {
  const shown: T[] = [];
  let used = 0;
  for (const item of items) {
    const itemSize = size(item);
    if (shown.length > 0 && used + itemSize > budget) break;
    shown.push(item);
    used += itemSize;
  }
  return { shown, omitted: items.length - shown.length };
}

/** "and 3 more alerts", for the line that says a message could not hold them all. */
export function andMore(omitted: number): string {
  return `…and ${omitted} more alert${omitted === 1 ? '' : 's'} not shown`;
}
