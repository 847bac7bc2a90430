// The governance ingestion benchmark's chain: an anvil node holding one ProposalCreated and N VoteCast events
// from bench/contracts/VoteEmitter.sol (compiled here with solc-js, offline), in transactions of `votesPerTx`
// votes, each transaction followed by empty blocks so that the votes spread over `blocksPerTx` blocks per
// transaction.
//
// anvil runs with `--hardfork cancun` (the contracts' EVM version; from Prague on, every block writes EIP-2935's
// history contract) and `--prune-history`: without them anvil 1.7 takes longer per block as the chain grows
// (4 s for 400 blocks at height 6,000), and the benchmark's 20,000 blocks would take minutes to mine.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Abi, type Address, type Hex, keccak256, toBytes } from 'viem';
import { startAnvil } from '../src/anvil/anvil.js';
import { compileSolidity } from '../src/demo/governance/contracts.js';
import { anvilAccount, createAnvilClient, deployContract, writeContract } from '../src/demo/governance/client.js';

export interface VoteChainShape {
  votes: number;
  votesPerTx: number;
  /** Blocks per transaction of votes: the transaction's block and the empty ones after it. */
  blocksPerTx: number;
}

export interface VoteChain {
  url: string;
  chainId: number;
  emitter: Address;
  proposalId: bigint;
  /** The emitter's deployment block. */
  fromBlock: number;
  /** The head once every vote is mined. */
  toBlock: number;
  gasPerTx: bigint;
  stop(): Promise<void>;
}

function compileEmitter(): { abi: Abi; bytecode: Hex } {
  const content = readFileSync(join(import.meta.dirname, 'contracts', 'VoteEmitter.sol'), 'utf8');
  return compileSolidity(
    { 'VoteEmitter.sol': content },
    { emitter: { source: 'VoteEmitter.sol', name: 'VoteEmitter' } },
  ).emitter;
}

export async function buildVoteChain(shape: VoteChainShape): Promise<VoteChain> {
  const chainId = 31337;
  const node = await startAnvil({ chainId, hardfork: 'cancun', pruneHistory: 64 });
  try {
    const client = createAnvilClient(node.url, chainId);
    const account = anvilAccount(0);
    const { abi, bytecode } = compileEmitter();
    const emitter = await deployContract(client, account, { abi, bytecode });
    const fromBlock = Number(await client.getBlockNumber());
    const proposalId = BigInt(keccak256(toBytes('ERE bench: bulk votes')));
    const transactions = Math.ceil(shape.votes / shape.votesPerTx);
    // Voting started at the next block and ends long after the last vote: the proposal reads as Active.
    const voteEnd = BigInt(fromBlock + 10 * transactions * shape.blocksPerTx);
    await writeContract(client, account, {
      address: emitter,
      abi,
      functionName: 'propose',
      args: [proposalId, BigInt(fromBlock + 1), voteEnd, '# Bulk votes\n\nA proposal for the ingestion benchmark.'],
    });
    let gasPerTx = 0n;
    for (let first = 0; first < shape.votes; first += shape.votesPerTx) {
      const count = Math.min(shape.votesPerTx, shape.votes - first);
      const receipt = await writeContract(client, account, {
        address: emitter,
        abi,
        functionName: 'emitVotes',
        args: [proposalId, BigInt(first), BigInt(count)],
      });
      if (first === 0) gasPerTx = receipt.gasUsed;
      if (shape.blocksPerTx > 1) await client.mine({ blocks: shape.blocksPerTx - 1 });
    }
    const toBlock = Number(await client.getBlockNumber());
    return { url: node.url, chainId, emitter, proposalId, fromBlock, toBlock, gasPerTx, stop: node.stop };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
