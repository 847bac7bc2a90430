// Decodes a raw log with a kind's event ABI through viem, and turns its arguments into plain JSON values
// (bigints as decimal strings). A log no listed event matches, or one that does not decode, is reported
// as skipped with the reason, never thrown.

import { decodeEventLog, toEventSelector, type AbiEvent, type Hex, type Log } from 'viem';
import type { EventValue } from '../../domain/governance.js';

export type SkipReason = 'unknown_event' | 'malformed';

export type DecodedLog =
  | { ok: true; name: string; args: Record<string, EventValue> }
  | { ok: false; reason: SkipReason; detail: string };

export function toEventValue(value: unknown): EventValue {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toEventValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toEventValue(item)]));
  return value as EventValue;
}

/** Event ABIs by topic 0; variants of one signature (indexed or not) share a topic and are tried in order. */
export function eventsByTopic(events: readonly AbiEvent[]): Map<Hex, AbiEvent[]> {
  const byTopic = new Map<Hex, AbiEvent[]>();
  for (const event of events) {
    const topic = toEventSelector(event);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
  }
  return byTopic;
}

export function decodeGovernanceLog(
  log: Pick<Log, 'data' | 'topics'>,
  byTopic: ReadonlyMap<Hex, AbiEvent[]>,
): DecodedLog {
  const topic = log.topics[0];
  const candidates = topic === undefined ? undefined : byTopic.get(topic);
  if (!candidates)
    return { ok: false, reason: 'unknown_event', detail: `no watched event has topic ${topic ?? '(none)'}` };
  let lastError = '';
  for (const event of candidates) {
    try {
      const decoded = decodeEventLog({
        abi: [event],
        data: log.data,
        topics: log.topics as [Hex, ...Hex[]],
        strict: true,
      });
      const args = Array.isArray(decoded.args) ? {} : (decoded.args as Record<string, unknown>);
      return { ok: true, name: decoded.eventName as string, args: toEventValue(args) as Record<string, EventValue> };
    } catch (error) {
      lastError = (error as { shortMessage?: string }).shortMessage ?? String(error);
    }
  }
  return { ok: false, reason: 'malformed', detail: `${candidates[0]!.name}: ${lastError}` };
}
