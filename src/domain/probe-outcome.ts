// What an observation of any endpoint kind starts with, and its samples too: which endpoint, when, whether
// the probe succeeded, how long it took and, if not, why. Built in one place and in one order, so that every
// observation (and every sample) of a kind shares one object shape.

export interface ProbeOutcome<ErrorClass extends string> {
  chain: string;
  endpoint: string;
  /** When the probe started, ms since the epoch. */
  at: number;
  ok: boolean;
  latencyMs: number;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
}

/** The outcome of a probe of `target` that started `at`; a failure is its class and message. */
export function probeOutcome<ErrorClass extends string>(
  target: { chain: string; endpoint: string },
  at: number,
  latencyMs: number,
  failure: { errorClass: ErrorClass; message: string } | null,
): ProbeOutcome<ErrorClass> {
  return {
    chain: target.chain,
    endpoint: target.endpoint,
    at,
    ok: failure === null,
    latencyMs,
    errorClass: failure?.errorClass ?? null,
    errorMessage: failure?.message ?? null,
  };
}

/** The outcome part of an observation, copied as the first fields of the sample derived from it. */
export function outcomeOf<ErrorClass extends string>(observation: ProbeOutcome<ErrorClass>): ProbeOutcome<ErrorClass> {
  const { chain, endpoint, at, ok, latencyMs, errorClass, errorMessage } = observation;
  return { chain, endpoint, at, ok, latencyMs, errorClass, errorMessage };
}
