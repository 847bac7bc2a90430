// Threshold rules on each chain's consensus layer as a whole: how many of its beacon endpoints are
// healthy or up, and how far finality trails the wall clock. A chain none of whose beacon endpoints has a
// recent probe is unknown; so is its finality when none of its fresh endpoints answered.

import type { BeaconChainHealth } from '../../domain/beacon.js';
import type { AlertRule } from '../alert-rule.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

/** Each metric of a chain, given whether any of its endpoints has a recent probe. */
export const beaconChainMetrics = {
  healthy_endpoints: (health: BeaconChainHealth, known: boolean) => (known ? health.healthyEndpoints : null),
  up_endpoints: (health: BeaconChainHealth, known: boolean) =>
    known ? health.endpoints.filter((endpoint) => endpoint.up).length : null,
  healthy_ratio: (health: BeaconChainHealth, known: boolean) =>
    known ? health.healthyEndpoints / health.configuredEndpoints : null,
  // The highest finalized epoch among the chain's fresh, answering endpoints: null when none answered.
  finality_distance_epochs: (health: BeaconChainHealth) => health.finalityDistanceEpochs,
} satisfies Record<string, (health: BeaconChainHealth, known: boolean) => number | null>;

export type BeaconChainMetric = keyof typeof beaconChainMetrics;

export const beaconChainSource = {
  source: 'beacon_chain',
  metrics: Object.keys(beaconChainMetrics) as BeaconChainMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { beacon }: ThresholdSourceDeps): AlertRule[] {
    if (!beacon || beacon.reader.allHealth().length === 0) return [];
    const { reader } = beacon;
    return rulesOf(rules, 'beacon_chain').map((rule) =>
      thresholdRule(rule, () =>
        reader
          .allHealth()
          .filter((health) => selected(rule.chains, health.chain))
          .map((health) => {
            const known = health.endpoints.some((state) => reader.isFresh(state.endpoint));
            const value = beaconChainMetrics[rule.metric as BeaconChainMetric](health, known);
            return thresholdSignal(rule, { scope: 'beacon', chain: health.chain }, value);
          }),
      ),
    );
  },
};
