// Chains & RPC endpoints: is each chain moving, how many endpoints could serve it, and which endpoint is
// behind, slow or failing, and how. Beacon endpoints of the chain's consensus layer at the bottom
// (beacons.ts).

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardUrl, ereDashboard, labelVariable } from './dashboard.js';
import { beaconPanels } from './beacons.js';
import { bargauge, booleanMapping, quantile, rate, row, stat, table, timeseries } from './panels.js';

const chain = 'chain=~"$chain"';
const endpoint = 'chain=~"$chain", endpoint=~"$endpoint"';
const upMapping = booleanMapping(['down', 'red'], ['up', 'green']);
const probes = (selector: string) => rate('ere_rpc_probes_total', selector, ['chain', 'endpoint']);

export function chainsDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-chains',
    title: 'ERE / Chains & RPC endpoints',
    description: 'Consensus heads, endpoint health, lag, latency, errors and redundancy of every monitored chain.',
    from: 'now-3h',
    variables: [
      labelVariable({ name: 'chain', label: 'Chain', query: 'label_values(ere_chain_endpoints, chain)' }),
      labelVariable({
        name: 'endpoint',
        label: 'Endpoint',
        query: 'label_values(ere_rpc_endpoint_up{chain=~"$chain"}, endpoint)',
      }),
    ],
    panels: [
      row('Chains'),
      stat({
        title: 'Consensus head',
        description:
          'The highest block at least two endpoints have reached (the only head with one endpoint): one lying ' +
          'endpoint cannot move it.',
        queries: [{ expr: `ere_chain_consensus_head_block{${chain}}`, legend: '{{chain}}' }],
        decimals: 0,
        w: 5,
      }),
      stat({
        title: 'Chain head age',
        description: 'Now minus the consensus head block timestamp. It keeps growing while the chain is halted.',
        queries: [{ expr: `ere_chain_head_age_seconds{${chain}}`, legend: '{{chain}}' }],
        unit: 's',
        thresholds: [
          ['green', null],
          ['orange', 30],
          ['red', 120],
        ],
        w: 5,
      }),
      stat({
        title: 'Healthy / configured endpoints',
        description: 'Endpoints healthy now (up, right chain id, not syncing, within the lag bound) and configured.',
        queries: [
          { expr: `ere_chain_healthy_endpoints{${chain}}`, legend: '{{chain}} healthy' },
          { expr: `ere_chain_endpoints{${chain}}`, legend: '{{chain}} configured' },
        ],
        decimals: 0,
        w: 5,
      }),
      stat({
        title: 'Single point of failure',
        description:
          'YES when exactly one endpoint is healthy: the chain is served, but one more failure takes it away.',
        queries: [{ expr: `ere_chain_single_point_of_failure{${chain}}`, legend: '{{chain}}' }],
        mappings: booleanMapping(['no', 'green'], ['YES', 'red']),
        w: 4,
      }),
      bargauge({
        title: 'Redundancy',
        description: 'Healthy endpoints as a share of the configured ones.',
        queries: [
          { expr: `ere_chain_healthy_endpoints{${chain}} / ere_chain_endpoints{${chain}}`, legend: '{{chain}}' },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: [
          ['red', null],
          ['orange', 0.5],
          ['green', 0.99],
        ],
        w: 5,
        h: 4,
      }),
      timeseries({
        title: 'Healthy vs configured endpoints',
        description:
          'A gap between the lines is endpoints out of service; one healthy endpoint is a single point of failure.',
        queries: [
          { expr: `ere_chain_healthy_endpoints{${chain}}`, legend: '{{chain}} healthy' },
          { expr: `ere_chain_endpoints{${chain}}`, legend: '{{chain}} configured' },
        ],
        decimals: 0,
        min: 0,
        stepped: true,
      }),
      timeseries({
        title: 'Chain head age',
        description: 'Seconds since the consensus head block; a rising saw-tooth is normal, a ramp is a halt.',
        queries: [{ expr: `ere_chain_head_age_seconds{${chain}}`, legend: '{{chain}}' }],
        unit: 's',
        min: 0,
      }),
      row('Endpoints'),
      table({
        title: 'Endpoint status',
        description: 'The latest probe of each endpoint.',
        columns: ['Up', 'Healthy', 'Lag (blocks)', 'Head age', 'Latency p95'],
        queries: [
          `max by (chain, endpoint) (ere_rpc_endpoint_up{${endpoint}})`,
          `max by (chain, endpoint) (ere_rpc_endpoint_healthy{${endpoint}})`,
          `max by (chain, endpoint) (ere_rpc_endpoint_lag_blocks{${endpoint}})`,
          `max by (chain, endpoint) (ere_rpc_endpoint_head_age_seconds{${endpoint}})`,
          quantile(0.95, 'ere_rpc_probe_latency_seconds', endpoint, ['chain', 'endpoint']),
        ],
        overrides: [
          { matcher: { id: 'byName', options: 'Head age' }, properties: [{ id: 'unit', value: 's' }] },
          { matcher: { id: 'byName', options: 'Latency p95' }, properties: [{ id: 'unit', value: 's' }] },
        ],
        h: 7,
      }),
      timeseries({
        title: 'Up',
        description: 'The last probe succeeded and is recent.',
        queries: [{ expr: `ere_rpc_endpoint_up{${endpoint}}`, legend: '{{endpoint}}' }],
        mappings: upMapping,
        min: 0,
        max: 1,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Healthy',
        description: 'Up, right chain id, not syncing, and within maxLagBlocks of the consensus head.',
        queries: [{ expr: `ere_rpc_endpoint_healthy{${endpoint}}`, legend: '{{endpoint}}' }],
        min: 0,
        max: 1,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Probe success ratio',
        description: 'Share of probes that succeeded over the rate interval.',
        queries: [
          {
            expr: `${probes(`${endpoint}, outcome="success"`)} / ${probes(endpoint)}`,
            legend: '{{endpoint}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 8,
      }),
      timeseries({
        title: 'Head block',
        description: "Each endpoint's latest block.",
        queries: [{ expr: `ere_rpc_endpoint_head_block{${endpoint}}`, legend: '{{endpoint}}' }],
        decimals: 0,
        w: 8,
      }),
      timeseries({
        title: 'Lag behind the consensus head (blocks)',
        description: 'Negative when an endpoint is ahead of what the others confirm.',
        queries: [{ expr: `ere_rpc_endpoint_lag_blocks{${endpoint}}`, legend: '{{endpoint}}' }],
        decimals: 0,
        w: 8,
      }),
      timeseries({
        title: 'Lag behind the consensus head (seconds)',
        description: "Seconds between the consensus head block and the endpoint's head block.",
        queries: [{ expr: `ere_rpc_endpoint_lag_seconds{${endpoint}}`, legend: '{{endpoint}}' }],
        unit: 's',
        w: 8,
      }),
      timeseries({
        title: 'Endpoint head age',
        description: "Now minus the timestamp of the endpoint's head block.",
        queries: [{ expr: `ere_rpc_endpoint_head_age_seconds{${endpoint}}`, legend: '{{endpoint}}' }],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Probe latency p95',
        description: 'Time to answer the probe batch, successful probes only.',
        queries: [
          {
            expr: quantile(0.95, 'ere_rpc_probe_latency_seconds', endpoint, ['chain', 'endpoint']),
            legend: '{{endpoint}}',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Probe latency p50',
        description: 'Median time to answer the probe batch, successful probes only.',
        queries: [
          {
            expr: quantile(0.5, 'ere_rpc_probe_latency_seconds', endpoint, ['chain', 'endpoint']),
            legend: '{{endpoint}}',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Probe errors by class',
        description:
          'Failed probes per second: timeout, http_status, rate_limited, jsonrpc_error, invalid_response, ' +
          'chain_id_mismatch, connection.',
        queries: [
          {
            expr: rate('ere_rpc_probe_errors_total', endpoint, ['endpoint', 'error_class']),
            legend: '{{endpoint}} {{error_class}}',
          },
        ],
        unit: 'reqps',
        min: 0,
        stack: true,
        links: [{ title: 'Alerts & notifications', url: dashboardUrl('ere-alerts') }],
      }),
      timeseries({
        title: 'Syncing',
        description: '1 while eth_syncing reports syncing.',
        queries: [{ expr: `ere_rpc_endpoint_syncing{${endpoint}}`, legend: '{{endpoint}}' }],
        min: 0,
        max: 1,
        stepped: true,
        w: 6,
      }),
      timeseries({
        title: 'Peers',
        description: 'net_peerCount; absent for endpoints that refuse it.',
        queries: [{ expr: `ere_rpc_endpoint_peers{${endpoint}}`, legend: '{{endpoint}}' }],
        decimals: 0,
        min: 0,
        w: 6,
      }),
      timeseries({
        title: 'Gas utilisation',
        description: 'gasUsed / gasLimit of the head block.',
        queries: [{ expr: `ere_rpc_endpoint_gas_utilization_ratio{${endpoint}}`, legend: '{{endpoint}}' }],
        unit: 'percentunit',
        min: 0,
        w: 6,
      }),
      timeseries({
        title: 'Base fee',
        description: 'Base fee per gas of the head block, in wei.',
        queries: [{ expr: `ere_rpc_endpoint_base_fee_per_gas_wei{${endpoint}}`, legend: '{{endpoint}}' }],
        unit: 'short',
        min: 0,
        w: 6,
      }),
      table({
        title: 'Clients',
        description: 'Client and version each endpoint reports (web3_clientVersion).',
        columns: ['Reported'],
        queries: [`max by (chain, endpoint, client, version) (ere_rpc_endpoint_info{${endpoint}})`],
        h: 6,
      }),
      ...beaconPanels(chain),
    ],
  });
}
