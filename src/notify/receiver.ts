// The interface every receiver kind implements: one file per kind under receivers/, listed in
// receivers/index.ts. A receiver turns a batch of notifications into one or more requests and says how it
// went; it never retries, queues or logs (the delivery worker does), and never puts a secret in an error.

import type { z } from 'zod';
import type { Clock } from '../domain/clock.js';
import type { DeliveryResult, NotificationBatch } from '../domain/alert.js';

export interface ReceiverContext {
  clock: Clock;
  /** Per request. */
  timeoutMs: number;
}

export interface Receiver {
  deliver(batch: NotificationBatch, signal: AbortSignal): Promise<DeliveryResult>;
}

export interface ReceiverKind<Config extends { kind: string } = { kind: string }> {
  kind: Config['kind'];
  /**
   * The kind's own config fields, a strict object with `kind: z.literal(...)`; the shared ones (id,
   * timeout, sendResolved, rateLimit) are added by the config schema.
   */
  configSchema: z.ZodType<Config>;
  /** Most alerts one request may carry: 1 for per-alert APIs (PagerDuty), more for chat and webhooks. */
  maxBatchSize: number;
  /**
   * Re-send firing alerts this often whatever the route's repeat interval says, and even when acknowledged
   * (Alertmanager expires alerts that are not re-sent). Undefined for receivers that repeat per the route.
   */
  resendIntervalMs?: number;
  /** Every secret in the config (URLs with tokens, keys) so that logs and errors can scrub them. */
  secrets(config: Config): string[];
  /** A host or short description safe to show (no secret): "hooks.slack.com". */
  describe(config: Config): string;
  create(config: Config, context: ReceiverContext): Receiver;
}

/** Keeps a kind's config type when it is put in the untyped list. */
export function defineReceiverKind<Config extends { kind: string }>(kind: ReceiverKind<Config>): ReceiverKind {
  return kind as unknown as ReceiverKind;
}
