// The call decoder as a table of cases: calldata built with viem's encoder from the contracts' own
// signatures, decoded back through the standard ABIs, a user's ABI, a proxy's implementation, and every
// kind of call that carries calls (timelock batches, Compound's queued transactions, Safe transactions,
// MultiSend packing, upgrades with a call). Malformed and hostile input gives a flagged result, never a throw.
import { describe, expect, it } from 'vitest';
import {
  type Abi,
  type Address,
  encodeFunctionData,
  encodePacked,
  getAddress,
  type Hex,
  parseAbi,
  toFunctionSelector,
} from 'viem';
import { decodeCall, type DecodeContext, flattenCalls, maxDepth } from '../../../src/governance/decode/decode-call.js';
import { unpackMultiSend } from '../../../src/governance/decode/multisend.js';
import { formatAmount, summarizeCall } from '../../../src/governance/decode/summary.js';

const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const [treasury, token, timelock, safe, multiSend, proxy, admin, impl, outsider] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(
  address,
) as [Address, Address, Address, Address, Address, Address, Address, Address, Address];

const erc20 = parseAbi(['function transfer(address to, uint256 value) returns (bool)']);
const timelockAbi = parseAbi([
  'function executeBatch(address[], uint256[], bytes[], bytes32, bytes32) payable',
  'function updateDelay(uint256 newDelay)',
  'function grantRole(bytes32 role, address account)',
]);
const safeAbi = parseAbi([
  'function execTransaction(address, uint256, bytes, uint8, uint256, uint256, uint256, address, address, bytes)',
  'function addOwnerWithThreshold(address owner, uint256 _threshold)',
  'function changeThreshold(uint256 _threshold)',
  'function multiSend(bytes transactions) payable',
]);
const vaultV2 = parseAbi(['function initializeV2(uint256 fee, address keeper)', 'function sweep(address to)']);
const proxyAdminAbi = parseAbi(['function upgradeAndCall(address proxy, address implementation, bytes data) payable']);

const labels = new Map<Address, string>([
  [treasury, 'treasury'],
  [timelock, 'timelock'],
  [proxy, 'vault'],
]);

function context(userAbis: [Address, string, Abi][] = [], implementations: [Address, Address][] = []): DecodeContext {
  const abis = new Map(userAbis.map(([at, name, abi]) => [at, { name, abi }]));
  const impls = new Map(implementations);
  return {
    userAbi: (at) => abis.get(at),
    implementation: (at) => impls.get(at),
    label: (at) => labels.get(at),
  };
}
const summaryContext = {
  label: (at: Address) => labels.get(at),
  token: (at: Address) => (at === token ? { symbol: 'USDC', decimals: 6 } : undefined),
};

const transfer = (to: Address, value: bigint) =>
  encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [to, value] });
const zero32 = `0x${'00'.repeat(32)}` as Hex;
const packed = (txs: { operation: 0 | 1; to: Address; value: bigint; data: Hex }[]) =>
  `0x${txs
    .map((tx) =>
      encodePacked(
        ['uint8', 'address', 'uint256', 'uint256', 'bytes'],
        [tx.operation, tx.to, tx.value, BigInt((tx.data.length - 2) / 2), tx.data],
      ).slice(2),
    )
    .join('')}` as Hex;
const execTransaction = (to: Address, data: Hex, operation: 0 | 1) =>
  encodeFunctionData({
    abi: safeAbi,
    functionName: 'execTransaction',
    args: [to, 0n, data, operation, 0n, 0n, 0n, address(0), address(0), '0x'],
  });

describe('decodeCall', () => {
  it('decodes a treasury transfer of an ERC20 with the standard ABIs, and sums it up in the token', () => {
    const decoded = decodeCall({ to: token, value: 0n, data: transfer(outsider, 1_000_000_000_000n) }, context());
    expect(decoded).toMatchObject({
      to: token,
      signature: 'transfer(address,uint256)',
      functionName: 'transfer',
      decodedWith: 'ERC20',
      undecoded: false,
      args: [
        { name: 'to', type: 'address', value: outsider },
        { name: 'value', type: 'uint256', value: '1000000000000' },
      ],
      calls: [],
    });
    expect(summarizeCall(decoded, summaryContext)).toBe('0x0000…0002.transfer(to=0x0000…0009, value=1,000,000 USDC)');
  });

  it('unwraps a timelock batch and decodes each call', () => {
    const role = `0x${'00'.repeat(32)}` as Hex;
    const data = encodeFunctionData({
      abi: timelockAbi,
      functionName: 'executeBatch',
      args: [
        [token, timelock, timelock],
        [0n, 0n, 0n],
        [
          transfer(outsider, 5n),
          encodeFunctionData({ abi: timelockAbi, functionName: 'updateDelay', args: [0n] }),
          encodeFunctionData({ abi: timelockAbi, functionName: 'grantRole', args: [role, outsider] }),
        ],
        zero32,
        zero32,
      ],
    });
    const decoded = decodeCall({ to: timelock, value: '0', data }, context());
    expect(decoded.decodedWith).toBe('TimelockController');
    expect(decoded.calls.map((call) => [call.to, call.decodedWith, call.functionName])).toEqual([
      [token, 'ERC20', 'transfer'],
      [timelock, 'TimelockController', 'updateDelay'],
      [timelock, 'AccessControl', 'grantRole'],
    ]);
    expect(decoded.calls[2]!.args.map((arg) => arg.value)).toEqual([role, outsider]);
    expect(summarizeCall(decoded, summaryContext)).toBe(
      'timelock.executeBatch(…) → 0x0000…0002.transfer(to=0x0000…0009, value=0.000005 USDC); ' +
        'timelock.updateDelay(newDelay=0); timelock.grantRole(role=0x00000000…(32 bytes), account=0x0000…0009)',
    );
  });

  it('unwraps a Safe transaction into a MultiSend batch with its operations', () => {
    const batch = packed([
      {
        operation: 0,
        to: safe,
        value: 0n,
        data: encodeFunctionData({ abi: safeAbi, functionName: 'addOwnerWithThreshold', args: [outsider, 1n] }),
      },
      {
        operation: 0,
        to: safe,
        value: 0n,
        data: encodeFunctionData({ abi: safeAbi, functionName: 'changeThreshold', args: [1n] }),
      },
      { operation: 1, to: outsider, value: 0n, data: '0x12345678aabb' },
      { operation: 0, to: treasury, value: 10n ** 18n, data: '0x' },
    ]);
    const data = execTransaction(
      multiSend,
      encodeFunctionData({ abi: safeAbi, functionName: 'multiSend', args: [batch] }),
      1,
    );
    const decoded = decodeCall({ to: safe, value: 0n, data }, context());
    expect(decoded.functionName).toBe('execTransaction');
    const [send] = decoded.calls;
    expect(send).toMatchObject({ to: multiSend, operation: 'delegatecall', functionName: 'multiSend', problem: null });
    expect(send!.calls.map((call) => [call.operation, call.to, call.functionName, call.undecoded, call.value])).toEqual(
      [
        ['call', safe, 'addOwnerWithThreshold', false, '0'],
        ['call', safe, 'changeThreshold', false, '0'],
        ['delegatecall', outsider, null, true, '0'],
        ['call', treasury, null, false, '1000000000000000000'],
      ],
    );
    expect(send!.calls[2]).toMatchObject({ selector: '0x12345678', data: '0x12345678aabb' });
    expect(
      flattenCalls(decoded)
        .filter((call) => call.operation === 'delegatecall')
        .map((call) => call.to),
    ).toEqual([multiSend, outsider]);
    expect(summarizeCall(send!.calls[3]!, summaryContext)).toBe('treasury {value: 1 ETH}');
    expect(summarizeCall(send!.calls[2]!, summaryContext)).toBe(
      'delegatecall 0x0000…0009.0x12345678(undecoded, 2 bytes)',
    );
  });

  it("decodes an upgrade's call against the new implementation's ABI the user gave", () => {
    const init = encodeFunctionData({ abi: vaultV2, functionName: 'initializeV2', args: [30n, outsider] });
    const data = encodeFunctionData({ abi: proxyAdminAbi, functionName: 'upgradeAndCall', args: [proxy, impl, init] });
    const decoded = decodeCall({ to: admin, value: 0n, data }, context([[impl, 'VaultV2', vaultV2]]));
    expect(decoded).toMatchObject({ decodedWith: 'ProxyAdmin', functionName: 'upgradeAndCall' });
    expect(decoded.calls).toHaveLength(1);
    expect(decoded.calls[0]).toMatchObject({
      to: proxy,
      label: 'vault',
      implementation: impl,
      decodedWith: 'VaultV2',
      functionName: 'initializeV2',
      args: [
        { name: 'fee', value: '30' },
        { name: 'keeper', value: outsider },
      ],
    });
    // Without the user's ABI, the inner call stays undecoded, with its data.
    expect(decodeCall({ to: admin, value: 0n, data }, context()).calls[0]).toMatchObject({
      undecoded: true,
      data: init,
    });
  });

  it("follows a proxy to its implementation's ABI, and prefers a user ABI over the standard ones", () => {
    const sweep = encodeFunctionData({ abi: vaultV2, functionName: 'sweep', args: [outsider] });
    expect(
      decodeCall({ to: proxy, value: 0n, data: sweep }, context([[impl, 'VaultV2', vaultV2]], [[proxy, impl]])),
    ).toMatchObject({
      implementation: impl,
      decodedWith: 'VaultV2',
      functionName: 'sweep',
    });
    // The same selector as the standard transfer, under the user's own names.
    const custom = parseAbi(['function transfer(address recipient, uint256 wad) returns (bool)']);
    const decoded = decodeCall(
      { to: token, value: 0n, data: transfer(outsider, 1n) },
      context([[token, 'Token', custom]]),
    );
    expect(decoded.decodedWith).toBe('Token');
    expect(decoded.label).toBe('Token');
    expect(decoded.args.map((arg) => arg.name)).toEqual(['recipient', 'wad']);
  });

  it("decodes Compound's signature-and-arguments form", () => {
    const args = transfer(outsider, 7n).slice(10);
    const decoded = decodeCall(
      { to: token, value: 0n, data: `0x${args}`, signature: 'transfer(address,uint256)' },
      context(),
    );
    expect(decoded).toMatchObject({
      functionName: 'transfer',
      selector: toFunctionSelector('transfer(address,uint256)'),
    });
    expect(decoded.args[1]!.value).toBe('7');
    const bad = decodeCall({ to: token, value: 0n, data: '0x', signature: 'not a signature(' }, context());
    expect(bad.problem).toMatch(/not a function signature/);
  });

  it('flags an unknown selector with its raw calldata, and a truncated one', () => {
    expect(decodeCall({ to: treasury, value: 0n, data: '0xdeadbeef0001' }, context())).toMatchObject({
      selector: '0xdeadbeef',
      undecoded: true,
      data: '0xdeadbeef0001',
      functionName: null,
    });
    expect(decodeCall({ to: treasury, value: 0n, data: '0xdead' }, context())).toMatchObject({
      undecoded: true,
      selector: null,
    });
    // A known selector whose arguments do not decode is undecoded too.
    expect(
      decodeCall({ to: token, value: 0n, data: `${transfer(outsider, 1n).slice(0, 20)}` }, context()).undecoded,
    ).toBe(true);
  });

  it('keeps the transactions before a MultiSend packing cut short, and says why', () => {
    const good = packed([{ operation: 0, to: treasury, value: 1n, data: '0x' }]);
    const truncated = `${good}00${'00'.repeat(20)}` as Hex;
    expect(unpackMultiSend(truncated)).toMatchObject({ ok: false, transactions: [{ to: treasury, value: 1n }] });
    const lying = `${good}${packed([{ operation: 0, to: treasury, value: 0n, data: '0xaabb' }]).slice(2, -4)}` as Hex;
    expect(unpackMultiSend(lying)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/data is 2 bytes, but 0 are left/),
    });
    const badOperation = `0x02${packed([{ operation: 0, to: treasury, value: 0n, data: '0x' }]).slice(4)}` as Hex;
    expect(unpackMultiSend(badOperation)).toMatchObject({ ok: false, problem: expect.stringMatching(/operation 2/) });
    const decoded = decodeCall(
      {
        to: multiSend,
        value: 0n,
        data: encodeFunctionData({ abi: safeAbi, functionName: 'multiSend', args: [truncated] }),
      },
      context(),
    );
    expect(decoded.calls).toHaveLength(1);
    expect(decoded.problem).toMatch(/transaction 2 of the MultiSend is cut short/);
  });

  it('stops unwrapping at a bounded depth', () => {
    let data = transfer(outsider, 1n);
    let to = token;
    for (let level = 0; level < maxDepth + 4; level++) {
      data = execTransaction(to, data, 0);
      to = safe;
    }
    const decoded = decodeCall({ to: safe, value: 0n, data }, context());
    const depths: number[] = [];
    const walk = (call: typeof decoded, depth: number) => {
      depths.push(depth);
      for (const inner of call.calls) walk(inner, depth + 1);
    };
    walk(decoded, 0);
    expect(Math.max(...depths)).toBe(maxDepth);
    expect(flattenCalls(decoded).some((call) => call.problem?.includes(`deeper than ${maxDepth}`))).toBe(true);
  });

  it('formats token amounts', () => {
    expect(
      [
        ['1000000000000000000000000', 18],
        ['1500000', 6],
        ['0', 6],
        ['123', 0],
        ['5', 3],
      ].map(([raw, decimals]) => formatAmount(raw as string, decimals as number)),
    ).toEqual(['1,000,000', '1.5', '0', '123', '0.005']);
  });
});
