// How many blocks the next `eth_getLogs` asks for. Pure: halve when the provider refuses the range or
// times out, double (up to the configured maximum) after a quick answer, keep it otherwise. A refused size
// becomes a ceiling the range stays below and grows halfway towards, so a provider's cap costs a few
// refusals, not one per step; the ceiling is forgotten after a run of successes, in case the cap was lifted.

export interface RangeOutcome {
  kind: 'ok' | 'too_large' | 'timeout';
  /** How long the request took (ok only). */
  durationMs?: number;
}

export interface RangeState {
  size: number;
  /** The smallest size refused as too large, while remembered. */
  ceiling: number | null;
  /** Successes since the ceiling was set. */
  successes: number;
}

/** An answer faster than this grows the range. */
export const fastAnswerMs = 1_000;
/** Successes after which a refused size may be tried again. */
export const ceilingForgottenAfter = 500;

export function initialRange(max: number): RangeState {
  return { size: max, ceiling: null, successes: 0 };
}

export function nextRange(state: RangeState, max: number, outcome: RangeOutcome): RangeState {
  if (outcome.kind === 'too_large')
    return {
      size: Math.max(1, Math.floor(state.size / 2)),
      ceiling: Math.min(state.size, state.ceiling ?? Infinity),
      successes: 0,
    };
  if (outcome.kind === 'timeout') return { ...state, size: Math.max(1, Math.floor(state.size / 2)) };
  const successes = state.successes + 1;
  const ceiling = successes >= ceilingForgottenAfter ? null : state.ceiling;
  const limit = Math.min(max, ceiling === null ? Infinity : ceiling - 1);
  // Below a known ceiling, grow halfway towards it: the largest accepted size is found in a few steps.
  const fast = (outcome.durationMs ?? Infinity) < fastAnswerMs;
  const grown = !fast ? state.size : ceiling === null ? state.size * 2 : Math.floor((state.size + ceiling) / 2);
  return { size: Math.max(1, Math.min(limit, grown)), ceiling, successes: ceiling === null ? 0 : successes };
}
