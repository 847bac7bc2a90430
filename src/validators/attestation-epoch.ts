// One epoch's attestation stage: the validator list at the start of epoch E+2 and the attestation rewards
// (or the watched validators' liveness) of epoch E are streamed in, then `finish` judges every validator
// and adds it up per scope, and updates each watched validator's streaks. Nothing changes until `finish`:
// an epoch that fails half-way is abandoned and leaves the registry and the streaks as they were.

import {
  validatorStatuses,
  type Liveness,
  type AttestationReward,
  type IdealAttestationReward,
  type ValidatorRecord,
  type ValidatorStatus,
} from '../domain/beacon.js';
import {
  FLAG_HEAD,
  FLAG_SOURCE,
  FLAG_TARGET,
  OUTCOME_EFFECTIVE,
  OUTCOME_INEFFECTIVE,
  OUTCOME_MISSED,
  OUTCOME_NOT_DUE,
  OUTCOME_UNKNOWN,
  correctFlags,
  isActiveAt,
  isInactivityLeak,
  judgeLiveness,
  judgeReward,
  outcomeNames,
  type AttestationOutcome,
} from './attestation-outcome.js';
import type { ValidatorRegistry, ValidatorSnapshot } from './validator-registry.js';
import { NETWORK, type WatchList } from './watch-list.js';

export type AttestationSignal = 'rewards' | 'liveness';

/** A watched validator as last processed: what alerts, metrics and the API need across epochs and restarts. */
export interface WatchedValidatorState {
  index: number;
  pubkey: string;
  status: ValidatorStatus;
  balanceGwei: number;
  activationEpoch: number;
  exitEpoch: number;
  slashed: boolean;
  missedInARow: number;
  balanceDecreasingEpochs: number;
  lastAttestationEpoch: number | null;
  lastOutcome: AttestationOutcome | null;
  /** The epoch of the state this was read from. */
  epoch: number;
}

export interface AttestationThresholds {
  /** Validators missing at least this many attestations in a row are counted per scope. */
  missedInARow: number;
  /** Validators whose balance fell this many epochs in a row are counted per scope. */
  balanceDecreasingEpochs: number;
  /**
   * A balance drop at least this large is a withdrawal (or a slashing), not a decrease: it neither counts nor resets.
   */
  withdrawalGwei: number;
}

export const defaultAttestationThresholds: AttestationThresholds = {
  missedInARow: 3,
  balanceDecreasingEpochs: 3,
  withdrawalGwei: 5_000_000,
};

export interface ScopeAttestationTotals {
  scope: string;
  validators: number;
  active: number;
  statusCounts: Record<ValidatorStatus, number>;
  /** The sum as a float, for metrics: above 2^53 gwei (about 9 M ETH) it is rounded. */
  balanceGwei: number;
  /** The exact sum, in decimal. */
  balanceGweiExact: string;
  /** Summed over validators seen in both lists; null when there was no earlier list. */
  balanceChangeGwei: number | null;
  balanceChangeGweiExact: string | null;
  attestationsDue: number;
  missed: number;
  effective: number;
  ineffective: number;
  unknown: number;
  sourceCorrect: number;
  targetCorrect: number;
  headCorrect: number;
  slashedNew: number;
  /** Validators with at least `thresholds.missedInARow` misses in a row (watched scopes only). */
  missingInARow: number;
  maxMissedInARow: number;
  /**
   * Validators whose balance fell at least `thresholds.balanceDecreasingEpochs` epochs in a row (watched scopes only).
   */
  balanceDecreasing: number;
}

export interface AttestationEpochResult {
  epoch: number;
  signal: AttestationSignal;
  leak: boolean;
  networkValidators: number;
  scopes: ScopeAttestationTotals[];
  /** Watched validators that missed their attestation. */
  misses: number[];
  /** Watched validators seen slashed for the first time. */
  slashings: number[];
  /** Every watched validator present in the list, updated. */
  watched: WatchedValidatorState[];
  /** Watched indices the list does not have (not deposited yet). */
  unknownWatched: number;
}

const FIELDS = [
  'validators',
  'active',
  'balanceGwei',
  'balanceHigh',
  'balanceLow',
  'balanceChangeGwei',
  'changeHigh',
  'changeLow',
  'balanceChangeKnown',
  'attestationsDue',
  'missed',
  'effective',
  'ineffective',
  'unknown',
  'sourceCorrect',
  'targetCorrect',
  'headCorrect',
  'slashedNew',
  'missingInARow',
  'maxMissedInARow',
  'balanceDecreasing',
] as const;
type Field = (typeof FIELDS)[number];

/**
 * Balance sums are also kept exact without BigInt in the hot loop: each balance is split at 2^24 into a high
 * and a low part, each summed in its own float. A balance (a safe integer, below 2^53 gwei; mainnet's are
 * below 2^42, a testnet's reach 2^50) has a high part below 2^29 and a low one below 2^24, so both sums stay
 * exact integers below 2^53 for up to 2^24 (16 M) validators.
 */
const splitAt = 2 ** 24;

function exactSum(high: number, low: number): string {
  return (BigInt(high) * BigInt(splitAt) + BigInt(low)).toString();
}

/** One Float64Array per field, indexed by scope id: the hot loop adds without allocating. */
class Totals {
  readonly fields: Record<Field, Float64Array>;
  readonly statuses: Float64Array;

  constructor(readonly scopeCount: number) {
    this.fields = Object.fromEntries(FIELDS.map((field) => [field, new Float64Array(scopeCount)])) as Record<
      Field,
      Float64Array
    >;
    this.statuses = new Float64Array(scopeCount * validatorStatuses.length);
  }

  toScope(scope: string, id: number): ScopeAttestationTotals {
    const get = (field: Field) => this.fields[field][id]!;
    const statusCounts = Object.fromEntries(
      validatorStatuses.map((status, code) => [status, this.statuses[id * validatorStatuses.length + code]!]),
    ) as Record<ValidatorStatus, number>;
    return {
      scope,
      validators: get('validators'),
      active: get('active'),
      statusCounts,
      balanceGwei: get('balanceGwei'),
      balanceGweiExact: exactSum(get('balanceHigh'), get('balanceLow')),
      balanceChangeGwei: get('balanceChangeKnown') > 0 ? get('balanceChangeGwei') : null,
      balanceChangeGweiExact: get('balanceChangeKnown') > 0 ? exactSum(get('changeHigh'), get('changeLow')) : null,
      attestationsDue: get('attestationsDue'),
      missed: get('missed'),
      effective: get('effective'),
      ineffective: get('ineffective'),
      unknown: get('unknown'),
      sourceCorrect: get('sourceCorrect'),
      targetCorrect: get('targetCorrect'),
      headCorrect: get('headCorrect'),
      slashedNew: get('slashedNew'),
      missingInARow: get('missingInARow'),
      maxMissedInARow: get('maxMissedInARow'),
      balanceDecreasing: get('balanceDecreasing'),
    };
  }
}

/** A reward's three signs in one byte (0 = no entry), so a million readings take a megabyte. */
const sign = (value: number) => (value > 0 ? 2 : value < 0 ? 0 : 1);

export class AttestationEpoch {
  private readonly snapshot: ValidatorSnapshot;
  /** Per validator: encoded reward signs (rewards) or 1 + isLive (liveness); 0 = no reading. */
  private readings = new Uint8Array(1_024);
  private readonly pubkeys = new Map<number, string>();
  private done = false;

  constructor(
    private readonly registry: ValidatorRegistry,
    private readonly watch: WatchList,
    private readonly watchedState: Map<number, WatchedValidatorState>,
    readonly epoch: number,
    readonly signal: AttestationSignal,
    private readonly thresholds: AttestationThresholds = defaultAttestationThresholds,
  ) {
    this.snapshot = registry.stage(epoch + 2);
  }

  validator = (record: ValidatorRecord): void => {
    this.snapshot.record(record);
    if (this.watch.unresolvedPubkeys > 0) this.watch.resolve(record.pubkey, record.index);
    if (this.watch.isWatched(record.index)) this.pubkeys.set(record.index, record.pubkey);
  };

  reward = (reward: AttestationReward): void => {
    this.read(reward.validatorIndex, 1 + sign(reward.source) * 9 + sign(reward.target) * 3 + sign(reward.head));
  };

  liveness = (liveness: Liveness): void => {
    this.read(liveness.validatorIndex, liveness.isLive ? 2 : 1);
  };

  /** The epoch failed: the registry keeps its lists. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.registry.discard(this.snapshot);
  }

  finish(ideal: readonly IdealAttestationReward[] = []): AttestationEpochResult {
    if (this.done) throw new Error('attestation epoch already finished');
    this.done = true;
    const { snapshot, watch, epoch, thresholds } = this;
    const previous = this.registry.current;
    const leak = this.signal === 'rewards' && isInactivityLeak(ideal);
    const totals = new Totals(watch.scopes.length);
    const f = totals.fields;
    const statusWidth = validatorStatuses.length;
    const misses: number[] = [];
    const slashings: number[] = [];
    const watched: WatchedValidatorState[] = [];
    const networkOnly = [NETWORK];

    for (let index = 0; index < snapshot.count; index += 1) {
      const watchedScopes = watch.scopesOf(index);
      const scopes = watchedScopes ?? networkOnly;
      const statusCode = snapshot.status[index]!;
      const balance = snapshot.balance[index]!;
      const slashed = snapshot.slashed[index] === 1;
      const due = !slashed && isActiveAt(snapshot.activation[index]!, snapshot.exit[index]!, epoch);
      const { outcome, flags } = due ? this.judge(index, leak) : notDue;
      const hasPrevious = previous !== null && index < previous.count;
      const change = hasPrevious ? balance - previous.balance[index]! : 0;
      let slashedNew = false;
      let state: WatchedValidatorState | undefined;
      if (watchedScopes !== undefined) {
        const before = this.watchedState.get(index);
        state = this.updateWatched(index, before, snapshot, outcome, change, hasPrevious, due);
        // A validator slashed before it was first seen is news only while it is still in its slashing period.
        if (before !== undefined) slashedNew = slashed && !before.slashed;
        else if (hasPrevious) slashedNew = slashed && previous.slashed[index] === 0;
        else slashedNew = slashed && isSlashedActive(statusCode);
        if (slashedNew) slashings.push(index);
        if (outcome === OUTCOME_MISSED) misses.push(index);
        watched.push(state);
      } else {
        slashedNew = slashed && hasPrevious && previous.slashed[index] === 0;
      }
      const balanceHigh = Math.floor(balance / splitAt);
      const changeHigh = Math.floor(change / splitAt);
      for (const scope of scopes) {
        f.validators[scope]! += 1;
        totals.statuses[scope * statusWidth + statusCode]! += 1;
        if (statusCode >= 2 && statusCode <= 4) f.active[scope]! += 1;
        f.balanceGwei[scope]! += balance;
        f.balanceHigh[scope]! += balanceHigh;
        f.balanceLow[scope]! += balance - balanceHigh * splitAt;
        if (hasPrevious) {
          f.balanceChangeGwei[scope]! += change;
          f.changeHigh[scope]! += changeHigh;
          f.changeLow[scope]! += change - changeHigh * splitAt;
          f.balanceChangeKnown[scope]! += 1;
        }
        if (slashedNew) f.slashedNew[scope]! += 1;
        if (outcome !== OUTCOME_NOT_DUE) {
          f.attestationsDue[scope]! += 1;
          if (outcome === OUTCOME_MISSED) f.missed[scope]! += 1;
          else if (outcome === OUTCOME_EFFECTIVE) f.effective[scope]! += 1;
          else if (outcome === OUTCOME_INEFFECTIVE) f.ineffective[scope]! += 1;
          else f.unknown[scope]! += 1;
          if (flags & FLAG_SOURCE) f.sourceCorrect[scope]! += 1;
          if (flags & FLAG_TARGET) f.targetCorrect[scope]! += 1;
          if (flags & FLAG_HEAD) f.headCorrect[scope]! += 1;
        }
        if (state !== undefined) {
          if (state.missedInARow >= thresholds.missedInARow) f.missingInARow[scope]! += 1;
          if (state.missedInARow > f.maxMissedInARow[scope]!) f.maxMissedInARow[scope] = state.missedInARow;
          if (state.balanceDecreasingEpochs >= thresholds.balanceDecreasingEpochs) f.balanceDecreasing[scope]! += 1;
        }
      }
    }
    for (const state of watched) this.watchedState.set(state.index, state);
    this.registry.commit(snapshot);
    let unknownWatched = 0;
    for (const index of watch.indices()) if (index >= snapshot.count) unknownWatched += 1;
    return {
      epoch,
      signal: this.signal,
      leak,
      networkValidators: snapshot.count,
      scopes: watch.scopes.map((scope, id) => totals.toScope(scope, id)),
      misses,
      slashings,
      watched,
      unknownWatched,
    };
  }

  private read(index: number, code: number): void {
    if (index >= this.readings.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.readings.length * 2));
      grown.set(this.readings);
      this.readings = grown;
    }
    this.readings[index] = code;
  }

  /** The outcome and correct-flag bits of a due validator's reading, decoded once. */
  private judge(index: number, leak: boolean): { outcome: number; flags: number } {
    const code = index < this.readings.length ? this.readings[index]! : 0;
    if (code === 0) return unknownReading;
    if (this.signal === 'liveness') return { outcome: judgeLiveness(code === 2), flags: 0 };
    const reading = decode(code);
    return { outcome: judgeReward(reading, leak), flags: correctFlags(reading, leak) };
  }

  private updateWatched(
    index: number,
    before: WatchedValidatorState | undefined,
    snapshot: ValidatorSnapshot,
    outcome: number,
    change: number,
    hasPrevious: boolean,
    due: boolean,
  ): WatchedValidatorState {
    let missedInARow = before?.missedInARow ?? 0;
    if (outcome === OUTCOME_MISSED) missedInARow += 1;
    else if (outcome === OUTCOME_EFFECTIVE || outcome === OUTCOME_INEFFECTIVE) missedInARow = 0;
    else if (outcome === OUTCOME_NOT_DUE) missedInARow = 0;
    let decreasing = before?.balanceDecreasingEpochs ?? 0;
    if (!due) decreasing = 0;
    else if (hasPrevious && change < 0 && -change < this.thresholds.withdrawalGwei) decreasing += 1;
    else if (hasPrevious && change > 0) decreasing = 0;
    const judged = outcome !== OUTCOME_NOT_DUE && outcome !== OUTCOME_UNKNOWN;
    return {
      index,
      pubkey: this.pubkeys.get(index) ?? before?.pubkey ?? '',
      status: snapshot.statusOf(index),
      balanceGwei: snapshot.balance[index]!,
      activationEpoch: snapshot.activation[index]!,
      exitEpoch: snapshot.exit[index]!,
      slashed: snapshot.slashed[index] === 1,
      missedInARow,
      balanceDecreasingEpochs: decreasing,
      lastAttestationEpoch: judged ? this.epoch : (before?.lastAttestationEpoch ?? null),
      lastOutcome: judged ? outcomeNames[outcome]! : (before?.lastOutcome ?? null),
      epoch: snapshot.epoch,
    };
  }
}

const notDue = { outcome: OUTCOME_NOT_DUE, flags: 0 };
const unknownReading = { outcome: OUTCOME_UNKNOWN, flags: 0 };

/** The signs (-1, 0, 1) of an encoded reading: enough to judge it. */
function decode(code: number) {
  const value = code - 1;
  return { source: Math.floor(value / 9) - 1, target: (Math.floor(value / 3) % 3) - 1, head: (value % 3) - 1 };
}

/** `active_slashed`: slashed and still in the slashing period, news to whoever watches it. */
function isSlashedActive(statusCode: number): boolean {
  return validatorStatuses[statusCode] === 'active_slashed';
}
