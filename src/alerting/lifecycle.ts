// The alert lifecycle as a pure state machine, with Prometheus' semantics plus `keep_firing_for`:
//
//   state      | condition   | next
//   -----------+-------------+---------------------------------------------------------------
//   inactive,  | true        | firing when `for` is 0, else pending (active since now)
//   resolved   | false       | unchanged
//   pending    | true        | firing once true for `for` (now − activeSince ≥ for − tolerance), else pending
//   pending    | false       | inactive (it never fired: no notification)
//   firing     | true        | firing (last active now)
//   firing     | false       | resolved once false for `keep_firing_for` (now − lastActive ≥ it)
//   any        | unknown     | unchanged: no data (a restart, a collector not run yet) decides nothing
//
// `tolerance` is the evaluation tick's jitter: timers fire a few milliseconds early or late, so a tick meant
// to fall exactly `for` after the first failing one may fall 1 ms short. Without it that tick would wait a
// whole evaluation interval more. Prometheus evaluates on aligned timestamps and needs none; with it ERE
// fires at the same tick Prometheus would: the first at or after `for`.
//
// `keep_firing_for` is the flap suppression: a condition that clears for a moment and comes back does not
// resolve and re-page. Threshold rules may add hysteresis (a clear threshold) before this.

import type { AlertState } from '../domain/alert.js';

export interface AlertTiming {
  forMs: number;
  keepFiringForMs: number;
}

/** How early a tick may fall and still count as the tick at `for`: a tenth of the interval, at most 1 s. */
export function tickToleranceMs(evaluationIntervalMs: number): number {
  return Math.min(1_000, Math.max(0, Math.floor(evaluationIntervalMs / 10)));
}

export interface LifecycleState {
  state: AlertState;
  activeSinceMs: number | null;
  firingSinceMs: number | null;
  lastActiveMs: number | null;
}

/** What the rule says about the alert's condition now; `null` when it cannot tell. */
export type Condition = boolean | null;

export interface LifecycleStep {
  next: LifecycleState;
  transition: { from: AlertState; to: AlertState } | null;
}

export const inactiveState: LifecycleState = {
  state: 'inactive',
  activeSinceMs: null,
  firingSinceMs: null,
  lastActiveMs: null,
};

function to(from: AlertState, next: LifecycleState): LifecycleStep {
  return { next, transition: from === next.state ? null : { from, to: next.state } };
}

export function stepLifecycle(
  current: LifecycleState,
  condition: Condition,
  nowMs: number,
  timing: AlertTiming,
  toleranceMs = 0,
): LifecycleStep {
  if (condition === null) return { next: current, transition: null };
  const { state } = current;
  if (state === 'inactive' || state === 'resolved') {
    if (!condition) return { next: current, transition: null };
    if (timing.forMs <= 0)
      return to(state, { state: 'firing', activeSinceMs: nowMs, firingSinceMs: nowMs, lastActiveMs: nowMs });
    return to(state, { state: 'pending', activeSinceMs: nowMs, firingSinceMs: null, lastActiveMs: nowMs });
  }
  if (state === 'pending') {
    if (!condition) return to(state, inactiveState);
    const activeSinceMs = current.activeSinceMs ?? nowMs;
    if (nowMs - activeSinceMs >= timing.forMs - toleranceMs)
      return to(state, { state: 'firing', activeSinceMs, firingSinceMs: nowMs, lastActiveMs: nowMs });
    return { next: { ...current, activeSinceMs, lastActiveMs: nowMs }, transition: null };
  }
  // firing
  if (condition) return { next: { ...current, lastActiveMs: nowMs }, transition: null };
  const lastActiveMs = current.lastActiveMs ?? nowMs;
  if (nowMs - lastActiveMs >= timing.keepFiringForMs)
    return to(state, { state: 'resolved', activeSinceMs: null, firingSinceMs: current.firingSinceMs, lastActiveMs });
  return { next: current, transition: null };
}

/** Comparison operators of threshold rules. */
export const thresholdOperators = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ThresholdOperator = (typeof thresholdOperators)[number];

function compare(value: number, op: ThresholdOperator, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * A threshold condition with optional hysteresis: once active (pending or firing), an alert on `> 5` with
 * `clear: 2` stays active until the value is at or below 2, so a value wavering around 5 does not flap.
 * `null` value: unknown.
 */
export function thresholdCondition(
  value: number | null,
  rule: { op: ThresholdOperator; threshold: number; clear?: number | undefined },
  wasActive: boolean,
): Condition {
  if (value === null || Number.isNaN(value)) return null;
  if (wasActive && rule.clear !== undefined) {
    if (rule.op === '>' || rule.op === '>=') return value > rule.clear;
    if (rule.op === '<' || rule.op === '<=') return value < rule.clear;
  }
  return compare(value, rule.op, rule.threshold);
}
