// A complete, valid RPC sample for tests, with any fields overridden.

import type { RpcSample } from '../../src/domain/rpc.js';

/** The start of a minute, for tests that place samples in it. */
export const minute = 1_700_000_040_000;

export function sample(fields: Partial<RpcSample> = {}): RpcSample {
  return {
    chain: 'c',
    endpoint: 'e',
    at: minute + 1_000,
    ok: true,
    latencyMs: 40,
    errorClass: null,
    errorMessage: null,
    chainId: 1,
    headBlock: 10,
    headTimestamp: 1,
    syncing: false,
    peerCount: null,
    gasUsed: 1,
    gasLimit: 2,
    baseFeePerGasWei: 3,
    clientVersion: null,
    batched: true,
    headHash: null,
    ancestorHashes: [],
    tags: null,
    headAgeSeconds: 2,
    lagBlocks: 0,
    lagSeconds: 0,
    healthy: true,
    ...fields,
  };
}
