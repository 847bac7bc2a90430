// Threshold rules on each RPC endpoint's latest judgment: is it up, healthy, how far behind the consensus
// head, how old its head, how slow its answer. An endpoint without a recent probe (just after a restart)
// is unknown, so its alerts hold their state instead of resolving or firing on stale data.

import type { EndpointHealth } from '../../domain/rpc.js';
import { thresholdSource } from './threshold-rule.js';

const bool = (value: boolean) => (value ? 1 : 0);

interface EndpointReading {
  health: EndpointHealth;
  latencyMs: number | null;
}

export const endpointMetrics = {
  up: ({ health }: EndpointReading) => bool(health.up),
  healthy: ({ health }: EndpointReading) => bool(health.healthy),
  lag_blocks: ({ health }: EndpointReading) => health.lagBlocks,
  lag_seconds: ({ health }: EndpointReading) => health.lagSeconds,
  head_age_seconds: ({ health }: EndpointReading) => health.headAgeSeconds,
  latency_seconds: ({ latencyMs }: EndpointReading) => (latencyMs === null ? null : latencyMs / 1_000),
} satisfies Record<string, (reading: EndpointReading) => number | null>;

export type EndpointMetric = keyof typeof endpointMetrics;

export const endpointSource = thresholdSource({
  source: 'endpoint',
  metrics: endpointMetrics,
  watch: ({ rpc }) => {
    if (!rpc) return null;
    const { tracker } = rpc;
    return () =>
      rpc.chains.flatMap((chain) =>
        chain.rpc.map((endpoint) => ({
          chain: chain.id,
          endpoint: endpoint.id,
          labels: { ...chain.labels, ...endpoint.labels, scope: 'endpoint', chain: chain.id, endpoint: endpoint.id },
          read: (): EndpointReading | null => {
            if (!tracker.isFresh(endpoint.id)) return null;
            const health = tracker.health(chain.id)!.endpoints.find((state) => state.endpoint === endpoint.id)!;
            return { health, latencyMs: tracker.latestObservation(endpoint.id)?.latencyMs ?? null };
          },
        })),
      );
  },
});
