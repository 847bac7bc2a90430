// Altair reward arithmetic for the simulated chain, pure: the base reward from the total active balance,
// the source/target/head shares of a timely attestation scaled by participation, the penalties of a missed
// one, the inactivity penalty of a leak, ideal rewards, and the sync committee participant reward.

import { Attestation } from './scenario.js';

export const GWEI_PER_ETH = 1e9;
export const MAX_EFFECTIVE_INCREMENTS = 32;
export const MIN_EPOCHS_TO_INACTIVITY_PENALTY = 4;
export const MIN_SLASHING_PENALTY_QUOTIENT = 32;
const WEIGHT_DENOMINATOR = 64;
const SOURCE_WEIGHT = 14;
const TARGET_WEIGHT = 26;
const HEAD_WEIGHT = 14;
const SYNC_REWARD_WEIGHT = 2;
const BASE_REWARD_FACTOR = 64;
const INACTIVITY_SCORE_BIAS = 4;
const INACTIVITY_PENALTY_QUOTIENT = 2 ** 24;

/** Participation in one epoch, in effective-balance increments of active, unslashed validators. */
export interface EpochSummary {
  /** The scenario version it was counted under. */
  version: number;
  activeIncrements: number;
  /** Those who attested on time with the right source and target (wrong head votes included). */
  sourceIncrements: number;
  /** Those who also voted for the right head. */
  headIncrements: number;
}

export interface AttestationRewardParts {
  head: number;
  target: number;
  source: number;
  inactivity: number;
}

export interface IdealReward {
  effectiveBalance: number;
  head: number;
  target: number;
  source: number;
}

export function baseRewardPerIncrement(summary: EpochSummary): number {
  return Math.floor(
    (GWEI_PER_ETH * BASE_REWARD_FACTOR) / Math.floor(Math.sqrt(summary.activeIncrements * GWEI_PER_ETH)),
  );
}

/**
 * One validator's rewards for one epoch's attestation. `leakEpochs` is how long the inactivity leak has
 * lasted (0 outside one): in a leak a timely attestation earns nothing and a missed one also pays an
 * inactivity penalty growing with the leak, as an inactivity score that rises by 4 an epoch would.
 */
export function attestationRewardParts(
  outcome: Attestation,
  increments: number,
  summary: EpochSummary,
  leakEpochs: number,
): AttestationRewardParts {
  const base = increments * baseRewardPerIncrement(summary);
  if (outcome === Attestation.Missed) {
    const score = INACTIVITY_SCORE_BIAS * leakEpochs;
    return {
      head: 0,
      target: -Math.floor((base * TARGET_WEIGHT) / WEIGHT_DENOMINATOR),
      source: -Math.floor((base * SOURCE_WEIGHT) / WEIGHT_DENOMINATOR),
      inactivity: -Math.floor(
        (increments * GWEI_PER_ETH * score) / (INACTIVITY_SCORE_BIAS * INACTIVITY_PENALTY_QUOTIENT),
      ),
    };
  }
  if (leakEpochs > 0) return { head: 0, target: 0, source: 0, inactivity: 0 };
  const denominator = summary.activeIncrements * WEIGHT_DENOMINATOR;
  return {
    head: outcome === Attestation.Timely ? Math.floor((base * HEAD_WEIGHT * summary.headIncrements) / denominator) : 0,
    target: Math.floor((base * TARGET_WEIGHT * summary.sourceIncrements) / denominator),
    source: Math.floor((base * SOURCE_WEIGHT * summary.sourceIncrements) / denominator),
    inactivity: 0,
  };
}

/** What a perfect attestation earns at each effective balance from 1 to 32 ETH; nothing in a leak. */
export function idealRewards(summary: EpochSummary, leak: boolean): IdealReward[] {
  const ideal: IdealReward[] = [];
  for (let increments = 1; increments <= MAX_EFFECTIVE_INCREMENTS; increments += 1) {
    const parts = attestationRewardParts(Attestation.Timely, increments, summary, 0);
    ideal.push({
      effectiveBalance: increments * GWEI_PER_ETH,
      head: leak ? 0 : parts.head,
      target: leak ? 0 : parts.target,
      source: leak ? 0 : parts.source,
    });
  }
  return ideal;
}

/** A sync committee member's reward for one block it signed (the penalty when it did not). */
export function syncParticipantReward(summary: EpochSummary, slotsPerEpoch: number, committeeSize: number): number {
  const totalBaseRewards = baseRewardPerIncrement(summary) * summary.activeIncrements;
  const maxParticipantRewards = Math.floor(
    Math.floor((totalBaseRewards * SYNC_REWARD_WEIGHT) / WEIGHT_DENOMINATOR) / slotsPerEpoch,
  );
  return Math.floor(maxParticipantRewards / Math.max(1, committeeSize));
}
