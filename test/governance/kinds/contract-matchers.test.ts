// A contract watch's matchers and their `where`: signatures resolved from the standard ABIs or declared,
// conditions parsed exactly (whole numbers from scientific notation, addresses without regard to case) and
// evaluated on decoded arguments; every mistake is a problem at its path when the config loads.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load.js';

import {
  ConditionSyntaxError,
  meets,
  parseCondition,
  wholeNumber,
} from '../../../src/governance/kinds/contract/conditions.js';
import { matchersMet, resolveMatcher } from '../../../src/governance/kinds/contract/matchers.js';

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('contract matcher conditions', () => {
  it.each([
    ['1e24', 10n ** 24n],
    ['1.5e18', 1_500_000_000_000_000_000n],
    ['1_000_000', 1_000_000n],
    ['-3', -3n],
    ['2.50e1', 25n],
    ['1.5', null],
    ['1.23e1', null],
  ])('reads %s as a whole number', (text, expected) => {
    expect(wholeNumber(text)).toBe(expected);
  });

  const args = {
    from: alice,
    to: '0x0000000000000000000000000000000000000000',
    value: '2000000000000000000000000',
    order: { amount: '5', sides: ['buy', 'sell'] },
    paused: true,
    memo: 'hello',
  };
  it.each([
    ['value > 1e24', true],
    ['value > 2e24', false],
    ['value >= 2e24', true],
    ['value < 1e24 or paused == true', true],
    ['value > 1e24 and paused == false', false],
    [`from == ${alice.toLowerCase()}`, true],
    [`from != ${alice}`, false],
    ['to == 0x0000000000000000000000000000000000000000 and (value > 1 or memo == "x")', true],
    ['order.amount <= 5 and order.sides[1] == "sell"', true],
    ["memo == 'hello'", true],
    // Missing or not comparable: no match.
    ['nope > 1', false],
    ['memo > 1', false],
    ['order.sides[7] == "buy"', false],
  ])('%s', (where, expected) => {
    expect(meets(parseCondition(where), args)).toBe(expected);
  });

  it.each([
    ['value >', 'expected a value'],
    ['value > 1.5', '1.5 is not a whole number (column 9)'],
    ['value ~ 3', 'unexpected "~ 3" (column 7)'],
    ['memo > "a"', '> compares numbers only: use == or != (column 6)'],
    ['(value > 1', 'expected ")"'],
    ['value > 1 and', 'expected an argument name'],
    ['value > 1 extra', 'unexpected "extra" (column 11)'],
  ])('rejects %s', (where, message) => {
    expect(() => parseCondition(where)).toThrow(ConditionSyntaxError);
    expect(() => parseCondition(where)).toThrow(message);
  });
});

describe('contract matchers', () => {
  it('resolves a standard event by its types, with both indexed variants, and a declared one', () => {
    const transfer = resolveMatcher({ name: 'big', event: 'Transfer(address,address,uint256)', where: 'value > 1e24' });
    expect('problems' in transfer).toBe(false);
    if ('problems' in transfer) return;
    expect(transfer.events.map((event) => event.inputs.map((input) => input.name))).toEqual([
      ['from', 'to', 'value'],
      ['from', 'to', 'tokenId'],
    ]);
    const deposit = resolveMatcher({ name: 'deposit', event: 'Deposit(address indexed owner, uint256 assets)' });
    expect(deposit).toMatchObject({ kind: 'event', signature: 'Deposit(address,uint256)' });
    const pause = resolveMatcher({ name: 'pause', function: 'pause()' });
    expect(pause).toMatchObject({ kind: 'function', signature: 'pause()', selector: '0x8456cb59' });
    const transferCall = resolveMatcher({ name: 't', function: 'transfer(address,uint256)', where: 'value > 0' });
    expect(transferCall).toMatchObject({ kind: 'function', selector: '0xa9059cbb' });
  });

  it('selects events by name and calls by signature, where the condition holds', () => {
    const matchers = [
      resolveMatcher({ name: 'big', event: 'Transfer(address,address,uint256)', where: 'value > 1e24' }),
      resolveMatcher({ name: 'any', event: 'Transfer(address,address,uint256)' }),
      resolveMatcher({ name: 'call', function: 'transfer(address,uint256)' }),
    ] as Exclude<ReturnType<typeof resolveMatcher>, { problems: unknown }>[];
    const names = (name: string, args: Record<string, string>) =>
      matchersMet(matchers, { name, args }).map((matcher) => matcher.name);
    expect(names('Transfer', { value: '2000000000000000000000000' })).toEqual(['big', 'any']);
    expect(names('Transfer', { value: '5' })).toEqual(['any']);
    expect(names('transfer(address,uint256)', { to: alice, value: '5' })).toEqual(['call']);
    expect(names('Approval', { value: '5' })).toEqual([]);
  });

  it('reports every mistake at its path when the config loads', () => {
    const address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
    let error: unknown;
    try {
      parseConfig(
        `chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
governance:
  - kind: contract
    id: usdc
    chain: c
    address: "${address}"
    startBlock: 1
    matchers:
      - { name: big, event: "Transfer(address,address,uint256)", where: "valu > 1e24" }
      - { name: odd, event: "Frobbed(uint256)" }
      - { name: bad, function: "transfer(address,uint256)", where: "value > 1.5" }
      - { name: both, event: "Approval(address,address,uint256)", function: "pause()" }
      - { name: big, event: "Approval(address,address,uint256)" }
    calls: logs
`,
        { env: {} },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'governance[0].matchers[0].where: no argument "valu": ' +
          'Transfer(address,address,uint256) has from, to, value, tokenId',
        expect.stringMatching(/^governance\[0\]\.matchers\[1\]\.event: "Frobbed\(uint256\)" is in no standard ABI/),
        'governance[0].matchers[2].where: 1.5 is not a whole number (column 9)',
        'governance[0].matchers[3]: give either `event` or `function`',
        'governance[0].matchers[4].name: duplicate matcher "big"',
        expect.stringMatching(/^governance\[0\]\.calls: /),
      ]),
    );
  });
});
