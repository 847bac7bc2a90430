// The process-wide services every capability is built from: the clock, the secret scrubber and the logger
// built with it, the database (migrated), the metrics registry with the self metrics, the scheduler and the
// shutdown signal.

import { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { createLogger, type Logger } from '../log/logger.js';
import { SecretScrubber } from '../log/redact.js';
import { createSelfMetrics } from '../metrics/self-metrics.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { openDatabase } from '../store/database.js';
import { version } from '../version.js';
import { receiverSecrets } from './alerting.js';
import type { ServiceContext } from './capability.js';

export interface ServiceOptions {
  clock?: Clock;
  /** A logger to use instead of one built from the config (tests capture lines with it). */
  logger?: Logger;
  scrubber?: SecretScrubber;
}

/** Every secret the config holds: RPC URLs and header values, receiver URLs and keys, the API token, canary keys. */
export function secretsScrubber(config: Config): SecretScrubber {
  const scrubber = new SecretScrubber();
  scrubber.add(...receiverSecrets(config));
  if (config.server.auth.token !== undefined) scrubber.add(config.server.auth.token);
  for (const chain of config.chains) {
    for (const endpoint of [...chain.rpc, ...(chain.beacon?.endpoints ?? [])]) {
      scrubber.addUrl(endpoint.url, { showPath: endpoint.showPath });
      scrubber.add(...Object.values(endpoint.headers));
    }
    if (chain.canary) scrubber.add(chain.canary.privateKey, chain.canary.privateKey.slice(2));
  }
  return scrubber;
}

export interface RootContext extends ServiceContext {
  scheduler: Scheduler;
  shutdown: AbortController;
}

export function createContext(config: Config, options: ServiceOptions): RootContext {
  const clock = options.clock ?? systemClock;
  const scrubber = options.scrubber ?? secretsScrubber(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format, scrubber });
  const { db, applied } = openDatabase(config.storage.path);
  if (applied.length > 0) logger.child({ module: 'service' }).info({ migrations: applied }, 'applied migrations');
  const registry = new Registry();
  const selfMetrics = createSelfMetrics(registry, { version });
  const schedulerLog = logger.child({ module: 'scheduler' });
  const scheduler = new Scheduler({
    onLag: (task, lagMs) => selfMetrics.schedulerLag.observe({ collector: task.kind }, lagMs / 1_000),
    onSkip: (task) => selfMetrics.schedulerSkipped.inc({ collector: task.kind }),
    onError: (task, error) => schedulerLog.error({ err: error, task: task.id }, 'task failed unexpectedly'),
  });
  const shutdown = new AbortController();
  return {
    config,
    clock,
    logger,
    scrubber,
    db,
    registry,
    selfMetrics,
    scheduler,
    shutdown,
    shutdownSignal: shutdown.signal,
  };
}
