// Governance decisions simulated on a fork of a real anvil chain, then executed for real on that chain: what
// the simulation predicted (success or revert, the events, token and ETH balance changes, the delay, the roles)
// must be what happened. A proposal is simulated while its vote is open (as if passed), once queued, and as
// the timelock operation it became; a proposal that moves more than the treasury holds is predicted to
// revert, with the token's own error, and does revert. A fork whose upstream refuses state fails at call
// time with a typed error; forks are reaped on stop and, from their pid files, after a crash.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Address, encodeFunctionData, getAddress, type Hex, parseEther, zeroAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import { revertReason } from '../../../src/governance/simulate/effects.js';
import { GovernanceDecoder } from '../../../src/governance/decode/governance-decoder.js';
import { decisionFindings, defaultPolicy } from '../../../src/governance/policy/findings.js';
import { Fork, reapOrphanForks, SimulationError } from '../../../src/governance/simulate/fork.js';
import { governorProposalPlan, timelockOperationPlan } from '../../../src/governance/simulate/plan.js';
import { type SimulationResult, simulateOnFork } from '../../../src/governance/simulate/simulate.js';
import { type AnvilClient, anvilAccount, createAnvilClient, sendTransaction } from '../../helpers/anvil-client.js';
import { deployGovernance, type Governance, TIMELOCK_ROLES } from '../../helpers/governance-contracts.js';
import {
  fundVoter,
  type Proposal,
  passTime,
  proposeActions,
  queue,
  Support,
  vote,
} from '../../helpers/governance-driver.js';
import { tempDir } from '../../helpers/service.js';
import { predictedEvents, realEvents } from '../../helpers/simulation-oracle.js';

const deployer = anvilAccount(0);
const outsider = getAddress(anvilAccount(7).address);
let anvil: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let chainId: number;

const wei = (tokens: bigint) => tokens * 10n ** 18n;
const tokenCall = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi: gov.token.abi, functionName, args });
const timelockCall = (functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi: gov.timelock.abi, functionName, args });

async function read<T>(address: Address, abi: Governance['token']['abi'], functionName: string, args: unknown[] = []) {
  return (await client.readContract({ address, abi, functionName, args })) as T;
}

const fork = async (pidDir?: string) =>
  Fork.start({
    upstream: { url: anvil.url, timeoutMs: 10_000 },
    chainId,
    blockNumber: Number(await client.getBlockNumber()),
    ...(pidDir === undefined ? {} : { pidDir }),
  });

const plan = (proposal: Proposal, stage: 'pending' | 'succeeded' | 'queued') =>
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
    stage,
  });

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
/** The events the proposal's calls emit, without the governor's and timelock's own bookkeeping. */
const callEvents = (events: unknown[][]) =>
  events.filter(
    ([, name]) => !['ProposalExecuted', 'CallExecuted', 'CallScheduled', 'CallSalt'].includes(name as string),
  );

let passing: Proposal;
let overdrawing: Proposal;
const treasuryTokens = wei(1_000n);

beforeAll(async () => {
  anvil = await startAnvil();
  client = createAnvilClient(anvil.url, anvil.chainId);
  chainId = anvil.chainId;
  gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 60n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 5,
  });
  // Checksummed, as the traces' decoded addresses are.
  for (const contract of [gov.token, gov.timelock, gov.governor]) contract.address = getAddress(contract.address);
  await fundVoter(client, gov, deployer, deployer, 0n);
  // The treasury is the timelock: tokens and ETH.
  await sendTransaction(client, deployer, {
    to: gov.token.address,
    data: tokenCall('transfer', [gov.timelock.address, treasuryTokens]),
  });
  await sendTransaction(client, deployer, { to: gov.timelock.address, data: '0x', value: parseEther('3') });
  await client.mine({ blocks: 1 });
  passing = await proposeActions(client, gov, deployer, 'Pay the auditor, drop the delay, hand over admin', [
    { target: gov.token.address, value: 0n, calldata: tokenCall('transfer', [outsider, wei(100n)]) },
    { target: gov.timelock.address, value: 0n, calldata: timelockCall('updateDelay', [0n]) },
    { target: gov.timelock.address, value: 0n, calldata: timelockCall('grantRole', [TIMELOCK_ROLES.admin, outsider]) },
    { target: outsider, value: parseEther('1'), calldata: '0x' },
  ]);
  overdrawing = await proposeActions(client, gov, deployer, 'Pay more than the treasury holds', [
    { target: gov.token.address, value: 0n, calldata: tokenCall('transfer', [outsider, treasuryTokens + 1n]) },
  ]);
  await client.mine({ blocks: 2 });
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

describe('simulating governance decisions on a fork', () => {
  let asIfPassed: SimulationResult;
  let queued: SimulationResult;
  let asOperation: SimulationResult;
  let overdrawn: SimulationResult;

  it('predicts a proposal in its vote as if passed, and the same once queued, by governor or timelock', async () => {
    const voting = await fork();
    try {
      asIfPassed = await simulateOnFork(voting, plan(passing, 'pending'));
      expect([asIfPassed.failedStep, asIfPassed.revert]).toEqual([null, null]);
      expect(asIfPassed.success).toBe(true);
      expect(asIfPassed.note).toMatch(/^as if passed/);
      const overdrawnWhileVoting = await simulateOnFork(voting, plan(overdrawing, 'pending'));
      expect(overdrawnWhileVoting.success).toBe(false);
      // The same fork serves both: the first simulation left nothing behind.
      expect(await voting.rpc('eth_getBalance', [outsider, 'latest'])).toBe(
        `0x${(await client.getBalance({ address: outsider })).toString(16)}`,
      );
    } finally {
      await voting.stop();
    }

    await vote(client, gov, deployer, passing, Support.For);
    await vote(client, gov, deployer, overdrawing, Support.For);
    await client.mine({ blocks: 6 });
    await queue(client, gov, deployer, passing);
    await queue(client, gov, deployer, overdrawing);

    const ready = await fork();
    try {
      queued = await simulateOnFork(ready, plan(passing, 'queued'));
      overdrawn = await simulateOnFork(ready, plan(overdrawing, 'queued'));
      // The operation the governor queued on the timelock, executed there directly (the executor role is open).
      // OpenZeppelin's GovernorTimelockControl salts its operations with bytes20(governor) ^ descriptionHash.
      const saltValue = (BigInt(gov.governor.address) << 96n) ^ BigInt(passing.descriptionHash);
      const salt = `0x${saltValue.toString(16).padStart(64, '0')}` as Hex;
      const calls = passing.targets.map((target, index) => ({
        target,
        value: passing.values[index]!,
        data: passing.calldatas[index]!,
      }));
      const id = (await read<Hex>(gov.timelock.address, gov.timelock.abi, 'hashOperationBatch', [
        passing.targets,
        passing.values,
        passing.calldatas,
        `0x${'00'.repeat(32)}`,
        salt,
      ])) as Hex;
      const readyAt = Number(await read<bigint>(gov.timelock.address, gov.timelock.abi, 'getTimestamp', [id]));
      expect(readyAt).toBeGreaterThan(1);
      asOperation = await simulateOnFork(
        ready,
        timelockOperationPlan({
          timelock: gov.timelock.address,
          id,
          calls,
          predecessor: null,
          salt,
          readyAtSeconds: readyAt,
          executor: zeroAddress,
        }),
      );
    } finally {
      await ready.stop();
    }
    expect([queued.success, asOperation.success, overdrawn.success]).toEqual([true, true, false]);
    expect(overdrawn.revert?.reason).toBe(
      `ERC20InsufficientBalance(sender=${gov.timelock.address}, balance=${treasuryTokens}, ` +
        `needed=${treasuryTokens + 1n})`,
    );
    // What the calls do is the same whichever way the proposal was run.
    expect(callEvents(predictedEvents(asIfPassed))).toEqual(callEvents(predictedEvents(queued)));
    expect(callEvents(predictedEvents(asOperation))).toEqual(callEvents(predictedEvents(queued)));
    expect(asIfPassed.tokenChanges).toEqual(queued.tokenChanges);
  }, 120_000);

  it('predicted what really happened when the proposals executed', async () => {
    await passTime(client, 61);
    const before = {
      treasury: await read<bigint>(gov.token.address, gov.token.abi, 'balanceOf', [gov.timelock.address]),
      outsider: await read<bigint>(gov.token.address, gov.token.abi, 'balanceOf', [outsider]),
      treasuryEth: await client.getBalance({ address: gov.timelock.address }),
      outsiderEth: await client.getBalance({ address: outsider }),
    };
    const receipt = await sendTransaction(client, deployer, {
      to: gov.governor.address,
      data: encodeFunctionData({
        abi: gov.governor.abi,
        functionName: 'execute',
        args: [passing.targets, passing.values, passing.calldatas, passing.descriptionHash],
      }),
    });
    // The events, in order, with their arguments.
    expect(predictedEvents(queued)).toEqual(realEvents(receipt.logs));
    // Balances: the treasury paid 100 tokens and 1 ETH to the outsider.
    const after = {
      treasury: await read<bigint>(gov.token.address, gov.token.abi, 'balanceOf', [gov.timelock.address]),
      outsider: await read<bigint>(gov.token.address, gov.token.abi, 'balanceOf', [outsider]),
      treasuryEth: await client.getBalance({ address: gov.timelock.address }),
      outsiderEth: await client.getBalance({ address: outsider }),
    };
    expect(queued.tokenChanges).toEqual([
      { token: gov.token.address, account: gov.timelock.address, delta: (after.treasury - before.treasury).toString() },
      { token: gov.token.address, account: outsider, delta: (after.outsider - before.outsider).toString() },
    ]);
    const ethDelta = (account: Address) => queued.ethChanges.find((change) => change.account === account)?.delta;
    expect([ethDelta(gov.timelock.address), ethDelta(outsider)]).toEqual([
      (after.treasuryEth - before.treasuryEth).toString(),
      (after.outsiderEth - before.outsiderEth).toString(),
    ]);
    // The delay and the roles.
    expect(await read<bigint>(gov.timelock.address, gov.timelock.abi, 'getMinDelay')).toBe(0n);
    expect(queued.events.find((event) => event.name === 'MinDelayChange')?.args).toEqual({
      oldDuration: '60',
      newDuration: '0',
    });
    expect(
      await read<boolean>(gov.timelock.address, gov.timelock.abi, 'hasRole', [TIMELOCK_ROLES.admin, outsider]),
    ).toBe(true);
    expect(queued.events.filter((event) => event.name === 'RoleGranted').map((event) => event.args)).toEqual([
      { role: TIMELOCK_ROLES.admin, account: outsider, sender: gov.timelock.address },
    ]);
    expect(queued.delegatecalls).toEqual([]);
    // Each event is told apart by the action whose call emitted it (the governor's own bookkeeping by none).
    expect(queued.events.map((event) => [event.name, event.action])).toEqual([
      ['Transfer', '1'],
      ['CallExecuted', null],
      ['MinDelayChange', '2'],
      ['CallExecuted', null],
      ['RoleGranted', '3'],
      ['CallExecuted', null],
      ['CallExecuted', null],
      ['ProposalExecuted', null],
    ]);
    // What a security council is told, with an ETH limit of half an ether on the treasury.
    const decoder = new GovernanceDecoder([], []);
    const actions = passing.targets.map((target, index) =>
      decoder.decode('local', { to: target, value: passing.values[index]!, data: passing.calldatas[index]! }),
    );
    const policy = { ...defaultPolicy, outflowLimits: [{ token: 'ETH' as const, max: parseEther('0.5') }] };
    const findings = decisionFindings({
      actions,
      simulation: queued,
      policy,
      context: { treasury: [gov.timelock.address] },
    });
    expect(findings.map(({ check, severity, action }) => [check, severity, action])).toEqual([
      ['delay_lowered', 'critical', '2'],
      ['role_granted', 'critical', '3'],
      ['outflow', 'critical', null],
    ]);
    expect(findings.map((finding) => finding.message)).toEqual([
      `the timelock delay of ${short(gov.timelock.address)} is set to zero: ` +
        'later decisions run at once, with no time to react',
      `DEFAULT_ADMIN_ROLE of ${short(gov.timelock.address)} is granted to ${short(outsider)}`,
      '1000000000000000000 wei of ETH leave the treasury, more than the limit of 500000000000000000',
    ]);
    const overdrawFindings = decisionFindings({
      actions: [decoder.decode('local', { to: gov.token.address, value: 0n, data: overdrawing.calldatas[0]! })],
      simulation: overdrawn,
      context: { treasury: [gov.timelock.address] },
    });
    expect(overdrawFindings.map(({ check, severity }) => [check, severity])).toEqual([['will_revert', 'critical']]);
    expect(overdrawFindings[0]!.message).toMatch(/^it will revert: ERC20InsufficientBalance\(/);
    expect(queued.gasUsed).toBeGreaterThan(0);
    expect(queued.gasUsed).toBeLessThanOrEqual(Number(receipt.gasUsed));

    // The overdrawing proposal was predicted to revert; the treasury has paid since, so it is simulated again
    // at the chain's state now, as ERE does before an ETA, and the real execution reverts with the same error.
    const again = await fork();
    const beforeExecution = await simulateOnFork(again, plan(overdrawing, 'queued')).finally(() => again.stop());
    const answer = (await (
      await fetch(anvil.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_call',
          params: [
            {
              from: deployer.address,
              to: gov.governor.address,
              data: encodeFunctionData({
                abi: gov.governor.abi,
                functionName: 'execute',
                args: [overdrawing.targets, overdrawing.values, overdrawing.calldatas, overdrawing.descriptionHash],
              }),
            },
            'latest',
          ],
        }),
      })
    ).json()) as { error?: { data?: Hex } };
    expect(answer.error?.data).toBeDefined();
    expect(beforeExecution.success).toBe(false);
    expect(beforeExecution.revert).toEqual({ reason: revertReason(answer.error!.data), data: answer.error!.data });
    expect(beforeExecution.revert?.reason).toBe(
      `ERC20InsufficientBalance(sender=${gov.timelock.address}, balance=${treasuryTokens - wei(100n)}, ` +
        `needed=${treasuryTokens + 1n})`,
    );
    expect(overdrawn.events).toEqual([]);
  }, 60_000);

  it('fails at call time with a typed error when the upstream cannot serve the state', async () => {
    const refusing = await stateRefusingProxy(anvil.url, [
      gov.governor.address,
      gov.timelock.address,
      gov.token.address,
    ]);
    try {
      const broken = await Fork.start({
        upstream: { url: refusing.url, timeoutMs: 5_000 },
        chainId,
        blockNumber: Number(await client.getBlockNumber()),
        requestTimeoutMs: 20_000,
      });
      try {
        const error = await simulateOnFork(broken, plan(passing, 'queued')).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(SimulationError);
        expect((error as SimulationError).code).toBe('state_unavailable');
      } finally {
        await broken.stop();
      }
    } finally {
      await new Promise((resolve) => refusing.server.close(resolve));
    }
  }, 60_000);

  it('leaves no fork running: stopped, and reaped from its pid file after a crash', async () => {
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const stopped = await fork();
    await stopped.stop();
    expect(alive(stopped.pid)).toBe(false);
    const pidDir = tempDir();
    const orphan = await fork(pidDir);
    // As if the process that started it had been killed: nothing stops it but the next start's reaping.
    expect(reapOrphanForks(pidDir)).toEqual([orphan.pid]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(orphan.pid)).toBe(false);
    expect(reapOrphanForks(pidDir)).toEqual([]);
    await orphan.stop().catch(() => undefined);
  }, 60_000);
});

/**
 * An upstream that answers chain and block queries, and the state of every account but the contracts given:
 * the fork starts, and fails when the execution reads them, as a node without archive state does.
 */
async function stateRefusingProxy(
  upstream: string,
  refused: readonly Address[],
): Promise<{ url: string; server: Server }> {
  const stateMethods = /^eth_(getBalance|getCode|getStorageAt|getTransactionCount|getProof|getAccount)/;
  const about = (call: { params?: unknown[] }) =>
    refused.some((address) => String(call.params?.[0] ?? '').toLowerCase() === address.toLowerCase());
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      type Call = { id: number; method: string; params?: unknown[] };
      const parsed = JSON.parse(body) as Call | Call[];
      const refuse = (call: Call) =>
        stateMethods.test(call.method) && about(call)
          ? { jsonrpc: '2.0', id: call.id, error: { code: -32000, message: 'missing trie node' } }
          : null;
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      if (calls.some((call) => refuse(call))) {
        const answers = await Promise.all(
          calls.map(
            async (call) =>
              refuse(call) ??
              (await (
                await fetch(upstream, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(call),
                })
              ).json()),
          ),
        );
        response.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
        return;
      }
      const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
