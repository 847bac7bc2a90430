// The Chains & RPC endpoints dashboard's last row: the beacon endpoints of each chain's consensus layer, whether
// they are up, in step with each other and finalizing, and how their Beacon API answers.

import { type Panel, quantile, type Row, rate, row, stat, timeseries } from './panels.js';

/** The panels of the beacon endpoints of the chains `beacon` selects. */
export function beaconPanels(beacon: string): (Panel | Row)[] {
  return [
    row('Beacon endpoints'),
    stat({
      title: 'Healthy / configured beacon endpoints',
      description:
        'Beacon endpoints that are up, not syncing, near the highest head and with a recent head slot, and those ' +
        'configured.',
      queries: [
        { expr: `ere_beacon_healthy_endpoints{${beacon}}`, legend: '{{chain}} healthy' },
        { expr: `ere_beacon_configured_endpoints{${beacon}}`, legend: '{{chain}} configured' },
      ],
      decimals: 0,
      w: 6,
      h: 8,
    }),
    timeseries({
      title: 'Beacon endpoints up',
      description: 'The last probe succeeded and is recent.',
      queries: [
        { expr: `ere_beacon_up{${beacon}}`, legend: '{{endpoint}} up' },
        { expr: `ere_beacon_healthy{${beacon}}`, legend: '{{endpoint}} healthy' },
      ],
      min: 0,
      max: 1,
      stepped: true,
      w: 9,
    }),
    timeseries({
      title: 'Beacon head slot lag',
      description: 'Slots behind the highest head among the chain’s beacon endpoints.',
      queries: [{ expr: `ere_beacon_lag_slots{${beacon}}`, legend: '{{endpoint}}' }],
      decimals: 0,
      min: 0,
      w: 9,
    }),
    timeseries({
      title: 'Beacon head age',
      description: 'Now minus the start of the head slot.',
      queries: [{ expr: `ere_beacon_head_age_seconds{${beacon}}`, legend: '{{endpoint}}' }],
      unit: 's',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Finality distance',
      description: 'Wall-clock epoch minus finalized epoch: 2 on a healthy network.',
      queries: [{ expr: `ere_beacon_finality_distance_epochs{${beacon}}`, legend: '{{endpoint}}' }],
      decimals: 0,
      min: 0,
      thresholds: [
        ['green', null],
        ['orange', 3],
        ['red', 5],
      ],
      thresholdLines: true,
      w: 8,
    }),
    timeseries({
      title: 'Beacon probe duration p95',
      description: 'Duration of beacon probes, failed ones included.',
      queries: [
        {
          expr: quantile(0.95, 'ere_beacon_probe_duration_seconds', beacon, ['chain', 'endpoint']),
          legend: '{{endpoint}}',
        },
      ],
      unit: 's',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Beacon probe errors by class',
      description: 'Failed beacon probes per second.',
      queries: [
        {
          expr: rate('ere_beacon_probe_errors_total', beacon, ['endpoint', 'error_class']),
          legend: '{{endpoint}} {{error_class}}',
        },
      ],
      unit: 'reqps',
      min: 0,
      stack: true,
      w: 8,
    }),
    timeseries({
      title: 'Beacon API requests by route and outcome',
      description: 'Requests of the probes and of validator tracking per second.',
      queries: [
        { expr: rate('ere_beacon_requests_total', beacon, ['route', 'outcome']), legend: '{{route}} {{outcome}}' },
      ],
      unit: 'reqps',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Beacon API request duration p95 by route',
      description: 'The validator list can take long on large networks.',
      queries: [
        { expr: quantile(0.95, 'ere_beacon_request_duration_seconds', beacon, ['route']), legend: '{{route}}' },
      ],
      unit: 's',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Beacon peers and sync distance',
      description: 'Connected peers, and slots the node says it is behind.',
      queries: [
        { expr: `ere_beacon_peers{${beacon}}`, legend: '{{endpoint}} peers' },
        { expr: `ere_beacon_sync_distance_slots{${beacon}}`, legend: '{{endpoint}} sync distance' },
        { expr: `ere_beacon_syncing{${beacon}}`, legend: '{{endpoint}} syncing' },
      ],
      decimals: 0,
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Beacon response bytes',
      description: 'Response body bytes read per second, by route.',
      queries: [{ expr: rate('ere_beacon_response_bytes_total', beacon, ['route']), legend: '{{route}}' }],
      unit: 'Bps',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Beacon head slot and finalized epoch',
      description: 'Head slot and finalized epoch of each endpoint.',
      queries: [
        { expr: `ere_beacon_head_slot{${beacon}}`, legend: '{{endpoint}} head slot' },
        { expr: `ere_beacon_finalized_epoch{${beacon}}`, legend: '{{endpoint}} finalized epoch' },
      ],
      decimals: 0,
      w: 8,
    }),
  ];
}
