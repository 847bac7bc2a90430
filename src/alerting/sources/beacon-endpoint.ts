// Threshold rules on each beacon endpoint's latest judgment: is it up, healthy, how far behind the
// highest head, how old its head, how far its finality trails the wall clock. An endpoint without a
// recent probe is unknown, so its alerts hold their state instead of resolving or firing on no data.
//
// A rule without a `description` gets one telling why the endpoint is unhealthy now. Annotations are
// templates over labels and value, and a reason in a label would make a new alert of each change of
// wording; so each endpoint has its own rule, whose description reads its reasons at each evaluation.

import type { BeaconEndpointHealth } from '../../domain/beacon.js';
import type { AlertRule } from '../alert-rule.js';
import type { Template } from '../template.js';
import {
  rulesOf,
  selected,
  thresholdRule,
  thresholdSignal,
  type BeaconHealthReader,
  type ThresholdRuleConfig,
  type ThresholdSourceDeps,
} from './threshold-rule.js';

const bool = (value: boolean) => (value ? 1 : 0);

export const beaconEndpointMetrics = {
  up: (health: BeaconEndpointHealth) => bool(health.up),
  healthy: (health: BeaconEndpointHealth) => bool(health.healthy),
  lag_slots: (health: BeaconEndpointHealth) => health.lagSlots,
  head_age_seconds: (health: BeaconEndpointHealth) => health.headAgeSeconds,
  finality_distance_epochs: (health: BeaconEndpointHealth) => health.finalityDistanceEpochs,
  peer_count: (health: BeaconEndpointHealth) => health.peerCount,
  latency_seconds: (health: BeaconEndpointHealth) => (health.latencyMs === null ? null : health.latencyMs / 1_000),
} satisfies Record<string, (health: BeaconEndpointHealth) => number | null>;

export type BeaconEndpointMetric = keyof typeof beaconEndpointMetrics;

/** A template with no actions: text the engine renders as it is. */
const literal = (text: string): Template => ({ source: text, nodes: [text] });

function describeReasons(state: BeaconEndpointHealth | undefined): string {
  if (!state) return 'The endpoint is no longer configured.';
  if (state.healthy) return 'The endpoint is healthy now.';
  return `Why: ${state.unhealthyReasons.join('; ')}.`;
}

const stateOf = (reader: BeaconHealthReader, chain: string, endpoint: string) =>
  reader.health(chain)?.endpoints.find((state) => state.endpoint === endpoint);

export const beaconEndpointSource = {
  source: 'beacon_endpoint',
  metrics: Object.keys(beaconEndpointMetrics) as BeaconEndpointMetric[],
  createRules(rules: readonly ThresholdRuleConfig[], { beacon }: ThresholdSourceDeps): AlertRule[] {
    if (!beacon) return [];
    const { reader } = beacon;
    const targetLabels = new Map(beacon.targets.map((target) => [target.endpoint, target.labels]));
    return rulesOf(rules, 'beacon_endpoint').flatMap((rule) =>
      reader
        .allHealth()
        .filter(({ chain }) => selected(rule.chains, chain))
        .flatMap(({ chain, endpoints }) =>
          endpoints
            .filter(({ endpoint }) => selected(rule.endpoints, endpoint))
            .map(({ endpoint }) => {
              const built = thresholdRule(rule, () => {
                const state = stateOf(reader, chain, endpoint);
                if (!state) return [];
                const fresh = reader.isFresh(endpoint);
                const value = fresh ? beaconEndpointMetrics[rule.metric as BeaconEndpointMetric](state) : null;
                const labels = { ...targetLabels.get(endpoint), scope: 'beacon', chain, endpoint };
                return [thresholdSignal(rule, labels, value)];
              });
              if ('description' in built.annotations) return built;
              const { annotations } = built;
              return Object.defineProperty(built, 'annotations', {
                get: () => ({
                  ...annotations,
                  description: literal(describeReasons(stateOf(reader, chain, endpoint))),
                }),
              });
            }),
        ),
    );
  },
};
