// A chain's status counts the age of its consensus head: healthy endpoints agreeing on a head that stopped
// moving are a halted chain, not an `ok` one.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { RpcObservation } from '../../src/domain/rpc.js';
import { ChainView, haltedAfterSeconds } from '../../src/endpoints/rpc/rpc-view.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';

const nowMs = 1_700_000_000_000;
const config = {
  chains: [
    {
      id: 'c',
      chainId: 1,
      labels: {},
      rpc: ['a', 'b'].map((id) => ({ id, url: `http://127.0.0.1/${id}`, labels: {}, headers: {} })),
    },
  ],
} as unknown as Config;

function statusWithHeadAge(ageSeconds: number, healthyHeads: [number, number] = [100, 100]) {
  const clock = fixedClock(nowMs);
  const tracker = new ChainTracker(
    [{ chain: 'c', endpoints: ['a', 'b'], policy: { maxLagBlocks: 3, staleAfterMs: 30_000 } }],
    clock,
  );
  healthyHeads.forEach((headBlock, index) => {
    const observation: RpcObservation = {
      chain: 'c',
      endpoint: index === 0 ? 'a' : 'b',
      at: nowMs - 1_000,
      ok: true,
      latencyMs: 5,
      errorClass: null,
      errorMessage: null,
      chainId: 1,
      headBlock,
      headTimestamp: nowMs / 1_000 - ageSeconds,
      syncing: false,
      peerCount: null,
      gasUsed: null,
      gasLimit: null,
      baseFeePerGasWei: null,
      clientVersion: null,
      batched: true,
      headHash: null,
      ancestorHashes: [],
      tags: null,
    };
    tracker.observe(observation);
  });
  return new ChainView(config, tracker).chains()[0]!;
}

describe('chain status', () => {
  it.each([
    { ageSeconds: 2, status: 'ok' },
    { ageSeconds: haltedAfterSeconds, status: 'ok' },
    { ageSeconds: haltedAfterSeconds + 1, status: 'halted' },
    { ageSeconds: 3_600, status: 'halted' },
  ])('every endpoint healthy, head $ageSeconds s old → $status', ({ ageSeconds, status }) => {
    const chain = statusWithHeadAge(ageSeconds);
    expect(chain).toMatchObject({ status, healthyEndpoints: 2, configuredEndpoints: 2 });
  });

  it('a halted chain with one endpoint behind is halted, not merely degraded', () => {
    expect(statusWithHeadAge(600, [100, 90]).status).toBe('halted');
  });
});
