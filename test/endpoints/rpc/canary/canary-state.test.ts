// The canary's rules as tables: fees, replacements within the cap, refusals classed from what real nodes
// say, and what a timeout means.
import { describe, expect, it } from 'vitest';
import {
  classifySendError,
  etherToWei,
  gweiToWei,
  inclusionSeconds,
  initialFees,
  onTimeout,
  replacementFees,
} from '../../../../src/endpoints/rpc/canary/canary-state.js';

const gwei = (value: number) => gweiToWei(value);

describe('fees', () => {
  it.each([
    // base fee, tip, cap → max fee, tip
    [10, 1, 50, 21, 1],
    [30, 1, 50, 50, 1],
    [0, 2, 50, 2, 2],
    [10, 5, 3, 3, 3],
  ])('base %d gwei, tip %d, cap %d → max fee %d, tip %d', (base, tip, cap, maxFee, maxTip) => {
    expect(initialFees(gwei(base), gwei(tip), gwei(cap))).toEqual({
      maxFeePerGas: gwei(maxFee),
      maxPriorityFeePerGas: gwei(maxTip),
    });
  });

  it.each([
    // previous max fee, tip, cap → replacement (or null)
    [20, 1, 50, { maxFeePerGas: gwei(25), maxPriorityFeePerGas: gwei(1.25) }],
    [45, 1, 50, { maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(1.25) }],
    [46, 1, 50, null], // 50 is less than 10% over 46: nodes would refuse it
    [50, 1, 50, null],
  ])('replacing max fee %d gwei, tip %d, cap %d', (maxFee, tip, cap, expected) => {
    expect(replacementFees({ maxFeePerGas: gwei(maxFee), maxPriorityFeePerGas: gwei(tip) }, gwei(cap))).toEqual(
      expected,
    );
  });

  it('reads config amounts exactly', () => {
    expect(gweiToWei(0.5)).toBe(500_000_000n);
    expect(etherToWei(0.01)).toBe(10_000_000_000_000_000n);
    expect(etherToWei(1.5)).toBe(1_500_000_000_000_000_000n);
  });
});

describe('refusals, from what nodes say', () => {
  it.each([
    ['nonce too low: next nonce 5, tx nonce 4', { accepted: false, reason: 'nonce_too_low' }],
    ['OldNonce', { accepted: false, reason: 'nonce_too_low' }],
    ['replacement transaction underpriced', { accepted: false, reason: 'underpriced' }],
    ['transaction underpriced: tip needed 1, tip permitted 0', { accepted: false, reason: 'underpriced' }],
    ['max fee per gas less than block base fee', { accepted: false, reason: 'underpriced' }],
    ['FeeTooLow, MaxFeePerGas too low', { accepted: false, reason: 'underpriced' }],
    [
      'insufficient funds for gas * price + value: have 0 want 21000',
      { accepted: false, reason: 'insufficient_funds' },
    ],
    ['Insufficient funds for gas * price + value', { accepted: false, reason: 'insufficient_funds' }],
    ['already known', { accepted: true }],
    ['ALREADY_EXISTS: already known', { accepted: true }],
    ['execution reverted', { accepted: false, reason: 'other' }],
    ['', { accepted: false, reason: 'other' }],
  ])('%j', (message, expected) => {
    expect(classifySendError(message)).toEqual(expected);
  });
});

describe('a timeout', () => {
  const fees = { maxFeePerGas: gwei(20), maxPriorityFeePerGas: gwei(1) };
  it.each([
    // chain nonce, known, cap → step, outcome
    [5, false, 50, 'gone', 'dropped'],
    [6, true, 50, 'gone', 'dropped'],
    [4, true, 50, 'replace', 'not_included'],
    [4, false, 50, 'replace', 'dropped'],
    [null, false, 50, 'replace', 'dropped'],
    [4, true, 20, 'stuck', 'not_included'],
    [4, false, 20, 'stuck', 'dropped'],
  ] as const)('nonce 4, chain nonce %s, known %s, cap %d → %s (%s)', (chainNonce, known, cap, step, outcome) => {
    expect(onTimeout({ nonce: 4, chainNonce, known, fees, cap: gwei(cap) })).toMatchObject({ step, outcome });
  });

  it('times inclusion by the wall clock and by the block, never below zero', () => {
    expect(inclusionSeconds(10_000, 13_500, 12)).toEqual({ wall: 3.5, block: 2 });
    expect(inclusionSeconds(10_500, 11_000, 10)).toEqual({ wall: 0.5, block: 0 });
    expect(inclusionSeconds(10_000, 11_000, null)).toEqual({ wall: 1, block: null });
  });
});
