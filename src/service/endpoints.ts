// Endpoint health, wired: every chain's RPC and beacon endpoints probed on schedule, each observation
// judged against its chain by the kind's tracker, counted, stored through the batched writer and logged on
// a change; the last state seeded from the store after a restart; the views the API serves, and the
// endpoint, chain and beacon alert rules.

import { BeaconClient } from '../endpoints/beacon/beacon-client.js';
import { createBeaconMetrics } from '../endpoints/beacon/beacon-metrics.js';
import { BeaconSampleStore } from '../endpoints/beacon/beacon-samples.js';
import { beaconTargets } from '../endpoints/beacon/beacon-schema.js';
import { BeaconTracker, beaconObservations, trackedBeaconChains } from '../endpoints/beacon/beacon-tracker.js';
import { seedFromStore } from '../endpoints/endpoint-tracker.js';
import { collectors } from '../endpoints/index.js';
import { pruneRpcHistory } from '../endpoints/rpc/rpc-retention.js';
import { observationPipeline } from '../endpoints/observation-pipeline.js';
import { createRpcMetrics } from '../endpoints/rpc/rpc-metrics.js';
import { RpcSampleStore, type RpcSampleWriter } from '../endpoints/rpc/rpc-samples.js';
import { ChainTracker, rpcObservations } from '../endpoints/rpc/rpc-tracker.js';
import { ChainView } from '../endpoints/rpc/rpc-view.js';
import { collectorRun } from '../endpoints/runner.js';
import { SampleWriters, meteredWriterOptions } from '../endpoints/sample-writer.js';
import type { Config } from '../config/schema.js';
import type { BeaconEndpointTarget } from '../domain/beacon.js';
import type { RpcEndpointTarget } from '../domain/rpc.js';
import { redactUrl } from '../log/redact.js';
import type { ScheduledTask } from '../scheduler/scheduler.js';
import type { Capability, ServiceContext } from './capability.js';

export interface EndpointsCapability extends Capability {
  rpc: { tracker: ChainTracker; store: RpcSampleStore; targets: RpcEndpointTarget[] };
  beacon: { tracker: BeaconTracker; targets: BeaconEndpointTarget[]; clients: Map<string, BeaconClient> };
  /** Writes buffered samples now (tests read the store right after). */
  flush(): void;
}

function rpcTargets(config: Config): RpcEndpointTarget[] {
  return config.chains.flatMap((chain) =>
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

function createTracker(context: ServiceContext): ChainTracker {
  const chains = context.config.chains.map((chain) => ({
    chain: chain.id,
    endpoints: chain.rpc.map((endpoint) => endpoint.id),
    policy: {
      maxLagBlocks: chain.maxLagBlocks,
      staleAfterMs: chain.pollInterval * chain.staleAfterIntervals,
      minBlockIntervalMs: chain.minBlockInterval,
    },
  }));
  return new ChainTracker(chains, context.clock);
}

function rpcTasks(
  context: ServiceContext,
  targets: RpcEndpointTarget[],
  tracker: ChainTracker,
  writer: RpcSampleWriter,
) {
  const { clock, config } = context;
  const log = context.logger.child({ module: 'collector', collector: collectors.rpc.kind });
  const metrics = createRpcMetrics(context.registry, tracker);
  const { scrubber } = context;
  const onObservation = observationPipeline(rpcObservations(tracker), { scrubber, metrics, writer, log });
  const probeContext = { clock, shutdownSignal: context.shutdownSignal };
  const intervals = new Map(config.chains.map((chain) => [chain.id, chain.pollInterval]));
  return targets.map((target): ScheduledTask => {
    const ancestorHeights = () => tracker.ancestorHeights(target.endpoint);
    const probe = collectors.rpc.createProbe({ ...target, ancestorHeights }, probeContext);
    const url = redactUrl(target.url, { showPath: target.showPath });
    log.info({ chain: target.chain, endpoint: target.endpoint, url }, 'watching endpoint');
    return {
      id: `rpc/${target.endpoint}`,
      kind: collectors.rpc.kind,
      intervalMs: intervals.get(target.chain)!,
      run: collectorRun(collectors.rpc, target, probe, { clock, metrics: context.selfMetrics, onObservation }),
    };
  });
}

function beaconClients(
  config: Config,
  targets: BeaconEndpointTarget[],
  metrics: ReturnType<typeof createBeaconMetrics> | null,
) {
  const settings = new Map(config.chains.flatMap((chain) => (chain.beacon ? [[chain.id, chain.beacon] as const] : [])));
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
  return clients;
}

function createBeacon(context: ServiceContext, writers: SampleWriters) {
  const { clock, config } = context;
  const targets = beaconTargets(config.chains);
  const tracker = new BeaconTracker(trackedBeaconChains(config.chains), clock);
  const samples = new BeaconSampleStore(context.db);
  seedFromStore(tracker, samples);
  // Without beacon endpoints there are no beacon series at all, not even empty metric families.
  const metrics = targets.length > 0 ? createBeaconMetrics(context.registry, tracker) : null;
  const clients = beaconClients(config, targets, metrics);
  const log = context.logger.child({ module: 'collector', collector: collectors.beacon.kind });
  const writer = writers.writerFor(samples);
  const { scrubber } = context;
  const onObservation = observationPipeline(beaconObservations(tracker), { scrubber, metrics, writer, log });
  const intervals = new Map(config.chains.map((chain) => [chain.id, chain.beacon?.pollInterval ?? 0]));
  const createApi = (target: BeaconEndpointTarget) => clients.get(target.endpoint)!;
  const probeContext = { clock, shutdownSignal: context.shutdownSignal, createApi };
  const tasks = targets.map((target): ScheduledTask => {
    const url = redactUrl(target.url, { showPath: target.showPath });
    log.info({ chain: target.chain, endpoint: target.endpoint, url }, 'watching beacon endpoint');
    const probe = collectors.beacon.createProbe(target, probeContext);
    return {
      id: `beacon/${target.endpoint}`,
      kind: collectors.beacon.kind,
      intervalMs: intervals.get(target.chain)!,
      run: collectorRun(collectors.beacon, target, probe, { clock, metrics: context.selfMetrics, onObservation }),
    };
  });
  return { targets, tracker, samples, clients, tasks };
}

export function createEndpoints(context: ServiceContext): EndpointsCapability {
  const { config, db } = context;
  const store = new RpcSampleStore(db);
  const targets = rpcTargets(config);
  const tracker = createTracker(context);
  seedFromStore(tracker, store);
  const storeLog = context.logger.child({ module: 'store' });
  const writers = new SampleWriters(meteredWriterOptions(config.storage.flushInterval, context.selfMetrics, storeLog));
  const beacon = createBeacon(context, writers);
  const view = new ChainView(config, tracker);
  return {
    name: 'endpoints',
    rpc: { tracker, store, targets },
    beacon: { tracker: beacon.tracker, targets: beacon.targets, clients: beacon.clients },
    tasks: [...rpcTasks(context, targets, tracker, writers.writerFor(store)), ...beacon.tasks],
    http: {
      view,
      samples: store,
      ...(beacon.targets.length > 0 ? { beacon: { tracker: beacon.tracker, targets: beacon.targets } } : {}),
    },
    alertRules: [],
    thresholdReaders: { tracker, beacon: beacon.tracker },
    prune: (nowMs) => {
      const { rawRetention, rollupRetention } = config.storage;
      const rpc = pruneRpcHistory(db, { rawRetentionMs: rawRetention, rollupRetentionMs: rollupRetention }, nowMs);
      return {
        rpc_samples: rpc.samples,
        rpc_rollups_1m: rpc.rollups,
        chain_rollups_1m: rpc.chainRollups,
        beacon_samples: beacon.samples.prune(nowMs - rawRetention),
      };
    },
    flush: () => writers.flush(),
    start: () => writers.start(),
    stop: () => {
      writers.close();
    },
  };
}
