// The governance fixture against a real anvil chain: an OpenZeppelin Governor proposal goes from
// creation through voting, the timelock queue and execution, and a 2-of-3 Safe executes a
// transaction signed by two owners. Later governance monitoring tests build on these helpers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Hex, encodeFunctionData, keccak256, parseEventLogs, toBytes } from 'viem';
import { type AnvilNode, startAnvil } from '../../src/anvil/anvil.js';
import { type AnvilClient, anvilAccount, createAnvilClient, writeContract } from '../helpers/anvil-client.js';
import { type Governance, TIMELOCK_ROLES, deployGovernance } from '../helpers/governance-contracts.js';
import { deploySafe, execSafeTransaction } from '../helpers/safe-contracts.js';

// OpenZeppelin's IGovernor.ProposalState, in enum order.
const ProposalState = { Pending: 0, Active: 1, Succeeded: 4, Queued: 5, Executed: 7 } as const;
const VOTE_FOR = 1;

const deployer = anvilAccount(0);
let node: AnvilNode;
let client: AnvilClient;

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
});

afterAll(async () => {
  await node?.stop();
});

describe('governance contracts', () => {
  let gov: Governance;

  beforeAll(async () => {
    gov = await deployGovernance(client, deployer);
  }, 60_000); // a cold solc compilation alone takes about 5 s

  it('wires the timelock: the governor proposes and cancels, anyone executes, the deployer is no admin', async () => {
    const hasRole = (role: Hex, account: Hex) =>
      client.readContract({ ...gov.timelock, functionName: 'hasRole', args: [role, account] });
    expect(await hasRole(TIMELOCK_ROLES.proposer, gov.governor.address)).toBe(true);
    expect(await hasRole(TIMELOCK_ROLES.canceller, gov.governor.address)).toBe(true);
    expect(await hasRole(TIMELOCK_ROLES.executor, '0x0000000000000000000000000000000000000000')).toBe(true);
    expect(await hasRole(TIMELOCK_ROLES.admin, deployer.address)).toBe(false);
    expect(await hasRole(TIMELOCK_ROLES.admin, gov.timelock.address)).toBe(true);
  });

  it('takes a proposal from creation through votes, queue and timelock delay to execution', async () => {
    const state = async (id: bigint) =>
      Number(await client.readContract({ ...gov.governor, functionName: 'state', args: [id] }));
    const fromBlock = (await client.getBlockNumber()) + 1n;

    await writeContract(client, deployer, { ...gov.token, functionName: 'delegate', args: [deployer.address] });
    await client.mine({ blocks: 1 });

    // The timelock raising its own delay: only a passed proposal can make that call.
    const newDelay = gov.settings.timelockDelaySeconds * 2n;
    const targets = [gov.timelock.address];
    const values = [0n];
    const calldatas = [encodeFunctionData({ abi: gov.timelock.abi, functionName: 'updateDelay', args: [newDelay] })];
    const description = 'Double the timelock delay';
    const descriptionHash = keccak256(toBytes(description));
    const proposalId = (await client.readContract({
      ...gov.governor,
      functionName: 'hashProposal',
      args: [targets, values, calldatas, descriptionHash],
    })) as bigint;

    await writeContract(client, deployer, {
      ...gov.governor,
      functionName: 'propose',
      args: [targets, values, calldatas, description],
    });
    expect(await state(proposalId)).toBe(ProposalState.Pending);

    await client.mine({ blocks: gov.settings.votingDelayBlocks + 1 });
    expect(await state(proposalId)).toBe(ProposalState.Active);
    await writeContract(client, deployer, { ...gov.governor, functionName: 'castVote', args: [proposalId, VOTE_FOR] });

    await client.mine({ blocks: gov.settings.votingPeriodBlocks + 1 });
    expect(await state(proposalId)).toBe(ProposalState.Succeeded);
    await writeContract(client, deployer, {
      ...gov.governor,
      functionName: 'queue',
      args: [targets, values, calldatas, descriptionHash],
    });
    expect(await state(proposalId)).toBe(ProposalState.Queued);

    await client.increaseTime({ seconds: Number(gov.settings.timelockDelaySeconds) + 1 });
    await client.mine({ blocks: 1 });
    await writeContract(client, deployer, {
      ...gov.governor,
      functionName: 'execute',
      args: [targets, values, calldatas, descriptionHash],
    });
    expect(await state(proposalId)).toBe(ProposalState.Executed);
    expect(await client.readContract({ ...gov.timelock, functionName: 'getMinDelay' })).toBe(newDelay);

    const governorEvents = await client.getContractEvents({ ...gov.governor, fromBlock });
    const idsOf = (name: string) =>
      governorEvents
        .filter((log) => log.eventName === name)
        .map((log) => (log.args as { proposalId: bigint }).proposalId);
    expect(idsOf('ProposalCreated')).toEqual([proposalId]);
    expect(idsOf('VoteCast')).toEqual([proposalId]);
    expect(idsOf('ProposalQueued')).toEqual([proposalId]);
    expect(idsOf('ProposalExecuted')).toEqual([proposalId]);
    const vote = governorEvents.find((log) => log.eventName === 'VoteCast')?.args;
    const supply = gov.settings.initialSupply * 10n ** 18n;
    expect(vote).toMatchObject({ voter: deployer.address, support: VOTE_FOR, weight: supply });

    const timelockEvents = await client.getContractEvents({ ...gov.timelock, fromBlock });
    expect(timelockEvents.map((log) => log.eventName)).toEqual([
      'CallScheduled',
      'CallSalt',
      'MinDelayChange',
      'CallExecuted',
    ]);
  });
});

describe('Safe multisig', () => {
  const owners = [anvilAccount(1), anvilAccount(2), anvilAccount(3)];

  it('deploys a 2-of-3 Safe and changes its threshold with two owner signatures', async () => {
    const ownerAddresses = owners.map((owner) => owner.address);
    const { safe } = await deploySafe(client, deployer, ownerAddresses, 2n);
    expect(await client.readContract({ ...safe, functionName: 'getOwners' })).toEqual(ownerAddresses);
    expect(await client.readContract({ ...safe, functionName: 'getThreshold' })).toBe(2n);

    const changeThreshold = encodeFunctionData({ abi: safe.abi, functionName: 'changeThreshold', args: [1n] });
    // Two of three owners sign, given out of address order; the deployer, no owner, sends.
    const signers = [owners[2]!, owners[0]!];
    const receipt = await execSafeTransaction(
      client,
      safe,
      { to: safe.address, data: changeThreshold },
      signers,
      deployer,
    );

    const events = parseEventLogs({ abi: safe.abi, logs: receipt.logs });
    expect(events.map((log) => log.eventName)).toEqual([
      'SafeMultiSigTransaction',
      'ChangedThreshold',
      'ExecutionSuccess',
    ]);
    expect(events.find((log) => log.eventName === 'ChangedThreshold')?.args).toEqual({ threshold: 1n });
    expect(await client.readContract({ ...safe, functionName: 'getThreshold' })).toBe(1n);
    expect(await client.readContract({ ...safe, functionName: 'nonce' })).toBe(1n);
  });
});
