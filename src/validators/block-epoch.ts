// One epoch's blocks, judged twice: at head, once the epoch is over (did each duty's proposer produce the
// slot's block, did the sync committee sign each block), and again once the epoch is finalized (is the block
// still canonical). Pure: the tracker fetches duties, headers and sync committee rewards and hands them in.
//
//   duty slot's header                         | proposal
//   -------------------------------------------+---------------------------------------------------------
//   none (404: empty slot)                     | missed
//   a block by the duty's validator            | proposed
//   a block by another validator               | missed (the duty was re-computed after it was read)
//   finalized: the head's block is gone        | missed (orphaned), counted in the finalized totals
//
// A block's sync committee signatures are told by its sync committee rewards; a node that no longer has
// the block's state (404) leaves them unknown, with the error class: neither due nor missed.

import type { BeaconBlockHeader, ProposerDuties, SyncCommitteeReward } from '../domain/beacon.js';
import { NETWORK, type WatchList } from './watch-list.js';

export type ProposalResult = 'proposed' | 'missed';

export interface ProposalOutcome {
  slot: number;
  epoch: number;
  validatorIndex: number;
  watched: boolean;
  dependentRoot: string;
  outcome: ProposalResult;
  blockRoot: string | null;
}

export interface SlotSyncRewards {
  slot: number;
  /** null: the slot has no block, so nobody had anything to sign; or, with `unknown`, the node could not tell. */
  rewards: readonly SyncCommitteeReward[] | null;
  /** The error class of a block whose rewards the node did not give (a pruned state: `not_found`). */
  unknown?: string;
}

export interface ScopeBlockTotals {
  scope: string;
  proposalsDue: number;
  proposalsMissed: number;
  syncDue: number;
  syncMissed: number;
}

export interface BlockEpochResult {
  epoch: number;
  proposals: ProposalOutcome[];
  scopes: ScopeBlockTotals[];
  /** Watched validators that missed sync committee signatures this epoch → how many. */
  syncMisses: Map<number, number>;
  /** Blocks whose signatures are unknown: counted neither due nor missed. */
  syncUnknown: { slot: number; errorClass: string }[];
}

export function judgeProposal(
  duty: { slot: number; validatorIndex: number },
  header: BeaconBlockHeader | null,
): ProposalResult {
  return header !== null && header.proposerIndex === duty.validatorIndex ? 'proposed' : 'missed';
}

function emptyTotals(watch: WatchList): ScopeBlockTotals[] {
  return watch.scopes.map((scope) => ({ scope, proposalsDue: 0, proposalsMissed: 0, syncDue: 0, syncMissed: 0 }));
}

function scopesOf(watch: WatchList, index: number): readonly number[] {
  return watch.scopesOf(index) ?? [NETWORK];
}

/** The epoch at head: every duty slot's proposal and every block's sync committee signatures, per scope. */
export function judgeBlockEpoch(
  watch: WatchList,
  epoch: number,
  duties: ProposerDuties,
  headers: ReadonlyMap<number, BeaconBlockHeader | null>,
  sync: readonly SlotSyncRewards[],
): BlockEpochResult {
  const scopes = emptyTotals(watch);
  const proposals = duties.duties.map((duty): ProposalOutcome => {
    const header = headers.get(duty.slot) ?? null;
    const outcome = judgeProposal(duty, header);
    for (const scope of scopesOf(watch, duty.validatorIndex)) {
      scopes[scope]!.proposalsDue += 1;
      if (outcome === 'missed') scopes[scope]!.proposalsMissed += 1;
    }
    return {
      slot: duty.slot,
      epoch,
      validatorIndex: duty.validatorIndex,
      watched: watch.isWatched(duty.validatorIndex),
      dependentRoot: duties.dependentRoot,
      outcome,
      blockRoot: outcome === 'proposed' ? header!.root : null,
    };
  });
  const syncMisses = new Map<number, number>();
  const syncUnknown = sync.flatMap((slot) =>
    slot.unknown === undefined ? [] : [{ slot: slot.slot, errorClass: slot.unknown }],
  );
  for (const slot of sync) {
    if (slot.rewards === null) continue;
    for (const { validatorIndex, reward } of slot.rewards) {
      const missed = reward < 0;
      for (const scope of scopesOf(watch, validatorIndex)) {
        scopes[scope]!.syncDue += 1;
        if (missed) scopes[scope]!.syncMissed += 1;
      }
      if (missed && watch.isWatched(validatorIndex))
        syncMisses.set(validatorIndex, (syncMisses.get(validatorIndex) ?? 0) + 1);
    }
  }
  return { epoch, proposals, scopes, syncMisses, syncUnknown };
}

/**
 * The epoch once finalized: a block proposed at head is still proposed if the finalized chain has it at its
 * slot; a slot missed at head stays missed.
 */
export function judgeFinalizedProposals(
  watch: WatchList,
  atHead: readonly ProposalOutcome[],
  finalizedHeaders: ReadonlyMap<number, BeaconBlockHeader | null>,
): { proposals: ProposalOutcome[]; scopes: ScopeBlockTotals[] } {
  const scopes = emptyTotals(watch);
  const proposals = atHead.map((proposal): ProposalOutcome => {
    const header = finalizedHeaders.get(proposal.slot) ?? null;
    const outcome: ProposalResult =
      proposal.outcome === 'proposed' && header !== null && header.root === proposal.blockRoot ? 'proposed' : 'missed';
    for (const scope of scopesOf(watch, proposal.validatorIndex)) {
      scopes[scope]!.proposalsDue += 1;
      if (outcome === 'missed') scopes[scope]!.proposalsMissed += 1;
    }
    return { ...proposal, outcome, blockRoot: outcome === 'proposed' ? proposal.blockRoot : null };
  });
  return { proposals, scopes };
}
