// Error-budget maths, pure. An objective is a ratio (99.9 % → 0.999); counts are good and valid events
// (or good and counted minutes for time slices). Where there are no valid events nothing is defined,
// and the functions say so with null rather than pretend the service was good.

import type { EventCounts } from '../domain/slo.js';

export function sliRatio(counts: EventCounts): number | null {
  return counts.valid > 0 ? counts.good / counts.valid : null;
}

export function errorRatio(counts: EventCounts): number | null {
  return counts.valid > 0 ? (counts.valid - counts.good) / counts.valid : null;
}

/**
 * How fast the budget burns: the error ratio over the budget ratio. 1 spends exactly the whole budget
 * over the window; 14.4 spends 2 % of a 30-day budget in one hour.
 */
export function burnRate(objective: number, counts: EventCounts): number | null {
  const errors = errorRatio(counts);
  return errors === null ? null : errors / (1 - objective);
}

export interface ErrorBudget {
  /** Bad events (or minutes) the window may have: (1 − objective) × the events (or minutes) it counts. */
  totalEvents: number;
  consumedEvents: number;
  remainingEvents: number;
  /** Share of the budget spent; above 1 when overspent. */
  consumedRatio: number;
  /** Share left, in [0, 1]. */
  remainingRatio: number;
}

/**
 * The budget of a window. For occurrences it is a share of the valid events seen; for time slices a share
 * of the minutes in the whole window (`windowEvents`), so that a minute never measured is not budget.
 */
export function errorBudget(objective: number, counts: EventCounts, windowEvents = counts.valid): ErrorBudget | null {
  if (windowEvents <= 0 || counts.valid <= 0) return null;
  const totalEvents = (1 - objective) * windowEvents;
  const consumedEvents = counts.valid - counts.good;
  const consumedRatio = totalEvents > 0 ? consumedEvents / totalEvents : consumedEvents > 0 ? Infinity : 0;
  return {
    totalEvents,
    consumedEvents,
    remainingEvents: Math.max(0, totalEvents - consumedEvents),
    consumedRatio,
    remainingRatio: Math.min(1, Math.max(0, 1 - consumedRatio)),
  };
}

/**
 * When the budget runs out if it keeps burning at `currentBurnRate`: burn rate 1 spends the whole budget
 * in one window length. null when it is not burning, or already spent (then it ran out already).
 */
export function exhaustionInMs(
  remainingRatio: number,
  currentBurnRate: number | null,
  windowMs: number,
): number | null {
  if (currentBurnRate === null || currentBurnRate <= 0 || remainingRatio <= 0) return null;
  return (remainingRatio / currentBurnRate) * windowMs;
}
