// Which execution block each simulated beacon block carries in its payload: one of a linked execution chain
// (a real anvil, through `anvilExecutionChain`), or without a link one of a synthetic chain drawn from the
// seed. The beacon chain and the execution chain advance on clocks of their own, so the link is made when a
// block is asked for: the beacon head carries the execution chain's latest block, and each earlier beacon
// block the block before its child's. The payloads so form one chain across empty slots (each parent_hash
// is the previous beacon block's block_hash), and head and finalized say what `/eth/v1/beacon/headers` and
// the finality checkpoints say. A beacon block older than the execution chain's genesis, and the genesis
// block, carry the default payload of a chain before the merge. By design, while the execution chain grows
// and the beacon head does not, the payloads of existing beacon blocks move up with it: the finalized
// execution block only ever moves forward, and every answer is consistent with the execution chain of its
// moment.

import { hexOf, Tag } from './hash.js';

/** What the link reads of the beacon chain (the chain model, which imports this module's types). */
interface BeaconBlocksView {
  readonly seed: number;
  readonly options: { genesisTime: number; secondsPerSlot: number };
  headSlot(): number;
  blockSlotAtOrBefore(slot: number): number;
  hasBlock(slot: number): boolean;
}

/** An execution block as a beacon block's payload names it; hashes 0x-prefixed, lower case. */
export interface ExecutionBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the Unix epoch. */
  timestamp: number;
}

/** The execution chain the simulated beacon chain's payloads are linked to. */
export interface ExecutionChain {
  /** Its latest block: the beacon head carries it. */
  latest(): Promise<ExecutionBlock>;
  /** Its block at `number`; null when it has none there. */
  block(number: number): Promise<ExecutionBlock | null>;
}

/** Without a link, the head's payload is block `head slot + this`: a number like a real chain's. */
const SYNTHETIC_NUMBER_OFFSET = 20_000_000;

/** The execution block the beacon block at `slot` carries; null for the default payload (before the merge). */
export async function executionBlockAt(
  chain: BeaconBlocksView,
  slot: number,
  linked: ExecutionChain | null,
): Promise<ExecutionBlock | null> {
  // The genesis block's body is empty in every fork, whatever the genesis state says of the execution chain.
  if (slot === 0) return null;
  const head = chain.blockSlotAtOrBefore(chain.headSlot());
  const depth = blocksAfter(chain, slot, head);
  if (!linked) return syntheticBlock(chain, slot, SYNTHETIC_NUMBER_OFFSET + head - depth);
  const latest = await linked.latest();
  if (depth === 0) return latest;
  const number = latest.number - depth;
  if (number < 0) return null;
  const block = await linked.block(number);
  if (!block) throw new Error(`execution block ${number} is below the latest but not available`);
  return block;
}

/** The beacon blocks in (slot, head]: how far below the head's payload this slot's payload is. */
function blocksAfter(chain: BeaconBlocksView, slot: number, head: number): number {
  let count = 0;
  for (let candidate = slot + 1; candidate <= head; candidate += 1) if (chain.hasBlock(candidate)) count += 1;
  return count;
}

function syntheticBlock(chain: BeaconBlocksView, slot: number, number: number): ExecutionBlock {
  const { genesisTime, secondsPerSlot } = chain.options;
  return {
    number,
    hash: syntheticHash(chain, number),
    parentHash: syntheticHash(chain, number - 1),
    // The spec's payload timestamp: the start of the slot.
    timestamp: genesisTime + slot * secondsPerSlot,
  };
}

function syntheticHash(chain: BeaconBlocksView, number: number): string {
  return hexOf(32, chain.seed, Tag.ExecutionBlockHash, number);
}
