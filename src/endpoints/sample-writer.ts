// Buffers samples and writes them in one transaction per flush (every second by default, or sooner when
// the buffer fills), with their rollups. A failed write keeps the batch for the next flush.

import type { ChainObservation, RpcSample } from '../domain/rpc.js';
import { aggregateChainObservations, aggregateRpcSamples } from './rpc/rpc-rollup.js';
import type { RpcSampleStore } from './rpc/rpc-samples.js';

export interface SampleWriterOptions {
  flushIntervalMs: number;
  /** Flush at once when this many samples wait. */
  maxBatch?: number;
  /** Past this many waiting samples (the database is failing), the oldest are dropped and counted. */
  maxBuffered?: number;
  onFlush?: (result: { samples: number; durationSeconds: number }) => void;
  onError?: (error: unknown, waiting: number) => void;
  onDrop?: (count: number) => void;
}

export class SampleWriter {
  private samples: RpcSample[] = [];
  private chainObservations: { at: number; health: ChainObservation }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly store: RpcSampleStore,
    private readonly options: SampleWriterOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 1_000;
    this.maxBuffered = options.maxBuffered ?? 200_000;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** `chain` is null when the chain's state was not known at the sample (no chain rollup then). */
  enqueue(sample: RpcSample, chain: ChainObservation | null): void {
    this.samples.push(sample);
    if (chain !== null) this.chainObservations.push({ at: sample.at, health: chain });
    if (this.samples.length > this.maxBuffered) {
      const excess = this.samples.length - this.maxBuffered;
      this.samples.splice(0, excess);
      this.chainObservations.splice(0, Math.max(0, this.chainObservations.length - this.maxBuffered));
      this.options.onDrop?.(excess);
    }
    if (this.samples.length >= this.maxBatch) this.flush();
  }

  get waiting(): number {
    return this.samples.length;
  }

  /** Writes everything waiting. Returns false when the write failed (the batch stays queued). */
  flush(): boolean {
    if (this.samples.length === 0) return true;
    const samples = this.samples;
    const chainObservations = this.chainObservations;
    const started = performance.now();
    try {
      this.store.write(samples, aggregateRpcSamples(samples), aggregateChainObservations(chainObservations));
    } catch (error) {
      this.options.onError?.(error, samples.length);
      return false;
    }
    this.samples = [];
    this.chainObservations = [];
    this.options.onFlush?.({ samples: samples.length, durationSeconds: (performance.now() - started) / 1_000 });
    return true;
  }

  /** Stops the timer and writes what is left. */
  close(): boolean {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.flush();
  }
}
