import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../src/domain/alert.js';
import {
  inactiveState,
  stepLifecycle,
  thresholdCondition,
  type AlertTiming,
  type Condition,
  type LifecycleState,
  type ThresholdOperator,
  tickToleranceMs,
} from '../../src/alerting/lifecycle.js';

const t0 = 1_700_000_000_000;
const minute = 60_000;
const tick = 15_000;

const pending = (activeSinceMs: number, lastActiveMs = activeSinceMs): LifecycleState => ({
  state: 'pending',
  activeSinceMs,
  firingSinceMs: null,
  lastActiveMs,
});
const firing = (activeSinceMs: number, firingSinceMs: number, lastActiveMs: number): LifecycleState => ({
  state: 'firing',
  activeSinceMs,
  firingSinceMs,
  lastActiveMs,
});
const resolved = (firingSinceMs: number, lastActiveMs: number): LifecycleState => ({
  state: 'resolved',
  activeSinceMs: null,
  firingSinceMs,
  lastActiveMs,
});

const forOneMinute: AlertTiming = { forMs: minute, keepFiringForMs: 0 };
const atOnce: AlertTiming = { forMs: 0, keepFiringForMs: 0 };
const keepTwoMinutes: AlertTiming = { forMs: minute, keepFiringForMs: 2 * minute };

interface StepCase {
  name: string;
  current: LifecycleState;
  condition: Condition;
  nowMs: number;
  timing: AlertTiming;
  next: LifecycleState;
  transition: `${AlertState}→${AlertState}` | null;
}

// One or more cases per row of the table in lifecycle.ts.
const stepCases: StepCase[] = [
  // inactive, resolved | true
  {
    name: 'inactive, true, for > 0: pending since now',
    current: inactiveState,
    condition: true,
    nowMs: t0,
    timing: forOneMinute,
    next: pending(t0),
    transition: 'inactive→pending',
  },
  {
    name: 'inactive, true, for = 0: fires at once',
    current: inactiveState,
    condition: true,
    nowMs: t0,
    timing: atOnce,
    next: firing(t0, t0, t0),
    transition: 'inactive→firing',
  },
  {
    name: 'resolved, true, for > 0: pending again',
    current: resolved(t0 - 10 * minute, t0 - 5 * minute),
    condition: true,
    nowMs: t0,
    timing: forOneMinute,
    next: pending(t0),
    transition: 'resolved→pending',
  },
  {
    name: 'resolved, true, for = 0: firing again, a new episode',
    current: resolved(t0 - 10 * minute, t0 - 5 * minute),
    condition: true,
    nowMs: t0,
    timing: atOnce,
    next: firing(t0, t0, t0),
    transition: 'resolved→firing',
  },
  // inactive, resolved | false
  {
    name: 'inactive, false: unchanged',
    current: inactiveState,
    condition: false,
    nowMs: t0,
    timing: forOneMinute,
    next: inactiveState,
    transition: null,
  },
  {
    name: 'resolved, false: unchanged',
    current: resolved(t0 - 10 * minute, t0 - 5 * minute),
    condition: false,
    nowMs: t0,
    timing: forOneMinute,
    next: resolved(t0 - 10 * minute, t0 - 5 * minute),
    transition: null,
  },
  // pending | true
  {
    name: 'pending, true, before for: still pending, last active now',
    current: pending(t0),
    condition: true,
    nowMs: t0 + minute - 1,
    timing: forOneMinute,
    next: pending(t0, t0 + minute - 1),
    transition: null,
  },
  {
    name: 'pending, true, for reached exactly: firing',
    current: pending(t0),
    condition: true,
    nowMs: t0 + minute,
    timing: forOneMinute,
    next: firing(t0, t0 + minute, t0 + minute),
    transition: 'pending→firing',
  },
  {
    name: 'pending, true, long past for: firing since now',
    current: pending(t0, t0 + minute),
    condition: true,
    nowMs: t0 + 5 * minute,
    timing: forOneMinute,
    next: firing(t0, t0 + 5 * minute, t0 + 5 * minute),
    transition: 'pending→firing',
  },
  {
    name: 'pending (for lowered to 0 by a reload), true: firing',
    current: pending(t0),
    condition: true,
    nowMs: t0 + tick,
    timing: atOnce,
    next: firing(t0, t0 + tick, t0 + tick),
    transition: 'pending→firing',
  },
  // pending | false
  {
    name: 'pending, false: inactive (it never fired)',
    current: pending(t0),
    condition: false,
    nowMs: t0 + tick,
    timing: forOneMinute,
    next: inactiveState,
    transition: 'pending→inactive',
  },
  {
    name: 'pending, false, even with keep_firing_for: inactive',
    current: pending(t0),
    condition: false,
    nowMs: t0 + tick,
    timing: keepTwoMinutes,
    next: inactiveState,
    transition: 'pending→inactive',
  },
  // firing | true
  {
    name: 'firing, true: firing, last active now',
    current: firing(t0, t0 + minute, t0 + minute),
    condition: true,
    nowMs: t0 + 2 * minute,
    timing: forOneMinute,
    next: firing(t0, t0 + minute, t0 + 2 * minute),
    transition: null,
  },
  // firing | false
  {
    name: 'firing, false, keep_firing_for 0: resolved at once',
    current: firing(t0, t0 + minute, t0 + minute),
    condition: false,
    nowMs: t0 + minute + tick,
    timing: forOneMinute,
    next: resolved(t0 + minute, t0 + minute),
    transition: 'firing→resolved',
  },
  {
    name: 'firing, false within keep_firing_for: held, last active kept',
    current: firing(t0, t0 + minute, t0 + minute),
    condition: false,
    nowMs: t0 + 3 * minute - 1,
    timing: keepTwoMinutes,
    next: firing(t0, t0 + minute, t0 + minute),
    transition: null,
  },
  {
    name: 'firing, false for keep_firing_for exactly: resolved',
    current: firing(t0, t0 + minute, t0 + minute),
    condition: false,
    nowMs: t0 + 3 * minute,
    timing: keepTwoMinutes,
    next: resolved(t0 + minute, t0 + minute),
    transition: 'firing→resolved',
  },
  // any | unknown
  {
    name: 'inactive, unknown: unchanged',
    current: inactiveState,
    condition: null,
    nowMs: t0,
    timing: atOnce,
    next: inactiveState,
    transition: null,
  },
  {
    name: 'pending, unknown past for: unchanged (no data never fires)',
    current: pending(t0),
    condition: null,
    nowMs: t0 + 10 * minute,
    timing: forOneMinute,
    next: pending(t0),
    transition: null,
  },
  {
    name: 'firing, unknown past keep_firing_for: unchanged (no data never resolves)',
    current: firing(t0, t0 + minute, t0 + minute),
    condition: null,
    nowMs: t0 + 60 * minute,
    timing: forOneMinute,
    next: firing(t0, t0 + minute, t0 + minute),
    transition: null,
  },
  {
    name: 'resolved, unknown: unchanged',
    current: resolved(t0, t0 + minute),
    condition: null,
    nowMs: t0 + 2 * minute,
    timing: atOnce,
    next: resolved(t0, t0 + minute),
    transition: null,
  },
];

describe('stepLifecycle', () => {
  it.each(stepCases)('$name', ({ current, condition, nowMs, timing, next, transition }) => {
    const step = stepLifecycle(current, condition, nowMs, timing);
    expect(step.next).toEqual(next);
    expect(step.transition === null ? null : `${step.transition.from}→${step.transition.to}`).toBe(transition);
  });
});

describe('tickToleranceMs', () => {
  it.each([
    { intervalMs: 0, tolerance: 0 },
    { intervalMs: 1_000, tolerance: 100 },
    { intervalMs: 2_000, tolerance: 200 },
    { intervalMs: 15_000, tolerance: 1_000 },
    { intervalMs: 600_000, tolerance: 1_000 },
  ])('an interval of $intervalMs ms tolerates $tolerance ms', ({ intervalMs, tolerance }) => {
    expect(tickToleranceMs(intervalMs)).toBe(tolerance);
  });
});

/**
 * Ticks as a timer really delivers them: `for` 3 s, nominal 1 s ticks, each off by its jitter. The alert
 * must fire at the first tick at or after `for` as counted in ticks (the one meant for +3 s), as Prometheus,
 * whose evaluation timestamps are aligned, fires; never a whole interval late, never a tick early.
 */
describe('for with jittered ticks', () => {
  const second = 1_000;
  const firstFiringTick = (offsets: readonly number[], forMs: number, intervalMs: number): number | null => {
    let state = inactiveState;
    for (const [index, offset] of offsets.entries()) {
      state = stepLifecycle(
        state,
        true,
        t0 + index * intervalMs + offset,
        { forMs, keepFiringForMs: 0 },
        tickToleranceMs(intervalMs),
      ).next;
      if (state.state === 'firing') return index;
    }
    return null;
  };
  it.each([
    { name: 'exact ticks: fires at +3 s', offsets: [0, 0, 0, 0, 0], forMs: 3 * second, tick: 3 },
    {
      name: 'the +3 s tick 1 ms early: fires at it, not a tick later',
      offsets: [0, 0, 0, -1, 0],
      forMs: 3 * second,
      tick: 3,
    },
    {
      name: 'the first tick late, the +3 s tick early (2.95 s apart): fires at it',
      offsets: [30, 0, 0, -20, 0],
      forMs: 3 * second,
      tick: 3,
    },
    { name: 'the +3 s tick late: fires at it', offsets: [0, 5, 5, 40, 0], forMs: 3 * second, tick: 3 },
    {
      name: 'for between ticks (3.5 s): waits for +4 s, the first tick after it',
      offsets: [0, 0, 0, 0, 0, 0],
      forMs: 3_500,
      tick: 4,
    },
    {
      name: 'for between ticks, the +4 s tick early: fires at it',
      offsets: [0, 0, 0, 0, -3, 0],
      forMs: 3_500,
      tick: 4,
    },
    {
      name: 'a tick early by more than the jitter tolerance is a tick early: waits',
      offsets: [0, 0, 0, -150, 0],
      forMs: 3 * second,
      tick: 4,
    },
    { name: 'for of one tick: fires at the second tick', offsets: [0, -1, 0], forMs: second, tick: 1 },
  ])('$name', ({ offsets, forMs, tick: expected }) => {
    expect(firstFiringTick(offsets, forMs, second)).toBe(expected);
  });

  it('15 s ticks, for 1 min: the tick 1 ms short of a minute fires', () => {
    expect(firstFiringTick([0, 0, 0, 0, -1, 0], minute, 15_000)).toBe(4);
  });
});

/**
 * Runs a condition sequence, one entry per tick from t0, through the lifecycle (the condition may depend
 * on whether the alert is active, as the engine passes it), and returns the transitions with their tick.
 */
function run(
  conditions: readonly ((wasActive: boolean) => Condition)[],
  timing: AlertTiming,
): { tick: number; transition: string }[] {
  let state = inactiveState;
  const transitions: { tick: number; transition: string }[] = [];
  conditions.forEach((condition, index) => {
    const wasActive = state.state === 'pending' || state.state === 'firing';
    const step = stepLifecycle(state, condition(wasActive), t0 + index * tick, timing);
    state = step.next;
    if (step.transition) transitions.push({ tick: index, transition: `${step.transition.from}→${step.transition.to}` });
  });
  return transitions;
}

const constant = (values: readonly Condition[]) => values.map((value) => () => value);

/** Transitions someone is told about: a firing and its resolve (pending and inactive are not notified). */
const notified = (transitions: { transition: string }[]) =>
  transitions
    .map((entry) => entry.transition)
    .filter((transition) => transition.endsWith('→firing') || transition === 'firing→resolved');

describe('lifecycle over time', () => {
  it('fires after for, holds through a clear shorter than keep_firing_for, and resolves after a longer one', () => {
    const T = true;
    const F = false;
    //                                 0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15
    const transitions = run(constant([T, T, T, T, T, F, F, T, F, F, F, F, F, F, F, F]), {
      forMs: minute,
      keepFiringForMs: 2 * minute,
    });
    expect(transitions).toEqual([
      { tick: 0, transition: 'inactive→pending' },
      { tick: 4, transition: 'pending→firing' },
      // Last active at tick 7; 2 minutes (8 ticks) later.
      { tick: 15, transition: 'firing→resolved' },
    ]);
  });

  it('goes pending again after a resolve and fires a second episode', () => {
    const transitions = run(constant([true, true, false, null, true, true]), { forMs: tick, keepFiringForMs: 0 });
    expect(transitions.map((entry) => entry.transition)).toEqual([
      'inactive→pending',
      'pending→firing',
      'firing→resolved',
      'resolved→pending',
      'pending→firing',
    ]);
  });

  const flapping: Condition[] = [
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    true,
    false,
    true,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ];

  it.each([
    {
      name: 'without keep_firing_for a flapping condition pages on every flap',
      keepFiringForMs: 0,
      expected: [
        'inactive→firing',
        'firing→resolved',
        'resolved→firing',
        'firing→resolved',
        'resolved→firing',
        'firing→resolved',
        'resolved→firing',
        'firing→resolved',
        'resolved→firing',
        'firing→resolved',
      ],
    },
    {
      name: 'keep_firing_for of two ticks absorbs one-tick gaps',
      keepFiringForMs: 2 * tick,
      expected: ['inactive→firing', 'firing→resolved'],
    },
    {
      name: 'keep_firing_for of 2 minutes: one page, one resolve',
      keepFiringForMs: 2 * minute,
      expected: ['inactive→firing', 'firing→resolved'],
    },
  ])('$name', ({ keepFiringForMs, expected }) => {
    expect(notified(run(constant(flapping), { forMs: 0, keepFiringForMs }))).toEqual(expected);
  });

  // A lag hovering around the threshold of `> 5`, clearing only at the end.
  const lags = [6, 4, 7, 5, 6, 3, 8, 4, 6, 2, 1, 0];
  const overFive = lags.map(
    (lag) => (wasActive: boolean) => thresholdCondition(lag, { op: '>', threshold: 5 }, wasActive),
  );
  const overFiveClearTwo = lags.map(
    (lag) => (wasActive: boolean) => thresholdCondition(lag, { op: '>', threshold: 5, clear: 2 }, wasActive),
  );

  it('without a clear threshold a value wavering around the threshold pages on every crossing', () => {
    expect(notified(run(overFive, atOnce))).toEqual([
      'inactive→firing',
      'firing→resolved',
      'resolved→firing',
      'firing→resolved',
      'resolved→firing',
      'firing→resolved',
      'resolved→firing',
      'firing→resolved',
      'resolved→firing',
      'firing→resolved',
    ]);
  });

  it('a clear threshold keeps it firing until the value is back at or below it', () => {
    const transitions = run(overFiveClearTwo, atOnce);
    expect(transitions).toEqual([
      { tick: 0, transition: 'inactive→firing' },
      { tick: 9, transition: 'firing→resolved' },
    ]);
  });

  it('a clear threshold also holds a pending alert through dips, so for is measured from the first crossing', () => {
    const transitions = run(overFiveClearTwo, { forMs: 2 * tick, keepFiringForMs: 0 });
    expect(transitions.map((entry) => `${entry.tick}:${entry.transition}`)).toEqual([
      '0:inactive→pending',
      '2:pending→firing',
      '9:firing→resolved',
    ]);
  });
});

describe('keep_firing_for as flap suppression (property)', () => {
  const sequence = fc.array(fc.constantFrom<Condition>(true, false, null), { minLength: 1, maxLength: 60 });

  it(
    'with keep_firing_for at least the longest gap between trues, a ' +
      'firing alert never resolves before the last true',
    () => {
      fc.assert(
        fc.property(
          sequence,
          fc.integer({ min: 0, max: 10 }),
          fc.integer({ min: 0, max: 5 }),
          (conditions, forTicks, slackTicks) => {
            const trues = conditions.flatMap((condition, index) => (condition === true ? [index] : []));
            const longestGap = trues.slice(1).reduce((gap, index, i) => Math.max(gap, index - trues[i]!), 0);
            const timing = { forMs: forTicks * tick, keepFiringForMs: (longestGap + slackTicks) * tick };
            const transitions = run(constant(conditions), timing);
            const firstFiring = transitions.find((entry) => entry.transition.endsWith('→firing'));
            const lastTrue = trues.at(-1) ?? -1;
            const resolvedEarly = transitions.filter(
              (entry) => entry.transition === 'firing→resolved' && entry.tick < lastTrue,
            );
            expect(resolvedEarly).toEqual([]);
            // At most one firing episode: it never resolved in between, so it never fired twice.
            expect(transitions.filter((entry) => entry.transition.endsWith('→firing')).length).toBeLessThanOrEqual(1);
            // And it resolves at the first false that is keep_firing_for after the last true, not later.
            const resolveTick = conditions.findIndex(
              (condition, index) =>
                condition === false && index > lastTrue && (index - lastTrue) * tick >= timing.keepFiringForMs,
            );
            const expectedResolve =
              firstFiring && resolveTick >= 0 ? [{ tick: resolveTick, transition: 'firing→resolved' }] : [];
            expect(transitions.filter((entry) => entry.transition === 'firing→resolved')).toEqual(expectedResolve);
          },
        ),
        { numRuns: 500 },
      );
    },
  );
});

describe('thresholdCondition', () => {
  const cases: {
    op: ThresholdOperator;
    threshold: number;
    clear?: number;
    wasActive: boolean;
    value: number | null;
    expected: Condition;
  }[] = [
    // Every operator below, at and above the threshold (5), not active.
    ...(
      [
        ['>', [false, false, true]],
        ['>=', [false, true, true]],
        ['<', [true, false, false]],
        ['<=', [true, true, false]],
        ['==', [false, true, false]],
        ['!=', [true, false, true]],
      ] as const
    ).flatMap(([op, [below, at, above]]) => [
      { op, threshold: 5, wasActive: false, value: 4, expected: below },
      { op, threshold: 5, wasActive: false, value: 5, expected: at },
      { op, threshold: 5, wasActive: false, value: 6, expected: above },
    ]),
    // Without clear, being active changes nothing.
    { op: '>', threshold: 5, wasActive: true, value: 5, expected: false },
    { op: '<', threshold: 5, wasActive: true, value: 5, expected: false },
    // > and >= with clear 2: entering needs the threshold, leaving needs the value at or below 2.
    { op: '>', threshold: 5, clear: 2, wasActive: false, value: 3, expected: false },
    { op: '>', threshold: 5, clear: 2, wasActive: false, value: 6, expected: true },
    { op: '>', threshold: 5, clear: 2, wasActive: true, value: 3, expected: true },
    { op: '>', threshold: 5, clear: 2, wasActive: true, value: 2, expected: false },
    { op: '>', threshold: 5, clear: 2, wasActive: true, value: 9, expected: true },
    { op: '>=', threshold: 5, clear: 2, wasActive: false, value: 5, expected: true },
    { op: '>=', threshold: 5, clear: 2, wasActive: true, value: 2.5, expected: true },
    { op: '>=', threshold: 5, clear: 2, wasActive: true, value: 2, expected: false },
    // < and <= with clear 5: leaving needs the value at or above 5.
    { op: '<', threshold: 2, clear: 5, wasActive: false, value: 3, expected: false },
    { op: '<', threshold: 2, clear: 5, wasActive: false, value: 1, expected: true },
    { op: '<', threshold: 2, clear: 5, wasActive: true, value: 4, expected: true },
    { op: '<', threshold: 2, clear: 5, wasActive: true, value: 5, expected: false },
    { op: '<=', threshold: 2, clear: 5, wasActive: false, value: 2, expected: true },
    { op: '<=', threshold: 2, clear: 5, wasActive: true, value: 4.9, expected: true },
    { op: '<=', threshold: 2, clear: 5, wasActive: true, value: 5, expected: false },
    // A clear on == and != (the config refuses it) is ignored.
    { op: '==', threshold: 0, clear: 1, wasActive: true, value: 0.5, expected: false },
    { op: '!=', threshold: 0, clear: 1, wasActive: true, value: 0, expected: false },
    // Unknown values decide nothing.
    { op: '>', threshold: 5, wasActive: false, value: null, expected: null },
    { op: '>', threshold: 5, clear: 2, wasActive: true, value: null, expected: null },
    { op: '!=', threshold: 5, wasActive: false, value: Number.NaN, expected: null },
  ];

  it.each(cases)(
    '$value $op $threshold (clear $clear, active $wasActive) → $expected',
    ({ op, threshold, clear, wasActive, value, expected }) => {
      expect(thresholdCondition(value, { op, threshold, ...(clear === undefined ? {} : { clear }) }, wasActive)).toBe(
        expected,
      );
    },
  );
});
