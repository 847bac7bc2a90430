// A real execution chain for the simulated beacon chain's payloads: an anvil node (or any JSON-RPC
// endpoint) read with `eth_getBlockByNumber` each time a beacon block is asked for. Nothing is cached:
// anvil can mine, revert or reset between two requests, and a local call costs a millisecond.

import { AnvilError, anvilRpc } from '../anvil/anvil.js';
import type { ExecutionBlock, ExecutionChain } from './execution.js';

const hash32 = /^0x[0-9a-f]{64}$/;
/** At most 13 hex digits: a safe integer, which block numbers and timestamps are. */
const quantity = /^0x[0-9a-f]{1,13}$/;

/** The execution chain at `url`, e.g. `AnvilNode.url`. */
export function anvilExecutionChain(url: string): ExecutionChain {
  const read = async (tag: string): Promise<ExecutionBlock | null> => {
    const answer = await anvilRpc(url, 'eth_getBlockByNumber', [tag, false]);
    return answer === null ? null : executionBlockOf(answer);
  };
  return {
    latest: async () => {
      const block = await read('latest');
      if (!block) throw new AnvilError('rpc_failed', 'eth_getBlockByNumber answered null for the latest block');
      return block;
    },
    block: (number) => read(`0x${number.toString(16)}`),
  };
}

function executionBlockOf(answer: unknown): ExecutionBlock {
  const block = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const field = (name: string, pattern: RegExp): string => {
    const value = typeof block[name] === 'string' ? block[name].toLowerCase() : '';
    if (!pattern.test(value))
      throw new AnvilError('rpc_failed', `eth_getBlockByNumber answered a block without ${name}`);
    return value;
  };
  return {
    number: Number(field('number', quantity)),
    hash: field('hash', hash32),
    parentHash: field('parentHash', hash32),
    timestamp: Number(field('timestamp', quantity)),
  };
}
