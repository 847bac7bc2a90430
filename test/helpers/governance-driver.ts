// Drives an OpenZeppelin Governor on anvil through its lifecycle for tests: delegate, propose, vote, queue,
// execute, cancel, with blocks mined and time moved as the governor's settings need.
import { type Address, type Hex, encodeFunctionData, keccak256, toBytes } from 'viem';
import type { Account } from 'viem/accounts';
import { type AnvilClient, writeContract } from './anvil-client.js';
import type { Governance } from './governance-contracts.js';

export const Support = { Against: 0, For: 1, Abstain: 2 } as const;

export interface Proposal {
  id: bigint;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  descriptionHash: Hex;
}

/** A proposal that sets the timelock's delay (a call only a passed proposal can make). */
export async function propose(client: AnvilClient, gov: Governance, proposer: Account, description: string, delaySeconds = 7_200n): Promise<Proposal> {
  const targets = [gov.timelock.address];
  const values = [0n];
  const calldatas = [encodeFunctionData({ abi: gov.timelock.abi, functionName: 'updateDelay', args: [delaySeconds] })];
  const descriptionHash = keccak256(toBytes(description));
  const id = (await client.readContract({ ...gov.governor, functionName: 'hashProposal', args: [targets, values, calldatas, descriptionHash] })) as bigint;
  await writeContract(client, proposer, { ...gov.governor, functionName: 'propose', args: [targets, values, calldatas, description] });
  return { id, targets, values, calldatas, description, descriptionHash };
}

export async function vote(client: AnvilClient, gov: Governance, voter: Account, proposal: Proposal, support: number, reason?: string): Promise<void> {
  if (reason === undefined) await writeContract(client, voter, { ...gov.governor, functionName: 'castVote', args: [proposal.id, support] });
  else await writeContract(client, voter, { ...gov.governor, functionName: 'castVoteWithReason', args: [proposal.id, support, reason] });
}

export async function queue(client: AnvilClient, gov: Governance, sender: Account, proposal: Proposal): Promise<void> {
  await writeContract(client, sender, { ...gov.governor, functionName: 'queue', args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash] });
}

export async function execute(client: AnvilClient, gov: Governance, sender: Account, proposal: Proposal): Promise<void> {
  await writeContract(client, sender, { ...gov.governor, functionName: 'execute', args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash] });
}

export async function cancel(client: AnvilClient, gov: Governance, proposer: Account, proposal: Proposal): Promise<void> {
  await writeContract(client, proposer, { ...gov.governor, functionName: 'cancel', args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash] });
}

/** Gives `to` voting power: a token transfer, then self-delegation. */
export async function fundVoter(client: AnvilClient, gov: Governance, from: Account, to: Account, wholeTokens: bigint): Promise<void> {
  if (from.address !== to.address) await writeContract(client, from, { ...gov.token, functionName: 'transfer', args: [to.address, wholeTokens * 10n ** 18n] });
  await writeContract(client, to, { ...gov.token, functionName: 'delegate', args: [to.address] });
}

export async function passTime(client: AnvilClient, seconds: number): Promise<void> {
  await client.increaseTime({ seconds });
  await client.mine({ blocks: 1 });
}
