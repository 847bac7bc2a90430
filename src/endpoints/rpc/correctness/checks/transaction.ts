// Transaction by hash: a transaction of the block `depth` below the consensus head, as most endpoints have
// that block, must be found by every endpoint, in that block, with the same receipt status. The transaction
// sampled moves through the block's list from one run to the next. An endpoint on another block there is
// left to block agreement: this check says nothing of it.

import { numberToHex } from 'viem';
import type { RpcCall } from '../rpc-calls.js';
import { askAll, checkedBlock, noRun, type CorrectnessCheckKind, type JudgedVerdict } from '../check.js';
import { judgeAnswers, majorityDigest } from '../verdict.js';

interface RpcBlockWithHashes {
  hash?: unknown;
  transactions?: unknown;
}

interface RpcReceipt {
  blockHash?: unknown;
  status?: unknown;
  transactionIndex?: unknown;
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined);

function receiptDigest(receipt: unknown): string | undefined {
  if (receipt === undefined) return undefined;
  if (receipt === null) return 'not found';
  const { blockHash, status, transactionIndex } = receipt as RpcReceipt;
  return `block ${lower(blockHash)} index ${lower(transactionIndex)} status ${lower(status)}`;
}

export const transactionByHash: CorrectnessCheckKind = {
  section: 'transactions',
  create({ chain, config, endpoints, tracker }) {
    const section = config.transactions;
    if (!config.enabled || !section.enabled) return null;
    let runs = 0;
    return {
      checks: ['transaction'],
      intervalMs: section.interval,
      async run(signal) {
        const block = checkedBlock(tracker, chain, section.depth);
        if (block === null) return noRun;
        if (endpoints.length < 2)
          return { results: [], skipped: [{ check: 'transaction', reason: 'one endpoint: nothing to compare with' }] };
        const blocks = await askAll(
          endpoints,
          [{ method: 'eth_getBlockByNumber', params: [numberToHex(block), false] }],
          signal,
        );
        const hashes = blocks.map(([answer]) => lower((answer as RpcBlockWithHashes | null | undefined)?.hash));
        const agreed = majorityDigest(
          endpoints.map((endpoint, index) => ({ endpoint: endpoint.endpoint, digest: hashes[index] })),
        );
        const agreedBlock = blocks[hashes.indexOf(agreed)]?.[0] as RpcBlockWithHashes | undefined;
        const transactions = Array.isArray(agreedBlock?.transactions) ? agreedBlock.transactions : [];
        if (agreed === undefined || transactions.length === 0) return noRun;
        const transaction = transactions[runs++ % transactions.length];
        if (typeof transaction !== 'string') return noRun;
        const calls: RpcCall[] = [{ method: 'eth_getTransactionReceipt', params: [transaction] }];
        const on = endpoints.filter((_, index) => hashes[index] === agreed);
        const receipts = await askAll(on, calls, signal);
        const judged = judgeAnswers(
          on.map((endpoint, index) => ({ endpoint: endpoint.endpoint, digest: receiptDigest(receipts[index]![0]) })),
        );
        const verdicts = endpoints.map(({ endpoint }): JudgedVerdict => {
          const verdict = judged.find((candidate) => candidate.endpoint === endpoint);
          if (!verdict) return { endpoint, outcome: 'unknown' };
          if (verdict.outcome !== 'disagree') return verdict;
          return {
            ...verdict,
            message:
              `transaction ${transaction.slice(0, 18)} of block ${block}: ${verdict.digest}; ` +
              `most endpoints: ${verdict.expected}`,
          };
        });
        return { results: [{ check: 'transaction', block, verdicts }], skipped: [] };
      },
    };
  },
};
