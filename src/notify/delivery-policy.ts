// The delivery worker's policies as pure functions of explicit time: exponential backoff with jitter, a
// per-receiver circuit breaker, and a per-receiver token bucket.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * The wait before the next attempt after `failures` failed ones: doubling from `initialMs` up to `maxMs`,
 * with "equal jitter" (half fixed, half random) so that many notifications failing together do not all
 * retry in the same instant, while the wait still grows.
 */
export function backoffMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface BreakerPolicy {
  /** Consecutive failed attempts that open the circuit. */
  failures: number;
  /** How long it stays open the first time; each failed trial doubles it, up to maxCooldownMs. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/**
 * closed → (N consecutive failures) → open → (cooldown over) → half-open: one trial attempt →
 * success: closed; failure: open again with twice the cooldown.
 */
export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  openUntilMs: number;
  cooldownMs: number;
}

export const closedBreaker = (policy: BreakerPolicy): BreakerState => ({
  state: 'closed',
  consecutiveFailures: 0,
  openUntilMs: 0,
  cooldownMs: policy.cooldownMs,
});

/** Whether an attempt may go now, and the state to keep (open turns half-open once its cooldown is over). */
export function breakerAllows(breaker: BreakerState, nowMs: number): { allowed: boolean; next: BreakerState } {
  if (breaker.state === 'closed' || breaker.state === 'half-open') return { allowed: true, next: breaker };
  if (nowMs >= breaker.openUntilMs) return { allowed: true, next: { ...breaker, state: 'half-open' } };
  return { allowed: false, next: breaker };
}

export function breakerAfter(
  breaker: BreakerState,
  succeeded: boolean,
  nowMs: number,
  policy: BreakerPolicy,
): BreakerState {
  if (succeeded) return closedBreaker(policy);
  const consecutiveFailures = breaker.consecutiveFailures + 1;
  if (breaker.state === 'half-open') {
    const cooldownMs = Math.min(policy.maxCooldownMs, breaker.cooldownMs * 2);
    return { state: 'open', consecutiveFailures, openUntilMs: nowMs + cooldownMs, cooldownMs };
  }
  if (consecutiveFailures >= policy.failures)
    return {
      state: 'open',
      consecutiveFailures,
      openUntilMs: nowMs + breaker.cooldownMs,
      cooldownMs: breaker.cooldownMs,
    };
  return { ...breaker, consecutiveFailures };
}

export interface RateLimit {
  perMinute: number;
  burst: number;
}

export interface TokenBucket {
  tokens: number;
  atMs: number;
}

export const fullBucket = (limit: RateLimit, nowMs: number): TokenBucket => ({ tokens: limit.burst, atMs: nowMs });

/** Takes a token if there is one; otherwise says how long until there is. */
export function takeToken(
  bucket: TokenBucket,
  nowMs: number,
  limit: RateLimit,
): { taken: boolean; next: TokenBucket; waitMs: number } {
  const refilled = Math.min(limit.burst, bucket.tokens + ((nowMs - bucket.atMs) * limit.perMinute) / 60_000);
  // A token refilled over the exact wait may sum to 0.9999999999 in floating point: that is a whole token.
  if (refilled >= 1 - 1e-9) return { taken: true, next: { tokens: Math.max(0, refilled - 1), atMs: nowMs }, waitMs: 0 };
  return {
    taken: false,
    next: { tokens: refilled, atMs: nowMs },
    waitMs: Math.ceil(((1 - refilled) * 60_000) / limit.perMinute),
  };
}
