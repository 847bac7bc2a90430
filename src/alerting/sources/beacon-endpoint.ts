// Threshold rules on each beacon endpoint's latest judgment: is it up, healthy, how far behind the
// highest head, how old its head, how far its finality trails the wall clock. An endpoint without a
// recent probe is unknown, so its alerts hold their state instead of resolving or firing on no data.
//
// A rule without a `description` gets one telling why the endpoint is unhealthy now: each endpoint has its
// own rule, whose description reads its reasons at each evaluation.

import type { BeaconEndpointHealth } from '../../domain/beacon.js';
import { thresholdSource } from './threshold-rule.js';

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

export const beaconEndpointSource = thresholdSource({
  source: 'beacon_endpoint',
  metrics: beaconEndpointMetrics,
  watch: ({ beacon }) => {
    if (!beacon) return null;
    const { reader } = beacon;
    const targetLabels = new Map(beacon.targets.map((target) => [target.endpoint, target.labels]));
    return () =>
      reader.allHealth().flatMap(({ chain, endpoints }) =>
        endpoints.map((state) => ({
          chain,
          endpoint: state.endpoint,
          state,
          labels: { ...targetLabels.get(state.endpoint), scope: 'beacon', chain, endpoint: state.endpoint },
          read: () => (reader.isFresh(state.endpoint) ? state : null),
        })),
      );
  },
  describe: (series) => {
    if (!series) return 'The endpoint is no longer configured.';
    if (series.state.healthy) return 'The endpoint is healthy now.';
    return `Why: ${series.state.unhealthyReasons.join('; ')}.`;
  },
});
