// The ERE dashboard's last row: how the Node.js process fares (CPU, memory and heap, event loop lag, garbage
// collection, handles and file descriptors).

import { type Panel, type Row, row, timeseries } from './panels.js';

/** The process panels of the instances `instance` selects. */
export function processPanels(instance: string): (Panel | Row)[] {
  return [
    row('Process'),
    timeseries({
      title: 'CPU',
      description: 'CPU time per second, user and system together (1 = one core).',
      queries: [{ expr: `rate(ere_process_cpu_seconds_total{${instance}}[$__rate_interval])`, legend: '{{instance}}' }],
      unit: 'percentunit',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Memory',
      description: 'Resident memory, and the V8 heap used and allocated.',
      queries: [
        { expr: `ere_process_resident_memory_bytes{${instance}}`, legend: '{{instance}} resident' },
        { expr: `ere_nodejs_heap_size_used_bytes{${instance}}`, legend: '{{instance}} heap used' },
        { expr: `ere_nodejs_heap_size_total_bytes{${instance}}`, legend: '{{instance}} heap total' },
      ],
      unit: 'bytes',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Event loop lag',
      description: 'Delay of the event loop, mean and p99: late timers, late probes, late scrapes.',
      queries: [
        { expr: `ere_nodejs_eventloop_lag_mean_seconds{${instance}}`, legend: '{{instance}} mean' },
        { expr: `ere_nodejs_eventloop_lag_p99_seconds{${instance}}`, legend: '{{instance}} p99' },
      ],
      unit: 's',
      min: 0,
      w: 8,
    }),
    timeseries({
      title: 'Garbage collection',
      description: 'Share of time spent in GC, by kind.',
      queries: [
        {
          expr: `sum by (kind) (rate(ere_nodejs_gc_duration_seconds_sum{${instance}}[$__rate_interval]))`,
          legend: '{{kind}}',
        },
      ],
      unit: 'percentunit',
      min: 0,
      stack: true,
      w: 8,
    }),
    timeseries({
      title: 'Handles and file descriptors',
      description: 'Active handles, and open file descriptors (SQLite, sockets to endpoints).',
      queries: [
        { expr: `ere_nodejs_active_handles{${instance}}`, legend: '{{instance}} handles' },
        { expr: `ere_process_open_fds{${instance}}`, legend: '{{instance}} open fds' },
      ],
      decimals: 0,
      min: 0,
      w: 16,
    }),
  ];
}
