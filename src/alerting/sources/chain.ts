// Threshold rules on each chain as a whole: the consensus head's age (a halted chain), how many endpoints
// are healthy or up (redundancy). A chain none of whose endpoints has a recent probe is unknown.

import type { ChainHealth } from '../../domain/rpc.js';
import { thresholdSource } from './threshold-rule.js';

export const chainMetrics = {
  head_age_seconds: (health: ChainHealth) => health.headAgeSeconds,
  healthy_endpoints: (health: ChainHealth) => health.healthyEndpoints,
  up_endpoints: (health: ChainHealth) => health.endpoints.filter((endpoint) => endpoint.up).length,
  healthy_ratio: (health: ChainHealth) => health.healthyEndpoints / health.configuredEndpoints,
} satisfies Record<string, (health: ChainHealth) => number | null>;

export type ChainMetric = keyof typeof chainMetrics;

export const chainSource = thresholdSource({
  source: 'chain',
  metrics: chainMetrics,
  watch: ({ rpc }) =>
    rpc
      ? () =>
          rpc.chains.map((chain) => ({
            chain: chain.id,
            labels: { ...chain.labels, scope: 'chain', chain: chain.id },
            read: () =>
              chain.rpc.some((endpoint) => rpc.tracker.isFresh(endpoint.id)) ? rpc.tracker.health(chain.id)! : null,
          }))
      : null,
});
