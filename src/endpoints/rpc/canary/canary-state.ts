// The canary's rules, pure: the fees it offers and how a stuck transaction's are raised, how a refusal is
// classed, and what a look at the chain means for the transaction in flight. The engine (canary-engine.ts)
// gathers the facts and carries out the step decided here.
//
// A canary (one nonce of the canary's key) moves through these states; at most one is open per key:
//
//   state        what was seen                                        next         outcome counted
//   idle         the interval has passed since the last canary       sending      -
//   sending      every endpoint refused it                           idle         rejected (each endpoint)
//   sending      an endpoint accepted it                             in flight    -
//   in flight    a receipt of any of its attempts                    included     included
//   in flight    timeout, the chain's nonce past it, no receipt      idle         dropped
//   in flight    timeout, the fee can be raised within the cap       in flight    not_included or dropped,
//                                                                    (attempt+1)  for the attempt replaced
//   in flight    timeout, the cap is reached                         stuck        not_included or dropped
//   stuck        a receipt                                           included     - (counted once)
//   stuck        the chain's nonce past it                           idle         -
//   included     every endpoint returns the receipt, or `timeout`    idle         propagation per endpoint
//
// An attempt is `dropped` when, at its timeout, no endpoint knows the transaction; `not_included` when one
// does. A replacement has the same nonce, so however many attempts there are, one of them at most is mined.

export const canaryOutcomes = ['included', 'not_included', 'dropped', 'rejected'] as const;
export type CanaryOutcome = (typeof canaryOutcomes)[number];

export const rejectionReasons = ['nonce_too_low', 'underpriced', 'insufficient_funds', 'other'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** What an endpoint said to eth_sendRawTransaction, classed: its own words are never kept. */
export type SendAnswer = { accepted: true } | { accepted: false; reason: RejectionReason } | { failed: true };

const GWEI = 1_000_000_000;

/** A gwei amount of the config as wei, exactly for the decimals a config writes (0.5 gwei). */
export function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * GWEI));
}

/** An ether amount of the config as wei (to the gwei). */
export function etherToWei(ether: number): bigint {
  return BigInt(Math.round(ether * GWEI)) * BigInt(GWEI);
}

/** The first offer: the tip asked for, and room for the base fee to double, both within the cap. */
export function initialFees(baseFeePerGas: bigint, tip: bigint, cap: bigint): Fees {
  const maxPriorityFeePerGas = tip < cap ? tip : cap;
  const wanted = 2n * baseFeePerGas + maxPriorityFeePerGas;
  return { maxPriorityFeePerGas, maxFeePerGas: wanted < cap ? wanted : cap };
}

/** Nodes take a replacement only at 10% more on both fees; 25% more clears it with room to spare. */
const BUMP_PERCENT = 125n;
const REPLACEMENT_MIN_PERCENT = 110n;

const ceilPercent = (value: bigint, percent: bigint) => (value * percent + 99n) / 100n;

/** The fees of a replacement, or null when the cap leaves no room for one that nodes would take. */
export function replacementFees(previous: Fees, cap: bigint): Fees | null {
  const maxFeePerGas = ceilPercent(previous.maxFeePerGas, BUMP_PERCENT);
  const capped = maxFeePerGas < cap ? maxFeePerGas : cap;
  const tip = ceilPercent(previous.maxPriorityFeePerGas, BUMP_PERCENT);
  const cappedTip = tip < capped ? tip : capped;
  const enough = (offer: bigint, before: bigint) => offer >= ceilPercent(before, REPLACEMENT_MIN_PERCENT);
  if (!enough(capped, previous.maxFeePerGas) || !enough(cappedTip, previous.maxPriorityFeePerGas)) return null;
  return { maxFeePerGas: capped, maxPriorityFeePerGas: cappedTip };
}

/**
 * A JSON-RPC error's message to eth_sendRawTransaction, classed by the words geth, Nethermind, Erigon, Besu, reth and
 * anvil use. `already known` is no refusal: the endpoint has the transaction.
 */
export function classifySendError(message: string): SendAnswer {
  const text = message.toLowerCase();
  if (/already known|already imported|known transaction|already in (the )?(mempool|pool)/.test(text))
    return { accepted: true };
  if (/nonce too low|nonce is too low|oldnonce|old nonce|nonce has already been used/.test(text))
    return { accepted: false, reason: 'nonce_too_low' };
  if (/underpriced|fee too low|feetoolow|max fee per gas less than block base fee|gas price too low/.test(text))
    return { accepted: false, reason: 'underpriced' };
  if (/insufficient funds|insufficient balance|not enough funds|lack of funds/.test(text))
    return { accepted: false, reason: 'insufficient_funds' };
  return { accepted: false, reason: 'other' };
}

/** What a timeout means for the attempt in flight, from what the chain says then. */
export type TimeoutStep =
  | { step: 'gone'; outcome: 'dropped' }
  | { step: 'replace'; outcome: 'not_included' | 'dropped'; fees: Fees }
  | { step: 'stuck'; outcome: 'not_included' | 'dropped' };

export function onTimeout(facts: {
  nonce: number;
  /** The highest `latest` nonce of the key an endpoint reported: past ours, our nonce is spent. */
  chainNonce: number | null;
  /** Whether any endpoint knows the transaction (eth_getTransactionByHash). */
  known: boolean;
  fees: Fees;
  cap: bigint;
}): TimeoutStep {
  if (facts.chainNonce !== null && facts.chainNonce > facts.nonce) return { step: 'gone', outcome: 'dropped' };
  const outcome = facts.known ? 'not_included' : 'dropped';
  const fees = replacementFees(facts.fees, facts.cap);
  return fees ? { step: 'replace', outcome, fees } : { step: 'stuck', outcome };
}

/** Seconds from sending to inclusion, by the wall clock (the first receipt seen) and by the block's time. */
export function inclusionSeconds(
  sentAtMs: number,
  receiptSeenAtMs: number,
  blockTimestampSeconds: number | null,
): { wall: number; block: number | null } {
  return {
    wall: Math.max(0, receiptSeenAtMs - sentAtMs) / 1_000,
    block: blockTimestampSeconds === null ? null : Math.max(0, blockTimestampSeconds * 1_000 - sentAtMs) / 1_000,
  };
}
