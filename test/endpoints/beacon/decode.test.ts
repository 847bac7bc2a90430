import { describe, expect, it } from 'vitest';
import {
  BeaconDecodeError,
  decodeAttestationReward,
  decodeHeader,
  decodeIdealRewards,
  decodeProposerDuties,
  decodeSpecTiming,
  decodeSyncing,
  decodeValidator,
} from '../../../src/endpoints/beacon/decode.js';
import { decodeElement, epoch, hex, int, optionalBool, uint } from '../../../src/endpoints/beacon/decode-fields.js';
import { FAR_FUTURE_EPOCH } from '../../../src/domain/beacon.js';

function fault(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BeaconDecodeError);
    return (error as BeaconDecodeError).message;
  }
  throw new Error('no fault');
}

describe('field readers', () => {
  it.each([
    ['0', 0],
    ['32000000000', 32_000_000_000],
    [17, 17],
    ['9007199254740991', 2 ** 53 - 1],
    ['007', 7],
  ])('uint(%j) = %d', (value, expected) => expect(uint(value, 'x')).toBe(expected));

  it.each([
    ['-1', 'x: expected a non-negative integer'],
    [-1, 'x: expected a non-negative integer'],
    ['1.5', 'x: expected a decimal string'],
    [1.5, 'x: expected an integer'],
    ['0x10', 'x: expected a decimal string'],
    ['', 'x: expected a decimal string'],
    [' 1', 'x: expected a decimal string'],
    ['9007199254740993', 'x: exceeds 2^53'],
    ['18446744073709551615', 'x: exceeds 2^53'],
    [undefined, 'x: required'],
    [null, 'x: expected a decimal string'],
    [true, 'x: expected a decimal string'],
    [{}, 'x: expected a decimal string'],
  ])('uint(%j) fails: %s', (value, message) => expect(fault(() => uint(value, 'x'))).toBe(message));

  it('reads signed amounts, far-future epochs in both spellings, hex and optional metadata', () => {
    expect(int('-109940', 'x')).toBe(-109940);
    expect(epoch('18446744073709551615', 'x')).toBe(FAR_FUTURE_EPOCH);
    // biome-ignore lint/correctness/noPrecisionLoss: a JSON number past 2^53, as a node may send it
    expect(epoch(18446744073709551615, 'x')).toBe(FAR_FUTURE_EPOCH);
    expect(epoch('240300', 'x')).toBe(240300);
    expect(fault(() => epoch('18446744073709551614', 'x'))).toBe('x: exceeds 2^53');
    expect(hex(`0x${'AB'.repeat(48)}`, 'x', 48)).toBe(`0x${'ab'.repeat(48)}`);
    expect(fault(() => hex(`0x${'ab'.repeat(47)}`, 'x', 48))).toBe('x: expected 0x and 48 bytes of hex');
    expect(fault(() => hex(`0x${'zz'.repeat(48)}`, 'x', 48))).toBe('x: expected 0x and 48 bytes of hex');
    expect(optionalBool(undefined, 'x')).toBeNull();
    expect(optionalBool(null, 'x')).toBeNull();
    expect(fault(() => optionalBool('true', 'x'))).toBe('x: expected a boolean');
  });

  it('names a fault inside an element by its place in the list', () => {
    expect(fault(() => decodeElement(decodeValidator, { index: '1' }, 'data', 12))).toBe(
      'data[12].validator: required',
    );
    expect(fault(() => decodeElement((value) => uint(value, ''), 'x', 'data.validators', 3))).toBe(
      'data.validators[3]: expected a decimal string',
    );
  });
});

describe('route decoders', () => {
  const validator = {
    index: '5',
    balance: 32_000_000_000,
    status: 'pending_queued',
    validator: {
      pubkey: `0x${'C'.repeat(96)}`,
      effective_balance: '32000000000',
      slashed: false,
      activation_epoch: '18446744073709551615',
      exit_epoch: '18446744073709551615',
    },
  };

  it('decodes a validator without the fields the monitor does not read', () => {
    expect(decodeValidator(validator)).toEqual({
      index: 5,
      balanceGwei: 32_000_000_000,
      status: 'pending_queued',
      pubkey: `0x${'c'.repeat(96)}`,
      effectiveBalanceGwei: 32_000_000_000,
      slashed: false,
      activationEpoch: FAR_FUTURE_EPOCH,
      exitEpoch: FAR_FUTURE_EPOCH,
    });
    expect(fault(() => decodeValidator({ ...validator, status: 'active' }))).toBe('status: unknown value "active"');
    expect(
      fault(() => decodeValidator({ ...validator, validator: { ...validator.validator, slashed: 'false' } })),
    ).toBe('validator.slashed: expected a boolean');
    expect(fault(() => decodeValidator([]))).toBe('expected an object');
  });

  it('reads optional metadata as null and required roots strictly', () => {
    expect(decodeSyncing({ data: { head_slot: 1, sync_distance: '0', is_syncing: false } })).toEqual({
      headSlot: 1,
      syncDistance: 0,
      isSyncing: false,
      isOptimistic: null,
      elOffline: null,
    });
    const header = {
      data: {
        root: `0x${'1'.repeat(64)}`,
        canonical: true,
        header: { message: { slot: '3', proposer_index: '4', parent_root: `0x${'2'.repeat(64)}` } },
      },
    };
    expect(decodeHeader(header)).toMatchObject({ slot: 3, finalized: null });
    expect(fault(() => decodeHeader({ data: { ...header.data, header: {} } }))).toBe('data.header.message: required');
    expect(fault(() => decodeProposerDuties({ data: [] }, 1))).toBe('dependent_root: required');
    expect(
      fault(() =>
        decodeProposerDuties({ dependent_root: `0x${'1'.repeat(64)}`, data: [{ slot: '1', validator_index: '2' }] }, 1),
      ),
    ).toBe('data[0].pubkey: required');
  });

  it('reads the spec timing as strings or numbers and refuses a zero slot length', () => {
    expect(decodeSpecTiming({ data: { SECONDS_PER_SLOT: 12, SLOTS_PER_EPOCH: '32' } })).toEqual({
      secondsPerSlot: 12,
      slotsPerEpoch: 32,
    });
    expect(fault(() => decodeSpecTiming({ data: { SECONDS_PER_SLOT: '0', SLOTS_PER_EPOCH: '32' } }))).toBe(
      'data.SECONDS_PER_SLOT: expected a positive integer',
    );
    expect(fault(() => decodeSpecTiming({ data: { SECONDS_PER_SLOT: '12' } }))).toBe('data.SLOTS_PER_EPOCH: required');
  });

  it('reads rewards with penalties and without the optional inactivity', () => {
    expect(decodeAttestationReward({ validator_index: '1', head: '0', target: '-5', source: -3 })).toEqual({
      validatorIndex: 1,
      head: 0,
      target: -5,
      source: -3,
      inactivity: 0,
    });
    expect(fault(() => decodeIdealRewards([{ effective_balance: '1', head: '1', target: '1' }]))).toBe(
      'data.ideal_rewards[0].source: required',
    );
    expect(fault(() => decodeIdealRewards(undefined))).toBe('data.ideal_rewards: required');
  });
});
