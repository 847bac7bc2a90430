import { describe, expect, it } from 'vitest';
import type { ChainHealth } from '../../../src/domain/rpc.js';
import { aggregateChainObservations, aggregateRpcSamples, minuteOf } from '../../../src/endpoints/rpc/rpc-rollup.js';
import { minute, sample } from '../../helpers/samples.js';

describe('aggregateRpcSamples', () => {
  it('counts per endpoint and minute, with cumulative latency buckets over successful probes', () => {
    expect(minuteOf(minute + 59_999)).toBe(minute);
    const [first, second] = aggregateRpcSamples([
      sample({ latencyMs: 20 }),
      sample({ latencyMs: 300, lagBlocks: 4, healthy: false, headBlock: 12 }),
      sample({ ok: false, errorClass: 'timeout', latencyMs: 5_000, healthy: false, headBlock: null, lagBlocks: null }),
      sample({ at: minute + 60_000, latencyMs: 60 }),
    ]);
    expect(first).toMatchObject({
      endpoint: 'e',
      minuteMs: minute,
      total: 3,
      ok: 2,
      healthy: 1,
      okLatencySumMs: 320,
      okLatencyMaxMs: 300,
      maxLagBlocks: 4,
      maxHeadBlock: 12,
    });
    expect(first!.okLatencyLe).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(first!.errors).toMatchObject({ timeout: 1, connection: 0 });
    expect(second).toMatchObject({ minuteMs: minute + 60_000, total: 1, okLatencyLe: [0, 0, 1, 1, 1, 1, 1, 1, 1] });
  });

  it('keeps the worst redundancy of the minute per chain', () => {
    const health = (healthyEndpoints: number, consensusHead: number): ChainHealth => ({
      chain: 'c',
      consensusHead,
      consensusHeadTimestamp: 1,
      headAgeSeconds: 3,
      configuredEndpoints: 3,
      healthyEndpoints,
      singlePointOfFailure: healthyEndpoints === 1,
      endpoints: [],
    });
    expect(
      aggregateChainObservations([
        { at: minute, health: health(3, 10) },
        { at: minute + 5, health: health(1, 11) },
        { at: minute + 9, health: health(2, 12) },
      ]),
    ).toEqual([
      {
        chain: 'c',
        minuteMs: minute,
        observations: 3,
        configuredEndpoints: 3,
        minHealthy: 1,
        maxHealthy: 3,
        maxHeadAgeSeconds: 3,
        maxConsensusHead: 12,
      },
    ]);
  });
});
