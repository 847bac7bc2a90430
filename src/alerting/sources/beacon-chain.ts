// Threshold rules on each chain's consensus layer as a whole: how many of its beacon endpoints are
// healthy or up, and how far finality trails the wall clock. A chain none of whose beacon endpoints has a
// recent probe is unknown; so is its finality when none of its fresh endpoints answered.

import type { BeaconChainHealth } from '../../domain/beacon.js';
import { thresholdSource } from './threshold-rule.js';

/** A chain's health, and whether any of its endpoints has a recent probe. */
interface BeaconChainReading {
  health: BeaconChainHealth;
  known: boolean;
}

export const beaconChainMetrics = {
  healthy_endpoints: ({ health, known }: BeaconChainReading) => (known ? health.healthyEndpoints : null),
  up_endpoints: ({ health, known }: BeaconChainReading) =>
    known ? health.endpoints.filter((endpoint) => endpoint.up).length : null,
  healthy_ratio: ({ health, known }: BeaconChainReading) =>
    known ? health.healthyEndpoints / health.configuredEndpoints : null,
  // The highest finalized epoch among the chain's fresh, answering endpoints: null when none answered.
  finality_distance_epochs: ({ health }: BeaconChainReading) => health.finalityDistanceEpochs,
} satisfies Record<string, (reading: BeaconChainReading) => number | null>;

export type BeaconChainMetric = keyof typeof beaconChainMetrics;

export const beaconChainSource = thresholdSource({
  source: 'beacon_chain',
  metrics: beaconChainMetrics,
  watch: ({ beacon }) => {
    if (!beacon || beacon.reader.allHealth().length === 0) return null;
    const { reader } = beacon;
    return () =>
      reader.allHealth().map((health) => ({
        chain: health.chain,
        labels: { scope: 'beacon', chain: health.chain },
        read: () => ({ health, known: health.endpoints.some((state) => reader.isFresh(state.endpoint)) }),
      }));
  },
});
