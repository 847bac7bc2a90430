// The composition root: wires config → collectors → samples → store, the chain tracker, metrics and HTTP,
// with explicit dependencies, and shuts them down in order.

import type { FastifyInstance } from 'fastify';
import cron from 'node-cron';
import { Registry } from 'prom-client';
import { collectors } from './collectors/index.js';
import { collectorRun } from './collectors/runner.js';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './domain/clock.js';
import { EreError } from './domain/errors.js';
import type { RpcEndpointTarget, RpcObservation } from './domain/rpc.js';
import { ChainView } from './http/chain-view.js';
import type { Readiness } from './http/routes/system.js';
import { buildServer } from './http/server.js';
import { createLogger, type Logger } from './log/logger.js';
import { SecretScrubber, redactUrl } from './log/redact.js';
import { createRpcMetrics } from './metrics/rpc-metrics.js';
import { createSelfMetrics } from './metrics/self-metrics.js';
import { ChainTracker } from './rules/chain-tracker.js';
import { Scheduler } from './scheduler/scheduler.js';
import { openDatabase, type Database } from './store/database.js';
import { applyRetention } from './store/retention.js';
import { RpcSampleStore } from './store/rpc-samples.js';
import { SampleWriter } from './store/sample-writer.js';
import { version } from './version.js';

export interface ServiceOptions {
  clock?: Clock;
  /** A logger to use instead of one built from the config (tests capture lines with it). */
  logger?: Logger;
  scrubber?: SecretScrubber;
}

export interface RunningService {
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:9470`. */
  url: string;
  app: FastifyInstance;
  db: Database;
  tracker: ChainTracker;
  logger: Logger;
  /** Flushes buffered samples now (tests read the store right after). */
  flush(): void;
  stop(): Promise<void>;
}

/** Every secret the config holds: RPC URLs and header values. */
export function secretsScrubber(config: Config): SecretScrubber {
  const scrubber = new SecretScrubber();
  for (const chain of config.chains) {
    for (const endpoint of chain.rpc) {
      scrubber.addUrl(endpoint.url);
      scrubber.add(...Object.values(endpoint.headers));
    }
  }
  return scrubber;
}

export function rpcTargets(config: Config): RpcEndpointTarget[] {
  return config.chains.flatMap((chain) =>
    chain.rpc.map((endpoint) => ({
      chain: chain.id,
      endpoint: endpoint.id,
      url: endpoint.url,
      headers: endpoint.headers,
      expectedChainId: chain.chainId,
      timeoutMs: chain.timeout,
      labels: { ...chain.labels, ...endpoint.labels },
    })),
  );
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  const scrubber = options.scrubber ?? secretsScrubber(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, scrubber });
  const log = logger.child({ module: 'service' });

  const { db, applied } = openDatabase(config.storage.path);
  if (applied.length > 0) log.info({ migrations: applied }, 'applied migrations');
  const store = new RpcSampleStore(db);

  const registry = new Registry();
  const selfMetrics = createSelfMetrics(registry, { version });
  const tracker = new ChainTracker(
    config.chains.map((chain) => ({
      chain: chain.id,
      endpoints: chain.rpc.map((endpoint) => endpoint.id),
      policy: { maxLagBlocks: chain.maxLagBlocks, staleAfterMs: chain.pollInterval * chain.staleAfterIntervals },
    })),
    clock,
  );
  const configured = new Set(rpcTargets(config).map((target) => `${target.chain}/${target.endpoint}`));
  for (const sample of store.latestPerEndpoint()) if (configured.has(`${sample.chain}/${sample.endpoint}`)) tracker.seed(sample);
  const rpcMetrics = createRpcMetrics(registry, tracker);

  const storeLog = logger.child({ module: 'store' });
  const writer = new SampleWriter(store, {
    flushIntervalMs: config.storage.flushInterval,
    onFlush: ({ samples, durationSeconds }) => {
      selfMetrics.storeWriteDuration.observe(durationSeconds);
      selfMetrics.storeSamplesWritten.inc(samples);
    },
    onError: (error, waiting) => {
      selfMetrics.storeWriteErrors.inc();
      storeLog.error({ err: error, waiting }, 'writing samples failed; they stay queued');
    },
    onDrop: (count) => selfMetrics.storeSamplesDropped.inc(count),
  });

  const rpcLog = logger.child({ module: 'collector', collector: 'rpc' });
  const lastOutcome = new Map<string, string>();
  const onRpcObservation = (observation: RpcObservation) => {
    const scrubbed = observation.errorMessage === null ? observation : { ...observation, errorMessage: scrubber.scrub(observation.errorMessage) };
    const { sample, chain } = tracker.observe(scrubbed);
    rpcMetrics.recordSample(sample);
    writer.enqueue(sample, chain);
    // Log changes of an endpoint's outcome, not every failed probe.
    const outcome = sample.ok ? 'up' : `down: ${sample.errorClass}`;
    if (lastOutcome.get(sample.endpoint) !== outcome) {
      const fields = { chain: sample.chain, endpoint: sample.endpoint, errorClass: sample.errorClass, reason: sample.errorMessage };
      if (sample.ok) rpcLog.info(fields, 'endpoint is up');
      else rpcLog.warn(fields, 'endpoint probe failed');
      lastOutcome.set(sample.endpoint, outcome);
    }
  };

  const shutdown = new AbortController();
  const schedulerLog = logger.child({ module: 'scheduler' });
  const scheduler = new Scheduler({
    onLag: (task, lagMs) => selfMetrics.schedulerLag.observe({ collector: task.kind }, lagMs / 1_000),
    onSkip: (task) => selfMetrics.schedulerSkipped.inc({ collector: task.kind }),
    onError: (task, error) => schedulerLog.error({ err: error, task: task.id }, 'task failed unexpectedly'),
  });
  const probeContext = { clock, shutdownSignal: shutdown.signal };
  for (const target of rpcTargets(config)) {
    const probe = collectors.rpc.createProbe(target, probeContext);
    scheduler.add({
      id: `rpc/${target.endpoint}`,
      kind: collectors.rpc.kind,
      intervalMs: config.chains.find((chain) => chain.id === target.chain)!.pollInterval,
      run: collectorRun(collectors.rpc, target, probe, { clock, metrics: selfMetrics, onObservation: onRpcObservation }),
    });
    rpcLog.info({ chain: target.chain, endpoint: target.endpoint, url: redactUrl(target.url) }, 'watching endpoint');
  }

  const retention = cron.schedule(config.storage.retentionSchedule, () => {
    try {
      const deleted = applyRetention(db, { rawRetentionMs: config.storage.rawRetention, rollupRetentionMs: config.storage.rollupRetention }, clock.now());
      selfMetrics.retentionDeleted.inc({ table: 'rpc_samples' }, deleted.samples);
      selfMetrics.retentionDeleted.inc({ table: 'rpc_rollups_1m' }, deleted.rollups);
      selfMetrics.retentionDeleted.inc({ table: 'chain_rollups_1m' }, deleted.chainRollups);
      storeLog.info(deleted, 'retention applied');
    } catch (error) {
      storeLog.error({ err: error }, 'retention failed');
    }
  });

  let stopping = false;
  const readiness = (): Readiness => {
    if (stopping) return { ready: false, reason: 'shutting down' };
    if (!db.open) return { ready: false, reason: 'database is closed' };
    if (!scheduler.started) return { ready: false, reason: 'collectors are not scheduled yet' };
    return { ready: true };
  };

  const app = buildServer({ version, clock, logger, registry, readiness, view: new ChainView(config, tracker), samples: store });
  let url: string;
  try {
    url = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await retention.stop();
    await app.close();
    db.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new EreError(`cannot listen on ${config.server.host}:${config.server.port}${code === 'EADDRINUSE' ? ': the address is in use' : ''}`, {
      details: 'choose another port with --port or server.port',
      cause: error,
    });
  }
  writer.start();
  scheduler.start();
  log.info({ url, chains: config.chains.length, endpoints: configured.size, version }, 'ERE Monitor started');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      log.info('stopping');
      shutdown.abort();
      await scheduler.stop();
      await retention.stop();
      await app.close();
      writer.close();
      db.close();
      log.info('stopped');
    })());

  return { url, app, db, tracker, logger, flush: () => writer.flush(), stop };
}
