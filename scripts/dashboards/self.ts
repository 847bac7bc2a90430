// ERE itself: whether the monitor keeps its own schedule (collector runs, errors, durations, scheduler lag,
// skipped runs), writes to its store, evaluates its rules on time, prunes old rows, backs up its database,
// and how the Node.js process fares (CPU, memory, event loop, GC; process.ts).

import { BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ereDashboard, labelVariable } from './dashboard.js';
import { quantile, rate, row, stat, timeseries } from './panels.js';
import { processPanels } from './process.js';

const instance = 'instance=~"$instance"';
const collector = 'instance=~"$instance", collector=~"$collector"';
const lastBackup = `ere_backup_last_success_timestamp_seconds{${instance}}`;

export function selfDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-self',
    title: 'ERE / Monitor itself',
    description:
      "ERE's own health: collector runs and errors, scheduling, store writes, rule evaluations, retention, and the " +
      'Node.js process.',
    from: 'now-3h',
    variables: [
      labelVariable({ name: 'instance', label: 'Instance', query: 'label_values(ere_build_info, instance)' }),
      labelVariable({
        name: 'collector',
        label: 'Collector',
        query: 'label_values(ere_collector_runs_total{instance=~"$instance"}, collector)',
      }),
    ],
    panels: [
      row('Overview'),
      stat({
        title: 'Version',
        description: 'ERE and Node.js versions of each instance.',
        queries: [
          {
            expr: `ere_build_info{${instance}}`,
            legend: '{{instance}}: ERE {{version}}, Node.js {{node_version}}',
            instant: true,
          },
        ],
        textMode: BigValueTextMode.Name,
        w: 8,
      }),
      stat({
        title: 'Uptime',
        description: 'Since the process started.',
        queries: [
          { expr: `time() - ere_process_start_time_seconds{${instance}}`, legend: '{{instance}}', instant: true },
        ],
        unit: 's',
        w: 4,
      }),
      stat({
        title: 'Since the last successful evaluation',
        description: 'Seconds since each evaluator (slo every minute, alerts every evaluationInterval) last succeeded.',
        queries: [
          {
            expr: `time() - ere_evaluation_last_success_timestamp_seconds{${instance}}`,
            legend: '{{evaluator}}',
            instant: true,
          },
        ],
        unit: 's',
        thresholds: [
          ['green', null],
          ['orange', 120],
          ['red', 300],
        ],
        w: 6,
      }),
      stat({
        title: 'Store write errors and drops',
        description:
          'Failed batched writes (retried) and samples dropped because the database kept failing, per minute over ' +
          'the range.',
        queries: [
          {
            expr: `sum(rate(ere_store_write_errors_total{${instance}}[$__range])) * 60`,
            legend: 'write errors/min',
            instant: true,
          },
          {
            expr: `sum(rate(ere_store_samples_dropped_total{${instance}}[$__range])) * 60`,
            legend: 'dropped/min',
            instant: true,
          },
        ],
        thresholds: [
          ['green', null],
          ['red', 0.000001],
        ],
        w: 6,
      }),
      row('Collectors and scheduling'),
      timeseries({
        title: 'Collector runs by outcome',
        description: 'Runs per second: success, failure (the target failed; recorded as a sample), aborted (shutdown).',
        queries: [
          {
            expr: rate('ere_collector_runs_total', collector, ['collector', 'outcome']),
            legend: '{{collector}} {{outcome}}',
          },
        ],
        unit: 'ops',
        min: 0,
        stack: true,
        w: 8,
      }),
      timeseries({
        title: 'Collector errors by class',
        description: 'Failed runs per second, by error class.',
        queries: [
          {
            expr: rate('ere_collector_errors_total', collector, ['collector', 'error_class']),
            legend: '{{collector}} {{error_class}}',
          },
        ],
        unit: 'ops',
        min: 0,
        stack: true,
        w: 8,
      }),
      timeseries({
        title: 'Collector run duration p95',
        description: 'Duration of one probe of one target.',
        queries: [
          {
            expr: quantile(0.95, 'ere_collector_run_duration_seconds', collector, ['collector']),
            legend: '{{collector}}',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Scheduler lag',
        description:
          'How late runs start after their due time, p50 and p99: a busy event loop or an overloaded machine.',
        queries: [
          { expr: quantile(0.5, 'ere_scheduler_lag_seconds', collector, ['collector']), legend: '{{collector}} p50' },
          { expr: quantile(0.99, 'ere_scheduler_lag_seconds', collector, ['collector']), legend: '{{collector}} p99' },
        ],
        unit: 's',
        min: 0,
      }),
      timeseries({
        title: 'Skipped runs',
        description:
          'Runs per minute not started because the previous run of the same target was still in flight: the poll ' +
          'interval is shorter than the probe.',
        queries: [
          { expr: rate('ere_scheduler_skipped_runs_total', collector, ['collector'], true), legend: '{{collector}}' },
        ],
        min: 0,
      }),
      row('Store, evaluations and retention'),
      timeseries({
        title: 'Store write latency',
        description: 'One batched write of samples and rollups in one transaction, p50 and p99.',
        queries: [
          {
            expr: quantile(0.5, 'ere_store_write_duration_seconds', instance, ['instance']),
            legend: '{{instance}} p50',
          },
          {
            expr: quantile(0.99, 'ere_store_write_duration_seconds', instance, ['instance']),
            legend: '{{instance}} p99',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Samples written',
        description: 'Samples written to the store per second.',
        queries: [{ expr: rate('ere_store_samples_written_total', instance, ['instance']), legend: '{{instance}}' }],
        unit: 'ops',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Rows deleted by retention',
        description: 'Rows per minute the retention job deleted, by table.',
        queries: [{ expr: rate('ere_retention_deleted_rows_total', instance, ['table'], true), legend: '{{table}}' }],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Evaluations by outcome',
        description:
          'Rule evaluations per minute: slo (SLIs, budgets, burn rates) and alerts (alert rules), success or failure.',
        queries: [
          {
            expr: rate('ere_evaluations_total', instance, ['evaluator', 'outcome'], true),
            legend: '{{evaluator}} {{outcome}}',
          },
        ],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Evaluation duration p95',
        description: 'Duration of one evaluation.',
        queries: [
          { expr: quantile(0.95, 'ere_evaluation_duration_seconds', instance, ['evaluator']), legend: '{{evaluator}}' },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Since the last successful evaluation',
        description: 'A saw-tooth as evaluations succeed; a ramp is an evaluator stuck or failing.',
        queries: [
          { expr: `time() - ere_evaluation_last_success_timestamp_seconds{${instance}}`, legend: '{{evaluator}}' },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      row('Backups'),
      stat({
        title: 'Since the last successful backup',
        description:
          'Age of the newest scheduled backup (storage.backup); empty until the first one, and without a schedule.',
        queries: [
          {
            expr: `(time() - ${lastBackup}) and ${lastBackup} > 0`,
            legend: '{{instance}}',
            instant: true,
          },
        ],
        unit: 's',
        thresholds: [
          ['green', null],
          ['orange', 129_600],
          ['red', 259_200],
        ],
        w: 8,
      }),
      timeseries({
        title: 'Scheduled backups by outcome',
        description: 'Backups per minute: success, failure, skipped (the previous one still running).',
        queries: [{ expr: rate('ere_backups_total', instance, ['outcome'], true), legend: '{{outcome}}' }],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Newest backup size',
        description: 'Size of the newest successful scheduled backup: a full copy of the database.',
        queries: [{ expr: `ere_backup_size_bytes{${instance}} > 0`, legend: '{{instance}}' }],
        unit: 'bytes',
        min: 0,
        w: 8,
      }),
      ...processPanels(instance),
    ],
  });
}
