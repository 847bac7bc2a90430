// Delivers the outbox: for each receiver on its own (a receiver that is down or slow never delays
// another), takes the notifications due, groups them into batches, sends each through the receiver, and
// records the attempt. Failures retry with exponential backoff and jitter until they succeed or the
// give-up age passes; a circuit breaker stops hammering a receiver that keeps failing; a token bucket
// keeps within its rate limit. Nothing is marked delivered before the receiver accepted it, so a crash
// means a re-send (receivers deduplicate by idempotency key), never a loss.

import type { Clock } from '../domain/clock.js';
import type { DeliveryResult, NotificationBatch } from '../domain/alert.js';
import type { Logger } from '../log/logger.js';
import { idempotencyKey, type NotificationRecord, type Outbox } from './outbox.js';
import {
  backoffMs,
  breakerAfter,
  breakerAllows,
  closedBreaker,
  fullBucket,
  takeToken,
  type BackoffPolicy,
  type BreakerPolicy,
  type BreakerState,
  type RateLimit,
  type TokenBucket,
} from './delivery-policy.js';
import type { Receiver } from './receiver.js';

export interface ReceiverRuntime {
  id: string;
  kind: string;
  receiver: Receiver;
  maxBatchSize: number;
  rateLimit: RateLimit;
}

export interface DeliveryWorkerOptions {
  clock: Clock;
  random?: () => number;
  /** How often due notifications are looked for when nothing wakes the worker. */
  tickMs?: number;
  backoff: BackoffPolicy;
  breaker: BreakerPolicy;
  /** Past this age a notification that still cannot be delivered is marked failed. */
  giveUpAfterMs: number;
  externalUrl: string;
  log: Logger;
  onAttempt?: (attempt: {
    receiver: string;
    outcome: DeliveryResult['outcome'];
    notifications: number;
    durationSeconds: number;
  }) => void;
}

interface ReceiverState {
  runtime: ReceiverRuntime;
  breaker: BreakerState;
  bucket: TokenBucket;
  running: Promise<void> | null;
}

/** Batches of one group each, at most `size` notifications, in the order the rows came. */
export function batchesOf(rows: readonly NotificationRecord[], size: number): NotificationRecord[][] {
  const groups = new Map<string, NotificationRecord[]>();
  for (const row of rows) {
    const group = groups.get(row.groupKey) ?? [];
    group.push(row);
    groups.set(row.groupKey, group);
  }
  const batches: NotificationRecord[][] = [];
  for (const group of groups.values())
    for (let start = 0; start < group.length; start += size) batches.push(group.slice(start, start + size));
  return batches;
}

export class DeliveryWorker {
  private readonly receivers = new Map<string, ReceiverState>();
  private readonly random: () => number;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly outbox: Outbox,
    receivers: readonly ReceiverRuntime[],
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.random = options.random ?? Math.random;
    const nowMs = options.clock.now();
    for (const runtime of receivers)
      this.receivers.set(runtime.id, {
        runtime,
        breaker: closedBreaker(options.breaker),
        bucket: fullBucket(runtime.rateLimit, nowMs),
        running: null,
      });
  }

  start(): void {
    this.schedule(0);
  }

  /** Looks for due notifications now (after the engine queued some). */
  wake(): void {
    if (!this.stopping.signal.aborted) this.schedule(0);
  }

  /** One pass over every receiver; resolves when each has sent what it could. */
  async runOnce(): Promise<void> {
    await Promise.all([...this.receivers.values()].map((state) => this.run(state)));
  }

  breakerState(receiver: string): BreakerState['state'] | undefined {
    return this.receivers.get(receiver)?.breaker.state;
  }

  /** While the receiver's circuit is open: when it lets the next attempt through; otherwise null. */
  heldUntil(receiver: string): number | null {
    const breaker = this.receivers.get(receiver)?.breaker;
    return breaker?.state === 'open' ? breaker.openUntilMs : null;
  }

  /** Stops looking for work and aborts requests in flight; what they carried stays pending. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.receivers.values()].map((state) => state.running));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const state of this.receivers.values()) void this.run(state);
      if (!this.stopping.signal.aborted) this.schedule(this.options.tickMs ?? 1_000);
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * Drains a receiver unless it is being drained already. Never rejects: an error (the database locked or
   * failing) is logged and the pass ends; what it did not record stays pending for the next pass. Rejected,
   * the timer's pass would be an unhandled rejection, which ends the process.
   */
  private run(state: ReceiverState): Promise<void> {
    state.running ??= this.drain(state)
      .catch((error: unknown) =>
        this.options.log.error({ err: error, receiver: state.runtime.id }, 'delivery pass failed; will retry'),
      )
      .finally(() => (state.running = null));
    return state.running;
  }

  private async drain(state: ReceiverState): Promise<void> {
    const { runtime } = state;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const nowMs = this.options.clock.now();
      const rows = this.outbox.due(runtime.id, nowMs, runtime.maxBatchSize * 20);
      if (rows.length === 0) return;
      for (const batch of batchesOf(rows, runtime.maxBatchSize)) {
        if (signal.aborted) return;
        const gate = breakerAllows(state.breaker, this.options.clock.now());
        state.breaker = gate.next;
        if (!gate.allowed) return;
        const token = takeToken(state.bucket, this.options.clock.now(), runtime.rateLimit);
        state.bucket = token.next;
        if (!token.taken) return;
        const ok = await this.send(state, batch, signal);
        if (!ok) return;
      }
    }
  }

  /** Sends one batch and records it; false when the receiver did not take it (stop draining it for now). */
  private async send(state: ReceiverState, rows: NotificationRecord[], signal: AbortSignal): Promise<boolean> {
    const { runtime } = state;
    const batch: NotificationBatch = {
      receiver: runtime.id,
      groupKey: rows[0]!.groupKey,
      groupLabels: rows[0]!.groupLabels,
      notifications: rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        idempotencyKey: idempotencyKey(row),
        alert: row.alert,
        createdAtMs: row.createdAtMs,
      })),
      externalUrl: this.options.externalUrl,
      test: false,
    };
    const started = performance.now();
    let result: DeliveryResult;
    try {
      result = await runtime.receiver.deliver(batch, signal);
    } catch (error) {
      // A receiver that throws instead of answering is a bug there; the notifications wait and retry.
      result = {
        outcome: 'retry',
        statusCode: null,
        error: `receiver error: ${error instanceof Error ? error.name : 'unknown'}`,
      };
    }
    if (signal.aborted && result.outcome !== 'delivered') return false;
    const durationMs = performance.now() - started;
    const nowMs = this.options.clock.now();
    const failures = Math.max(...rows.map((row) => row.attempts)) + 1;
    const waitMs =
      result.outcome === 'retry'
        ? Math.max(backoffMs(failures, this.options.backoff, this.random), result.retryAfterMs ?? 0)
        : 0;
    this.outbox.recordAttempt({
      ids: rows.map((row) => row.id),
      atMs: nowMs,
      durationMs,
      outcome: result.outcome,
      statusCode: result.statusCode,
      error: result.outcome === 'delivered' ? null : result.error,
      nextAttemptAtMs: nowMs + waitMs,
      giveUpBeforeMs: nowMs - this.options.giveUpAfterMs,
    });
    this.options.onAttempt?.({
      receiver: runtime.id,
      outcome: result.outcome,
      notifications: rows.length,
      durationSeconds: durationMs / 1_000,
    });
    const delivered = result.outcome === 'delivered';
    // A rejected notification (failed) says nothing about the receiver being down.
    if (result.outcome !== 'failed')
      state.breaker = breakerAfter(state.breaker, delivered, nowMs, this.options.breaker);
    if (!delivered) {
      const fields = {
        receiver: runtime.id,
        kind: runtime.kind,
        notifications: rows.length,
        statusCode: result.statusCode,
        error: 'error' in result ? result.error : null,
        attempt: failures,
      };
      if (result.outcome === 'failed')
        this.options.log.error(fields, 'receiver rejected notifications; they are marked failed');
      else
        this.options.log.warn(
          { ...fields, retryInMs: Math.round(waitMs), breaker: state.breaker.state },
          'delivery failed; will retry',
        );
    }
    return delivered;
  }
}
