// The RPC endpoint kind: every `chains[].rpc` endpoint, probed every `pollInterval` with the heights the
// tracker already knows of its chain (for the ancestor check), judged against its chain's consensus head and
// stored with the chain's state beside each sample.

import type { RpcEndpointTarget } from '../../domain/rpc.js';
import type { ChainConfig } from '../chain-schema.js';
import type { EndpointKind } from '../endpoint-kind.js';
import { createRpcMetrics, type RpcMetrics } from './rpc-metrics.js';
import { pruneRpcHistory } from './rpc-retention.js';
import { rpcEndpointCollector } from './rpc-endpoint.js';
import { RpcSampleStore } from './rpc-samples.js';
import { ChainTracker, rpcObservations } from './rpc-tracker.js';
import type { ChainObservation, RpcObservation, RpcSample } from '../../domain/rpc.js';

function rpcTargets(chains: readonly ChainConfig[]): RpcEndpointTarget[] {
  return chains.flatMap((chain) =>
    chain.rpc.map((endpoint) => ({
      chain: chain.id,
      endpoint: endpoint.id,
      url: endpoint.url,
      headers: endpoint.headers,
      showPath: endpoint.showPath,
      expectedChainId: chain.chainId,
      timeoutMs: chain.timeout,
      labels: { ...chain.labels, ...endpoint.labels },
    })),
  );
}

function trackedChains(chains: readonly ChainConfig[]) {
  return chains.map((chain) => ({
    chain: chain.id,
    endpoints: chain.rpc.map((endpoint) => endpoint.id),
    policy: {
      maxLagBlocks: chain.maxLagBlocks,
      staleAfterMs: chain.pollInterval * chain.staleAfterIntervals,
      minBlockIntervalMs: chain.minBlockInterval,
    },
  }));
}

export const rpcKind: EndpointKind<
  RpcEndpointTarget,
  RpcObservation,
  RpcSample,
  ChainObservation | null,
  ChainTracker,
  RpcSampleStore,
  RpcMetrics,
  null
> = {
  collector: rpcEndpointCollector,
  targets: rpcTargets,
  pollIntervalMs: (chain) => chain.pollInterval,
  createTracker: (chains, clock) => new ChainTracker(trackedChains(chains), clock),
  createStore: (db) => new RpcSampleStore(db),
  createMetrics: (registry, tracker) => createRpcMetrics(registry, tracker),
  observations: rpcObservations,
  probes: (_targets, { tracker, context }) => ({
    createProbe: (target) => {
      const ancestorHeights = () => tracker.ancestorHeights(target.endpoint);
      return rpcEndpointCollector.createProbe({ ...target, ancestorHeights }, context);
    },
    shared: null,
  }),
  prune: (db, retention, nowMs) => {
    const rpc = pruneRpcHistory(db, retention, nowMs);
    return { rpc_samples: rpc.samples, rpc_rollups_1m: rpc.rollups, chain_rollups_1m: rpc.chainRollups };
  },
};
