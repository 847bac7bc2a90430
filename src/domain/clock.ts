// Time is injected so that derived values (head age, lag in seconds) can be tested with fixed clocks.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(startMs: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
    set(ms: number) {
      current = ms;
    },
  };
}

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** The start of the UTC minute `atMs` falls in. */
export const minuteOf = (atMs: number): number => atMs - (((atMs % minuteMs) + minuteMs) % minuteMs);
