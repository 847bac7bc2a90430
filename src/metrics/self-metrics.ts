// Metrics about the monitor itself: collector runs, scheduling lag, store writes, retention, backups, build.

import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

export function createSelfMetrics(registry: Registry, options: { version: string }) {
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'ere_' });
  // Gauges named *_total break the naming rules (promtool flags them); each has a twin without the suffix.
  for (const name of [
    'ere_nodejs_active_handles_total',
    'ere_nodejs_active_requests_total',
    'ere_nodejs_active_resources_total',
  ])
    registry.removeSingleMetric(name);
  const buildInfo = new Gauge<'version' | 'node_version'>({
    name: 'ere_build_info',
    help: 'ERE Monitor version, value 1.',
    labelNames: ['version', 'node_version'],
    registers,
  });
  buildInfo.set({ version: options.version, node_version: process.version }, 1);

  return {
    collectorRunDuration: new Histogram<'collector'>({
      name: 'ere_collector_run_duration_seconds',
      help: 'Duration of one collector run (one probe of one target).',
      labelNames: ['collector'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    collectorRuns: new Counter<'collector' | 'outcome'>({
      name: 'ere_collector_runs_total',
      help:
        'Collector runs by outcome: success, failure (the target ' +
        'failed; recorded as a sample), aborted (shutdown).',
      labelNames: ['collector', 'outcome'],
      registers,
    }),
    collectorErrors: new Counter<'collector' | 'error_class'>({
      name: 'ere_collector_errors_total',
      help: 'Failed collector runs by error class.',
      labelNames: ['collector', 'error_class'],
      registers,
    }),
    schedulerLag: new Histogram<'collector'>({
      name: 'ere_scheduler_lag_seconds',
      help: 'How late a run started after its scheduled time.',
      labelNames: ['collector'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    schedulerSkipped: new Counter<'collector'>({
      name: 'ere_scheduler_skipped_runs_total',
      help: 'Runs not started because the previous run of the same target was still in flight.',
      labelNames: ['collector'],
      registers,
    }),
    storeWriteDuration: new Histogram({
      name: 'ere_store_write_duration_seconds',
      help: 'Duration of one batched store write (samples and rollups in one transaction).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    storeSamplesWritten: new Counter({
      name: 'ere_store_samples_written_total',
      help: 'Samples written to the store.',
      registers,
    }),
    storeWriteErrors: new Counter({
      name: 'ere_store_write_errors_total',
      help: 'Failed store writes (the batch is kept and retried).',
      registers,
    }),
    storeSamplesDropped: new Counter({
      name: 'ere_store_samples_dropped_total',
      help: 'Samples dropped because the store kept failing and the buffer was full.',
      registers,
    }),
    evaluations: new Counter<'evaluator' | 'outcome'>({
      name: 'ere_evaluations_total',
      help:
        'Rule evaluations by evaluator (slo: SLIs, budgets and burn rates; ' +
        'alerts: alert rules) and outcome (success, failure).',
      labelNames: ['evaluator', 'outcome'],
      registers,
    }),
    evaluationDuration: new Histogram<'evaluator'>({
      name: 'ere_evaluation_duration_seconds',
      help: 'Duration of one rule evaluation.',
      labelNames: ['evaluator'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    evaluationLastSuccess: new Gauge<'evaluator'>({
      name: 'ere_evaluation_last_success_timestamp_seconds',
      help: 'When an evaluation last succeeded (Unix seconds); absent until the first.',
      labelNames: ['evaluator'],
      registers,
    }),
    retentionDeleted: new Counter<'table'>({
      name: 'ere_retention_deleted_rows_total',
      help: 'Rows deleted by the retention job.',
      labelNames: ['table'],
      registers,
    }),
    backups: new Counter<'outcome'>({
      name: 'ere_backups_total',
      help: 'Scheduled backups by outcome: success, failure, skipped (the previous one was still running).',
      labelNames: ['outcome'],
      registers,
    }),
    backupDuration: new Histogram({
      name: 'ere_backup_duration_seconds',
      help: 'Duration of one successful scheduled backup: copy, check and rename.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    backupLastSuccess: new Gauge({
      name: 'ere_backup_last_success_timestamp_seconds',
      help: 'When a scheduled backup last succeeded (Unix seconds); 0 until the first.',
      registers,
    }),
    backupSize: new Gauge({
      name: 'ere_backup_size_bytes',
      help: 'Size of the newest successful scheduled backup; 0 until the first.',
      registers,
    }),
  };
}

export type SelfMetrics = ReturnType<typeof createSelfMetrics>;
