// The simulated node's JSON, as real clients write it: integers as decimal strings, roots 0x-prefixed,
// FAR_FUTURE_EPOCH as 2^64 - 1. Long lists are written in chunks as they are produced, respecting the
// socket's backpressure, so a million validators never sit in memory as one string.

import type { ServerResponse } from 'node:http';
import type { BeaconChain, BalanceState, BlockHeaderView } from './chain.js';
import { pubkeyOf, withdrawalCredentialsOf } from './hash.js';
import { epochText } from './validators.js';

/** Entries written per `res.write`. */
export const STREAM_CHUNK_ENTRIES = 1000;

export function validatorJson(chain: BeaconChain, index: number, state: BalanceState): string {
  const { registry, seed } = chain;
  const epoch = state.epoch;
  const balance = state.balances[index] as number;
  // A template rather than JSON.stringify: this runs a million times for a full validator list.
  return (
    `{"index":"${index}","balance":"${balance}","status":"${registry.status(index, epoch, balance)}",` +
    `"validator":{"pubkey":"${pubkeyOf(seed, index)}",` +
    `"withdrawal_credentials":"${withdrawalCredentialsOf(seed, index)}",` +
    `"effective_balance":"${(state.effective[index] as number) * 1e9}","slashed":${registry.isSlashed(index, epoch)},` +
    `"activation_eligibility_epoch":"${epochText(registry.eligibilityEpochAt(index, epoch))}",` +
    `"activation_epoch":"${epochText(registry.activationEpochAt(index, epoch))}",` +
    `"exit_epoch":"${epochText(registry.exitEpochAt(index, epoch))}",` +
    `"withdrawable_epoch":"${epochText(registry.withdrawableEpochAt(index, epoch))}"}}`
  );
}

export function headerJson(header: BlockHeaderView, finalized: boolean): unknown {
  return {
    execution_optimistic: false,
    finalized,
    data: {
      root: header.root,
      canonical: true,
      header: {
        message: {
          slot: String(header.slot),
          proposer_index: String(header.proposerIndex),
          parent_root: header.parentRoot,
          state_root: header.stateRoot,
          body_root: header.bodyRoot,
        },
        signature: header.signature,
      },
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { code: status, message });
}

/**
 * Writes `head`, the entries separated by commas, then `tail`, in chunks of STREAM_CHUNK_ENTRIES entries.
 * Stops early when the client goes away.
 */
export async function streamJson(
  res: ServerResponse,
  head: string,
  entries: Iterable<string>,
  tail: string,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  let chunk = head;
  let inChunk = 0;
  let first = true;
  for (const entry of entries) {
    chunk += first ? entry : `,${entry}`;
    first = false;
    inChunk += 1;
    if (inChunk === STREAM_CHUNK_ENTRIES) {
      if (!(await write(res, chunk, () => closed))) return;
      chunk = '';
      inChunk = 0;
    }
  }
  if (closed) return;
  res.end(chunk + tail);
}

async function write(res: ServerResponse, chunk: string, isClosed: () => boolean): Promise<boolean> {
  if (isClosed()) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !isClosed();
}
