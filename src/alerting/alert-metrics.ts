// Prometheus metrics of alerting: alerts pending and firing per severity (read from the engine at scrape
// time), transitions, and the notification pipeline: outcomes per receiver, queue depth and the age of the
// oldest pending notification (read from the outbox at scrape time), delivery latency, open circuits.
// Labels: severity (a fixed set), state, receiver (config ids), outcome (a fixed set).

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { alertSeverities } from '../domain/alert.js';
import type { Clock } from '../domain/clock.js';
import type { AlertEngine } from './alert-engine.js';
import type { Outbox } from '../notify/outbox.js';

export function createAlertMetrics(
  registry: Registry,
  deps: {
    engine: AlertEngine;
    outbox: Outbox;
    receivers: readonly string[];
    clock: Clock;
    breakerOpen: (receiver: string) => boolean;
  },
) {
  const registers = [registry];
  const counts = (state: 'pending' | 'firing') => (gauge: Gauge<'severity'>) => {
    gauge.reset();
    for (const severity of alertSeverities) gauge.set({ severity }, 0);
    for (const entry of deps.engine.countsBySeverity())
      if (entry.state === state) gauge.set({ severity: entry.severity }, entry.count);
  };
  new Gauge({
    name: 'ere_alerts_firing',
    help: 'Alerts firing now, by severity (silenced and inhibited ones included).',
    labelNames: ['severity'],
    registers,
    collect() {
      counts('firing')(this);
    },
  });
  new Gauge({
    name: 'ere_alerts_pending',
    help: 'Alerts whose condition holds but not yet for the rule\'s "for" duration, by severity.',
    labelNames: ['severity'],
    registers,
    collect() {
      counts('pending')(this);
    },
  });
  const transitions = new Counter({
    name: 'ere_alert_transitions_total',
    help: 'Alert lifecycle transitions, by the state entered.',
    labelNames: ['state'],
    registers,
  });
  const notifications = new Counter({
    name: 'ere_notifications_total',
    help:
      'Notifications by receiver and outcome: delivered, retry (an attempt failed and will be ' +
      'retried), failed (given up or rejected), suppressed (silenced or inhibited).',
    labelNames: ['receiver', 'outcome'],
    registers,
  });
  const queue = () => new Map(deps.outbox.pendingByReceiver(deps.clock.now()).map((entry) => [entry.receiver, entry]));
  new Gauge({
    name: 'ere_notification_queue_depth',
    help: 'Notifications waiting in the outbox for delivery, by receiver.',
    labelNames: ['receiver'],
    registers,
    collect() {
      const pending = queue();
      for (const receiver of deps.receivers) this.set({ receiver }, pending.get(receiver)?.depth ?? 0);
    },
  });
  new Gauge({
    name: 'ere_notification_oldest_pending_age_seconds',
    help: 'Age of the oldest notification waiting for delivery, by receiver (0 when none waits).',
    labelNames: ['receiver'],
    registers,
    collect() {
      const pending = queue();
      for (const receiver of deps.receivers) this.set({ receiver }, pending.get(receiver)?.oldestAgeSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'ere_notification_circuit_open',
    help: '1 while deliveries to the receiver are paused by its circuit breaker after repeated failures.',
    labelNames: ['receiver'],
    registers,
    collect() {
      for (const receiver of deps.receivers) this.set({ receiver }, deps.breakerOpen(receiver) ? 1 : 0);
    },
  });
  const deliveryDuration = new Histogram({
    name: 'ere_notification_delivery_duration_seconds',
    help: 'Time a receiver took to answer one delivery attempt.',
    labelNames: ['receiver'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  for (const receiver of deps.receivers)
    for (const outcome of ['delivered', 'retry', 'failed', 'suppressed']) notifications.inc({ receiver, outcome }, 0);
  return {
    transition: (state: string) => transitions.inc({ state }),
    suppressed: (receiver: string) => notifications.inc({ receiver, outcome: 'suppressed' }),
    attempt: (attempt: { receiver: string; outcome: string; notifications: number; durationSeconds: number }) => {
      notifications.inc({ receiver: attempt.receiver, outcome: attempt.outcome }, attempt.notifications);
      deliveryDuration.observe({ receiver: attempt.receiver }, attempt.durationSeconds);
    },
  };
}
