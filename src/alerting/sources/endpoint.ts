// Threshold rules on each RPC endpoint's latest judgment: is it up, healthy, how far behind the consensus
// head, how old its head, how slow its answer. An endpoint without a recent probe (just after a restart)
// is unknown, so its alerts hold their state instead of resolving or firing on stale data.

import type { EndpointHealth } from '../../domain/rpc.js';
import type { AlertRule } from '../alert-rule.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

const bool = (value: boolean) => (value ? 1 : 0);

export const endpointMetrics = {
  up: (health: EndpointHealth) => bool(health.up),
  healthy: (health: EndpointHealth) => bool(health.healthy),
  lag_blocks: (health: EndpointHealth) => health.lagBlocks,
  lag_seconds: (health: EndpointHealth) => health.lagSeconds,
  head_age_seconds: (health: EndpointHealth) => health.headAgeSeconds,
  latency_seconds: (_health: EndpointHealth, latencyMs: number | null) =>
    latencyMs === null ? null : latencyMs / 1_000,
} satisfies Record<string, (health: EndpointHealth, latencyMs: number | null) => number | null>;

export type EndpointMetric = keyof typeof endpointMetrics;

export const endpointSource = {
  source: 'endpoint',
  metrics: Object.keys(endpointMetrics) as EndpointMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { rpc }: ThresholdSourceDeps): AlertRule[] {
    if (!rpc) return [];
    const deps = { config: rpc, tracker: rpc.tracker };
    return rulesOf(rules, 'endpoint').map((rule) =>
      thresholdRule(rule, () =>
        deps.config.chains
          .filter((chain) => selected(rule.chains, chain.id))
          .flatMap((chain) => {
            const health = deps.tracker.health(chain.id)!;
            return chain.rpc
              .filter((endpoint) => selected(rule.endpoints, endpoint.id))
              .map((endpoint, index) => {
                const judged =
                  health.endpoints.find((candidate) => candidate.endpoint === endpoint.id) ?? health.endpoints[index]!;
                const fresh = deps.tracker.isFresh(endpoint.id);
                const latencyMs = deps.tracker.latestObservation(endpoint.id)?.latencyMs ?? null;
                const value = fresh ? endpointMetrics[rule.metric as EndpointMetric](judged, latencyMs) : null;
                const labels = {
                  ...chain.labels,
                  ...endpoint.labels,
                  scope: 'endpoint',
                  chain: chain.id,
                  endpoint: endpoint.id,
                };
                return thresholdSignal(rule, labels, value);
              });
          }),
      ),
    );
  },
};
