// Threshold rules on each chain as a whole: the consensus head's age (a halted chain), how many endpoints
// are healthy or up (redundancy). A chain none of whose endpoints has a recent probe is unknown.

import type { ChainHealth } from '../../domain/rpc.js';
import type { AlertRule } from '../alert-rule.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

export const chainMetrics = {
  head_age_seconds: (health: ChainHealth) => health.headAgeSeconds,
  healthy_endpoints: (health: ChainHealth) => health.healthyEndpoints,
  up_endpoints: (health: ChainHealth) => health.endpoints.filter((endpoint) => endpoint.up).length,
  healthy_ratio: (health: ChainHealth) => health.healthyEndpoints / health.configuredEndpoints,
} satisfies Record<string, (health: ChainHealth) => number | null>;

export type ChainMetric = keyof typeof chainMetrics;

export const chainSource = {
  source: 'chain',
  metrics: Object.keys(chainMetrics) as ChainMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { rpc }: ThresholdSourceDeps): AlertRule[] {
    if (!rpc) return [];
    const deps = { config: rpc, tracker: rpc.tracker };
    return rulesOf(rules, 'chain').map((rule) =>
      thresholdRule(rule, () =>
        deps.config.chains
          .filter((chain) => selected(rule.chains, chain.id))
          .map((chain) => {
            const known = chain.rpc.some((endpoint) => deps.tracker.isFresh(endpoint.id));
            const value = known ? chainMetrics[rule.metric as ChainMetric](deps.tracker.health(chain.id)!) : null;
            return thresholdSignal(rule, { ...chain.labels, scope: 'chain', chain: chain.id }, value);
          }),
      ),
    );
  },
};
