// Alerts & notifications: what fires and waits by severity, how alerts move through their lifecycle, and
// whether each receiver gets its notifications (outcomes, queue, oldest waiting, circuit breaker, latency).

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ereDashboard, labelVariable } from './dashboard.js';
import { bargauge, booleanMapping, quantile, rate, row, stat, timeseries } from './panels.js';

const receiver = 'receiver=~"$receiver"';

export function alertsDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-alerts',
    title: 'ERE / Alerts & notifications',
    description: 'Alerts firing and pending by severity, lifecycle transitions, and notification delivery by receiver.',
    variables: [
      labelVariable({
        name: 'receiver',
        label: 'Receiver',
        query: 'label_values(ere_notification_queue_depth, receiver)',
      }),
    ],
    panels: [
      row('Alerts'),
      stat({
        title: 'Firing',
        description: 'Alerts firing now, silenced and inhibited ones included.',
        queries: [{ expr: 'sum(ere_alerts_firing)', legend: 'firing', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        w: 4,
      }),
      stat({
        title: 'Pending',
        description: "Alerts whose condition holds, waiting for their rule's `for`.",
        queries: [{ expr: 'sum(ere_alerts_pending)', legend: 'pending', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['orange', 1],
        ],
        w: 4,
      }),
      bargauge({
        title: 'Firing by severity',
        description: 'Alerts firing now, by severity.',
        queries: [{ expr: 'sum by (severity) (ere_alerts_firing)', legend: '{{severity}}', instant: true }],
        decimals: 0,
        min: 0,
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        h: 4,
      }),
      bargauge({
        title: 'Pending by severity',
        description: 'Alerts pending now, by severity.',
        queries: [{ expr: 'sum by (severity) (ere_alerts_pending)', legend: '{{severity}}', instant: true }],
        decimals: 0,
        min: 0,
        thresholds: [
          ['green', null],
          ['orange', 1],
        ],
        h: 4,
      }),
      timeseries({
        title: 'Firing by severity over time',
        description: 'Alerts firing, by severity.',
        queries: [{ expr: 'sum by (severity) (ere_alerts_firing)', legend: '{{severity}}' }],
        decimals: 0,
        min: 0,
        stack: true,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Pending by severity over time',
        description: 'Alerts pending, by severity.',
        queries: [{ expr: 'sum by (severity) (ere_alerts_pending)', legend: '{{severity}}' }],
        decimals: 0,
        min: 0,
        stack: true,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Transitions per minute',
        description:
          'Lifecycle transitions by the state entered (pending, firing, resolved, inactive). Many per minute is ' +
          'flapping.',
        queries: [{ expr: rate('ere_alert_transitions_total', '', ['state'], true), legend: '{{state}}' }],
        min: 0,
        w: 8,
      }),
      row('Notifications'),
      timeseries({
        title: 'Notification outcomes per minute',
        description:
          'delivered; retry (an attempt failed and will be retried); failed (given up or rejected); suppressed ' +
          '(silenced or inhibited, not sent).',
        queries: [
          {
            expr: rate('ere_notifications_total', receiver, ['receiver', 'outcome'], true),
            legend: '{{receiver}} {{outcome}}',
          },
        ],
        min: 0,
        stack: true,
      }),
      timeseries({
        title: 'Delivery latency',
        description: 'Time a receiver took to answer one attempt, p50 and p95.',
        queries: [
          {
            expr: quantile(0.5, 'ere_notification_delivery_duration_seconds', receiver, ['receiver']),
            legend: '{{receiver}} p50',
          },
          {
            expr: quantile(0.95, 'ere_notification_delivery_duration_seconds', receiver, ['receiver']),
            legend: '{{receiver}} p95',
          },
        ],
        unit: 's',
        min: 0,
      }),
      timeseries({
        title: 'Queue depth',
        description: 'Notifications waiting in the outbox for each receiver.',
        queries: [{ expr: `ere_notification_queue_depth{${receiver}}`, legend: '{{receiver}}' }],
        decimals: 0,
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Oldest waiting notification',
        description: 'Age of the oldest notification in the outbox (0 when none): a growing line is a stuck receiver.',
        queries: [{ expr: `ere_notification_oldest_pending_age_seconds{${receiver}}`, legend: '{{receiver}}' }],
        unit: 's',
        min: 0,
        thresholds: [
          ['green', null],
          ['orange', 60],
          ['red', 300],
        ],
        thresholdLines: true,
        w: 8,
      }),
      stat({
        title: 'Circuit breaker',
        description: 'OPEN while deliveries to the receiver are paused after repeated failures.',
        queries: [{ expr: `ere_notification_circuit_open{${receiver}}`, legend: '{{receiver}}', instant: true }],
        mappings: booleanMapping(['closed', 'green'], ['OPEN', 'red']),
        w: 8,
        h: 8,
      }),
      timeseries({
        title: 'Delivery failures and retries per minute',
        description: 'Attempts that failed and will be retried, and notifications given up.',
        queries: [
          {
            expr: rate(
              'ere_notifications_total',
              `${receiver}, outcome=~"retry|failed"`,
              ['receiver', 'outcome'],
              true,
            ),
            legend: '{{receiver}} {{outcome}}',
          },
        ],
        min: 0,
        w: 24,
      }),
    ],
  });
}
