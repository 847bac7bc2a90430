// The decisions a security council fears, decoded, simulated on a fork, checked against the policy, then run
// for real on the same anvil chain: what the simulation predicted must be what happened. A DAO proposal
// upgrades a transparent proxy to an implementation with a self-destruct path and a delegatecall; another
// calls a function no ABI knows; a Safe runs a MultiSend batch that adds an owner and lowers its threshold,
// and another whose batch delegatecalls a contract off the allowlist. Each is decoded exactly and its findings
// are exactly the expected set.
import { type Abi, type Address, encodeFunctionData, getAddress, keccak256, parseAbi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import { compileSolidity } from '../../../src/demo/governance/contracts.js';
import type { DecodedCall } from '../../../src/governance/decode/decode-call.js';
import { GovernanceDecoder } from '../../../src/governance/decode/governance-decoder.js';
import { thresholdPolicy } from '../../../src/governance/kinds/safe/model.js';
import { type DecisionPolicy, decisionFindings, defaultPolicy } from '../../../src/governance/policy/findings.js';
import { Fork } from '../../../src/governance/simulate/fork.js';
import { governorProposalPlan, safeTransactionPlan } from '../../../src/governance/simulate/plan.js';
import { type SimulationResult, simulateOnFork } from '../../../src/governance/simulate/simulate.js';
import {
  type AnvilClient,
  anvilAccount,
  createAnvilClient,
  deployContract,
  writeContract,
} from '../../helpers/anvil-client.js';
import { deployGovernance, type Governance } from '../../helpers/governance-contracts.js';
import {
  fundVoter,
  type Proposal,
  passTime,
  proposeActions,
  queue,
  Support,
  vote,
} from '../../helpers/governance-driver.js';
import { deployTransparentProxy, type TransparentProxyDeployment } from '../../helpers/proxy-contracts.js';
import {
  deployMultiSend,
  deploySafe,
  execSafeTransaction,
  packMultiSend,
  type SafeDeployment,
} from '../../helpers/safe-contracts.js';
import { predictedEvents, realEvents } from '../../helpers/simulation-oracle.js';

const rogueSource = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Looks like a vault; can run any code as itself and can destroy itself.
contract RogueVault {
    event Pinged(address at);

    function ping() external {
        emit Pinged(address(this));
    }

    function sweep(address target, bytes calldata data) external {
        (bool ok, ) = target.delegatecall(data);
        require(ok, "sweep failed");
    }

    function destroy() external {
        selfdestruct(payable(msg.sender));
    }

    fallback() external {
        emit Pinged(address(this));
    }
}
`;
const rogueAbi = parseAbi(['function ping()', 'event Pinged(address at)']);
const eip1967Implementation = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
const unknownSelector = '0xc0ffee00' as const;

const deployer = anvilAccount(0);
const owners = [anvilAccount(1), anvilAccount(2), anvilAccount(3)];
const stranger = getAddress(anvilAccount(8).address);
let anvil: AnvilNode;
let client: AnvilClient;
let chainId: number;
let gov: Governance;
let proxy: TransparentProxyDeployment;
let rogue: Address;
let safe: SafeDeployment;
let multiSend: Address;
let upgrade: Proposal;
let unknown: Proposal;

/** What the decoder shows of a call tree: path, function, arguments, operation, undecoded. */
function shape(call: DecodedCall, path = '1'): unknown[] {
  return [
    [
      path,
      call.functionName,
      call.operation,
      call.undecoded,
      call.args.map((arg) => `${arg.name}=${String(arg.value)}`),
      call.data,
    ],
    ...call.calls.flatMap((inner, index) => shape(inner, `${path}.${index + 1}`)),
  ];
}
const checks = (findings: { check: string; severity: string; action: string | null }[]) =>
  findings.map(({ check, severity, action }) => `${check}/${severity}${action ? `@${action}` : ''}`);

const forkNow = async () =>
  Fork.start({
    upstream: { url: anvil.url, timeoutMs: 10_000 },
    chainId,
    blockNumber: Number(await client.getBlockNumber()),
  });

const proposalPlan = (proposal: Proposal) =>
  governorProposalPlan({
    governor: gov.governor.address,
    timelock: gov.timelock.address,
    id: proposal.id,
    calls: proposal.targets.map((target, index) => ({
      target,
      value: proposal.values[index]!,
      data: proposal.calldatas[index]!,
    })),
    description: proposal.description,
    stage: 'queued',
  });

const safeSettings = { minThreshold: undefined, minThresholdRatio: 0.5 };
const safeContext = (owners: number, threshold: number) => ({
  treasury: [safe.safe.address],
  safe: (address: Address) =>
    address === safe.safe.address
      ? { owners, threshold, required: (count: number) => thresholdPolicy(count, 0, safeSettings).required }
      : undefined,
});

async function readSafe() {
  return {
    owners: (await client.readContract({ ...safe.safe, functionName: 'getOwners' })) as Address[],
    threshold: (await client.readContract({ ...safe.safe, functionName: 'getThreshold' })) as bigint,
  };
}

beforeAll(async () => {
  anvil = await startAnvil();
  client = createAnvilClient(anvil.url, anvil.chainId);
  chainId = anvil.chainId;
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 60n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 5,
  });
  for (const contract of [gov.token, gov.timelock, gov.governor]) contract.address = getAddress(contract.address);
  await fundVoter(client, gov, deployer, deployer, 0n);
  // The DAO owns the proxy's admin.
  proxy = await deployTransparentProxy(client, deployer);
  await writeContract(client, deployer, {
    ...proxy.proxyAdmin,
    functionName: 'transferOwnership',
    args: [gov.timelock.address],
  });
  const { rogue: artifact } = compileSolidity(
    { 'Rogue.sol': rogueSource },
    { rogue: { source: 'Rogue.sol', name: 'RogueVault' } },
  );
  rogue = getAddress(await deployContract(client, deployer, artifact));
  safe = await deploySafe(
    client,
    deployer,
    owners.map((owner) => owner.address),
    2n,
  );
  safe.safe.address = getAddress(safe.safe.address);
  multiSend = getAddress((await deployMultiSend(client, deployer)).address);
  await client.mine({ blocks: 1 });
  upgrade = await proposeActions(client, gov, deployer, 'Upgrade the vault', [
    {
      target: proxy.proxyAdmin.address,
      value: 0n,
      calldata: encodeFunctionData({
        abi: proxy.proxyAdmin.abi,
        functionName: 'upgradeAndCall',
        args: [proxy.proxy.address, rogue, '0x'],
      }),
    },
  ]);
  unknown = await proposeActions(client, gov, deployer, 'Call the vault', [
    { target: rogue, value: 0n, calldata: `${unknownSelector}${'00'.repeat(32)}` },
  ]);
  await client.mine({ blocks: 2 });
  for (const proposal of [upgrade, unknown]) await vote(client, gov, deployer, proposal, Support.For);
  await client.mine({ blocks: 6 });
  for (const proposal of [upgrade, unknown]) await queue(client, gov, deployer, proposal);
  await passTime(client, 61);
}, 180_000);

afterAll(async () => {
  await anvil?.stop();
});

describe('risky decisions, predicted and then run for real', () => {
  it('flags a proxy upgrade to code that can self-destruct and delegatecall, as it then happens', async () => {
    const decoder = new GovernanceDecoder([], []);
    const action = decoder.decode('local', { to: upgrade.targets[0]!, value: 0n, data: upgrade.calldatas[0]! });
    expect(shape(action)).toEqual([
      [
        '1',
        'upgradeAndCall',
        'call',
        false,
        [`proxy=${proxy.proxy.address}`, `implementation=${rogue}`, 'data=0x'],
        null,
      ],
    ]);
    const fork = await forkNow();
    let predicted: SimulationResult;
    try {
      predicted = await simulateOnFork(fork, proposalPlan(upgrade));
    } finally {
      await fork.stop();
    }
    expect(predicted.success).toBe(true);
    const findings = decisionFindings({
      actions: [action],
      simulation: predicted,
      context: { treasury: [gov.timelock.address] },
    });
    expect(checks(findings)).toEqual(['implementation/critical@1']);
    expect(findings[0]!.message).toMatch(
      /is not on the implementation allowlist; that code holds SELFDESTRUCT and DELEGATECALL$/,
    );
    // Allowlisting the code hash the fork read clears it: the hash is the real one.
    const code = await client.getCode({ address: rogue });
    expect(predicted.implementationCodeHashes[rogue]).toBe(keccak256(code!));
    expect(
      decisionFindings({
        actions: [action],
        simulation: predicted,
        policy: { ...defaultPolicy, implementationAllowlist: [keccak256(code!)] },
        context: { treasury: [gov.timelock.address] },
      }),
    ).toEqual([]);

    const receipt = await client.waitForTransactionReceipt({
      hash: await client.writeContract({
        account: deployer,
        chain: client.chain,
        ...gov.governor,
        functionName: 'execute',
        args: [upgrade.targets, upgrade.values, upgrade.calldatas, upgrade.descriptionHash],
      }),
    });
    expect(receipt.status).toBe('success');
    expect(predictedEvents(predicted)).toEqual(realEvents(receipt.logs));
    const slot = await client.getStorageAt({ address: proxy.proxy.address, slot: eip1967Implementation });
    expect(predicted.proxyChanges).toEqual([
      { proxy: proxy.proxy.address, slot: 'implementation', before: proxy.implementations[0], after: rogue },
    ]);
    expect(getAddress(`0x${slot!.slice(-40)}`)).toBe(rogue);
  }, 60_000);

  it('flags a call no ABI knows, and predicts what it does', async () => {
    const decoder = new GovernanceDecoder([], []);
    const action = decoder.decode('local', { to: rogue, value: 0n, data: unknown.calldatas[0]! });
    expect(shape(action)).toEqual([['1', null, 'call', true, [], unknown.calldatas[0]]]);
    const fork = await forkNow();
    let predicted: SimulationResult;
    try {
      predicted = await simulateOnFork(fork, proposalPlan(unknown), [rogueAbi]);
    } finally {
      await fork.stop();
    }
    const findings = decisionFindings({
      actions: [action],
      simulation: predicted,
      context: { treasury: [gov.timelock.address] },
    });
    expect(checks(findings)).toEqual(['undecoded/warning@1']);
    expect(findings[0]!.message).toBe(
      `the call to ${short(rogue)} with selector ${unknownSelector} stayed undecoded: no ABI knows it`,
    );
    const receipt = await client.waitForTransactionReceipt({
      hash: await client.writeContract({
        account: deployer,
        chain: client.chain,
        ...gov.governor,
        functionName: 'execute',
        args: [unknown.targets, unknown.values, unknown.calldatas, unknown.descriptionHash],
      }),
    });
    expect(predictedEvents(predicted)).toEqual(realEvents(receipt.logs, [rogueAbi]));
    expect(predicted.events.find((event) => event.name === 'Pinged')?.args).toEqual({ at: rogue });
  }, 60_000);

  it('flags a Safe batch adding an owner off the allowlist and lowering the threshold, as it then happens', async () => {
    const batch = packMultiSend([
      {
        operation: 'call',
        to: safe.safe.address,
        data: encodeFunctionData({ abi: safe.safe.abi, functionName: 'addOwnerWithThreshold', args: [stranger, 2n] }),
      },
      {
        operation: 'call',
        to: safe.safe.address,
        data: encodeFunctionData({ abi: safe.safe.abi, functionName: 'changeThreshold', args: [1n] }),
      },
    ]);
    const data = encodeFunctionData({
      abi: parseAbi(['function multiSend(bytes)']),
      functionName: 'multiSend',
      args: [batch],
    });
    const transaction = { to: multiSend, value: 0n, data, operation: 'delegatecall' as const };
    const decoder = new GovernanceDecoder([], []);
    const action = decoder.decode('local', transaction);
    expect(shape(action)).toEqual([
      ['1', 'multiSend', 'delegatecall', false, [`transactions=${batch}`], null],
      ['1.1', 'addOwnerWithThreshold', 'call', false, [`owner=${stranger}`, '_threshold=2'], null],
      ['1.2', 'changeThreshold', 'call', false, ['_threshold=1'], null],
    ]);
    const policy: DecisionPolicy = { ...defaultPolicy, delegatecallAllowlist: [multiSend] };
    const fork = await forkNow();
    let predicted: SimulationResult;
    try {
      predicted = await simulateOnFork(fork, safeTransactionPlan({ safe: safe.safe.address, ...transaction }));
    } finally {
      await fork.stop();
    }
    expect([predicted.success, predicted.failedStep]).toEqual([true, null]);
    const findings = decisionFindings({ actions: [action], simulation: predicted, policy, context: safeContext(3, 2) });
    expect(checks(findings)).toEqual(['safe_owner/critical@1', 'safe_threshold/critical@1.1']);
    expect(findings.map((finding) => finding.message)).toEqual([
      `Safe ${short(safe.safe.address)} gets owner ${short(stranger)}, who is not on the owner allowlist`,
      `Safe ${short(safe.safe.address)} would need 1 of 4 signatures, below its policy of 2`,
    ]);
    // Without MultiSend on the allowlist, the Safe's delegatecall to it is flagged too; its forwarding to
    // its singleton never is.
    expect(checks(decisionFindings({ actions: [action], simulation: predicted, context: safeContext(3, 2) }))).toEqual([
      'delegatecall/critical@1',
      'safe_owner/critical@1',
      'safe_threshold/critical@1.1',
    ]);

    const before = await readSafe();
    const receipt = await execSafeTransaction(client, safe.safe, transaction, owners.slice(0, 2), deployer);
    const after = await readSafe();
    expect([before.owners.length, before.threshold]).toEqual([3, 2n]);
    expect([after.owners.map((owner) => getAddress(owner)), after.threshold]).toEqual([
      [stranger, ...before.owners.map((owner) => getAddress(owner))],
      1n,
    ]);
    // The same events, but for the Safe's record of who signed and sent it, which differs by construction.
    expect(safeEvents(predictedEvents(predicted))).toEqual(safeEvents(realEvents(receipt.logs)));
    expect(predicted.events.filter((event) => event.name !== null).map((event) => event.name)).toEqual([
      'SafeMultiSigTransaction',
      'AddedOwner',
      'ChangedThreshold',
      'ExecutionSuccess',
    ]);
  }, 60_000);

  it('flags a Safe batch that delegatecalls a contract off the allowlist', async () => {
    const batch = packMultiSend([
      { operation: 'delegatecall', to: rogue, data: encodeFunctionData({ abi: rogueAbi, functionName: 'ping' }) },
    ]);
    const data = encodeFunctionData({
      abi: parseAbi(['function multiSend(bytes)']),
      functionName: 'multiSend',
      args: [batch],
    });
    const transaction = { to: multiSend, value: 0n, data, operation: 'delegatecall' as const };
    const decoder = new GovernanceDecoder([], [{ address: rogue, name: 'RogueVault', abi: rogueAbi as Abi }]);
    const action = decoder.decode('local', transaction);
    expect(shape(action)).toEqual([
      ['1', 'multiSend', 'delegatecall', false, [`transactions=${batch}`], null],
      ['1.1', 'ping', 'delegatecall', false, [], null],
    ]);
    const fork = await forkNow();
    let predicted: SimulationResult;
    try {
      predicted = await simulateOnFork(fork, safeTransactionPlan({ safe: safe.safe.address, ...transaction }), [
        rogueAbi,
      ]);
    } finally {
      await fork.stop();
    }
    const policy: DecisionPolicy = { ...defaultPolicy, delegatecallAllowlist: [multiSend] };
    const findings = decisionFindings({ actions: [action], simulation: predicted, policy, context: safeContext(4, 1) });
    expect(checks(findings)).toEqual(['delegatecall/critical@1.1']);
    expect(findings[0]!.message).toBe(
      `a delegatecall runs ${short(rogue)}'s code as the Safe, with its funds and storage, ` +
        'and it is not on the delegatecall allowlist',
    );
    // The traced delegatecalls: the Safe forwarding to its singleton, the Safe to MultiSend, MultiSend (as the
    // Safe) to the rogue contract.
    expect(predicted.delegatecalls.map(({ from, to, forwarded }) => [from, to, forwarded])).toEqual([
      [safe.safe.address, getAddress(safe.singleton.address), true],
      [safe.safe.address, multiSend, false],
      [safe.safe.address, rogue, false],
    ]);

    // The owners after the first batch: the stranger and the first owner sign now, threshold 1.
    const receipt = await execSafeTransaction(client, safe.safe, transaction, [owners[0]!], deployer);
    expect(safeEvents(predictedEvents(predicted))).toEqual(safeEvents(realEvents(receipt.logs, [rogueAbi])));
    // The rogue code ran as the Safe: its event comes from the Safe's address.
    expect(predicted.events.find((event) => event.name === 'Pinged')).toMatchObject({
      address: safe.safe.address,
      args: { at: safe.safe.address },
    });
  }, 60_000);
});

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** The events without SafeL2's SafeMultiSigTransaction, which records the signatures and the sender. */
function safeEvents(events: unknown[][]): unknown[][] {
  return events.filter((event) => event[1] !== 'SafeMultiSigTransaction');
}
