// Drives an OpenZeppelin Governor on anvil through its lifecycle (for the demo's governance story and for
// tests): delegate, propose, vote, queue, execute, cancel.
import { type Address, type Hex, encodeFunctionData, keccak256, toBytes } from 'viem';
import type { Account } from 'viem/accounts';
import { type AnvilClient, writeContract } from './client.js';
import type { Governance } from './contracts.js';

export const Support = { Against: 0, For: 1, Abstain: 2 } as const;

export interface Proposal {
  id: bigint;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  descriptionHash: Hex;
}

export interface ProposalAction {
  target: Address;
  value: bigint;
  calldata: Hex;
}

/** A proposal that sets the timelock's delay (a call only a passed proposal can make). */
export function propose(
  client: AnvilClient,
  gov: Governance,
  proposer: Account,
  description: string,
  delaySeconds = 7_200n,
): Promise<Proposal> {
  const calldata = encodeFunctionData({ abi: gov.timelock.abi, functionName: 'updateDelay', args: [delaySeconds] });
  return proposeActions(client, gov, proposer, description, [{ target: gov.timelock.address, value: 0n, calldata }]);
}

/** A proposal of any calls, made by the timelock once the proposal passes. */
export async function proposeActions(
  client: AnvilClient,
  gov: Governance,
  proposer: Account,
  description: string,
  actions: readonly ProposalAction[],
): Promise<Proposal> {
  const targets = actions.map((action) => action.target);
  const values = actions.map((action) => action.value);
  const calldatas = actions.map((action) => action.calldata);
  const descriptionHash = keccak256(toBytes(description));
  const id = (await client.readContract({
    ...gov.governor,
    functionName: 'hashProposal',
    args: [targets, values, calldatas, descriptionHash],
  })) as bigint;
  await writeContract(client, proposer, {
    ...gov.governor,
    functionName: 'propose',
    args: [targets, values, calldatas, description],
  });
  return { id, targets, values, calldatas, description, descriptionHash };
}

export async function vote(
  client: AnvilClient,
  gov: Governance,
  voter: Account,
  proposal: Proposal,
  support: number,
  reason?: string,
): Promise<void> {
  if (reason === undefined)
    await writeContract(client, voter, { ...gov.governor, functionName: 'castVote', args: [proposal.id, support] });
  else
    await writeContract(client, voter, {
      ...gov.governor,
      functionName: 'castVoteWithReason',
      args: [proposal.id, support, reason],
    });
}

export async function queue(client: AnvilClient, gov: Governance, sender: Account, proposal: Proposal): Promise<void> {
  await writeContract(client, sender, {
    ...gov.governor,
    functionName: 'queue',
    args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash],
  });
}

export async function execute(
  client: AnvilClient,
  gov: Governance,
  sender: Account,
  proposal: Proposal,
): Promise<void> {
  await writeContract(client, sender, {
    ...gov.governor,
    functionName: 'execute',
    args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash],
  });
}

export async function cancel(
  client: AnvilClient,
  gov: Governance,
  proposer: Account,
  proposal: Proposal,
): Promise<void> {
  await writeContract(client, proposer, {
    ...gov.governor,
    functionName: 'cancel',
    args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash],
  });
}

/** Gives `to` voting power: a token transfer, then self-delegation. */
export async function fundVoter(
  client: AnvilClient,
  gov: Governance,
  from: Account,
  to: Account,
  wholeTokens: bigint,
): Promise<void> {
  if (from.address !== to.address)
    await writeContract(client, from, {
      ...gov.token,
      functionName: 'transfer',
      args: [to.address, wholeTokens * 10n ** 18n],
    });
  await writeContract(client, to, { ...gov.token, functionName: 'delegate', args: [to.address] });
}

export async function passTime(client: AnvilClient, seconds: number): Promise<void> {
  await client.increaseTime({ seconds });
  await client.mine({ blocks: 1 });
}
