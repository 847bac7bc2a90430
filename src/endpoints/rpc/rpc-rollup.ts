// Pure aggregation of samples into per-minute rollup deltas, merged into the stored rows by the writer.

import { minuteOf } from '../../domain/clock.js';
import {
  latencyBucketsMs,
  rpcErrorClasses,
  type ChainObservation,
  type RpcErrorClass,
  type RpcSample,
} from '../../domain/rpc.js';

export { minuteOf } from '../../domain/clock.js';

export interface RpcRollupDelta {
  endpoint: string;
  chain: string;
  minuteMs: number;
  total: number;
  ok: number;
  healthy: number;
  okLatencySumMs: number;
  okLatencyMaxMs: number | null;
  okLatencyLe: number[];
  errors: Record<RpcErrorClass, number>;
  maxLagBlocks: number | null;
  maxLagSeconds: number | null;
  maxHeadAgeSeconds: number | null;
  maxHeadBlock: number | null;
}

export interface ChainRollupDelta {
  chain: string;
  minuteMs: number;
  observations: number;
  configuredEndpoints: number;
  minHealthy: number;
  maxHealthy: number;
  maxHeadAgeSeconds: number | null;
  maxConsensusHead: number | null;
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function emptyRpcDelta(sample: RpcSample, minute: number): RpcRollupDelta {
  return {
    endpoint: sample.endpoint,
    chain: sample.chain,
    minuteMs: minute,
    total: 0,
    ok: 0,
    healthy: 0,
    okLatencySumMs: 0,
    okLatencyMaxMs: null,
    okLatencyLe: latencyBucketsMs.map(() => 0),
    errors: Object.fromEntries(rpcErrorClasses.map((errorClass) => [errorClass, 0])) as Record<RpcErrorClass, number>,
    maxLagBlocks: null,
    maxLagSeconds: null,
    maxHeadAgeSeconds: null,
    maxHeadBlock: null,
  };
}

export function aggregateRpcSamples(samples: readonly RpcSample[]): RpcRollupDelta[] {
  const deltas = new Map<string, RpcRollupDelta>();
  for (const sample of samples) {
    const minute = minuteOf(sample.at);
    const key = `${sample.endpoint}\u0000${minute}`;
    let delta = deltas.get(key);
    if (!delta) deltas.set(key, (delta = emptyRpcDelta(sample, minute)));
    delta.total += 1;
    if (sample.healthy) delta.healthy += 1;
    if (sample.ok) {
      delta.ok += 1;
      delta.okLatencySumMs += sample.latencyMs;
      delta.okLatencyMaxMs = maxOf(delta.okLatencyMaxMs, sample.latencyMs);
      latencyBucketsMs.forEach((bound, index) => {
        if (sample.latencyMs <= bound) delta.okLatencyLe[index]! += 1;
      });
    } else if (sample.errorClass) {
      delta.errors[sample.errorClass] += 1;
    }
    delta.maxLagBlocks = maxOf(delta.maxLagBlocks, sample.lagBlocks);
    delta.maxLagSeconds = maxOf(delta.maxLagSeconds, sample.lagSeconds);
    delta.maxHeadAgeSeconds = maxOf(delta.maxHeadAgeSeconds, sample.ok ? sample.headAgeSeconds : null);
    delta.maxHeadBlock = maxOf(delta.maxHeadBlock, sample.ok ? sample.headBlock : null);
  }
  return [...deltas.values()];
}

export function aggregateChainObservations(
  observations: readonly { at: number; health: ChainObservation }[],
): ChainRollupDelta[] {
  const deltas = new Map<string, ChainRollupDelta>();
  for (const { at, health } of observations) {
    const minute = minuteOf(at);
    const key = `${health.chain}\u0000${minute}`;
    const delta = deltas.get(key);
    if (!delta) {
      deltas.set(key, {
        chain: health.chain,
        minuteMs: minute,
        observations: 1,
        configuredEndpoints: health.configuredEndpoints,
        minHealthy: health.healthyEndpoints,
        maxHealthy: health.healthyEndpoints,
        maxHeadAgeSeconds: health.headAgeSeconds,
        maxConsensusHead: health.consensusHead,
      });
      continue;
    }
    delta.observations += 1;
    delta.configuredEndpoints = health.configuredEndpoints;
    delta.minHealthy = Math.min(delta.minHealthy, health.healthyEndpoints);
    delta.maxHealthy = Math.max(delta.maxHealthy, health.healthyEndpoints);
    delta.maxHeadAgeSeconds = maxOf(delta.maxHeadAgeSeconds, health.headAgeSeconds);
    delta.maxConsensusHead = maxOf(delta.maxConsensusHead, health.consensusHead);
  }
  return [...deltas.values()];
}
