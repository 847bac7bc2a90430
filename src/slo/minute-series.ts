// The last minutes of one SLO's events, with a running sum per window, so that each new minute costs
// O(windows) however long the windows are. Minutes are pushed in order; a gap is pushed as empty
// minutes (no data: neither good nor valid). Pure data structure, no I/O.

import type { EventCounts } from '../domain/slo.js';
import { minuteMs } from './window.js';

export class MinuteSeries {
  // Float32: half the memory of doubles, and exact for whole counts up to 16,777,216 a minute. A value is
  // rounded to float32 once, before it enters the sums, so that what leaves a window is what entered it.
  private readonly good: Float32Array;
  private readonly valid: Float32Array;
  private readonly sums: { minutes: number; good: number; valid: number }[];
  /** Start of the next minute to push; null before the first. */
  private nextMinuteMs: number | null = null;
  private pushed = 0;

  /** @param windowsMinutes the window lengths, in minutes, whose sums are kept. */
  constructor(windowsMinutes: readonly number[]) {
    const capacity = Math.max(1, ...windowsMinutes);
    this.good = new Float32Array(capacity);
    this.valid = new Float32Array(capacity);
    this.sums = [...new Set(windowsMinutes)].map((minutes) => ({ minutes, good: 0, valid: 0 }));
  }

  get endMs(): number | null {
    return this.nextMinuteMs;
  }

  /** Appends the minute starting at `minuteStartMs`; minutes skipped since the last push count as empty. */
  push(minuteStartMs: number, counts: EventCounts): void {
    if (this.nextMinuteMs !== null) {
      if (minuteStartMs < this.nextMinuteMs) throw new Error(`minute ${minuteStartMs} pushed out of order`);
      const gap = Math.min((minuteStartMs - this.nextMinuteMs) / minuteMs, this.good.length);
      for (let index = 0; index < gap; index += 1) this.append(0, 0);
    }
    this.append(counts.good, counts.valid);
    this.nextMinuteMs = minuteStartMs + minuteMs;
  }

  /** Sum over the last `minutes` minutes (one of the kept windows). */
  sum(minutes: number): EventCounts {
    const window = this.sums.find((candidate) => candidate.minutes === minutes);
    if (!window) throw new Error(`no running sum for ${minutes} minutes`);
    return { good: window.good, valid: window.valid };
  }

  private append(goodCount: number, validCount: number): void {
    const good = Math.fround(goodCount);
    const valid = Math.fround(validCount);
    const capacity = this.good.length;
    const slot = this.pushed % capacity;
    for (const window of this.sums) {
      // The minute leaving this window, if the series is long enough to have one.
      if (this.pushed >= window.minutes) {
        const leaving = (this.pushed - window.minutes) % capacity;
        window.good -= this.good[leaving]!;
        window.valid -= this.valid[leaving]!;
      }
      window.good += good;
      window.valid += valid;
    }
    this.good[slot] = good;
    this.valid[slot] = valid;
    this.pushed += 1;
  }
}
