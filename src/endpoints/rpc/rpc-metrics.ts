// Prometheus metrics of RPC endpoints and chains. Counters and the latency histogram move with each
// sample; state gauges are read from the chain tracker at scrape time, so that a halted chain's head
// age keeps growing between polls. Labels: chain, endpoint id, error class; never a URL.

import { Counter, Histogram, type Registry } from 'prom-client';
import { parseClientVersion } from '../../domain/client-version.js';
import type { RpcSample } from '../../domain/rpc.js';
import type { ChainTracker } from './rpc-tracker.js';
import { scrapeGauge } from '../../metrics/scrape-gauge.js';
import { healthGauges, latencyBucketsSeconds, probeErrorCounter } from '../endpoint-metrics.js';

export { latencyBucketsSeconds } from '../endpoint-metrics.js';

export function createRpcMetrics(registry: Registry, tracker: ChainTracker) {
  const { snapshot, endpointGauge, chainGauge } = healthGauges(registry, () => tracker.allHealth());
  const registers = [registry];

  const latest = (endpoint: string) => tracker.latestObservation(endpoint);

  const metrics = {
    probes: new Counter<'chain' | 'endpoint' | 'outcome'>({
      name: 'ere_rpc_probes_total',
      help: 'RPC endpoint probes, by outcome (success or failure).',
      labelNames: ['chain', 'endpoint', 'outcome'],
      registers,
    }),
    probeErrors: probeErrorCounter(
      registry,
      'ere_rpc_probe_errors_total',
      'Failed RPC endpoint probes, by error class.',
    ),
    latency: new Histogram<'chain' | 'endpoint'>({
      name: 'ere_rpc_probe_latency_seconds',
      help: 'Time for an RPC endpoint to answer a probe (one batch), successful probes only.',
      labelNames: ['chain', 'endpoint'],
      buckets: latencyBucketsSeconds,
      registers,
    }),
    up: endpointGauge(
      'ere_rpc_endpoint_up',
      '1 when the last probe of the endpoint succeeded and is recent, else 0.',
      (state) => (state.up ? 1 : 0),
    ),
    healthy: endpointGauge(
      'ere_rpc_endpoint_healthy',
      '1 when the endpoint is up, on the right chain, not syncing and within the lag bound.',
      (state) => (state.healthy ? 1 : 0),
    ),
    headBlock: endpointGauge(
      'ere_rpc_endpoint_head_block',
      'Head block number the endpoint reports.',
      (state) => state.headBlock,
    ),
    headAge: endpointGauge(
      'ere_rpc_endpoint_head_age_seconds',
      'Now minus the timestamp of the endpoint head block.',
      (state) => state.headAgeSeconds,
    ),
    lagBlocks: endpointGauge(
      'ere_rpc_endpoint_lag_blocks',
      'Blocks the endpoint is behind the chain consensus head (negative when ahead).',
      (state) => state.lagBlocks,
    ),
    lagSeconds: endpointGauge(
      'ere_rpc_endpoint_lag_seconds',
      'Seconds between the consensus head block and the endpoint head block.',
      (state) => state.lagSeconds,
    ),
    syncing: endpointGauge('ere_rpc_endpoint_syncing', '1 when the endpoint reports it is syncing.', (state) => {
      const observation = latest(state.endpoint);
      return state.up && observation?.syncing != null ? Number(observation.syncing) : null;
    }),
    peers: endpointGauge(
      'ere_rpc_endpoint_peers',
      'Peer count the endpoint reports (absent when it refuses net_peerCount).',
      (state) => (state.up ? (latest(state.endpoint)?.peerCount ?? null) : null),
    ),
    gasUtilization: endpointGauge(
      'ere_rpc_endpoint_gas_utilization_ratio',
      'gasUsed / gasLimit of the endpoint head block.',
      (state) => {
        const observation = latest(state.endpoint);
        return state.up && observation?.gasUsed != null && observation.gasLimit
          ? observation.gasUsed / observation.gasLimit
          : null;
      },
    ),
    baseFee: endpointGauge(
      'ere_rpc_endpoint_base_fee_per_gas_wei',
      'Base fee per gas of the endpoint head block, in wei.',
      (state) => (state.up ? (latest(state.endpoint)?.baseFeePerGasWei ?? null) : null),
    ),
    info: scrapeGauge(
      registry,
      'ere_rpc_endpoint_info',
      'Client name and version the endpoint reports (web3_clientVersion), value 1.',
      ['chain', 'endpoint', 'client', 'version'],
      (set) => {
        for (const chain of snapshot()) {
          for (const state of chain.endpoints) {
            const text = tracker.clientVersion(state.endpoint);
            if (text) set({ chain: chain.chain, endpoint: state.endpoint, ...parseClientVersion(text) }, 1);
          }
        }
      },
    ),
    consensusHead: chainGauge(
      'ere_chain_consensus_head_block',
      'Highest block at least two endpoints have reached (the only head with one endpoint).',
      (chain) => chain.consensusHead,
    ),
    chainHeadAge: chainGauge(
      'ere_chain_head_age_seconds',
      'Now minus the timestamp of the consensus head block: grows when the chain halts.',
      (chain) => chain.headAgeSeconds,
    ),
    healthyEndpoints: chainGauge(
      'ere_chain_healthy_endpoints',
      'Endpoints of the chain that are healthy (redundancy).',
      (chain) => chain.healthyEndpoints,
    ),
    configuredEndpoints: chainGauge(
      'ere_chain_endpoints',
      'Endpoints configured for the chain.',
      (chain) => chain.configuredEndpoints,
    ),
    singlePointOfFailure: chainGauge(
      'ere_chain_single_point_of_failure',
      '1 when exactly one endpoint of the chain is healthy.',
      (chain) => (chain.singlePointOfFailure ? 1 : 0),
    ),
  };

  return {
    ...metrics,
    recordSample(sample: RpcSample): void {
      const labels = { chain: sample.chain, endpoint: sample.endpoint };
      metrics.probes.inc({ ...labels, outcome: sample.ok ? 'success' : 'failure' });
      if (sample.ok) metrics.latency.observe(labels, sample.latencyMs / 1_000);
      else if (sample.errorClass) metrics.probeErrors.inc({ ...labels, error_class: sample.errorClass });
    },
  };
}

export type RpcMetrics = ReturnType<typeof createRpcMetrics>;
