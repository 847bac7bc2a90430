// `npm run bench:alerts`: alerting at scale, against baselines from the same run.
//
// 1. Evaluation: N alert series (10,000 by default), a share of them firing (10 %), routed through a tree of
//    three receivers with grouping, the two default inhibit rules and 20 silences, persisted to SQLite each
//    cycle. Reported: the first cycle (every firing alert's transition and notifications written) and the
//    steady cycles' p50/max, against a baseline that only steps the same series through the pure
//    lifecycle in memory (what any evaluator must do).
// 2. Delivery: M notifications (2,000) drained by the DeliveryWorker to a webhook on loopback, one alert per
//    request, against a bare `fetch` loop posting the same number of requests to the same server.
//
// Flags: --series 10000, --firing-share 0.1, --cycles 20, --notifications 2000, --quick (2,000 series,
// 300 notifications), --json <file>.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixedClock } from '../src/domain/clock.js';
import { createLogger } from '../src/log/logger.js';
import { SecretScrubber } from '../src/log/redact.js';
import { DeliveryWorker } from '../src/notify/delivery-worker.js';
import { defaultInhibitRules } from '../src/alerting/inhibition.js';
import { parseMatcher } from '../src/alerting/matchers.js';
import { webhookReceiver } from '../src/notify/receivers/webhook.js';
import type { RouteNode } from '../src/alerting/route-tree.js';
import type { AlertRule, AlertSignal } from '../src/alerting/alert-rule.js';
import { alertLabels } from '../src/alerting/alert-rule.js';
import { fingerprintOf, sortedLabels } from '../src/alerting/fingerprint.js';
import { inactiveState, stepLifecycle, type LifecycleState } from '../src/alerting/lifecycle.js';
import { parseTemplate } from '../src/alerting/template.js';
import { AlertEngine } from '../src/alerting/alert-engine.js';
import { openDatabase } from '../src/store/database.js';
import { Outbox } from '../src/notify/outbox.js';
import { percentile } from './measure.js';
import { machineInfo } from './report.js';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '10000' },
    'firing-share': { type: 'string', default: '0.1' },
    cycles: { type: 'string', default: '20' },
    notifications: { type: 'string', default: '2000' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const series = values.quick ? 2_000 : Number(values.series);
const firingShare = Number(values['firing-share']);
const cycles = values.quick ? 5 : Number(values.cycles);
const notificationCount = values.quick ? 300 : Number(values.notifications);

const chains = 20;
const start = Date.UTC(2026, 10, 1);

/** Series i is over its threshold when i < firing; the values move every cycle, as lag and latency do. */
function benchRule(firing: () => number, cycle: () => number): AlertRule {
  const signals: AlertSignal[] = [];
  for (let index = 0; index < series; index += 1) {
    const labels = {
      scope: 'endpoint',
      chain: `chain-${index % chains}`,
      endpoint: `endpoint-${index}`,
      provider: `provider-${index % 7}`,
    };
    signals.push({ labels, value: 0, condition: () => index < firing() });
  }
  return {
    name: 'EndpointLagging',
    severity: 'warning',
    source: 'bench',
    timing: { forMs: 0, keepFiringForMs: 0 },
    labels: { team: 'rpc' },
    annotations: {
      summary: parseTemplate('{{ $labels.endpoint }} is {{ $value }} blocks behind on {{ $labels.chain }}'),
    },
    signals: () => {
      const now = cycle();
      for (const signal of signals) signal.value = (now + Number(signal.labels.endpoint!.slice(9))) % 13;
      return signals;
    },
  };
}

const routeTree: RouteNode = {
  receiver: 'slack',
  matchers: [],
  groupBy: ['alertname', 'chain'],
  continue: false,
  routes: [
    { receiver: 'pager', matchers: [parseMatcher('severity=~"page|critical"')], continue: true, routes: [] },
    { receiver: 'audit', matchers: [parseMatcher('team="rpc"')], groupBy: ['...'], continue: true, routes: [] },
    { receiver: 'slack', matchers: [parseMatcher('provider=~"provider-[0-3]"')], continue: false, routes: [] },
  ],
};

function benchEvaluation() {
  const dir = mkdtempSync(join(tmpdir(), 'ere-bench-alerts-'));
  try {
    const { db } = openDatabase(join(dir, 'ere.db'));
    const clock = fixedClock(start);
    let cycle = 0;
    const rule = benchRule(
      () => Math.round(series * firingShare),
      () => cycle,
    );
    const engine = new AlertEngine(db, [rule], {
      clock,
      routing: {
        root: routeTree,
        inhibitRules: defaultInhibitRules,
        receivers: new Map(['slack', 'pager', 'audit'].map((id) => [id, { sendResolved: true }])),
      },
      externalUrl: 'http://ere.bench',
    });
    for (let index = 0; index < 20; index += 1) {
      engine.addSilence({
        matchers: [parseMatcher(`endpoint="endpoint-${index * 97}"`)],
        endsAtMs: start + 30 * 86_400_000,
        createdBy: 'bench',
        comment: 'bench',
      });
    }
    const firstStarted = performance.now();
    const firstTransitions = engine.evaluate().length;
    const firstMs = performance.now() - firstStarted;
    const steady: number[] = [];
    for (let index = 0; index < cycles; index += 1) {
      cycle += 1;
      clock.advance(15_000);
      const started = performance.now();
      engine.evaluate();
      steady.push(performance.now() - started);
    }
    const queued = new Outbox(db).pendingByReceiver(clock.now()).reduce((sum, entry) => sum + entry.depth, 0);

    // Baseline: the same series through the pure lifecycle, in memory, nothing routed or stored.
    const states = new Map<string, LifecycleState>();
    const baseline: number[] = [];
    for (let index = 0; index <= cycles; index += 1) {
      const started = performance.now();
      for (const signal of rule.signals()) {
        const labels = sortedLabels(alertLabels(rule, signal));
        const fingerprint = fingerprintOf(labels);
        const current = states.get(fingerprint) ?? inactiveState;
        const step = stepLifecycle(
          current,
          signal.condition(current.state === 'firing'),
          start + index * 15_000,
          rule.timing,
        );
        if (step.next.state === 'inactive') states.delete(fingerprint);
        else states.set(fingerprint, step.next);
      }
      baseline.push(performance.now() - started);
    }
    db.close();
    const sorted = [...steady].sort((a, b) => a - b);
    const sortedBaseline = baseline.slice(1).sort((a, b) => a - b);
    return {
      series,
      firing: Math.round(series * firingShare),
      firstCycleMs: firstMs,
      firstTransitions,
      notificationsQueued: queued,
      steadyP50Ms: percentile(sorted, 50),
      steadyMaxMs: sorted.at(-1)!,
      baselineP50Ms: percentile(sortedBaseline, 50),
      ratio: percentile(sorted, 50) / percentile(sortedBaseline, 50),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchDelivery() {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const dir = mkdtempSync(join(tmpdir(), 'ere-bench-delivery-'));
  try {
    // Notifications: one firing alert per group (groupBy "..."), queued by the engine itself.
    const { db } = openDatabase(join(dir, 'ere.db'));
    const clock = { now: () => Date.now() };
    const signals: AlertSignal[] = Array.from({ length: notificationCount }, (_, index) => ({
      labels: { scope: 'endpoint', chain: 'c', endpoint: `e-${index}` },
      value: 9,
      condition: () => true,
    }));
    const rule: AlertRule = {
      name: 'Bench',
      severity: 'warning',
      source: 'bench',
      timing: { forMs: 0, keepFiringForMs: 0 },
      labels: {},
      annotations: {},
      signals: () => signals,
    };
    const engine = new AlertEngine(db, [rule], {
      clock,
      routing: {
        root: { receiver: 'hook', matchers: [], groupBy: ['...'], groupWaitMs: 0, continue: false, routes: [] },
        inhibitRules: [],
        receivers: new Map([['hook', { sendResolved: true }]]),
      },
      externalUrl: 'http://ere.bench',
    });
    engine.evaluate();
    const outbox = new Outbox(db);
    const sample = outbox.list({ limit: 1 })[0]!;
    const receiver = webhookReceiver.create(webhookReceiver.configSchema.parse({ kind: 'webhook', url }), {
      clock,
      timeoutMs: 5_000,
    });
    const worker = new DeliveryWorker(
      outbox,
      [{ id: 'hook', kind: 'webhook', receiver, maxBatchSize: 100, rateLimit: { perMinute: 1e9, burst: 1e6 } }],
      {
        clock,
        backoff: { initialMs: 100, maxMs: 1_000 },
        breaker: { failures: 1_000, cooldownMs: 1_000, maxCooldownMs: 1_000 },
        giveUpAfterMs: 3_600_000,
        externalUrl: 'http://ere.bench',
        log: createLogger({ level: 'silent', scrubber: new SecretScrubber() }),
      },
    );
    const started = performance.now();
    while (outbox.pendingByReceiver(clock.now()).length > 0) await worker.runOnce();
    const ereMs = performance.now() - started;
    await worker.stop();
    db.close();

    // Baseline: the same number of requests, with a body of the same size, posted one after another.
    const body = JSON.stringify({ version: '4', alerts: [sample.alert] }).padEnd(
      JSON.stringify({ version: '4', alerts: [sample.alert] }).length + 200,
    );
    const baselineStarted = performance.now();
    for (let index = 0; index < notificationCount; index += 1) {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await response.text();
    }
    const baselineMs = performance.now() - baselineStarted;
    return {
      notifications: notificationCount,
      requestsReceived: received,
      erePerSecond: (notificationCount / ereMs) * 1_000,
      baselinePerSecond: (notificationCount / baselineMs) * 1_000,
      ratio: ereMs / baselineMs,
    };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const machine = machineInfo();
const evaluation = benchEvaluation();
const delivery = await benchDelivery();
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(
  `Alerting benchmark on ${machine.cpus} × ${machine.cpuModel}, Node ` +
    `${machine.node}${values.quick ? ' (--quick: figures not comparable)' : ''}`,
);
console.log(
  `Evaluation: ${evaluation.series} series, ${evaluation.firing} ` +
    `firing, 3 receivers, 20 silences, default inhibit rules`,
);
console.log(
  `  first cycle ${fmt(evaluation.firstCycleMs)} (${evaluation.firstTransitions} ` +
    `transitions, ${evaluation.notificationsQueued} notifications queued)`,
);
console.log(
  `  steady cycle p50 ${fmt(evaluation.steadyP50Ms)}, max ${fmt(evaluation.steadyMaxMs)}; baseline (lifecycle ` +
    `only, in memory) p50 ${fmt(evaluation.baselineP50Ms)}; ratio ${evaluation.ratio.toFixed(2)}×`,
);
console.log(
  `Delivery: ${delivery.notifications} notifications, one request each (${delivery.requestsReceived} received)`,
);
console.log(
  `  ERE outbox → webhook ${delivery.erePerSecond.toFixed(0)}/s; ` +
    `bare fetch ${delivery.baselinePerSecond.toFixed(0)}/s; time ratio ${delivery.ratio.toFixed(2)}×`,
);
if (values.json) writeFileSync(values.json, JSON.stringify({ machine, evaluation, delivery }, null, 2));
