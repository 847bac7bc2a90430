// Endpoint health, wired: every kind of `endpointKinds` the same way. Its endpoints probed on schedule, each
// observation judged against its chain by the kind's tracker, counted, stored through the batched writer and
// logged on a change; the last state seeded from the store after a restart; each kind's retention. Then what
// the API and the threshold rules read of the RPC and beacon kinds.

import type { AnyEndpointKind, WiredEndpointKind } from '../endpoints/endpoint-kind.js';
import { seedFromStore } from '../endpoints/endpoint-tracker.js';
import { type EndpointKindName, endpointKinds } from '../endpoints/index.js';
import { observationPipeline } from '../endpoints/observation-pipeline.js';
import { readBeaconExecutionBlocks } from '../endpoints/beacon/beacon-execution-blocks.js';
import { wireCanary, type CanaryReader } from '../endpoints/rpc/canary/index.js';
import { wireCorrectness, type CorrectnessReader } from '../endpoints/rpc/correctness/index.js';
import { ChainView } from '../endpoints/rpc/rpc-view.js';
import { collectorRun } from '../endpoints/runner.js';
import { SampleWriters, meteredWriterOptions } from '../endpoints/sample-writer.js';
import { redactUrl } from '../log/redact.js';
import type { ScheduledTask } from '../scheduler/scheduler.js';
import type { Capability, ServiceContext } from './capability.js';

type WiredKinds = { [Name in EndpointKindName]: WiredEndpointKind<(typeof endpointKinds)[Name]> };

export interface EndpointsCapability extends Capability {
  kinds: WiredKinds;
  rpc: WiredKinds['rpc'];
  beacon: WiredKinds['beacon'] & { clients: WiredKinds['beacon']['shared']['clients'] };
  /** The data checks' latest outcomes per endpoint and check. */
  correctness: CorrectnessReader;
  /** Each chain's canary transactions. */
  canary: CanaryReader;
  /** Writes buffered samples now (tests read the store right after). */
  flush(): void;
}

function wireKind(kind: AnyEndpointKind, context: ServiceContext, writers: SampleWriters) {
  const { clock, config, scrubber } = context;
  const { chains } = config;
  const targets = kind.targets(chains);
  const tracker = kind.createTracker(chains, clock);
  const store = kind.createStore(context.db);
  seedFromStore(tracker, store);
  const metrics = kind.createMetrics(context.registry, tracker, targets);
  const observations = kind.observations(tracker);
  const log = context.logger.child({ module: 'collector', collector: kind.collector.kind });
  const writer = writers.writerFor(store);
  const onObservation = observationPipeline(observations, { scrubber, metrics, writer, log });
  const probeContext = { clock, shutdownSignal: context.shutdownSignal };
  const { createProbe, shared } = kind.probes(targets, { chains, tracker, metrics, context: probeContext });
  const intervals = new Map(chains.map((chain) => [chain.id, kind.pollIntervalMs(chain)]));
  const runnerDeps = { clock, metrics: context.selfMetrics, onObservation };
  const tasks = targets.map((target): ScheduledTask => {
    const url = redactUrl(target.url, { showPath: target.showPath });
    log.info({ chain: target.chain, endpoint: target.endpoint, url }, `watching ${observations.subject}`);
    return {
      id: `${kind.collector.kind}/${target.endpoint}`,
      kind: kind.collector.kind,
      intervalMs: intervals.get(target.chain)!,
      run: collectorRun(kind.collector, target, createProbe(target), runnerDeps),
    };
  });
  return { wired: { targets, tracker, store, metrics, shared }, tasks };
}

export function createEndpoints(context: ServiceContext): EndpointsCapability {
  const { config, db } = context;
  const storeLog = context.logger.child({ module: 'store' });
  const writers = new SampleWriters(meteredWriterOptions(config.storage.flushInterval, context.selfMetrics, storeLog));
  const names = Object.keys(endpointKinds) as EndpointKindName[];
  const built = names.map((name) => [name, wireKind(endpointKinds[name], context, writers)] as const);
  const kinds = Object.fromEntries(built.map(([name, { wired }]) => [name, wired])) as WiredKinds;
  const { rpc, beacon } = kinds;
  const correctness = wireCorrectness({
    chains: config.chains,
    targets: rpc.targets,
    tracker: rpc.tracker,
    db,
    clock: context.clock,
    registry: context.registry,
    logger: context.logger,
    shutdownSignal: context.shutdownSignal,
    beaconBlocks: (chain) => {
      const sources = beacon.targets.filter((target) => target.chain === chain);
      if (sources.length === 0) return undefined;
      // The first beacon endpoint that answers; none answering leaves the round to the majority.
      return async (signal) => {
        for (const source of sources) {
          try {
            return await readBeaconExecutionBlocks(source, signal);
          } catch {
            if (signal.aborted) return null;
          }
        }
        return null;
      };
    },
  });
  const canary = wireCanary({
    chains: config.chains,
    targets: rpc.targets,
    db,
    clock: context.clock,
    registry: context.registry,
    logger: context.logger,
    shutdownSignal: context.shutdownSignal,
  });
  const retention = { rawRetentionMs: config.storage.rawRetention, rollupRetentionMs: config.storage.rollupRetention };
  return {
    name: 'endpoints',
    kinds,
    rpc,
    beacon: { ...beacon, clients: beacon.shared.clients },
    correctness: correctness.engine,
    canary: canary.reader,
    tasks: [...built.flatMap(([, { tasks }]) => tasks), ...correctness.tasks, ...canary.tasks],
    http: {
      view: new ChainView(config, rpc.tracker),
      correctness: { reader: correctness.engine, store: correctness.store, tracker: rpc.tracker },
      canary: { reader: canary.reader, chains: config.chains },
      samples: rpc.store,
      ...(beacon.targets.length > 0 ? { beacon: { tracker: beacon.tracker, targets: beacon.targets } } : {}),
    },
    alertRules: [],
    thresholdReaders: {
      tracker: rpc.tracker,
      beacon: beacon.tracker,
      correctness: correctness.engine,
      canary: canary.reader,
    },
    prune: (nowMs) =>
      Object.assign(
        {},
        ...names.map((name) => endpointKinds[name].prune(db, retention, nowMs)),
        correctness.store.prune(retention, nowMs),
        canary.reader.store.prune(retention, nowMs),
      ),
    flush: () => writers.flush(),
    start: () => writers.start(),
    stop: () => {
      writers.close();
    },
  };
}
