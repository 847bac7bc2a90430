// The policy checks as a table of cases over hand-built simulations and decoded calls: each check flags what
// it should, leaves what its allowlist or limit allows, and a target's `ignore` turns it off.
import { encodeFunctionData, getAddress, type Hex, keccak256, parseAbi, toBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { GovernanceDecoder } from '../../../src/governance/decode/governance-decoder.js';
import { type DecisionPolicy, decisionFindings, defaultPolicy } from '../../../src/governance/policy/findings.js';
import type { SimulationResult } from '../../../src/governance/simulate/simulate.js';

const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const [safe, timelock, vault, rogue, stranger, multiSend, library] = [1, 2, 3, 4, 5, 6, 7].map(address) as [
  ReturnType<typeof address>,
  ...ReturnType<typeof address>[],
];
const decoder = new GovernanceDecoder([], []);
const abi = parseAbi([
  'function execTransaction(address, uint256, bytes, uint8, uint256, uint256, uint256, address, address, bytes)',
  'function multiSend(bytes)',
  'function addOwnerWithThreshold(address owner, uint256 _threshold)',
]);

const simulation = (overrides: Partial<SimulationResult> = {}): SimulationResult => ({
  success: true,
  revert: null,
  gasUsed: 100_000,
  events: [],
  ethChanges: [],
  tokenChanges: [],
  storageChanges: [],
  proxyChanges: [],
  codeChanges: [],
  delegatecalls: [],
  forkBlock: 1,
  executedAt: 1,
  note: null,
  failedStep: null,
  implementationCodeHashes: {},
  ...overrides,
});
const event = (name: string, at: string, args: Record<string, string>) => ({
  action: null,
  address: getAddress(at),
  name,
  args,
  topics: [] as Hex[],
  data: '0x' as Hex,
});
const context = {
  treasury: [safe!, timelock!],
  safe: (at: string) =>
    at === safe ? { owners: 3, threshold: 2, required: (owners: number) => Math.ceil(owners * 0.5) } : undefined,
};
const checksOf = (input: { simulation?: SimulationResult; policy?: Partial<DecisionPolicy>; actions?: Hex[] }) =>
  decisionFindings({
    actions: (input.actions ?? []).map((data) => decoder.decode('local', { to: safe!, value: 0n, data })),
    simulation: input.simulation ?? simulation(),
    policy: { ...defaultPolicy, ...input.policy },
    context,
  }).map(({ check, severity, action }) => `${check}/${severity}${action ? `@${action}` : ''}`);

const packedDelegatecall = (to: string) =>
  `0x01${to.slice(2).toLowerCase()}${'00'.repeat(32)}${(4).toString(16).padStart(64, '0')}deadbeef` as Hex;
const safeBatch = (to: string) =>
  encodeFunctionData({
    abi,
    functionName: 'execTransaction',
    args: [
      multiSend!,
      0n,
      encodeFunctionData({ abi, functionName: 'multiSend', args: [packedDelegatecall(to)] }),
      1,
      0n,
      0n,
      0n,
      address(0),
      address(0),
      '0x',
    ],
  });

describe('decision findings', () => {
  it.each([
    ['nothing risky', {}, []],
    [
      'a revert',
      { simulation: simulation({ success: false, revert: { reason: 'nope', data: '0x' } }) },
      ['will_revert/critical'],
    ],
    [
      'a step that cannot run',
      { simulation: simulation({ success: false, failedStep: 'queue the proposal: too early' }) },
      ['will_revert/critical'],
    ],
    [
      'a delegatecall in a MultiSend to code off the allowlist, once (decoded and traced)',
      {
        actions: [safeBatch(library!)],
        simulation: simulation({
          delegatecalls: [{ from: safe!, to: library!, selector: '0xdeadbeef', depth: 2, forwarded: false }],
        }),
      },
      // The Safe's own delegatecall to MultiSend is flagged too until MultiSend is on the allowlist.
      ['delegatecall/critical@1.1', 'delegatecall/critical@1.1.1', 'undecoded/warning@1.1.1'],
    ],
    [
      'the same, MultiSend allowlisted',
      {
        actions: [safeBatch(library!)],
        simulation: simulation({
          delegatecalls: [{ from: safe!, to: library!, selector: '0xdeadbeef', depth: 2, forwarded: false }],
        }),
        policy: { delegatecallAllowlist: [multiSend!] },
      },
      ['delegatecall/critical@1.1.1', 'undecoded/warning@1.1.1'],
    ],
    [
      'the same delegatecall, allowlisted',
      { actions: [safeBatch(library!)], policy: { delegatecallAllowlist: [multiSend!, library!] } },
      ['undecoded/warning@1.1.1'],
    ],
    [
      "a proxy's own delegatecall to its implementation",
      {
        simulation: simulation({
          delegatecalls: [{ from: vault!, to: rogue!, selector: null, depth: 1, forwarded: true }],
        }),
      },
      [],
    ],
    [
      "a Safe's forwarding to its singleton, and its own delegatecall to a library",
      {
        simulation: simulation({
          delegatecalls: [
            { from: safe!, to: rogue!, selector: '0x6a761202', depth: 1, forwarded: true },
            { from: safe!, to: library!, selector: '0xdeadbeef', depth: 2, forwarded: false },
          ],
        }),
      },
      ['delegatecall/critical'],
    ],
    [
      'a proxy pointed at code off the allowlist',
      {
        simulation: simulation({
          proxyChanges: [{ proxy: vault!, slot: 'implementation', before: library!, after: rogue! }],
          implementationCodeHashes: { [rogue!]: keccak256(toBytes('rogue')) },
        }),
      },
      ['implementation/critical'],
    ],
    [
      'a proxy pointed at code that can self-destruct and delegatecall',
      {
        simulation: simulation({
          proxyChanges: [{ proxy: vault!, slot: 'implementation', before: library!, after: rogue! }],
          implementationCodeHashes: { [rogue!]: keccak256(toBytes('rogue')) },
          implementationOpcodes: { [rogue!]: ['SELFDESTRUCT', 'DELEGATECALL'] },
        }),
      },
      ['implementation/critical'],
    ],
    [
      'a proxy pointed at allowlisted code',
      {
        simulation: simulation({
          proxyChanges: [{ proxy: vault!, slot: 'implementation', before: library!, after: rogue! }],
          implementationCodeHashes: { [rogue!]: keccak256(toBytes('audited')) },
        }),
        policy: { implementationAllowlist: [keccak256(toBytes('audited'))] },
      },
      [],
    ],
    [
      'a delay lowered, and one set to zero',
      {
        simulation: simulation({
          events: [
            event('MinDelayChange', timelock!, { oldDuration: '86400', newDuration: '3600' }),
            event('MinDelayChange', timelock!, { oldDuration: '3600', newDuration: '0' }),
            event('MinDelayChange', timelock!, { oldDuration: '0', newDuration: '60' }),
          ],
        }),
      },
      ['delay_lowered/warning', 'delay_lowered/critical'],
    ],
    [
      'roles granted: admin and proposer, not an unknown role',
      {
        simulation: simulation({
          events: [
            event('RoleGranted', timelock!, { role: `0x${'00'.repeat(32)}`, account: stranger!, sender: timelock! }),
            event('RoleGranted', timelock!, {
              role: keccak256(toBytes('PROPOSER_ROLE')),
              account: stranger!,
              sender: timelock!,
            }),
            event('RoleGranted', timelock!, {
              role: keccak256(toBytes('MINTER_ROLE')),
              account: stranger!,
              sender: timelock!,
            }),
          ],
        }),
      },
      ['role_granted/critical', 'role_granted/critical'],
    ],
    [
      'ownership handed over',
      {
        simulation: simulation({
          events: [event('OwnershipTransferred', vault!, { previousOwner: timelock!, newOwner: stranger! })],
        }),
      },
      ['ownership/critical'],
    ],
    [
      'a Safe owner off the allowlist, and the threshold left below the policy',
      {
        simulation: simulation({
          events: [
            event('AddedOwner', safe!, { owner: stranger! }),
            event('ChangedThreshold', safe!, { threshold: '1' }),
          ],
        }),
      },
      ['safe_owner/critical', 'safe_threshold/critical'],
    ],
    [
      'owners added under the same threshold, past what the ratio allows',
      {
        simulation: simulation({
          events: [event('AddedOwner', safe!, { owner: stranger! }), event('AddedOwner', safe!, { owner: rogue! })],
        }),
        policy: { ownerAllowlist: [stranger!, rogue!] },
      },
      ['safe_threshold/critical'],
    ],
    [
      'an allowlisted owner, the threshold within policy',
      {
        simulation: simulation({
          events: [
            event('AddedOwner', safe!, { owner: stranger! }),
            event('ChangedThreshold', safe!, { threshold: '2' }),
          ],
        }),
        policy: { ownerAllowlist: [stranger!] },
      },
      [],
    ],
    [
      'outflows over and under their limits',
      {
        simulation: simulation({
          ethChanges: [{ account: timelock!, before: '10', after: '4', delta: '-6' }],
          tokenChanges: [
            { token: vault!, account: safe!, delta: '-50' },
            { token: vault!, account: stranger!, delta: '50' },
          ],
        }),
        policy: {
          outflowLimits: [
            { token: 'ETH' as const, max: 5n },
            { token: vault!, max: 50n },
          ],
        },
      },
      ['outflow/critical'],
    ],
    [
      'code destroyed',
      { simulation: simulation({ codeChanges: [{ account: vault!, change: 'destroyed', codeHash: null }] }) },
      ['code_destroyed/critical'],
    ],
    [
      'a check ignored by the target',
      {
        simulation: simulation({ codeChanges: [{ account: vault!, change: 'destroyed', codeHash: null }] }),
        policy: { ignore: ['code_destroyed' as const] },
      },
      [],
    ],
    [
      'an addOwner decoded, with no simulation yet',
      {
        actions: [encodeFunctionData({ abi, functionName: 'addOwnerWithThreshold', args: [stranger!, 1n] })],
        simulation: null as unknown as SimulationResult,
      },
      [],
    ],
  ])('%s', (_name, input, expected) => {
    expect(checksOf(input as Parameters<typeof checksOf>[0])).toEqual(expected);
  });
});
