// How many blocks the next `eth_getLogs` asks for. Pure: halve when the provider refuses the range or
// times out, double (up to the configured maximum) after a quick answer, keep it otherwise.

export interface RangeOutcome {
  kind: 'ok' | 'too_large' | 'timeout';
  /** How long the request took (ok only). */
  durationMs?: number;
}

/** An answer faster than this grows the range. */
export const fastAnswerMs = 1_000;

export function nextRangeSize(current: number, max: number, outcome: RangeOutcome): number {
  if (outcome.kind !== 'ok') return Math.max(1, Math.floor(current / 2));
  if ((outcome.durationMs ?? Infinity) < fastAnswerMs) return Math.min(max, current * 2);
  return Math.min(max, current);
}
