// Pure reductions of an endpoint's logs to what the logs check compares: a count and a digest of every log's
// (block hash, transaction hash, log index, address, topics, data), in the order the endpoint gave them; the
// logs a block's receipts hold, for the same filter; and whether a log is in its block's logsBloom.

import { createHash } from 'node:crypto';
import { hexToBytes, keccak256, type Hex } from 'viem';

/** A log as JSON-RPC answers it, in eth_getLogs and in receipts alike. */
export interface RpcLog {
  blockHash?: unknown;
  blockNumber?: unknown;
  transactionHash?: unknown;
  logIndex?: unknown;
  address?: unknown;
  topics?: unknown;
  data?: unknown;
  removed?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
const indexOf = (value: unknown): number =>
  typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value) ? Number.parseInt(value.slice(2), 16) : -1;

export interface LogsDigest {
  count: number;
  digest: string;
}

/** Count and digest of the logs, sorted by block number and log index so that order alone never differs. */
export function digestLogs(logs: readonly RpcLog[]): LogsDigest {
  const sorted = [...logs].sort(
    (a, b) => indexOf(a.blockNumber) - indexOf(b.blockNumber) || indexOf(a.logIndex) - indexOf(b.logIndex),
  );
  const hash = createHash('sha256');
  for (const log of sorted) {
    const topics = Array.isArray(log.topics) ? log.topics.map(text).join(',') : '';
    hash.update(
      `${text(log.blockHash)}|${text(log.transactionHash)}|${indexOf(log.logIndex)}|` +
        `${text(log.address)}|${topics}|${text(log.data)}\n`,
    );
  }
  return { count: sorted.length, digest: `${sorted.length}:${hash.digest('hex').slice(0, 32)}` };
}

/** Whether the answer is a list of logs. */
export function isLogList(value: unknown): value is RpcLog[] {
  return Array.isArray(value) && value.every((log) => log !== null && typeof log === 'object');
}

/** The logs of a block's receipts that a filter on `addresses` (every log when empty) selects. */
export function receiptLogs(receipts: unknown, addresses: ReadonlySet<string>): RpcLog[] | undefined {
  if (!Array.isArray(receipts)) return undefined;
  const logs: RpcLog[] = [];
  for (const receipt of receipts) {
    const receiptLogs = (receipt as { logs?: unknown } | null)?.logs;
    if (!isLogList(receiptLogs)) return undefined;
    for (const log of receiptLogs) if (addresses.size === 0 || addresses.has(text(log.address))) logs.push(log);
  }
  return logs;
}

const bloomBytes = 256;

/** The three bits an item sets in a 2048-bit bloom (Yellow Paper, eq. 27): from its keccak-256's first six bytes. */
function bloomBits(item: Hex): number[] {
  const digest = hexToBytes(keccak256(item));
  return [0, 2, 4].map((offset) => ((digest[offset]! << 8) | digest[offset + 1]!) & 2047);
}

/** Whether every bit of the log's address and topics is set in the block's `logsBloom`. */
export function inBloom(log: RpcLog, logsBloom: string): boolean {
  if (!/^0x[0-9a-fA-F]{512}$/.test(logsBloom)) return true; // no bloom to test against
  const bloom = hexToBytes(logsBloom as Hex);
  const items = [log.address, ...(Array.isArray(log.topics) ? log.topics : [])].filter(
    (item): item is Hex => typeof item === 'string' && /^0x[0-9a-fA-F]*$/.test(item),
  );
  return items.every((item) =>
    bloomBits(item).every((bit) => (bloom[bloomBytes - 1 - Math.floor(bit / 8)]! & (1 << (bit % 8))) !== 0),
  );
}
