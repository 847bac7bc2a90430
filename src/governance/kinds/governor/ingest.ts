// What the governor kind ingests: OpenZeppelin's Governor and Compound's GovernorBravo, which share ProposalCreated,
// VoteCast, ProposalQueued, ProposalExecuted, ProposalCanceled and the `state()` enum; plus the votes
// token's DelegateVotesChanged, for voting power concentration. Snapshots read each open proposal's state,
// quorum, ETA and the times of its snapshot and deadline blocks.

import { parseAbi, parseAbiItem, type AbiEvent, type Address } from 'viem';
import { proposalStates, type EventValue, type ProposalState } from '../../../domain/governance.js';
import { GovernanceReadError } from '../../ingest/chain-reader.js';
import type { ContractReads } from '../../ingest/kind.js';
import { unlessReverted } from '../reads.js';
import type { GovernorTarget } from './model.js';

/** A proposal not final yet, to read: its id and the timepoints its voting starts and ends. */
export interface OpenProposal {
  id: string;
  voteStart: number;
  voteEnd: number;
}

export const governorEvents = [
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, ' +
    'string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
  'event ProposalQueued(uint256 proposalId, uint256 etaSeconds)',
  'event ProposalExecuted(uint256 proposalId)',
  'event ProposalCanceled(uint256 proposalId)',
  'event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)',
  'event VoteCastWithParams(address indexed voter, uint256 proposalId, ' +
    'uint8 support, uint256 weight, string reason, bytes params)',
  'event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator)',
  'event VotingDelaySet(uint256 oldVotingDelay, uint256 newVotingDelay)',
  'event VotingPeriodSet(uint256 oldVotingPeriod, uint256 newVotingPeriod)',
  'event ProposalThresholdSet(uint256 oldProposalThreshold, uint256 newProposalThreshold)',
  'event TimelockChange(address oldTimelock, address newTimelock)',
  'event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes)',
].map((text) => parseAbiItem(text) as AbiEvent);

const proposalEvents = new Set([
  'ProposalCreated',
  'ProposalQueued',
  'ProposalExecuted',
  'ProposalCanceled',
  'VoteCast',
  'VoteCastWithParams',
]);

const governorAbi = parseAbi([
  'function state(uint256 proposalId) view returns (uint8)',
  'function quorum(uint256 timepoint) view returns (uint256)',
  'function quorumVotes() view returns (uint256)',
  'function proposalEta(uint256 proposalId) view returns (uint256)',
  'function token() view returns (address)',
  'function comp() view returns (address)',
  'function timelock() view returns (address)',
  'function CLOCK_MODE() view returns (string)',
]);

/** The votes token's supply at a timepoint (OpenZeppelin's IVotes); Compound's Comp has none. */
const votesAbi = parseAbi(['function getPastTotalSupply(uint256 timepoint) view returns (uint256)']);

/** Blocks looked back over to estimate the block time, which dates future snapshot and deadline blocks. */
const blockTimeSample = 256;

async function tokenOf(target: GovernorTarget, reads: ContractReads): Promise<Address | null> {
  if (target.settings.token) return target.settings.token;
  const functionName = target.settings.flavor === 'bravo' ? 'comp' : 'token';
  return (await unlessReverted(() => reads.call(target.address, governorAbi, functionName))) as Address | null;
}

/** Milliseconds per block, from the last `blockTimeSample` blocks. */
async function msPerBlock(reads: ContractReads): Promise<number> {
  const to = reads.blockNumber;
  const from = to > BigInt(blockTimeSample) ? to - BigInt(blockTimeSample) : 0n;
  if (to === from) return 12_000;
  const [fromMs, toMs] = [await reads.blockTimeMs(from), await reads.blockTimeMs(to)];
  return Math.max(1, (toMs - fromMs) / Number(to - from));
}

/** When a timepoint (a block, or a timestamp in "mode=timestamp") is or will be reached, ms. */
async function timepointMs(
  timepoint: number,
  clock: 'blocknumber' | 'timestamp',
  reads: ContractReads,
  perBlockMs: () => Promise<number>,
): Promise<{ atMs: number; estimated: boolean }> {
  if (clock === 'timestamp') return { atMs: timepoint * 1_000, estimated: false };
  const at = reads.blockNumber;
  if (BigInt(timepoint) <= at) return { atMs: await reads.blockTimeMs(BigInt(timepoint)), estimated: false };
  return { atMs: (await reads.blockTimeMs(at)) + (timepoint - Number(at)) * (await perBlockMs()), estimated: true };
}

/** The governor and its votes token, whose DelegateVotesChanged events give voting power. */
export async function governorAddresses(
  target: GovernorTarget,
  reads: ContractReads,
  previous: Record<string, EventValue> | null,
): Promise<Address[]> {
  const known = typeof previous?.token === 'string' ? (previous.token as Address) : null;
  const token = known ?? (await tokenOf(target, reads));
  return token === null ? [target.address] : [target.address, token];
}

export function governorKeyOf(name: string, args: Record<string, EventValue>): string | null {
  if (proposalEvents.has(name)) return String(args.proposalId);
  if (name === 'DelegateVotesChanged') return String(args.delegate);
  return null;
}

/** The clock mode, timelock and token, and each open proposal's state, quorum, supply, ETA and times. */
export async function readGovernor(
  target: GovernorTarget,
  reads: ContractReads,
  openProposals: readonly OpenProposal[],
  previous: Record<string, EventValue> | null,
): Promise<Record<string, EventValue>> {
  const bravo = target.settings.flavor === 'bravo';
  const clockMode = bravo
    ? null
    : ((await unlessReverted(() => reads.call(target.address, governorAbi, 'CLOCK_MODE'))) as string | null);
  const clock = clockMode?.includes('mode=timestamp') ? 'timestamp' : 'blocknumber';
  const timelock = (await unlessReverted(() => reads.call(target.address, governorAbi, 'timelock'))) as Address | null;
  const timelockFlavor =
    previous?.timelock === timelock && typeof previous?.timelockFlavor === 'string'
      ? previous.timelockFlavor
      : await timelockFlavorOf(timelock, reads);
  const token = typeof previous?.token === 'string' ? previous.token : await tokenOf(target, reads);
  let perBlock: number | undefined;
  const perBlockMs = async () => (perBlock ??= await msPerBlock(reads));
  const bravoQuorum = bravo ? ((await reads.call(target.address, governorAbi, 'quorumVotes')) as bigint) : null;
  // Reads of proposals that are final since are carried forward: their last state and quorum stay known.
  const proposals: Record<string, EventValue> = { ...((previous?.proposals ?? {}) as Record<string, EventValue>) };
  const readBlock = Number(reads.blockNumber);
  for (const proposal of openProposals) {
    const id = BigInt(proposal.id);
    const stateIndex = Number(await reads.call(target.address, governorAbi, 'state', [id]));
    const state: ProposalState | null = proposalStates[stateIndex] ?? null;
    if (state === null)
      throw new GovernanceReadError(
        'invalid_response',
        `state() of proposal ${proposal.id} is ${stateIndex}, not a Governor state`,
      );
    // OpenZeppelin's quorum() is defined only for past timepoints: known once voting has started.
    const started =
      clock === 'timestamp'
        ? proposal.voteStart * 1_000 < (await reads.blockTimeMs(reads.blockNumber))
        : proposal.voteStart < readBlock;
    const quorum =
      bravoQuorum ??
      (started
        ? ((await unlessReverted(() =>
            reads.call(target.address, governorAbi, 'quorum', [BigInt(proposal.voteStart)]),
          )) as bigint | null)
        : null);
    // The supply that could vote, at the proposal's snapshot: what turnout is measured against.
    const votingSupply =
      started && !bravo && token
        ? ((await unlessReverted(() =>
            reads.call(token as Address, votesAbi, 'getPastTotalSupply', [BigInt(proposal.voteStart)]),
          )) as bigint | null)
        : null;
    const eta = bravo
      ? null
      : ((await unlessReverted(() => reads.call(target.address, governorAbi, 'proposalEta', [id]))) as bigint | null);
    const voteStart = await timepointMs(proposal.voteStart, clock, reads, perBlockMs);
    const voteEnd = await timepointMs(proposal.voteEnd, clock, reads, perBlockMs);
    proposals[proposal.id] = {
      state,
      quorum: quorum === null ? null : quorum.toString(),
      votingSupply: votingSupply === null ? null : votingSupply.toString(),
      etaSeconds: eta === null || eta === 0n ? null : Number(eta),
      voteStartMs: voteStart.atMs,
      voteEndMs: voteEnd.atMs,
      voteEndEstimated: voteEnd.estimated,
    };
  }
  return { clock, timelock, timelockFlavor, token: token ?? null, proposals };
}

/**
 * Which timelock executes the governor's proposals: a TimelockController answers `getMinDelay()`, a Compound
 * Timelock `delay()`; null without a timelock, or when it answers neither.
 */
async function timelockFlavorOf(timelock: Address | null, reads: ContractReads): Promise<string | null> {
  if (timelock === null || /^0x0{40}$/i.test(timelock)) return null;
  if ((await unlessReverted(() => reads.call(timelock, timelockAbi, 'getMinDelay'))) !== null) return 'openzeppelin';
  if ((await unlessReverted(() => reads.call(timelock, timelockAbi, 'delay'))) !== null) return 'compound';
  return null;
}

const timelockAbi = parseAbi([
  'function getMinDelay() view returns (uint256)',
  'function delay() view returns (uint256)',
]);
