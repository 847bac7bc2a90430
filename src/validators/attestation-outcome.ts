// How one validator's attestation for an epoch is judged, from its attestation rewards or its liveness.
//
//   signal    | reading                                   | outcome
//   ----------+-------------------------------------------+----------------------------------------------
//   (any)     | not active in the epoch, or slashed       | not due: never missed, never counted
//   rewards   | no entry for a due validator              | unknown: neither good nor missed
//   rewards   | source < 0 and target < 0                 | missed: no vote included in time
//   rewards   | source, target correct and head correct   | effective (good)
//   rewards   | otherwise                                 | ineffective: included, but late or wrong
//   liveness  | is_live                                   | effective (liveness cannot tell late or wrong)
//   liveness  | not live                                  | missed
//
// A flag is correct when its reward is positive; in an inactivity leak (the ideal rewards are all zero)
// correct votes earn 0 and only misses are penalised, so there a flag is correct when its reward is not
// negative, and the head vote, which is never penalised, cannot be judged and counts as correct.

export const OUTCOME_NOT_DUE = 0;
export const OUTCOME_UNKNOWN = 1;
export const OUTCOME_EFFECTIVE = 2;
export const OUTCOME_INEFFECTIVE = 3;
export const OUTCOME_MISSED = 4;

export type AttestationOutcomeCode = 0 | 1 | 2 | 3 | 4;

export const outcomeNames = ['not_due', 'unknown', 'effective', 'ineffective', 'missed'] as const;
export type AttestationOutcome = (typeof outcomeNames)[number];

/** Correct-flag bits of a judged attestation. */
export const FLAG_SOURCE = 1;
export const FLAG_TARGET = 2;
export const FLAG_HEAD = 4;

export interface RewardReading {
  head: number;
  target: number;
  source: number;
}

/** True when no attestation flag earns anything: the chain is in an inactivity leak. */
export function isInactivityLeak(ideal: readonly RewardReading[]): boolean {
  return ideal.length > 0 && ideal.every((reward) => reward.head === 0 && reward.target === 0 && reward.source === 0);
}

/** The correct-flag bits of an attestation reward. */
const isCorrect = (value: number, leak: boolean) => (leak ? value >= 0 : value > 0);

export function correctFlags(reward: RewardReading, leak: boolean): number {
  return (
    (isCorrect(reward.source, leak) ? FLAG_SOURCE : 0) |
    (isCorrect(reward.target, leak) ? FLAG_TARGET : 0) |
    (leak || reward.head > 0 ? FLAG_HEAD : 0)
  );
}

export function judgeReward(reward: RewardReading, leak: boolean): AttestationOutcomeCode {
  if (reward.source < 0 && reward.target < 0) return OUTCOME_MISSED;
  return correctFlags(reward, leak) === (FLAG_SOURCE | FLAG_TARGET | FLAG_HEAD)
    ? OUTCOME_EFFECTIVE
    : OUTCOME_INEFFECTIVE;
}

export function judgeLiveness(isLive: boolean): AttestationOutcomeCode {
  return isLive ? OUTCOME_EFFECTIVE : OUTCOME_MISSED;
}

/** Active in `epoch`: activated at or before it, not exited yet. */
export function isActiveAt(activationEpoch: number, exitEpoch: number, epoch: number): boolean {
  return activationEpoch <= epoch && epoch < exitEpoch;
}

/**
 * Whether a validator had to attest in `epoch`: active then and not slashed (a slashed validator's votes earn nothing).
 */
export function isAttestationDue(activationEpoch: number, exitEpoch: number, slashed: boolean, epoch: number): boolean {
  return !slashed && isActiveAt(activationEpoch, exitEpoch, epoch);
}
