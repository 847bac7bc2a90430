// What one benchmark phase measures, the same way for the bare baseline and for ERE: polls completed,
// CPU, event-loop utilisation, RSS and scheduling lag, counted only inside the measurement window that
// follows the warm-up.

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export type PhaseMode = 'baseline' | 'ere';

export interface LagSummary {
  runs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PhaseResult {
  mode: PhaseMode;
  windowSeconds: number;
  /** Polls that completed inside the window, successful or not. */
  polls: number;
  /** Of those, the ones that failed (HTTP, transport, or for ERE a failed sample). */
  errors: number;
  /** Runs the scheduler skipped because the previous run of the same endpoint was still in flight. */
  skipped: number;
  /** Timer fires for a slot already run (a scheduler fault): skipped, or run a second time. */
  refiredSkips: number;
  refiredRuns: number;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  /** Share of the window the event loop was busy, 0..1. */
  eventLoopUtilization: number;
  rssPeakBytes: number;
  rssEndBytes: number;
  heapUsedEndBytes: number;
  lag: LagSummary;
  /** CPU per 1,000 polls in consecutive slices from the start of the warm-up: shows when it settles. */
  cpuTimeline: { sliceSeconds: number; cpuPerThousandPolls: number[] };
  /** Poller-specific checks, e.g. samples stored by ERE. */
  notes: Record<string, number | string>;
}

/**
 * Counts polls, errors, skips and lags; only while the window is open. It also tells a genuine skip (a
 * run still in flight one interval later) from a timer that fires again for a slot it has just run
 * (less than half an interval after that run started): the latter is a scheduler fault, counted apart.
 */
export class PollRecorder {
  measuring = false;
  polls = 0;
  errors = 0;
  skipped = 0;
  refiredSkips = 0;
  refiredRuns = 0;
  /** Every poll completed, window or not (to check that ERE stored them all). */
  pollsEver = 0;
  readonly lagsMs: number[] = [];
  private readonly lastStartedAt = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  pollDone(ok: boolean): void {
    this.pollsEver += 1;
    if (!this.measuring) return;
    this.polls += 1;
    if (!ok) this.errors += 1;
  }

  /** A run of `taskId` started `lagMs` after it was due. */
  lag(taskId: string, lagMs: number): void {
    const refired = this.refired(taskId);
    this.lastStartedAt.set(taskId, performance.now());
    if (!this.measuring) return;
    this.lagsMs.push(lagMs);
    if (refired) this.refiredRuns += 1;
  }

  skip(taskId: string): void {
    if (!this.measuring) return;
    if (this.refired(taskId)) this.refiredSkips += 1;
    else this.skipped += 1;
  }

  private refired(taskId: string): boolean {
    const last = this.lastStartedAt.get(taskId);
    return last !== undefined && performance.now() - last < this.intervalMs / 2;
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarizeLags(lagsMs: readonly number[]): LagSummary {
  const sorted = [...lagsMs].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

const timelineSliceMs = 5_000;

function cpuTimeline(recorder: PollRecorder, sliceMs: number) {
  const slices: number[] = [];
  const cpuMicros = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  let cpuAt = cpuMicros();
  let pollsAt = recorder.pollsEver;
  const timer = setInterval(() => {
    const cpu = cpuMicros();
    const polls = recorder.pollsEver - pollsAt;
    slices.push(polls === 0 ? Number.NaN : ((cpu - cpuAt) / 1e6 / polls) * 1_000);
    cpuAt = cpu;
    pollsAt = recorder.pollsEver;
  }, sliceMs);
  return { slices, stop: () => clearInterval(timer) };
}

/**
 * Lets the poller warm up (connections opened, code optimised, first-run burst over), then opens the
 * window for `durationMs` and returns what happened in it.
 */
export async function measureWindow(
  mode: PhaseMode,
  recorder: PollRecorder,
  { warmupMs, durationMs }: { warmupMs: number; durationMs: number },
): Promise<Omit<PhaseResult, 'notes'>> {
  const timeline = cpuTimeline(recorder, timelineSliceMs);
  await sleep(warmupMs);
  let rssPeakBytes = process.memoryUsage.rss();
  const rssSampler = setInterval(() => (rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss())), 250);

  recorder.measuring = true;
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const eluAtStart = performance.eventLoopUtilization();
  await sleep(durationMs);
  const cpu = process.cpuUsage(cpuAtStart);
  const elu = performance.eventLoopUtilization(eluAtStart);
  const windowSeconds = (performance.now() - startedAt) / 1_000;
  recorder.measuring = false;

  clearInterval(rssSampler);
  timeline.stop();
  const memory = process.memoryUsage();
  return {
    mode,
    windowSeconds,
    polls: recorder.polls,
    errors: recorder.errors,
    skipped: recorder.skipped,
    refiredSkips: recorder.refiredSkips,
    refiredRuns: recorder.refiredRuns,
    cpuUserSeconds: cpu.user / 1e6,
    cpuSystemSeconds: cpu.system / 1e6,
    eventLoopUtilization: elu.utilization,
    rssPeakBytes: Math.max(rssPeakBytes, memory.rss),
    rssEndBytes: memory.rss,
    heapUsedEndBytes: memory.heapUsed,
    lag: summarizeLags(recorder.lagsMs),
    cpuTimeline: { sliceSeconds: timelineSliceMs / 1_000, cpuPerThousandPolls: timeline.slices },
  };
}
