// Calls to a watched contract that its function matchers select, found block by block: in `transactions`
// mode, the transactions sent to it that succeeded (their input decoded); in `traces` mode, every call to it
// in the blocks' call trees, internal ones too, outside any frame that reverted. Each is stored as an event
// of the target, its log index past any log's and unique in its block.

import { decodeFunctionData, type Hex } from 'viem';
import type { EventValue } from '../../../domain/governance.js';
import { toEventValue } from '../../ingest/decode.js';
import type { CallReads, FoundCall, TracedCall } from '../../ingest/kind.js';
import type { ContractSettings } from './config.js';
import type { ResolvedMatcher } from './matchers.js';

/** Found calls' log indexes start here: above any block's count of logs. */
export const callIndexBase = 1_000_000_000;
/** Per transaction, at most this many calls to the contract are kept (a hostile loop cannot flood the store). */
const maxCallsPerTransaction = 1_000;

function decodeCall(
  matchers: readonly ResolvedMatcher[],
  input: string,
): { name: string; args: Record<string, EventValue> } | null {
  const selector = input.slice(0, 10).toLowerCase();
  const matcher = matchers.find((candidate) => candidate.selector === selector);
  if (!matcher?.function) return null;
  try {
    const decoded = decodeFunctionData({ abi: [matcher.function], data: input as Hex });
    const values = (decoded.args ?? []) as readonly unknown[];
    const args = Object.fromEntries(
      matcher.function.inputs.map((param, index) => [param.name || `arg${index}`, toEventValue(values[index])]),
    );
    return { name: matcher.signature, args };
  } catch {
    // Input that does not decode against the declared function is not that call.
    return null;
  }
}

function callsIn(frame: TracedCall, address: string, visit: (frame: TracedCall) => void): void {
  if (frame.error) return;
  if (frame.type === 'CALL' && frame.to?.toLowerCase() === address) visit(frame);
  for (const inner of frame.calls ?? []) callsIn(inner, address, visit);
}

export async function scanCalls(
  target: { address: string; settings: ContractSettings },
  reads: CallReads,
  from: number,
  to: number,
): Promise<FoundCall[]> {
  const matchers = target.settings.matchers.filter((matcher) => matcher.kind === 'function');
  if (matchers.length === 0) return [];
  const address = target.address.toLowerCase();
  const found: FoundCall[] = [];
  for (let blockNumber = from; blockNumber <= to; blockNumber++) {
    const block = await reads.block(blockNumber);
    const at = { blockNumber, blockHash: block.hash, blockTimeMs: block.timestampMs };
    if (target.settings.calls === 'transactions') {
      for (const transaction of block.transactions) {
        if (transaction.to?.toLowerCase() !== address) continue;
        const call = decodeCall(matchers, transaction.input);
        if (call && (await reads.succeeded(transaction.hash)))
          found.push({ ...at, txHash: transaction.hash, logIndex: callIndexBase + transaction.index * 1_000, ...call });
      }
      continue;
    }
    const traces = await reads.traces(blockNumber);
    traces.forEach((trace, index) => {
      const txHash = trace.txHash ?? block.transactions[index]?.hash;
      if (!txHash) return;
      let count = 0;
      callsIn(trace.result, address, (frame) => {
        const call = decodeCall(matchers, frame.input ?? '0x');
        if (!call || count >= maxCallsPerTransaction) return;
        found.push({ ...at, txHash, logIndex: callIndexBase + index * 1_000 + count, ...call });
        count += 1;
      });
    });
  }
  return found;
}
