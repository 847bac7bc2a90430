import { describe, expect, it } from 'vitest';
import { FAR_FUTURE_EPOCH, type ValidatorRecord } from '../../src/domain/beacon.js';
import { AttestationEpoch, type WatchedValidatorState } from '../../src/validators/attestation-epoch.js';
import {
  judgeReward,
  isInactivityLeak,
  OUTCOME_EFFECTIVE,
  OUTCOME_INEFFECTIVE,
  OUTCOME_MISSED,
} from '../../src/validators/attestation-outcome.js';
import { ValidatorRegistry } from '../../src/validators/validator-registry.js';
import { WatchList } from '../../src/validators/watch-list.js';

const pubkey = (index: number) => `0x${index.toString(16).padStart(96, '0')}`;

function record(index: number, overrides: Partial<ValidatorRecord> = {}): ValidatorRecord {
  return {
    index,
    balanceGwei: 32e9,
    status: 'active_ongoing',
    pubkey: pubkey(index),
    effectiveBalanceGwei: 32e9,
    slashed: false,
    activationEpoch: 0,
    exitEpoch: FAR_FUTURE_EPOCH,
    ...overrides,
  };
}

const good = { head: 10, target: 20, source: 10, inactivity: 0 };
const missed = { head: 0, target: -20, source: -10, inactivity: 0 };
const ideal = [{ effectiveBalanceGwei: 32e9, head: 10, target: 20, source: 10 }];

describe('judging one attestation reward', () => {
  it.each([
    ['all flags rewarded', { head: 5, target: 5, source: 5 }, false, OUTCOME_EFFECTIVE],
    ['wrong head', { head: 0, target: 5, source: 5 }, false, OUTCOME_INEFFECTIVE],
    ['late source, target in time', { head: 0, target: 5, source: -5 }, false, OUTCOME_INEFFECTIVE],
    ['nothing included', { head: 0, target: -5, source: -5 }, false, OUTCOME_MISSED],
    ['leak: correct votes earn nothing', { head: 0, target: 0, source: 0 }, true, OUTCOME_EFFECTIVE],
    ['leak: a miss is still penalised', { head: 0, target: -5, source: -5 }, true, OUTCOME_MISSED],
  ])('%s', (_name, reward, leak, outcome) => {
    expect(judgeReward(reward, leak)).toBe(outcome);
  });

  it('tells an inactivity leak from zero ideal rewards', () => {
    expect(isInactivityLeak(ideal)).toBe(false);
    const leaking = [{ effectiveBalanceGwei: 32e9, head: 0, target: 0, source: 0 }];
    expect(isInactivityLeak(leaking)).toBe(true);
    expect(isInactivityLeak([])).toBe(false);
  });
});

function runEpoch(
  registry: ValidatorRegistry,
  watch: WatchList,
  state: Map<number, WatchedValidatorState>,
  epoch: number,
  validators: ValidatorRecord[],
  rewards: Map<number, typeof good>,
) {
  const run = new AttestationEpoch(registry, watch, state, epoch, 'rewards');
  validators.forEach(run.validator);
  for (const [validatorIndex, reward] of rewards) run.reward({ validatorIndex, ...reward });
  return run.finish(ideal);
}

describe('an epoch of attestations', () => {
  const sets = [
    { labels: { operator: 'kiln' }, indices: [0, 1, [2, 3] as const], pubkeys: [], perValidatorMetrics: false },
    { labels: { operator: 'lido' }, indices: [], pubkeys: [pubkey(4)], perValidatorMetrics: false },
  ];

  it('counts per scope: network apart from watched, a pubkey resolved, inactive validators never missed', () => {
    const watch = new WatchList(sets);
    const validators = [
      record(0),
      record(1),
      record(2, { activationEpoch: 20, status: 'pending_queued' }), // not active yet: never missed
      record(3, { exitEpoch: 5, status: 'exited_unslashed' }), // exited: never missed
      record(4),
      record(5),
      record(6),
    ];
    const rewards = new Map([
      [0, good],
      [1, missed],
      [4, good],
      [5, missed],
      [6, good],
    ]);
    const result = runEpoch(new ValidatorRegistry(), watch, new Map(), 10, validators, rewards);
    const scope = (name: string) => result.scopes.find((totals) => totals.scope === name)!;
    expect(watch.isWatched(4)).toBe(true);
    expect(scope('network')).toMatchObject({ validators: 2, attestationsDue: 2, missed: 1, effective: 1 });
    expect(scope('watched')).toMatchObject({ validators: 5, attestationsDue: 3, missed: 1, effective: 2, active: 3 });
    expect(scope('operator:kiln')).toMatchObject({ validators: 4, attestationsDue: 2, missed: 1, effective: 1 });
    expect(scope('operator:lido')).toMatchObject({ validators: 1, attestationsDue: 1, missed: 0, effective: 1 });
    expect(scope('operator:kiln').statusCounts).toMatchObject({
      active_ongoing: 2,
      pending_queued: 1,
      exited_unslashed: 1,
    });
    expect(result.misses).toEqual([1]);
    expect(result.watched.find((state) => state.index === 4)?.pubkey).toBe(pubkey(4));
  });

  it('keeps misses in a row across epochs, resets them on an attestation, and leaves them alone while unknown', () => {
    const watch = new WatchList(sets);
    const registry = new ValidatorRegistry();
    const state = new Map<number, WatchedValidatorState>();
    const validators = [record(0), record(1)];
    for (const epoch of [10, 11, 12])
      runEpoch(
        registry,
        watch,
        state,
        epoch,
        validators,
        new Map([
          [0, missed],
          [1, good],
        ]),
      );
    expect(state.get(0)?.missedInARow).toBe(3);
    const unknown = runEpoch(registry, watch, state, 13, validators, new Map([[1, good]]));
    expect(state.get(0)?.missedInARow).toBe(3);
    expect(unknown.scopes.find((totals) => totals.scope === 'watched')).toMatchObject({
      unknown: 1,
      missingInARow: 1,
      maxMissedInARow: 3,
    });
    runEpoch(
      registry,
      watch,
      state,
      14,
      validators,
      new Map([
        [0, good],
        [1, good],
      ]),
    );
    expect(state.get(0)?.missedInARow).toBe(0);
  });

  it.each([
    {
      case: 'mainnet-sized balances',
      balances: [32_000_000_001, 2_048_000_000_000 - 1, 31_999_999_999],
      next: [32_000_000_002, 2_048_000_000_000 - 7, 0],
    },
    {
      case: 'testnet balances past 2^53 in sum',
      balances: [2 ** 52 + 1, 2 ** 52 + 3, 2 ** 50 + 5],
      next: [2 ** 52 + 2, 2 ** 52 - 9, 2 ** 50 + 6],
    },
  ])('sums balances and their change exactly, as decimal strings: $case', ({ balances, next }) => {
    const watch = new WatchList([
      { labels: { operator: 'kiln' }, indices: [[0, 2] as const], pubkeys: [], perValidatorMetrics: false },
    ]);
    const registry = new ValidatorRegistry();
    const state = new Map<number, WatchedValidatorState>();
    const rewards = new Map([
      [0, good],
      [1, good],
      [2, good],
    ]);
    runEpoch(
      registry,
      watch,
      state,
      10,
      balances.map((balanceGwei, index) => record(index, { balanceGwei })),
      rewards,
    );
    const result = runEpoch(
      registry,
      watch,
      state,
      11,
      next.map((balanceGwei, index) => record(index, { balanceGwei })),
      rewards,
    );
    const exact = next.reduce((sum, balance) => sum + BigInt(balance), 0n);
    const change = next.reduce((sum, balance, index) => sum + BigInt(balance) - BigInt(balances[index]!), 0n);
    const kiln = result.scopes.find((totals) => totals.scope === 'operator:kiln')!;
    expect([kiln.balanceGweiExact, kiln.balanceChangeGweiExact]).toEqual([exact.toString(), change.toString()]);
  });

  it('sees a slashing once, and balance falling epoch after epoch, but not a withdrawal', () => {
    const watch = new WatchList(sets);
    const registry = new ValidatorRegistry();
    const state = new Map<number, WatchedValidatorState>();
    const balances = [32.1e9, 32.1e9 - 10_000, 32.1e9 - 20_000, 32.1e9 - 30_000]; // penalties of 10,000 gwei an epoch
    let result: ReturnType<typeof runEpoch> | undefined;
    balances.forEach((balance, step) => {
      result = runEpoch(
        registry,
        watch,
        state,
        10 + step,
        [record(0, { balanceGwei: balance }), record(1, { balanceGwei: 32.5e9 - step * 0.2e9 })],
        new Map([
          [0, good],
          [1, good],
        ]),
      );
    });
    expect(state.get(0)?.balanceDecreasingEpochs).toBe(3);
    expect(state.get(1)?.balanceDecreasingEpochs).toBe(0); // 0.2 ETH drops are withdrawals
    const slashed = runEpoch(
      registry,
      watch,
      state,
      14,
      [record(0, { slashed: true, status: 'active_slashed' }), record(1)],
      new Map([[1, good]]),
    );
    expect(slashed.slashings).toEqual([0]);
    expect(slashed.scopes.find((totals) => totals.scope === 'operator:kiln')).toMatchObject({
      slashedNew: 1,
      attestationsDue: 1,
    });
    const again = runEpoch(
      registry,
      watch,
      state,
      15,
      [record(0, { slashed: true, status: 'active_slashed' }), record(1)],
      new Map([[1, good]]),
    );
    expect(again.slashings).toEqual([]);
    expect(result).toBeDefined();
  });

  it('a validator found already slashed is news only while it is in its slashing period', () => {
    const watch = new WatchList(sets);
    const result = runEpoch(
      new ValidatorRegistry(),
      watch,
      new Map(),
      10,
      [
        record(0, { slashed: true, status: 'active_slashed' }),
        record(1, { slashed: true, status: 'exited_slashed', exitEpoch: 2 }),
      ],
      new Map(),
    );
    expect(result.slashings).toEqual([0]);
  });

  it('an abandoned epoch leaves the registry and the streaks as they were', () => {
    const watch = new WatchList(sets);
    const registry = new ValidatorRegistry();
    const state = new Map<number, WatchedValidatorState>();
    runEpoch(registry, watch, state, 10, [record(0, { balanceGwei: 33e9 })], new Map([[0, missed]]));
    const run = new AttestationEpoch(registry, watch, state, 11, 'rewards');
    run.validator(record(0, { balanceGwei: 1 }));
    run.reward({ validatorIndex: 0, ...missed });
    run.abandon();
    expect(registry.current?.balance[0]).toBe(33e9);
    expect(state.get(0)?.missedInARow).toBe(1);
    const next = runEpoch(registry, watch, state, 11, [record(0, { balanceGwei: 33.00001e9 })], new Map([[0, good]]));
    expect(next.scopes.find((totals) => totals.scope === 'watched')?.balanceChangeGwei).toBeCloseTo(10_000, 0);
  });

  it('judges by liveness when told to', () => {
    const watch = new WatchList(sets);
    const run = new AttestationEpoch(new ValidatorRegistry(), watch, new Map(), 10, 'liveness');
    [record(0), record(1)].forEach(run.validator);
    run.liveness({ validatorIndex: 0, isLive: true });
    run.liveness({ validatorIndex: 1, isLive: false });
    const result = run.finish();
    expect(result.scopes.find((totals) => totals.scope === 'watched')).toMatchObject({
      attestationsDue: 2,
      effective: 1,
      missed: 1,
    });
    expect(result.scopes.find((totals) => totals.scope === 'network')).toMatchObject({ attestationsDue: 0 });
  });
});
