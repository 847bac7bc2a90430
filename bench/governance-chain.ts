// The governance ingestion benchmark's chain: an anvil node holding one ProposalCreated and N VoteCast events
// from bench/contracts/VoteEmitter.sol (compiled here with solc-js, offline), in transactions of `votesPerTx`
// votes, each transaction followed by empty blocks so that the votes spread over `blocksPerTx` blocks per
// transaction.
//
// anvil is started here rather than through src/demo/anvil.ts because it needs two flags that module does
// not pass: `--hardfork cancun` (the contracts' EVM version; from Prague on, every block writes EIP-2935's
// history contract) and `--prune-history`. Without them anvil 1.7 takes longer per block as the chain grows
// (4 s for 400 blocks at height 6,000), and the benchmark's 20,000 blocks would take minutes to mine.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Abi, type Address, type Hex, keccak256, toBytes } from 'viem';
import { resolveAnvilBinary } from '../src/demo/anvil.js';
import { anvilAccount, createAnvilClient, deployContract, writeContract } from '../test/helpers/anvil-client.js';

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

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

function compileEmitter(): { abi: Abi; bytecode: Hex } {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const content = readFileSync(join(import.meta.dirname, 'contracts', 'VoteEmitter.sol'), 'utf8');
  const settings = { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } };
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources: { 'VoteEmitter.sol': { content } }, settings }))) as SolcOutput;
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((entry) => entry.formattedMessage).join('\n')}`);
  const contract = output.contracts?.['VoteEmitter.sol']?.VoteEmitter;
  if (!contract) throw new Error('solc output has no VoteEmitter');
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** anvil on loopback with the flags above; resolves once it answers eth_chainId. */
async function startBenchAnvil(chainId: number): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(resolveAnvilBinary(), ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--hardfork', 'cancun', '--prune-history', '64'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
      if (response.ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
  }
  await stop();
  throw new Error(`anvil did not answer on ${url} within 10 s`);
}

export async function buildVoteChain(shape: VoteChainShape): Promise<VoteChain> {
  const chainId = 31337;
  const node = await startBenchAnvil(chainId);
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
    await writeContract(client, account, { address: emitter, abi, functionName: 'propose', args: [proposalId, BigInt(fromBlock + 1), voteEnd, '# Bulk votes\n\nA proposal for the ingestion benchmark.'] });
    let gasPerTx = 0n;
    for (let first = 0; first < shape.votes; first += shape.votesPerTx) {
      const count = Math.min(shape.votesPerTx, shape.votes - first);
      const receipt = await writeContract(client, account, { address: emitter, abi, functionName: 'emitVotes', args: [proposalId, BigInt(first), BigInt(count)] });
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
