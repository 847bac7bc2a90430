// The shape every capability's service module returns, so that the composition root is one loop: what it
// schedules, what it adds to the HTTP server, the alert rules it contributes, its retention, and its stop.
// And the context each of them is built from.

import type { Registry } from 'prom-client';
import type { AlertRule } from '../alerting/alert-rule.js';
import type { ThresholdReaders } from '../alerting/threshold-rules.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import type { HttpDeps } from '../http/server.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';
import type { ScheduledTask } from '../scheduler/scheduler.js';
import type { Database } from '../store/database.js';

/** What every capability is built from: the config and the process-wide services. */
export interface ServiceContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  scrubber: SecretScrubber;
  db: Database;
  registry: Registry;
  selfMetrics: SelfMetrics;
  /** Aborted when the service stops: long probes and ingestion steps give up. */
  shutdownSignal: AbortSignal;
}

export interface Capability {
  /** Its name, in logs. */
  name: string;
  /** What the scheduler runs, each at its interval. */
  tasks: ScheduledTask[];
  /** What it serves: the HTTP server's dependencies it provides. */
  http: Partial<HttpDeps>;
  /** The event alert rules of its sources, evaluated by the alerting capability. */
  alertRules: AlertRule[];
  /** What the threshold rules (`alerting.rules` and the built-ins) may read of it. */
  thresholdReaders?: Partial<ThresholdReaders>;
  /** Deletes what is past its retention; the rows deleted, by table. */
  prune(nowMs: number): Record<string, number>;
  /** Starts what runs outside the scheduler, once the server listens. */
  start?(): void;
  /** Stops it; called after the scheduler has stopped, in the reverse order of creation. */
  stop?(): Promise<void> | void;
}
