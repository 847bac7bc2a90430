// Logs completeness: every endpoint's eth_getLogs over the same confirmed range of blocks (every log, or the
// configured contracts'), compared across endpoints by count and digest (logs-digest.ts). Each endpoint is
// also held to its own data where it serves it: the logs of its eth_getBlockReceipts must be its getLogs,
// and every log must be in its block's logsBloom and carry that block's hash. A provider whose log index
// misses some logs fails the first; one that mixes forks fails the others, even with no majority.

import { numberToHex } from 'viem';
import { digestLogs, inBloom, isLogList, receiptLogs, type RpcLog } from '../logs-digest.js';
import type { RpcCall } from '../rpc-calls.js';
import { askAll, checkedBlock, noRun, type CorrectnessCheckKind, type JudgedVerdict } from '../check.js';
import { judgeAnswers } from '../verdict.js';

interface BlockHeader {
  hash?: unknown;
  logsBloom?: unknown;
}

export const logsCompleteness: CorrectnessCheckKind = {
  section: 'logs',
  create({ chain, config, endpoints, tracker }) {
    const section = config.logs;
    if (!config.enabled || !section.enabled) return null;
    const addresses = new Set(section.addresses.map((address) => address.toLowerCase()));
    return {
      checks: ['logs'],
      intervalMs: section.interval,
      async run(signal) {
        const to = checkedBlock(tracker, chain, section.depth);
        if (to === null) return noRun;
        const from = Math.max(0, to - section.blocks + 1);
        if (endpoints.length < 2 && !section.receipts)
          return { results: [], skipped: [{ check: 'logs', reason: 'one endpoint: nothing to compare with' }] };
        const filter = {
          fromBlock: numberToHex(from),
          toBlock: numberToHex(to),
          ...(addresses.size > 0 ? { address: [...addresses] } : {}),
        };
        const blocks = Array.from({ length: to - from + 1 }, (_, index) => from + index);
        const calls: RpcCall[] = [{ method: 'eth_getLogs', params: [filter] }];
        if (section.receipts)
          for (const block of blocks)
            calls.push(
              { method: 'eth_getBlockByNumber', params: [numberToHex(block), false] },
              { method: 'eth_getBlockReceipts', params: [numberToHex(block)] },
            );
        const answers = await askAll(endpoints, calls, signal);
        const range = from === to ? `block ${from}` : `blocks ${from}-${to}`;
        const digests = answers.map((answer) => (isLogList(answer[0]) ? digestLogs(answer[0]) : undefined));
        const verdicts = judgeAnswers(
          endpoints.map((endpoint, index) => ({ endpoint: endpoint.endpoint, digest: digests[index]?.digest })),
        ).map((verdict, index): JudgedVerdict => {
          const logs = answers[index]![0];
          if (!isLogList(logs)) return verdict;
          const own = section.receipts ? ownDataProblem(logs, answers[index]!.slice(1), blocks, addresses) : null;
          if (own)
            return { ...verdict, outcome: 'disagree', against: own.against, message: `${range}: ${own.message}` };
          if (verdict.outcome !== 'disagree') return verdict;
          const expected = Number(verdict.expected?.split(':')[0]);
          return {
            ...verdict,
            message:
              `eth_getLogs over ${range} gave ${logs.length} logs` +
              (expected === logs.length ? ' that differ from' : `; most endpoints gave ${expected}`) +
              (expected === logs.length ? ' those most endpoints gave' : ''),
          };
        });
        return { results: [{ check: 'logs', block: to, verdicts }], skipped: [] };
      },
    };
  },
};

/**
 * What the endpoint's own blocks and receipts say against its getLogs, if anything: `answers` are its
 * eth_getBlockByNumber and eth_getBlockReceipts answers, two per block. A block or receipts it does not
 * serve prove nothing.
 */
function ownDataProblem(
  logs: readonly RpcLog[],
  answers: readonly unknown[],
  blocks: readonly number[],
  addresses: ReadonlySet<string>,
): { against: 'receipts' | 'bloom'; message: string } | null {
  const fromReceipts: RpcLog[] = [];
  let receiptsComplete = true;
  for (const [index, number] of blocks.entries()) {
    const header = answers[index * 2] as BlockHeader | null | undefined;
    const inBlock = logs.filter((log) => log.blockNumber === numberToHex(number) || Number(log.blockNumber) === number);
    if (header && typeof header.hash === 'string') {
      const hash = header.hash.toLowerCase();
      const foreign = inBlock.find((log) => typeof log.blockHash === 'string' && log.blockHash.toLowerCase() !== hash);
      if (foreign) return { against: 'receipts', message: `a log of block ${number} carries another block's hash` };
      if (typeof header.logsBloom === 'string') {
        const missing = inBlock.find((log) => !inBloom(log, header.logsBloom as string));
        if (missing) return { against: 'bloom', message: `a log of block ${number} is not in its logsBloom` };
      }
    }
    const receipts = receiptLogs(answers[index * 2 + 1], addresses);
    if (receipts === undefined) receiptsComplete = false;
    else fromReceipts.push(...receipts);
  }
  if (!receiptsComplete) return null;
  const own = digestLogs(fromReceipts);
  const got = digestLogs(logs);
  if (own.digest === got.digest) return null;
  return {
    against: 'receipts',
    message:
      `eth_getLogs gave ${got.count} logs, its receipts hold ${own.count}` +
      (own.count === got.count ? ' that differ' : ''),
  };
}
