// Prometheus metrics of beacon endpoints and the chains they serve. Probe counters and the duration histogram
// move with each sample, request counters with each Beacon API request; state gauges are read from the beacon
// tracker at scrape time, so that a stuck node's head age keeps growing between polls. Labels: chain,
// endpoint id, error class, route template (the client's closed list), outcome, version; never a URL, a
// slot or an epoch.

import { Counter, Histogram, type Registry } from 'prom-client';
import type { BeaconEndpointHealth, BeaconEndpointTarget, BeaconSample } from '../../domain/beacon.js';
import { beaconErrorClasses } from '../../domain/beacon.js';
import type { BeaconRequestEvent } from './beacon-client.js';
import { beaconRoutes } from './beacon-routes.js';
import type { BeaconTracker } from './beacon-tracker.js';
import { scrapeGauge } from '../../metrics/scrape-gauge.js';
import { healthGauges, latencyBucketsSeconds, probeErrorCounter } from '../endpoint-metrics.js';

const knownRoutes: ReadonlySet<string> = new Set(beaconRoutes);
const knownOutcomes: ReadonlySet<string> = new Set(['ok', ...beaconErrorClasses]);

const maxVersionLength = 64;

export function createBeaconMetrics(registry: Registry, tracker: BeaconTracker) {
  const { snapshot, endpointGauge, chainGauge } = healthGauges(registry, () => tracker.allHealth());
  const registers = [registry];

  /** Only an endpoint that answered its last, recent probe says anything about its sync state. */
  const answered = (state: BeaconEndpointHealth) => (state.up ? tracker.latestObservation(state.endpoint) : undefined);

  const metrics = {
    probeDuration: new Histogram<'chain' | 'endpoint'>({
      name: 'ere_beacon_probe_duration_seconds',
      help: 'Duration of beacon endpoint probes, failed ones included (its count is the number of probes).',
      labelNames: ['chain', 'endpoint'],
      buckets: latencyBucketsSeconds,
      registers,
    }),
    probeErrors: probeErrorCounter(
      registry,
      'ere_beacon_probe_errors_total',
      'Failed beacon endpoint probes, by error class.',
    ),
    requests: new Counter<'chain' | 'endpoint' | 'route' | 'outcome'>({
      name: 'ere_beacon_requests_total',
      help: 'Beacon API requests, by route template and outcome (ok or the error class).',
      labelNames: ['chain', 'endpoint', 'route', 'outcome'],
      registers,
    }),
    requestDuration: new Histogram<'chain' | 'endpoint' | 'route'>({
      name: 'ere_beacon_request_duration_seconds',
      help: 'Duration of Beacon API requests, by route template.',
      labelNames: ['chain', 'endpoint', 'route'],
      buckets: [...latencyBucketsSeconds, 30, 60, 120],
      registers,
    }),
    responseBytes: new Counter<'chain' | 'endpoint' | 'route'>({
      name: 'ere_beacon_response_bytes_total',
      help: 'Bytes of Beacon API response bodies, by route template.',
      labelNames: ['chain', 'endpoint', 'route'],
      registers,
    }),
    up: endpointGauge(
      'ere_beacon_up',
      '1 when the last probe of the beacon endpoint succeeded and is recent, else 0.',
      (state) => (state.up ? 1 : 0),
    ),
    healthy: endpointGauge(
      'ere_beacon_healthy',
      '1 when the beacon endpoint is up, not syncing, within the lag bound and its head recent enough.',
      (state) => (state.healthy ? 1 : 0),
    ),
    headSlot: endpointGauge(
      'ere_beacon_head_slot',
      'Slot of the head block the beacon endpoint reports.',
      (state) => state.headSlot,
    ),
    headAge: endpointGauge(
      'ere_beacon_head_age_seconds',
      'Now minus the start of the endpoint head slot.',
      (state) => state.headAgeSeconds,
    ),
    lagSlots: endpointGauge(
      'ere_beacon_lag_slots',
      'Slots the endpoint head is behind the highest head among the chain beacon endpoints.',
      (state) => state.lagSlots,
    ),
    finalizedEpoch: endpointGauge(
      'ere_beacon_finalized_epoch',
      'Finalized epoch of the endpoint head state.',
      (state) => state.finalizedEpoch,
    ),
    finalityDistance: endpointGauge(
      'ere_beacon_finality_distance_epochs',
      'Wall-clock epoch minus the endpoint finalized epoch (2 on a healthy network).',
      (state) => state.finalityDistanceEpochs,
    ),
    syncing: endpointGauge('ere_beacon_syncing', '1 when the beacon endpoint reports it is syncing.', (state) =>
      state.syncing === null ? null : Number(state.syncing),
    ),
    syncDistance: endpointGauge(
      'ere_beacon_sync_distance_slots',
      'Slots the beacon endpoint says it is behind (sync_distance).',
      (state) => answered(state)?.syncDistance ?? null,
    ),
    peers: endpointGauge(
      'ere_beacon_peers',
      'Connected peers the beacon endpoint reports (absent when it refuses peer_count).',
      (state) => state.peerCount,
    ),
    info: scrapeGauge(
      registry,
      'ere_beacon_info',
      'Version the beacon endpoint reports (/eth/v1/node/version), value 1: one series per endpoint.',
      ['chain', 'endpoint', 'version'],
      (set) => {
        for (const chain of snapshot()) {
          for (const state of chain.endpoints)
            if (state.version)
              set(
                { chain: chain.chain, endpoint: state.endpoint, version: state.version.slice(0, maxVersionLength) },
                1,
              );
        }
      },
    ),
    healthyEndpoints: chainGauge(
      'ere_beacon_healthy_endpoints',
      'Beacon endpoints of the chain that are healthy (redundancy).',
      (chain) => chain.healthyEndpoints,
    ),
    configuredEndpoints: chainGauge(
      'ere_beacon_configured_endpoints',
      'Beacon endpoints configured for the chain.',
      (chain) => chain.configuredEndpoints,
    ),
  };

  return {
    ...metrics,
    recordSample(sample: BeaconSample): void {
      const labels = { chain: sample.chain, endpoint: sample.endpoint };
      metrics.probeDuration.observe(labels, sample.latencyMs / 1_000);
      if (!sample.ok && sample.errorClass) metrics.probeErrors.inc({ ...labels, error_class: sample.errorClass });
    },
    /** Feeds the request metrics; pass `(event) => recordRequest(target, event)` as the client's `onRequest`. */
    recordRequest(target: Pick<BeaconEndpointTarget, 'chain' | 'endpoint'>, event: BeaconRequestEvent): void {
      // The client's types close both sets; the checks keep a label bounded should a value slip through.
      const labels = {
        chain: target.chain,
        endpoint: target.endpoint,
        route: knownRoutes.has(event.route) ? event.route : 'other',
      };
      metrics.requests.inc({ ...labels, outcome: knownOutcomes.has(event.outcome) ? event.outcome : 'other' });
      metrics.requestDuration.observe(labels, event.durationMs / 1_000);
      if (event.bytes > 0) metrics.responseBytes.inc(labels, event.bytes);
    },
  };
}

export type BeaconMetrics = ReturnType<typeof createBeaconMetrics>;
