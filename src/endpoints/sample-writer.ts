// Buffers an endpoint kind's samples and hands them to its store in one transaction per flush (every second
// by default, or sooner when the buffer fills). A failed write keeps the batch queued for the next flush;
// past a bound the oldest are dropped and counted. Every endpoint kind writes through it: its store is the
// one small interface below, and `SampleWriters` flushes every kind's writer on one timer.

import type { Logger } from '../log/logger.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';

/** A sample waiting to be written, with what the kind's store keeps beside it (the RPC chain's state). */
export interface QueuedSample<Sample, Context> {
  sample: Sample;
  context: Context;
}

/** What the writer drives: one kind's samples, written all in one transaction or none of them. */
export interface SampleStore<Sample, Context = null> {
  writeBatch(batch: readonly QueuedSample<Sample, Context>[]): void;
}

export interface SampleWriterOptions {
  /** How often `SampleWriters` flushes every kind's writer. */
  flushIntervalMs: number;
  /** Flush at once when this many samples wait. */
  maxBatch?: number;
  /** Past this many waiting samples (the database is failing), the oldest are dropped and counted. */
  maxBuffered?: number;
  onFlush?: (result: { samples: number; durationSeconds: number }) => void;
  onError?: (error: unknown, waiting: number) => void;
  onDrop?: (count: number) => void;
}

/** One kind's queue. It keeps no timer of its own: `SampleWriters` flushes it, or its caller does. */
export class SampleWriter<Sample, Context = null> {
  private queue: QueuedSample<Sample, Context>[] = [];
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly store: SampleStore<Sample, Context>,
    private readonly options: SampleWriterOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 1_000;
    this.maxBuffered = options.maxBuffered ?? 200_000;
  }

  /** `context` is what the store keeps beside the sample; for RPC, null when the chain's state was not known. */
  enqueue(sample: Sample, context: Context): void {
    this.queue.push({ sample, context });
    if (this.queue.length > this.maxBuffered) {
      const excess = this.queue.length - this.maxBuffered;
      this.queue.splice(0, excess);
      this.options.onDrop?.(excess);
    }
    if (this.queue.length >= this.maxBatch) this.flush();
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Writes everything waiting. Returns false when the write failed (the batch stays queued). */
  flush(): boolean {
    if (this.queue.length === 0) return true;
    const batch = this.queue;
    const started = performance.now();
    try {
      this.store.writeBatch(batch);
    } catch (error) {
      this.options.onError?.(error, batch.length);
      return false;
    }
    this.queue = [];
    this.options.onFlush?.({ samples: batch.length, durationSeconds: (performance.now() - started) / 1_000 });
    return true;
  }

  /** Writes what is left, at shutdown. */
  close(): boolean {
    return this.flush();
  }
}

/** Writer options that feed the store's self-metrics (`ere_store_*`) and log a failed write. */
export function meteredWriterOptions(flushIntervalMs: number, metrics: SelfMetrics, log: Logger): SampleWriterOptions {
  return {
    flushIntervalMs,
    onFlush: ({ samples, durationSeconds }) => {
      metrics.storeWriteDuration.observe(durationSeconds);
      metrics.storeSamplesWritten.inc(samples);
    },
    onError: (error, waiting) => {
      metrics.storeWriteErrors.inc();
      log.error({ err: error, waiting }, 'writing samples failed; they stay queued');
    },
    onDrop: (count) => metrics.storeSamplesDropped.inc(count),
  };
}

/**
 * One writer for every endpoint kind: a `SampleWriter` per kind's store, all with the same options, flushed on
 * one timer and closed together. Each kind writes in its own transaction, so a failing table holds back its
 * own samples only.
 */
export class SampleWriters {
  private readonly writers: { flush(): boolean }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SampleWriterOptions) {}

  /** The writer of one kind's store. */
  writerFor<Sample, Context>(store: SampleStore<Sample, Context>): SampleWriter<Sample, Context> {
    const writer = new SampleWriter(store, this.options);
    this.writers.push(writer);
    return writer;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Flushes every kind's writer; false when any write failed (its batch stays queued). */
  flush(): boolean {
    return this.writers.map((writer) => writer.flush()).every(Boolean);
  }

  /** Stops the timer and writes what is left of every kind. */
  close(): boolean {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.flush();
  }
}
