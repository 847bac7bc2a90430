// Endpoint health, wired: every chain's RPC and beacon endpoints probed on schedule, each observation
// judged against its chain by the kind's tracker, counted, stored through the batched writer and logged on
// a change; the last state seeded from the store after a restart; the views the API serves, and the
// endpoint, chain and beacon alert rules.

import { BeaconClient } from '../endpoints/beacon/beacon-client.js';
import { createBeaconMetrics } from '../endpoints/beacon/beacon-metrics.js';
import { BeaconSampleStore } from '../endpoints/beacon/beacon-samples.js';
import { beaconTargets } from '../endpoints/beacon/beacon-schema.js';
import { BeaconTracker, trackedBeaconChains } from '../endpoints/beacon/beacon-tracker.js';
import { collectors } from '../endpoints/index.js';
import { pruneRpcHistory } from '../endpoints/rpc/rpc-retention.js';
import { createRpcMetrics, type RpcMetrics } from '../endpoints/rpc/rpc-metrics.js';
import { RpcSampleStore } from '../endpoints/rpc/rpc-samples.js';
import { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import { ChainView } from '../endpoints/rpc/rpc-view.js';
import { collectorRun } from '../endpoints/runner.js';
import { SampleWriter } from '../endpoints/sample-writer.js';
import type { Config } from '../config/schema.js';
import type { BeaconEndpointTarget, BeaconObservation } from '../domain/beacon.js';
import type { RpcEndpointTarget, RpcObservation } from '../domain/rpc.js';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/redact.js';
import type { ScheduledTask } from '../scheduler/scheduler.js';
import type { Capability, ServiceContext } from './capability.js';

export interface EndpointsCapability extends Capability {
  rpc: { tracker: ChainTracker; store: RpcSampleStore; targets: RpcEndpointTarget[] };
  beacon: { tracker: BeaconTracker; targets: BeaconEndpointTarget[]; clients: Map<string, BeaconClient> };
  /** Writes buffered samples now (tests read the store right after). */
  flush(): void;
}

export function rpcTargets(config: Config): RpcEndpointTarget[] {
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

function createWriter(store: RpcSampleStore, context: ServiceContext): SampleWriter {
  const { selfMetrics: metrics } = context;
  const log = context.logger.child({ module: 'store' });
  return new SampleWriter(store, {
    flushIntervalMs: context.config.storage.flushInterval,
    onFlush: ({ samples, durationSeconds }) => {
      metrics.storeWriteDuration.observe(durationSeconds);
      metrics.storeSamplesWritten.inc(samples);
    },
    onError: (error, waiting) => {
      metrics.storeWriteErrors.inc();
      log.error({ err: error, waiting }, 'writing samples failed; they stay queued');
    },
    onDrop: (count) => metrics.storeSamplesDropped.inc(count),
  });
}

/** What happens to each RPC observation: derived against its chain, counted, stored, and logged on change. */
function rpcObservationHandler(deps: {
  scrubber: ServiceContext['scrubber'];
  tracker: ChainTracker;
  metrics: RpcMetrics;
  writer: SampleWriter;
  log: Logger;
}) {
  const lastOutcome = new Map<string, string>();
  return (observation: RpcObservation): void => {
    // The observation is the pipeline's own, fresh from the collector: scrubbed in place, its shape kept.
    if (observation.errorMessage !== null) observation.errorMessage = deps.scrubber.scrub(observation.errorMessage);
    const { sample, chain } = deps.tracker.observe(observation);
    deps.metrics.recordSample(sample);
    deps.writer.enqueue(sample, chain);
    // Log changes of an endpoint's outcome, not every failed probe.
    const outcome = sample.ok ? 'up' : `down: ${sample.errorClass}`;
    if (lastOutcome.get(sample.endpoint) === outcome) return;
    lastOutcome.set(sample.endpoint, outcome);
    const fields = {
      chain: sample.chain,
      endpoint: sample.endpoint,
      errorClass: sample.errorClass,
      reason: sample.errorMessage,
    };
    if (sample.ok) deps.log.info(fields, 'endpoint is up');
    else deps.log.warn(fields, 'endpoint probe failed');
  };
}

function rpcTasks(context: ServiceContext, targets: RpcEndpointTarget[], tracker: ChainTracker, writer: SampleWriter) {
  const { clock, config } = context;
  const log = context.logger.child({ module: 'collector', collector: collectors.rpc.kind });
  const metrics = createRpcMetrics(context.registry, tracker);
  const onObservation = rpcObservationHandler({ scrubber: context.scrubber, tracker, metrics, writer, log });
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

function beaconClients(config: Config, targets: BeaconEndpointTarget[], metrics: ReturnType<typeof createBeaconMetrics> | null) {
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

function createBeacon(context: ServiceContext) {
  const { clock, config } = context;
  const targets = beaconTargets(config.chains);
  const tracker = new BeaconTracker(trackedBeaconChains(config.chains), clock);
  const samples = new BeaconSampleStore(context.db);
  const configured = new Set(targets.map((target) => `${target.chain}/${target.endpoint}`));
  for (const sample of samples.latestPerEndpoint()) {
    if (configured.has(`${sample.chain}/${sample.endpoint}`)) tracker.seed(sample);
  }
  // Without beacon endpoints there are no beacon series at all, not even empty metric families.
  const metrics = targets.length > 0 ? createBeaconMetrics(context.registry, tracker) : null;
  const clients = beaconClients(config, targets, metrics);
  const log = context.logger.child({ module: 'collector', collector: collectors.beacon.kind });
  const lastOutcome = new Map<string, string>();
  const onObservation = (observation: BeaconObservation) => {
    const { scrubber } = context;
    if (observation.errorMessage !== null) observation.errorMessage = scrubber.scrub(observation.errorMessage);
    // Each failing route's message is shown in the API beside errorMessage: scrubbed the same way.
    if (observation.failingRoutes?.length) {
      observation.failingRoutes = observation.failingRoutes.map((failure) => ({
        ...failure,
        message: scrubber.scrub(failure.message),
      }));
    }
    const sample = tracker.observe(observation);
    metrics?.recordSample(sample);
    samples.insertMany([sample]);
    const outcome = sample.ok ? 'up' : `down: ${sample.errorClass}`;
    if (lastOutcome.get(sample.endpoint) === outcome) return;
    lastOutcome.set(sample.endpoint, outcome);
    const fields = {
      chain: sample.chain,
      endpoint: sample.endpoint,
      errorClass: sample.errorClass,
      reason: sample.errorMessage,
    };
    if (sample.ok) log.info(fields, 'beacon endpoint is up');
    else log.warn(fields, 'beacon endpoint probe failed');
  };
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
  // The last known state survives a restart: the API shows it before the first new probe.
  const configured = new Set(targets.map((target) => `${target.chain}/${target.endpoint}`));
  for (const sample of store.latestPerEndpoint()) {
    if (configured.has(`${sample.chain}/${sample.endpoint}`)) tracker.seed(sample);
  }
  const writer = createWriter(store, context);
  const beacon = createBeacon(context);
  const view = new ChainView(config, tracker);
  return {
    name: 'endpoints',
    rpc: { tracker, store, targets },
    beacon: { tracker: beacon.tracker, targets: beacon.targets, clients: beacon.clients },
    tasks: [...rpcTasks(context, targets, tracker, writer), ...beacon.tasks],
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
    flush: () => writer.flush(),
    start: () => writer.start(),
    stop: () => {
      writer.close();
    },
  };
}
