// The delivery worker against a real SQLite outbox and real HTTP receivers (the webhook receiver pointed at
// capture servers on 127.0.0.1): batching, per-alert order, retries with backoff, rejected notifications,
// refused connections, receiver isolation, the circuit breaker, giving up, and a stop mid-request.

import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import type { NotificationKind } from '../../src/domain/alert.js';
import {
  batchesOf,
  DeliveryWorker,
  type DeliveryWorkerOptions,
  type ReceiverRuntime,
} from '../../src/notify/delivery-worker.js';
import { webhookConfigSchema, webhookReceiver, type WebhookMessage } from '../../src/notify/receivers/webhook.js';
import type { AlertRule } from '../../src/alerting/alert-rule.js';
import { AlertEngine } from '../../src/alerting/alert-engine.js';
import { AlertStore } from '../../src/alerting/alert-store.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { Outbox, type NotificationRecord } from '../../src/notify/outbox.js';
import { alertNowMs, resolvedAlert, testAlert } from '../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver, type ScriptedResponse } from '../helpers/http-receiver.js';
import { tempDir, waitFor } from '../helpers/service.js';

const t0 = alertNowMs;
const backoff = { initialMs: 1_000, maxMs: 60_000 };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(...responses: ScriptedResponse[]): Promise<HttpReceiver> {
  const receiver = await startHttpReceiver({ responses });
  cleanups.push(() => receiver.close());
  return receiver;
}

function database(path = join(tempDir(), 'ere.db')): { db: Database; path: string } {
  const { db } = openDatabase(path);
  cleanups.push(() => db.open && db.close());
  return { db, path };
}

function webhook(
  id: string,
  target: HttpReceiver,
  options: { maxBatchSize?: number; timeoutMs?: number; clock?: { now(): number } } = {},
): ReceiverRuntime {
  const config = webhookConfigSchema.parse({ kind: 'webhook', url: `${target.url}/hook/${id}` });
  return {
    id,
    kind: 'webhook',
    receiver: webhookReceiver.create(config, {
      clock: options.clock ?? fixedClock(t0),
      timeoutMs: options.timeoutMs ?? 5_000,
    }),
    maxBatchSize: options.maxBatchSize ?? 100,
    rateLimit: { perMinute: 6_000, burst: 100 },
  };
}

/** An outbox with a way to queue notifications (each with its transition, as the engine writes them). */
function outboxOn(db: Database, clock: { now(): number }) {
  const store = new AlertStore(db);
  const outbox = new Outbox(db);
  const queue = (fields: {
    fingerprint: string;
    receiver: string;
    kind?: NotificationKind;
    groupKey?: string;
    createdAtMs?: number;
  }): number => {
    const kind = fields.kind ?? 'firing';
    const createdAtMs = fields.createdAtMs ?? clock.now();
    const firing = testAlert({ fingerprint: fields.fingerprint, startsAtMs: t0 - 60_000 });
    const alert = kind === 'resolved' ? resolvedAlert(firing, createdAtMs) : firing;
    const transitionId = store.insertTransition({
      fingerprint: alert.fingerprint,
      rule: alert.rule,
      severity: alert.severity,
      labels: alert.labels,
      annotations: alert.annotations,
      from: kind === 'resolved' ? 'firing' : 'pending',
      to: kind === 'resolved' ? 'resolved' : 'firing',
      atMs: createdAtMs,
      value: alert.value,
      startsAtMs: alert.startsAtMs,
    });
    return outbox.insert({
      transitionId,
      seq: kind === 'reminder' ? 1 : 0,
      fingerprint: alert.fingerprint,
      receiver: fields.receiver,
      groupKey: fields.groupKey ?? 'g',
      groupLabels: { group: fields.groupKey ?? 'g' },
      kind,
      status: 'pending',
      reason: null,
      alert,
      createdAtMs,
      dueAtMs: createdAtMs,
    });
  };
  return { outbox, queue };
}

function worker(
  outbox: Outbox,
  receivers: ReceiverRuntime[],
  options: Partial<DeliveryWorkerOptions> & Pick<DeliveryWorkerOptions, 'clock'>,
): DeliveryWorker {
  const created = new DeliveryWorker(outbox, receivers, {
    // The middle of the jitter range: waits are exactly 3/4 of the ceiling.
    random: () => 0.5,
    tickMs: 50,
    backoff,
    breaker: { failures: 5, cooldownMs: 30_000, maxCooldownMs: 600_000 },
    giveUpAfterMs: 86_400_000,
    externalUrl: 'http://ere.test',
    log: pino({ level: 'silent' }),
    ...options,
  });
  cleanups.push(() => created.stop());
  return created;
}

const message = (request: { json: unknown }) => request.json as WebhookMessage;
/** `fingerprint:status` of each alert a request carried. */
const carried = (request: { json: unknown }) =>
  message(request).alerts.map((alert) => `${alert.fingerprint}:${alert.status}`);
const statusOf = (outbox: Outbox, id: number) => outbox.get(id)!.status;

function record(fields: Partial<NotificationRecord> & Pick<NotificationRecord, 'id' | 'groupKey'>): NotificationRecord {
  return { fingerprint: `f${fields.id}`, receiver: 'r', ...fields } as NotificationRecord;
}

describe('batchesOf', () => {
  it.each([
    { name: 'nothing', rows: [], size: 3, expected: [] },
    {
      name: 'one group within the size',
      rows: [
        [1, 'a'],
        [2, 'a'],
      ],
      size: 3,
      expected: [[1, 2]],
    },
    {
      name: 'one group over the size: cut in order',
      rows: [
        [1, 'a'],
        [2, 'a'],
        [3, 'a'],
        [4, 'a'],
        [5, 'a'],
      ],
      size: 2,
      expected: [[1, 2], [3, 4], [5]],
    },
    {
      name: 'interleaved groups: one batch per group, groups in order of first row',
      rows: [
        [1, 'a'],
        [2, 'b'],
        [3, 'a'],
        [4, 'c'],
        [5, 'b'],
      ],
      size: 10,
      expected: [[1, 3], [2, 5], [4]],
    },
    {
      name: 'size 1 (per-alert APIs)',
      rows: [
        [1, 'a'],
        [2, 'b'],
        [3, 'a'],
      ],
      size: 1,
      expected: [[1], [3], [2]],
    },
  ] as { name: string; rows: [number, string][]; size: number; expected: number[][] }[])(
    '$name',
    ({ rows, size, expected }) => {
      const batches = batchesOf(
        rows.map(([id, groupKey]) => record({ id, groupKey })),
        size,
      );
      expect(batches.map((batch) => batch.map((row) => row.id))).toEqual(expected);
      for (const batch of batches) expect(new Set(batch.map((row) => row.groupKey)).size).toBe(1);
    },
  );
});

describe('DeliveryWorker', () => {
  it('sends one request per group and at most maxBatchSize alerts per request, and marks them delivered', async () => {
    const target = await server();
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const ids = [
      queue({ fingerprint: 'a1', receiver: 'hook', groupKey: 'A' }),
      queue({ fingerprint: 'b1', receiver: 'hook', groupKey: 'B' }),
      queue({ fingerprint: 'a2', receiver: 'hook', groupKey: 'A' }),
      queue({ fingerprint: 'a3', receiver: 'hook', groupKey: 'A' }),
      queue({ fingerprint: 'b2', receiver: 'hook', groupKey: 'B' }),
    ];
    await worker(outbox, [webhook('hook', target, { maxBatchSize: 2 })], { clock }).runOnce();

    expect(target.requests.map((request) => [message(request).groupKey, carried(request)])).toEqual([
      ['A', ['a1:firing', 'a2:firing']],
      ['A', ['a3:firing']],
      ['B', ['b1:firing', 'b2:firing']],
    ]);
    expect(message(target.requests[2]!)).toMatchObject({
      receiver: 'hook',
      groupLabels: { group: 'B' },
      externalURL: 'http://ere.test',
    });
    for (const id of ids)
      expect(outbox.get(id)).toMatchObject({
        status: 'delivered',
        attempts: 1,
        deliveredAtMs: t0,
        lastStatusCode: 200,
      });
  });

  it('delivers an alert’s firing before its resolve even when the firing’s first attempt fails', async () => {
    const target = await server({ status: 500 });
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const delivery = worker(outbox, [webhook('hook', target)], { clock });
    const firing = queue({ fingerprint: 'x', receiver: 'hook' });
    await delivery.runOnce();
    expect(outbox.get(firing)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });

    clock.advance(100);
    const resolved = queue({ fingerprint: 'x', receiver: 'hook', kind: 'resolved' });
    const other = queue({ fingerprint: 'y', receiver: 'hook', groupKey: 'other' });
    await delivery.runOnce();
    // The resolve waits behind the firing's backoff; another alert does not.
    expect(target.requests.map(carried)).toEqual([['x:firing'], ['y:firing']]);
    expect(statusOf(outbox, resolved)).toBe('pending');

    clock.advance(backoff.initialMs);
    await delivery.runOnce();
    expect(target.requests.map(carried)).toEqual([['x:firing'], ['y:firing'], ['x:firing'], ['x:resolved']]);
    expect([firing, resolved, other].map((id) => statusOf(outbox, id))).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it(
    'retries a 5xx after a backoff that grows, records every ' + 'attempt, and delivers once the receiver recovers',
    async () => {
      const target = await server({ status: 500, body: 'boom' }, { status: 503 }, { status: 200 });
      const clock = fixedClock(t0);
      const { outbox, queue } = outboxOn(database().db, clock);
      const outcomes: string[] = [];
      const delivery = worker(outbox, [webhook('hook', target)], {
        clock,
        onAttempt: (attempt) => outcomes.push(`${attempt.receiver}:${attempt.outcome}:${attempt.notifications}`),
      });
      const id = queue({ fingerprint: 'x', receiver: 'hook' });

      await delivery.runOnce();
      // 3/4 of the first ceiling (initialMs).
      expect(outbox.get(id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAtMs: t0 + 750,
        lastStatusCode: 500,
        lastError: 'HTTP 500: boom',
        firstAttemptAtMs: t0,
      });

      clock.set(t0 + 749);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(1);

      clock.set(t0 + 750);
      await delivery.runOnce();
      // 3/4 of the doubled ceiling.
      expect(outbox.get(id)).toMatchObject({
        status: 'pending',
        attempts: 2,
        nextAttemptAtMs: t0 + 750 + 1_500,
        lastStatusCode: 503,
      });

      clock.set(t0 + 750 + 1_499);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(2);

      clock.set(t0 + 750 + 1_500);
      await delivery.runOnce();
      expect(outbox.get(id)).toMatchObject({
        status: 'delivered',
        attempts: 3,
        deliveredAtMs: t0 + 2_250,
        lastStatusCode: 200,
        lastError: null,
        firstAttemptAtMs: t0,
        lastAttemptAtMs: t0 + 2_250,
      });
      expect(outbox.attempts(id).map((attempt) => [attempt.atMs - t0, attempt.outcome, attempt.statusCode])).toEqual([
        [0, 'retry', 500],
        [750, 'retry', 503],
        [2_250, 'delivered', 200],
      ]);
      expect(outcomes).toEqual(['hook:retry:1', 'hook:retry:1', 'hook:delivered:1']);
      // Every attempt carried the same idempotency key.
      expect(new Set(target.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    },
  );

  it('waits as long as a 429’s Retry-After asks when that is longer than the backoff', async () => {
    const target = await server({ status: 429, headers: { 'retry-after': '30' } });
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const id = queue({ fingerprint: 'x', receiver: 'hook' });
    await worker(outbox, [webhook('hook', target)], { clock }).runOnce();
    expect(outbox.get(id)).toMatchObject({ status: 'pending', nextAttemptAtMs: t0 + 30_000, lastStatusCode: 429 });
  });

  it(
    'marks a notification the receiver rejects (400) failed, never ' +
      'retries it, and still delivers the alert’s next one',
    async () => {
      const target = await server({ status: 400, body: 'invalid_payload' });
      const clock = fixedClock(t0);
      const { outbox, queue } = outboxOn(database().db, clock);
      const delivery = worker(outbox, [webhook('hook', target)], {
        clock,
        breaker: { failures: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 },
      });
      const firing = queue({ fingerprint: 'x', receiver: 'hook' });
      const resolved = queue({ fingerprint: 'x', receiver: 'hook', kind: 'resolved' });

      await delivery.runOnce();
      expect(outbox.get(firing)).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastStatusCode: 400,
        lastError: 'HTTP 400: invalid_payload',
      });
      // A rejection says nothing about the receiver being down: even a breaker that opens on one failure stays closed.
      expect(delivery.breakerState('hook')).toBe('closed');

      await delivery.runOnce();
      clock.advance(3_600_000);
      await delivery.runOnce();
      expect(target.requests.map(carried)).toEqual([['x:firing'], ['x:resolved']]);
      expect(outbox.get(firing)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(outbox.get(resolved)).toMatchObject({ status: 'delivered', attempts: 1 });
    },
  );

  it('retries when the connection is refused, and delivers once the receiver listens again', async () => {
    const target = await server();
    await target.refuseConnections();
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const delivery = worker(outbox, [webhook('hook', target)], { clock });
    const id = queue({ fingerprint: 'x', receiver: 'hook' });

    await delivery.runOnce();
    expect(outbox.get(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'ECONNREFUSED',
      nextAttemptAtMs: t0 + 750,
    });
    // The error names the failure, never the URL.
    expect(outbox.get(id)!.lastError).not.toContain('127.0.0.1');

    await target.acceptConnections();
    clock.advance(750);
    await delivery.runOnce();
    expect(outbox.get(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(target.requests.map(carried)).toEqual([['x:firing']]);
  });

  it('does not let a receiver that hangs delay another receiver', async () => {
    // Answers after 20 s: far longer than the test waits for the healthy receiver.
    const hanging = await server({ status: 200, delayMs: 20_000 });
    const healthy = await server();
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const stuck = queue({ fingerprint: 'x', receiver: 'hanging' });
    const quick = queue({ fingerprint: 'x', receiver: 'healthy' });
    const delivery = worker(outbox, [webhook('hanging', hanging, { timeoutMs: 30_000 }), webhook('healthy', healthy)], {
      clock,
    });

    const started = Date.now();
    delivery.start();
    await hanging.waitFor(1, 10_000);
    await waitFor(
      () => statusOf(outbox, quick) === 'delivered',
      10_000,
      'the healthy receiver’s notification delivered',
    );
    const elapsedMs = Date.now() - started;
    // The hanging request is still open: nothing recorded for it yet.
    expect(outbox.get(stuck)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(healthy.requests).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(10_000);

    // Later notifications to the healthy receiver keep flowing while the other one still hangs.
    const next = queue({ fingerprint: 'y', receiver: 'healthy' });
    delivery.wake();
    await waitFor(() => statusOf(outbox, next) === 'delivered', 10_000, 'a second notification delivered');
    expect(outbox.get(stuck)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it(
    'opens the breaker after N consecutive failures and makes no attempt ' +
      'until the cooldown is over, doubling it after a failed trial',
    async () => {
      const target = await server();
      target.respondWith(() => ({ status: 503 }));
      const clock = fixedClock(t0);
      const { outbox, queue } = outboxOn(database().db, clock);
      const delivery = worker(outbox, [webhook('hook', target)], {
        clock,
        backoff: { initialMs: 100, maxMs: 100 },
        breaker: { failures: 3, cooldownMs: 10_000, maxCooldownMs: 600_000 },
      });
      const id = queue({ fingerprint: 'x', receiver: 'hook' });

      // Three failures, each after its backoff (75 ms): the third opens the circuit until t0 + 200 + 10 s.
      for (const at of [0, 100, 200]) {
        clock.set(t0 + at);
        await delivery.runOnce();
      }
      expect(target.requests).toHaveLength(3);
      expect(delivery.breakerState('hook')).toBe('open');

      // Due again, but the circuit is open: no request.
      for (const at of [1_000, 5_000, 10_199]) {
        clock.set(t0 + at);
        await delivery.runOnce();
      }
      expect(target.requests).toHaveLength(3);
      expect(outbox.get(id)!.attempts).toBe(3);

      // Cooldown over: one trial, which fails; open again for 20 s.
      clock.set(t0 + 10_200);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(4);
      expect(delivery.breakerState('hook')).toBe('open');
      clock.set(t0 + 10_200 + 19_999);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(4);

      // The receiver is back: the next trial delivers and closes the circuit.
      target.respondWith(() => ({ status: 200 }));
      clock.set(t0 + 10_200 + 20_000);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(5);
      expect(delivery.breakerState('hook')).toBe('closed');
      expect(outbox.get(id)).toMatchObject({ status: 'delivered', attempts: 5 });
    },
  );

  it('keeps a breaker per receiver: one open circuit does not stop another receiver', async () => {
    const down = await server();
    down.respondWith(() => ({ status: 503 }));
    const up = await server();
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const delivery = worker(outbox, [webhook('down', down), webhook('up', up)], {
      clock,
      breaker: { failures: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 },
    });
    queue({ fingerprint: 'x', receiver: 'down' });
    await delivery.runOnce();
    expect(delivery.breakerState('down')).toBe('open');
    const id = queue({ fingerprint: 'x', receiver: 'up' });
    clock.advance(1_000);
    await delivery.runOnce();
    expect(statusOf(outbox, id)).toBe('delivered');
    expect(delivery.breakerState('up')).toBe('closed');
    expect(down.requests).toHaveLength(1);
  });

  it('keeps within the receiver’s rate limit: a burst at once, then one request per refill', async () => {
    const target = await server();
    const clock = fixedClock(t0);
    const { outbox, queue } = outboxOn(database().db, clock);
    const limited = { ...webhook('hook', target, { maxBatchSize: 1 }), rateLimit: { perMinute: 60, burst: 2 } };
    const delivery = worker(outbox, [limited], { clock });
    const ids = ['a', 'b', 'c', 'd'].map((fingerprint) =>
      queue({ fingerprint, receiver: 'hook', groupKey: fingerprint }),
    );

    await delivery.runOnce();
    await delivery.runOnce();
    expect(target.requests.map(carried)).toEqual([['a:firing'], ['b:firing']]);
    clock.advance(999);
    await delivery.runOnce();
    expect(target.requests).toHaveLength(2);
    clock.advance(1);
    await delivery.runOnce();
    expect(target.requests).toHaveLength(3);
    clock.advance(60_000);
    await delivery.runOnce();
    expect(target.requests.map(carried)).toEqual([['a:firing'], ['b:firing'], ['c:firing'], ['d:firing']]);
    expect(ids.map((id) => statusOf(outbox, id))).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it(
    'marks notifications older than the give-up age failed at their next ' +
      'failed attempt, and keeps younger ones in the same batch',
    async () => {
      const target = await server();
      target.respondWith(() => ({ status: 502 }));
      const clock = fixedClock(t0);
      const { outbox, queue } = outboxOn(database().db, clock);
      const delivery = worker(outbox, [webhook('hook', target)], {
        clock,
        giveUpAfterMs: 60_000,
        backoff: { initialMs: 1_000, maxMs: 1_000 },
      });
      const old = queue({ fingerprint: 'old', receiver: 'hook' });
      await delivery.runOnce();

      clock.set(t0 + 30_000);
      const young = queue({ fingerprint: 'young', receiver: 'hook' });
      clock.set(t0 + 60_000);
      await delivery.runOnce();
      // Exactly the give-up age: not older than it yet.
      expect([statusOf(outbox, old), statusOf(outbox, young)]).toEqual(['pending', 'pending']);

      // Past it (the next attempt, after the backoff): the old one is given up, the young one retried.
      clock.set(t0 + 60_750);
      await delivery.runOnce();
      expect(carried(target.requests.at(-1)!)).toEqual(['old:firing', 'young:firing']);
      expect(outbox.get(old)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gave up: HTTP 502' });
      expect(outbox.get(young)).toMatchObject({ status: 'pending', attempts: 2 });

      const requests = target.requests.length;
      clock.advance(3_600_000);
      await delivery.runOnce();
      expect(target.requests).toHaveLength(requests + 1);
      expect(carried(target.requests.at(-1)!)).toEqual(['young:firing']);
      expect(outbox.get(young)).toMatchObject({ status: 'failed', attempts: 3 });
    },
  );

  it(
    'leaves a notification pending when stopped mid-request, and a ' +
      'new worker on the reopened database delivers it',
    async () => {
      const target = await server({ status: 200, delayMs: 20_000 });
      const clock = fixedClock(t0);
      const { db, path } = database();
      const first = outboxOn(db, clock);
      const id = first.queue({ fingerprint: 'x', receiver: 'hook' });
      const stopping = worker(first.outbox, [webhook('hook', target, { timeoutMs: 30_000 })], { clock });
      stopping.start();
      await target.waitFor(1, 10_000);

      const stopStarted = Date.now();
      await stopping.stop();
      expect(Date.now() - stopStarted).toBeLessThan(5_000);
      expect(first.outbox.get(id)).toMatchObject({ status: 'pending', attempts: 0, firstAttemptAtMs: null });
      db.close();

      // A restart: the database reopened, a new worker.
      const reopened = outboxOn(database(path).db, clock);
      await worker(reopened.outbox, [webhook('hook', target)], { clock }).runOnce();
      expect(reopened.outbox.get(id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(target.requests.map(carried)).toEqual([['x:firing'], ['x:firing']]);
      // The same key both times: the receiving side can drop the duplicate.
      expect(target.requests[1]!.headers['idempotency-key']).toBe(target.requests[0]!.headers['idempotency-key']);
    },
  );

  it(
    'delivers what the alert engine queues: the firing (retried) and then ' +
      'its resolve, a group interval after the first attempt',
    async () => {
      const target = await server({ status: 500 });
      const clock = fixedClock(t0);
      const { db } = database();
      let lag = 9;
      const rule: AlertRule = {
        name: 'EndpointLagging',
        severity: 'warning',
        source: 'test',
        timing: { forMs: 0, keepFiringForMs: 0 },
        labels: {},
        annotations: {},
        signals: () => [
          { labels: { scope: 'endpoint', chain: 'demo', endpoint: 'a' }, value: lag, condition: () => lag > 5 },
        ],
      };
      const engine = new AlertEngine(db, [rule], {
        clock,
        externalUrl: 'http://ere.test',
        routing: {
          root: {
            receiver: 'hook',
            matchers: [],
            groupWaitMs: 0,
            groupIntervalMs: 60_000,
            repeatIntervalMs: 3_600_000,
            continue: false,
            routes: [],
          },
          inhibitRules: [],
          receivers: new Map([['hook', { sendResolved: true }]]),
        },
      });
      const outbox = new Outbox(db);
      const delivery = worker(outbox, [webhook('hook', target)], { clock });

      engine.evaluate();
      await delivery.runOnce();
      expect(target.requests).toHaveLength(1);

      clock.advance(15_000);
      lag = 1;
      expect(engine.evaluate().map((transition) => transition.to)).toEqual(['resolved']);
      await delivery.runOnce();
      // The firing went out on its retry; the resolve waits for the group interval.
      expect(target.requests).toHaveLength(2);
      expect(outbox.list({ limit: 10 }).map((row) => `${row.kind}:${row.status}`)).toEqual([
        'resolved:pending',
        'firing:delivered',
      ]);

      clock.set(t0 + 60_000);
      await delivery.runOnce();
      const { fingerprint } = outbox.list({ limit: 1 })[0]!;
      expect(target.requests.map(carried)).toEqual([
        [`${fingerprint}:firing`],
        [`${fingerprint}:firing`],
        [`${fingerprint}:resolved`],
      ]);
      expect(message(target.requests[2]!).alerts[0]).toMatchObject({
        labels: { alertname: 'EndpointLagging', endpoint: 'a' },
        endsAt: new Date(t0 + 15_000).toISOString().replace('.000Z', 'Z'),
      });
    },
  );

  it(
    'survives a database error in a pass (another connection holding the ' +
      'write lock): logs it, and delivers once the lock is gone',
    async () => {
      const target = await server();
      const clock = fixedClock(t0);
      const { db, path } = database();
      // Fail at once instead of waiting out the busy timeout.
      db.pragma('busy_timeout = 0');
      const { outbox, queue } = outboxOn(db, clock);
      const id = queue({ fingerprint: 'x', receiver: 'hook' });
      const other = new BetterSqlite3(path);
      cleanups.push(() => other.open && other.close());
      other.prepare('BEGIN IMMEDIATE').run();

      const logLines: string[] = [];
      const delivery = worker(outbox, [webhook('hook', target)], {
        clock,
        log: pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) }),
      });
      delivery.start();
      // Delivered, but the attempt cannot be recorded: the row stays pending and is sent again (same key).
      await target.waitFor(2, 10_000);
      expect(statusOf(outbox, id)).toBe('pending');
      expect(logLines.some((line) => line.includes('SQLITE_BUSY'))).toBe(true);

      other.prepare('COMMIT').run();
      await waitFor(() => statusOf(outbox, id) === 'delivered', 10_000, 'the notification recorded as delivered');
      expect(new Set(target.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    },
  );
});
