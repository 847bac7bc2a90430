// A simulated beacon block as `/eth/v2/beacon/blocks/{block_id}` returns it: an Electra `SignedBeaconBlock`
// whose slot, proposer, parent, state root and signature are the header's, whose sync aggregate has the
// bits the sync committee rewards are paid for, and whose execution payload names the execution block the
// slot carries (execution.ts). Operations (attestations, deposits, slashings, exits) are left empty: no
// route of the simulator reads them back, and empty lists are what a quiet chain's blocks hold.

import type { BeaconChain } from './chain.js';
import type { ExecutionBlock } from './execution.js';
import { hexOf, Tag, zeroRoot } from './hash.js';

/** The forks after phase0, in order. */
export const forks = ['altair', 'bellatrix', 'capella', 'deneb', 'electra', 'fulu'] as const;
/** The fork the chain runs from genesis on, the blocks' `version`; the config schedules the later ones never. */
export const consensusFork: (typeof forks)[number] = 'electra';

const zeroAddress = `0x${'0'.repeat(40)}`;
const zeroBloom = `0x${'0'.repeat(512)}`;
/** The BLS point at infinity: the signature of an aggregate nobody signed. */
const infinitySignature = `0xc0${'0'.repeat(190)}`;
const graffiti = `0x${Buffer.from('ere-sim').toString('hex').padEnd(64, '0')}`;
const extraData = `0x${Buffer.from('ere-sim').toString('hex')}`;

/** The whole answer of the blocks route for the block at `slot`. */
export function signedBlockJson(
  chain: BeaconChain,
  slot: number,
  execution: ExecutionBlock | null,
  finalized: boolean,
): unknown {
  const header = chain.header(slot);
  const { seed } = chain;
  return {
    version: consensusFork,
    execution_optimistic: false,
    finalized,
    data: {
      message: {
        slot: String(slot),
        proposer_index: String(header.proposerIndex),
        parent_root: header.parentRoot,
        state_root: header.stateRoot,
        body: {
          randao_reveal: hexOf(96, seed, Tag.BlockBody, slot, 0),
          eth1_data: {
            deposit_root: hexOf(32, seed, Tag.BlockBody, 0, 1),
            deposit_count: String(chain.registry.count),
            block_hash: hexOf(32, seed, Tag.BlockBody, 0, 2),
          },
          graffiti,
          proposer_slashings: [],
          attester_slashings: [],
          attestations: [],
          deposits: [],
          voluntary_exits: [],
          sync_aggregate: syncAggregate(chain, slot),
          execution_payload: executionPayload(chain, header.proposerIndex, execution),
          bls_to_execution_changes: [],
          blob_kzg_commitments: [],
          execution_requests: { deposits: [], withdrawals: [], consolidations: [] },
        },
      },
      signature: header.signature,
    },
  };
}

/** A Bitvector[SYNC_COMMITTEE_SIZE], bit i for the committee's i-th member, as the SSZ JSON mapping writes it. */
function syncAggregate(
  chain: BeaconChain,
  slot: number,
): { sync_committee_bits: string; sync_committee_signature: string } {
  const bits = Buffer.alloc(Math.max(1, Math.ceil(chain.options.syncCommitteeSize / 8)));
  // The genesis block has nothing to sign for.
  const members = slot === 0 ? [] : chain.syncCommittee(chain.syncPeriodOf(chain.epochOf(slot)));
  for (const [position, validator] of members.entries())
    if (chain.signedSyncAggregate(validator, slot))
      bits.writeUInt8(bits.readUInt8(position >> 3) | (1 << (position & 7)), position >> 3);
  return {
    sync_committee_bits: `0x${bits.toString('hex')}`,
    sync_committee_signature: slot === 0 ? infinitySignature : hexOf(96, chain.seed, Tag.BlockBody, slot, 3),
  };
}

/** A Deneb `ExecutionPayload` (Electra's too); the default, all-zero one for a block before the merge. */
function executionPayload(chain: BeaconChain, proposer: number, block: ExecutionBlock | null): unknown {
  if (!block) {
    return {
      parent_hash: zeroRoot,
      fee_recipient: zeroAddress,
      state_root: zeroRoot,
      receipts_root: zeroRoot,
      logs_bloom: zeroBloom,
      prev_randao: zeroRoot,
      block_number: '0',
      gas_limit: '0',
      gas_used: '0',
      timestamp: '0',
      extra_data: '0x',
      base_fee_per_gas: '0',
      blob_gas_used: '0',
      excess_blob_gas: '0',
      block_hash: zeroRoot,
      transactions: [],
      withdrawals: [],
    };
  }
  const { seed } = chain;
  // Fields the execution block does not give are drawn from its number, so that a block carried by another
  // slot later (the head moved, see execution.ts) keeps them.
  const drawn = (field: number) => hexOf(32, seed, Tag.ExecutionPayload, block.number, field);
  const gasLimit = 30_000_000;
  return {
    parent_hash: block.parentHash,
    fee_recipient: hexOf(20, seed, Tag.ExecutionPayload, proposer, 0),
    state_root: drawn(1),
    receipts_root: drawn(2),
    logs_bloom: zeroBloom,
    prev_randao: drawn(3),
    block_number: String(block.number),
    gas_limit: String(gasLimit),
    gas_used: String(Number.parseInt(drawn(4).slice(2, 10), 16) % gasLimit),
    timestamp: String(block.timestamp),
    extra_data: extraData,
    base_fee_per_gas: String(1_000_000_000 + (Number.parseInt(drawn(5).slice(2, 10), 16) % 1_000_000_000)),
    blob_gas_used: '0',
    excess_blob_gas: '0',
    block_hash: block.hash,
    transactions: [],
    withdrawals: [],
  };
}
