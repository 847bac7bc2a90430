// The composition root: wires config → collectors → samples → store, the chain tracker, metrics and HTTP,
// with explicit dependencies, and shuts them down in order.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import cron from 'node-cron';
import { Registry } from 'prom-client';
import { scheduleBackups } from './backup/scheduled-backups.js';
import { collectors } from './endpoints/index.js';
import { collectorRun } from './endpoints/runner.js';
import { governanceReaders } from './governance/ingest/readers.js';
import { resolveGovernanceTarget } from './governance/governance-schema.js';
import type { Config } from './config/schema.js';
import { resolveSlos } from './config/slos.js';
import { createConsensusLayer, type ConsensusLayer } from './service/consensus-layer.js';
import { systemClock, type Clock } from './domain/clock.js';
import { EreError } from './domain/errors.js';
import type { RpcEndpointTarget, RpcObservation } from './domain/rpc.js';
import type { SloDefinition } from './domain/slo.js';
import { ChainView } from './endpoints/rpc/rpc-view.js';
import type { Readiness } from './http/routes/system.js';
import { buildServer } from './http/server.js';
import { createLogger, type Logger } from './log/logger.js';
import { alertRules, configuredExternalUrl, createAlerting, receiverSecrets, type Alerting } from './service/alerting.js';
import { SecretScrubber, redactUrl } from './log/redact.js';
import { createGovernanceIngestMetrics, createGovernanceMetrics } from './governance/governance-metrics.js';
import { createRpcMetrics, type RpcMetrics } from './endpoints/rpc/rpc-metrics.js';
import { createSelfMetrics, type SelfMetrics } from './metrics/self-metrics.js';
import { createSloEventMetrics, createSloMetrics } from './slo/slo-metrics.js';
import { ChainTracker } from './endpoints/rpc/rpc-tracker.js';
import { GovernanceTracker, type GovernanceTrackerHooks } from './governance/governance-tracker.js';
import { SloEngine, type SloEngineOptions } from './slo/slo-engine.js';
import { SloReports } from './slo/slo-reports.js';
import { Scheduler } from './scheduler/scheduler.js';
import { openDatabase, type Database } from './store/database.js';
import { applyRetention } from './store/retention.js';
import { RpcSampleStore } from './endpoints/rpc/rpc-samples.js';
import { SampleWriter } from './endpoints/sample-writer.js';
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
  slos: SloEngine;
  alerting: Alerting;
  governance: GovernanceTracker;
  consensus: ConsensusLayer;
  logger: Logger;
  /** Flushes buffered samples now (tests read the store right after). */
  flush(): void;
  stop(): Promise<void>;
}

/** Every secret the config holds: RPC URLs and header values, receiver URLs and keys, the API token. */
export function secretsScrubber(config: Config): SecretScrubber {
  const scrubber = new SecretScrubber();
  scrubber.add(...receiverSecrets(config));
  if (config.server.auth.token !== undefined) scrubber.add(config.server.auth.token);
  for (const chain of config.chains) {
    for (const endpoint of chain.rpc) {
      scrubber.addUrl(endpoint.url, { showPath: endpoint.showPath });
      scrubber.add(...Object.values(endpoint.headers));
    }
    for (const endpoint of chain.beacon?.endpoints ?? []) {
      scrubber.addUrl(endpoint.url, { showPath: endpoint.showPath });
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
      showPath: endpoint.showPath,
      expectedChainId: chain.chainId,
      timeoutMs: chain.timeout,
      labels: { ...chain.labels, ...endpoint.labels },
    })),
  );
}

function createTracker(config: Config, clock: Clock): ChainTracker {
  return new ChainTracker(
    config.chains.map((chain) => ({
      chain: chain.id,
      endpoints: chain.rpc.map((endpoint) => endpoint.id),
      policy: { maxLagBlocks: chain.maxLagBlocks, staleAfterMs: chain.pollInterval * chain.staleAfterIntervals, minBlockIntervalMs: chain.minBlockInterval },
    })),
    clock,
  );
}

function createWriter(store: RpcSampleStore, config: Config, metrics: SelfMetrics, log: Logger): SampleWriter {
  return new SampleWriter(store, {
    flushIntervalMs: config.storage.flushInterval,
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
function rpcObservationHandler(deps: { scrubber: SecretScrubber; tracker: ChainTracker; metrics: RpcMetrics; writer: SampleWriter; log: Logger }) {
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
    const fields = { chain: sample.chain, endpoint: sample.endpoint, errorClass: sample.errorClass, reason: sample.errorMessage };
    if (sample.ok) deps.log.info(fields, 'endpoint is up');
    else deps.log.warn(fields, 'endpoint probe failed');
  };
}

/** A scheduled evaluation, counted and timed, with the time of its last success for the "evaluation stalled" alert. */
function evaluationRun(evaluator: 'slo' | 'alerts', evaluate: () => void, metrics: SelfMetrics, clock: Clock): () => Promise<void> {
  return async () => {
    const done = metrics.evaluationDuration.startTimer({ evaluator });
    try {
      evaluate();
      metrics.evaluations.inc({ evaluator, outcome: 'success' });
      metrics.evaluationLastSuccess.set({ evaluator }, clock.now() / 1_000);
    } catch (error) {
      metrics.evaluations.inc({ evaluator, outcome: 'failure' });
      throw error;
    } finally {
      done();
    }
  };
}

function scheduleRetention(db: Database, config: Config, clock: Clock, metrics: SelfMetrics, log: Logger, alerting: Alerting, consensus: ConsensusLayer) {
  return cron.schedule(config.storage.retentionSchedule, () => {
    try {
      const { rawRetention, rollupRetention, sloStatusRetention } = config.storage;
      const deleted = applyRetention(db, { rawRetentionMs: rawRetention, rollupRetentionMs: rollupRetention, sloStatusRetentionMs: sloStatusRetention }, clock.now());
      metrics.retentionDeleted.inc({ table: 'rpc_samples' }, deleted.samples);
      metrics.retentionDeleted.inc({ table: 'rpc_rollups_1m' }, deleted.rollups);
      metrics.retentionDeleted.inc({ table: 'chain_rollups_1m' }, deleted.chainRollups);
      metrics.retentionDeleted.inc({ table: 'slo_status_1m' }, deleted.sloStatuses);
      const historyCutoff = clock.now() - config.alerting.historyRetention;
      const notifications = alerting.outbox.prune(historyCutoff);
      const alertHistory = alerting.store.prune(historyCutoff);
      metrics.retentionDeleted.inc({ table: 'notifications' }, notifications);
      metrics.retentionDeleted.inc({ table: 'alert_transitions' }, alertHistory.transitions);
      const consensusPruned = consensus.prune(clock.now());
      metrics.retentionDeleted.inc({ table: 'beacon_samples' }, consensusPruned.beaconSamples);
      metrics.retentionDeleted.inc({ table: 'validator_misses' }, consensusPruned.validatorMisses);
      metrics.retentionDeleted.inc({ table: 'validator_epochs' }, consensusPruned.validatorEpochs);
      log.info({ ...deleted, ...consensusPruned }, 'retention applied');
    } catch (error) {
      log.error({ err: error }, 'retention failed');
    }
  });
}

/**
 * A minute is counted once every probe that started in it has been written: after the longest timeout
 * and two flushes, with a margin.
 */
export function settleMs(config: Config): number {
  return Math.max(...config.chains.map((chain) => chain.timeout)) + 2 * config.storage.flushInterval + 5_000;
}

/**
 * Counts every SLO's window in slices of 50 ms, yielding between them so that probes and HTTP keep running,
 * then evaluates once so that statuses appear without waiting for the next minute.
 */
async function warmUpSlos(slos: SloEngine, signal: AbortSignal, log: Logger): Promise<void> {
  const count = slos.definitions().length;
  if (count === 0) return;
  const started = performance.now();
  try {
    while (!signal.aborted && slos.warmUp(50) > 0) await yieldToEventLoop();
    if (signal.aborted) return;
    log.info({ slos: count, ms: Math.round(performance.now() - started) }, 'SLO windows counted');
    slos.evaluate({ warmOnly: true });
  } catch (error) {
    // The scheduled evaluations go on and count what is left themselves.
    log.error({ err: error }, 'counting SLO windows failed');
  }
}

function createSloEngine(db: Database, definitions: SloDefinition[], config: Config, clock: Clock, log: Logger, onEvents: SloEngineOptions['onEvents']): SloEngine {
  return new SloEngine(db, definitions, {
    clock,
    settleMs: settleMs(config),
    onEvents,
    onTransition: (transition) => {
      const fields = { slo: transition.slo, severity: transition.severity, from: transition.from, to: transition.to };
      if (transition.to === 'firing') log.warn(fields, 'SLO burn-rate alert firing');
      else log.info(fields, 'SLO burn-rate alert changed');
    },
  });
}

/** Hooks that call each of `all` in turn. */
function everyHook(...all: GovernanceTrackerHooks[]): GovernanceTrackerHooks {
  return {
    onBatch: (target, batch) => all.forEach((hooks) => hooks.onBatch?.(target, batch)),
    onSkipped: (target, skipped) => all.forEach((hooks) => hooks.onSkipped?.(target, skipped)),
    onReorg: (target, reorg) => all.forEach((hooks) => hooks.onReorg?.(target, reorg)),
    onError: (target, error) => all.forEach((hooks) => hooks.onError?.(target, error)),
  };
}

function createGovernanceTracker(db: Database, config: Config, tracker: ChainTracker, clock: Clock, logger: Logger, registry: Registry): GovernanceTracker {
  const log = logger.child({ module: 'governance' });
  const targets = config.governance.map(resolveGovernanceTarget);
  const lastError = new Map<string, string>();
  // The counters exist before the tracker, which feeds them through its hooks; the gauges read it after.
  const metrics = createGovernanceIngestMetrics(registry, targets);
  const logging: GovernanceTrackerHooks = {
    onBatch: (target, batch) => {
      if (lastError.delete(target.id)) log.info({ target: target.id }, 'governance ingestion recovered');
      if (batch.inserted > 0) log.debug({ target: target.id, events: batch.inserted, blocks: batch.blocks }, 'governance events ingested');
    },
    onSkipped: (target, skipped) => log.warn({ target: target.id, reason: skipped.reason, block: skipped.blockNumber, logIndex: skipped.logIndex, detail: skipped.detail }, 'governance log skipped'),
    onReorg: (target, reorg) => log.warn({ target: target.id, ...reorg }, 'chain reorganised under a governance target: rolled back and re-ingesting'),
    onError: (target, error) => {
      const message = (error as { shortMessage?: string }).shortMessage ?? error.message;
      if (lastError.get(target.id) !== message) log.warn({ target: target.id, err: error }, 'governance ingestion failed');
      lastError.set(target.id, message);
    },
  };
  const governance = new GovernanceTracker(db, targets, { clock, readers: governanceReaders(config, tracker, metrics.onRequest), hooks: everyHook(logging, metrics.hooks) });
  createGovernanceMetrics(registry, governance, clock);
  for (const target of targets) log.info({ target: target.id, kind: target.kind, chain: target.chain, address: target.address, cursor: governance.status(target.id)?.cursorBlock ?? null }, 'watching governance target');
  return governance;
}

async function listen(app: FastifyInstance, config: Config, release: () => Promise<void>): Promise<string> {
  try {
    return await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await release();
    const code = (error as NodeJS.ErrnoException).code;
    throw new EreError(`cannot listen on ${config.server.host}:${config.server.port}${code === 'EADDRINUSE' ? ': the address is in use' : ''}`, {
      details: 'choose another port with --port or server.port',
      cause: error,
    });
  }
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  const scrubber = options.scrubber ?? secretsScrubber(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format, scrubber });
  const log = logger.child({ module: 'service' });

  const { db, applied } = openDatabase(config.storage.path);
  if (applied.length > 0) log.info({ migrations: applied }, 'applied migrations');
  const store = new RpcSampleStore(db);
  const targets = rpcTargets(config);

  const registry = new Registry();
  const selfMetrics = createSelfMetrics(registry, { version });
  const tracker = createTracker(config, clock);
  // The last known state survives a restart: the API shows it before the first new probe.
  const configured = new Set(targets.map((target) => `${target.chain}/${target.endpoint}`));
  for (const sample of store.latestPerEndpoint()) if (configured.has(`${sample.chain}/${sample.endpoint}`)) tracker.seed(sample);

  const storeLog = logger.child({ module: 'store' });
  const writer = createWriter(store, config, selfMetrics, storeLog);
  const rpcLog = logger.child({ module: 'collector', collector: collectors.rpc.kind });
  const onObservation = rpcObservationHandler({ scrubber, tracker, metrics: createRpcMetrics(registry, tracker), writer, log: rpcLog });

  const shutdown = new AbortController();
  const schedulerLog = logger.child({ module: 'scheduler' });
  const scheduler = new Scheduler({
    onLag: (task, lagMs) => selfMetrics.schedulerLag.observe({ collector: task.kind }, lagMs / 1_000),
    onSkip: (task) => selfMetrics.schedulerSkipped.inc({ collector: task.kind }),
    onError: (task, error) => schedulerLog.error({ err: error, task: task.id }, 'task failed unexpectedly'),
  });
  const probeContext = { clock, shutdownSignal: shutdown.signal };
  const intervals = new Map(config.chains.map((chain) => [chain.id, chain.pollInterval]));
  for (const target of targets) {
    const probe = collectors.rpc.createProbe({ ...target, ancestorHeights: () => tracker.ancestorHeights(target.endpoint) }, probeContext);
    scheduler.add({
      id: `rpc/${target.endpoint}`,
      kind: collectors.rpc.kind,
      intervalMs: intervals.get(target.chain)!,
      run: collectorRun(collectors.rpc, target, probe, { clock, metrics: selfMetrics, onObservation }),
    });
    rpcLog.info({ chain: target.chain, endpoint: target.endpoint, url: redactUrl(target.url, { showPath: target.showPath }) }, 'watching endpoint');
  }
  const sloDefinitions = resolveSlos(config);
  // The event counters exist before the engine, which adds each settled minute to them.
  const sloEvents = createSloEventMetrics(registry, sloDefinitions);
  const slos = createSloEngine(db, sloDefinitions, config, clock, logger.child({ module: 'slo' }), sloEvents.record);
  createSloMetrics(registry, slos);
  let sloWarming = true;
  if (slos.definitions().length > 0) {
    // While the windows are being counted, cycles evaluate the SLOs already counted; after, all of them.
    scheduler.add({ id: 'slo/evaluate', kind: 'slo', intervalMs: 60_000, run: evaluationRun('slo', () => void slos.evaluate({ warmOnly: sloWarming }), selfMetrics, clock) });
  }
  const sloWarmUp = warmUpSlos(slos, shutdown.signal, logger.child({ module: 'slo' })).finally(() => (sloWarming = false));

  const governance = createGovernanceTracker(db, config, tracker, clock, logger, registry);
  for (const target of governance.targets()) {
    scheduler.add({ id: `governance/${target.id}`, kind: 'governance', intervalMs: target.pollIntervalMs, run: async () => void (await governance.poll(target.id, { signal: shutdown.signal })) });
  }

  const consensus = createConsensusLayer(db, config, { clock, logger, registry, scrubber, selfMetrics, shutdownSignal: shutdown.signal });
  for (const task of consensus.tasks) scheduler.add(task);

  let externalUrl = configuredExternalUrl(config);
  const rules = alertRules(config, { tracker, slos: slos.definitions(), sloStatus: (slo) => slos.statusOf(slo), governance, validators: consensus.validators, beacon: consensus.beacon, clock });
  const alerting = createAlerting(db, config, { clock, logger, registry, rules, externalUrl: () => externalUrl });
  scheduler.add({ id: 'alerts/evaluate', kind: 'alerts', intervalMs: config.alerting.evaluationInterval, run: evaluationRun('alerts', () => alerting.evaluate(), selfMetrics, clock) });
  const retention = scheduleRetention(db, config, clock, selfMetrics, storeLog, alerting, consensus);
  const backups = config.storage.backup && scheduleBackups(config.storage.path, config.storage.backup, { clock, metrics: selfMetrics, log: logger.child({ module: 'backup' }) });

  let stopping = false;
  const readiness = (): Readiness => {
    if (stopping) return { ready: false, reason: 'shutting down' };
    if (!db.open) return { ready: false, reason: 'database is closed' };
    if (!scheduler.started) return { ready: false, reason: 'collectors are not scheduled yet' };
    return { ready: true };
  };
  const app = buildServer({
    version,
    clock,
    logger,
    registry,
    readiness,
    view: new ChainView(config, tracker),
    samples: store,
    slos,
    sloReports: new SloReports(db, slos.definitions(), () => slos.settledEnd(clock.now())),
    auth: config.server.auth,
    alerts: { engine: alerting.engine, store: alerting.store, outbox: alerting.outbox, heldUntil: (receiver) => alerting.worker.heldUntil(receiver) },
    governance,
    ...(consensus.targets.length > 0 ? { beacon: { tracker: consensus.beacon, targets: consensus.targets } } : {}),
    ...(consensus.validators.chains().length > 0 ? { validators: consensus.validators } : {}),
  });
  const url = await listen(app, config, async () => {
    await retention.stop();
    await backups?.stop();
    await app.close();
    db.close();
  });
  if (config.server.publicUrl === undefined) externalUrl = url;
  writer.start();
  scheduler.start();
  alerting.worker.start();
  log.info({ url, chains: config.chains.length, endpoints: targets.length, version }, 'ERE Monitor started');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      log.info('stopping');
      shutdown.abort();
      await sloWarmUp;
      await scheduler.stop();
      await alerting.stop();
      await retention.stop();
      await backups?.stop();
      await app.close();
      writer.close();
      db.close();
      log.info('stopped');
    })());

  return { url, app, db, tracker, slos, alerting, governance, consensus, logger, flush: () => writer.flush(), stop };
}
