// The one small interface every collector kind implements. A collector probes one target and returns an
// observation, or throws a typed error; it never touches metrics, the store or the scheduler.

import type { Clock } from '../domain/clock.js';
import { EreError } from '../domain/errors.js';

/** Raised when a probe was aborted because the service is stopping: no sample, not a failure. */
export class ProbeAbortedError extends EreError {
  override name = 'ProbeAbortedError';
}

export interface ProbeContext {
  clock: Clock;
  /** Aborted when the service stops: in-flight requests end at once. */
  shutdownSignal: AbortSignal;
}

export interface Probe<Observation> {
  run(): Promise<Observation>;
}

export interface Collector<Target, Observation> {
  readonly kind: string;
  /** A probe for one target; state kept between runs (batch support, when the client version was read) lives in it. */
  createProbe(target: Target, context: ProbeContext): Probe<Observation>;
  /** The observation that records a failed run, or null when a failure leaves nothing to record. */
  failure(target: Target, error: unknown, startedAt: number, durationMs: number): Observation | null;
}
