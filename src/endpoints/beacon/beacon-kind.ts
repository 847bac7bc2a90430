// The beacon endpoint kind: every `chains[].beacon.endpoints` entry, probed every `beacon.pollInterval`
// through one HTTP client per endpoint (the validator tracker reads through the same clients), judged
// against the chain's other beacon endpoints. Without beacon endpoints it exports no metric family at all.

import type { BeaconEndpointTarget, BeaconSample } from '../../domain/beacon.js';
import type { EndpointKind } from '../endpoint-kind.js';
import { BeaconClient } from './beacon-client.js';
import { beaconEndpointCollector } from './beacon-endpoint.js';
import { type BeaconMetrics, createBeaconMetrics } from './beacon-metrics.js';
import { BeaconSampleStore } from './beacon-samples.js';
import { beaconTargets } from './beacon-schema.js';
import {
  type BeaconObservationWithTiming,
  BeaconTracker,
  beaconObservations,
  trackedBeaconChains,
} from './beacon-tracker.js';

export const beaconKind: EndpointKind<
  BeaconEndpointTarget,
  BeaconObservationWithTiming,
  BeaconSample,
  null,
  BeaconTracker,
  BeaconSampleStore,
  BeaconMetrics,
  { clients: Map<string, BeaconClient> }
> = {
  collector: beaconEndpointCollector,
  targets: beaconTargets,
  pollIntervalMs: (chain) => chain.beacon?.pollInterval ?? 0,
  createTracker: (chains, clock) => new BeaconTracker(trackedBeaconChains(chains), clock),
  createStore: (db) => new BeaconSampleStore(db),
  createMetrics: (registry, tracker, targets) => (targets.length > 0 ? createBeaconMetrics(registry, tracker) : null),
  observations: beaconObservations,
  probes: (targets, { chains, metrics, context }) => {
    const settings = new Map(chains.flatMap((chain) => (chain.beacon ? [[chain.id, chain.beacon] as const] : [])));
    const clients = new Map<string, BeaconClient>();
    for (const target of targets) {
      const beacon = settings.get(target.chain)!;
      const client = new BeaconClient({
        url: target.url,
        headers: target.headers,
        timeoutMs: target.timeoutMs,
        bulkTimeoutMs: beacon.bulkTimeout,
        livenessChunkSize: beacon.livenessChunkSize,
        maxListEntries: beacon.maxListEntries,
        onRequest: (event) => metrics?.recordRequest(target, event),
      });
      clients.set(target.endpoint, client);
    }
    const probeContext = { ...context, createApi: (target: BeaconEndpointTarget) => clients.get(target.endpoint)! };
    return {
      createProbe: (target) => beaconEndpointCollector.createProbe(target, probeContext),
      shared: { clients },
    };
  },
  prune: (db, retention, nowMs) => ({
    beacon_samples: new BeaconSampleStore(db).prune(nowMs - retention.rawRetentionMs),
  }),
};
