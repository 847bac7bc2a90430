// The Alertmanager receiver against a real Alertmanager (Debian's prometheus-alertmanager), run behind a path
// prefix and basic auth as it often is in production, notifying a capture server so that the test sees what
// Alertmanager does with the pushes: one alert across replicas, resolved when told, resolved by itself when
// ERE stops re-sending. The request itself and its classified outcomes are checked against a capture server.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertSnapshot, NotificationBatch } from '../../../src/domain/alert.js';
import { fixedClock, systemClock, type Clock } from '../../../src/domain/clock.js';
import { alertmanagerReceiver } from '../../../src/notify/receivers/alertmanager.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';
import { basicAuthHeader, freePort, startAlertmanager, type Alertmanager } from '../../helpers/alertmanager.js';
import { alertNowMs, resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.js';
import { waitFor } from '../../helpers/service.js';
import { describeDeliveryOutcomes } from './outcomes.js';

const username = 'ere';
const password = 's3cret-pass';
/** bcrypt of `password` at cost 4, the least bcrypt allows, for Alertmanager's web config. */
const passwordHash = '$2b$04$9dZsC0NdtcsWFBRKusRMYOc.PYO0OKaXLFwDeAPGG0GkB703f4WE.';
const prefix = '/am';
const signal = new AbortController().signal;

/** An alert as `GET /api/v2/alerts` lists it. */
interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

/** An alert as Alertmanager's webhook notification carries it. */
interface NotifiedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  endsAt: string;
}

function receiver(config: Record<string, unknown>, clock: Clock = systemClock, timeoutMs = 10_000) {
  return alertmanagerReceiver.create(alertmanagerReceiver.configSchema.parse({ kind: 'alertmanager', ...config }), {
    clock,
    timeoutMs,
  });
}

/** A firing alert of its own rule (so its own alert in Alertmanager). */
function alertNamed(rule: string): AlertSnapshot {
  return testAlert({ rule, fingerprint: `fp-${rule}` });
}

const firing = (alert: AlertSnapshot, overrides: Partial<NotificationBatch> = {}) => testBatch([alert], overrides);

describe('alertmanager receiver, against a real Alertmanager', () => {
  let alertmanager: Alertmanager;
  let webhook: HttpReceiver;
  const withBasicAuth = (clock?: Clock) =>
    receiver({ url: alertmanager.url, basicAuth: { username, password } }, clock);
  const urlWith = (secret: string, port = alertmanager.port) =>
    `http://${username}:${secret}@127.0.0.1:${port}${prefix}`;

  beforeAll(async () => {
    webhook = await startHttpReceiver();
    // One group per alert, so that each alert's transitions are notified on their own.
    alertmanager = await startAlertmanager({
      webhookUrl: `${webhook.url}/hook`,
      groupBy: ['...'],
      pathPrefix: prefix,
      basicAuth: { username, password, passwordHash },
    });
  }, 60_000);

  afterAll(async () => {
    await alertmanager?.stop();
    await webhook?.close();
  });

  /** Alertmanager's alerts of one rule, as its API lists them with the given extra query. */
  async function listed(alertname: string, query = ''): Promise<GettableAlert[]> {
    const filter = new URLSearchParams({ filter: `alertname="${alertname}"` });
    const response = await fetch(`${alertmanager.url}/api/v2/alerts?${filter.toString()}${query}`, {
      headers: { authorization: basicAuthHeader(username, password) },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as GettableAlert[];
  }

  function notified(alertname: string, status: NotifiedAlert['status']): Promise<NotifiedAlert> {
    const find = () =>
      webhook.requests
        .flatMap((request) => (request.json as { alerts: NotifiedAlert[] }).alerts)
        .find((alert) => alert.labels.alertname === alertname && alert.status === status);
    return waitFor(find, 30_000, `Alertmanager to notify ${alertname} ${status}`);
  }

  it('runs the Debian package', () => {
    expect(alertmanager.version).toMatch(/^0\.\d+\.\d+/);
  });

  it(
    'pushes a firing alert: listed active with its labels, ' +
      'annotations and startsAt, until 4 re-send intervals from now',
    async () => {
      const now = Date.now();
      const alert = alertNamed('RpcBurnFast');
      expect(await withBasicAuth(fixedClock(now)).deliver(firing(alert), signal)).toEqual({
        outcome: 'delivered',
        statusCode: 200,
      });

      expect(await listed('RpcBurnFast')).toEqual([
        expect.objectContaining({
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: new Date(alert.startsAtMs).toISOString(),
          endsAt: new Date(now + 4 * 60_000).toISOString(),
          generatorURL: alert.generatorUrl,
          status: expect.objectContaining({ state: 'active' }),
        }),
      ]);
      expect((await notified('RpcBurnFast', 'firing')).labels).toEqual(alert.labels);
    },
  );

  it('makes one alert of one alert pushed by two replicas', async () => {
    const now = Date.now();
    const alert = alertNamed('RpcBurnTwice');
    // One replica with basicAuth, the other with the credentials in its URL.
    const replicaA = withBasicAuth(fixedClock(now));
    const replicaB = receiver({ url: `${urlWith(password)}/` }, fixedClock(now + 2_000));
    expect((await replicaA.deliver(firing(alert), signal)).outcome).toBe('delivered');
    expect((await replicaB.deliver(testBatch([testNotification(alert, { kind: 'reminder' })]), signal)).outcome).toBe(
      'delivered',
    );

    // Alertmanager merges the two pushes: the later endsAt wins.
    expect(await listed('RpcBurnTwice')).toEqual([
      expect.objectContaining({
        labels: alert.labels,
        endsAt: new Date(now + 2_000 + 4 * 60_000).toISOString(),
        status: expect.objectContaining({ state: 'active' }),
      }),
    ]);
  });

  it(
    'resolves an alert on a resolved notification: no longer ' + 'listed under any filter, and notified resolved',
    async () => {
      const alert = alertNamed('RpcBurnResolved');
      const am = withBasicAuth();
      expect((await am.deliver(firing(alert), signal)).outcome).toBe('delivered');
      // Alertmanager notifies a resolve only once it has notified the firing.
      await notified('RpcBurnResolved', 'firing');

      const endsAtMs = Math.floor(Date.now() / 1_000) * 1_000 - 1_000;
      expect((await am.deliver(testBatch([resolvedAlert(alert, endsAtMs)]), signal)).outcome).toBe('delivered');

      // Alertmanager 0.25's API leaves out every alert whose endsAt has passed: there is no resolved state, and
      // active=false (with silenced, inhibited and unprocessed) does not bring it back.
      expect(await listed('RpcBurnResolved')).toEqual([]);
      expect(await listed('RpcBurnResolved', '&active=true')).toEqual([]);
      expect(await listed('RpcBurnResolved', '&active=false&silenced=true&inhibited=true&unprocessed=true')).toEqual(
        [],
      );
      expect(Date.parse((await notified('RpcBurnResolved', 'resolved')).endsAt)).toBe(endsAtMs);
    },
  );

  it('leaves Alertmanager to resolve an alert by itself once it is no longer re-sent', async () => {
    // A push made almost 4 re-send intervals ago: its endsAt is seconds away, time enough to notify it firing.
    const endsAtMs = Math.floor(Date.now() / 1_000) * 1_000 + 4_000;
    expect(
      (await withBasicAuth(fixedClock(endsAtMs - 4 * 60_000)).deliver(firing(alertNamed('RpcBurnExpired')), signal))
        .outcome,
    ).toBe('delivered');
    await notified('RpcBurnExpired', 'firing');
    await waitFor(async () => (await listed('RpcBurnExpired')).length === 0, 30_000, 'the alert to expire');
    expect(Date.parse((await notified('RpcBurnExpired', 'resolved')).endsAt)).toBe(endsAtMs);
  });

  it('marks a test alert with a label and its summary, and lets it expire in 5 minutes', async () => {
    const now = Date.now();
    const alert = alertNamed('RpcBurnTest');
    // Credentials given as a plain header work too.
    const am = receiver(
      { url: alertmanager.url, headers: { Authorization: basicAuthHeader(username, password) } },
      fixedClock(now),
    );
    expect((await am.deliver(firing(alert, { test: true }), signal)).outcome).toBe('delivered');

    expect(await listed('RpcBurnTest')).toEqual([
      expect.objectContaining({
        labels: { ...alert.labels, ere_test: 'true' },
        annotations: { ...alert.annotations, summary: `[TEST] ${alert.annotations.summary}` },
        endsAt: new Date(now + 5 * 60_000).toISOString(),
      }),
    ]);
  });

  it('is failed when Alertmanager refuses the alerts (400), with its reason and no secret', async () => {
    const alert = testAlert({ rule: 'RpcBurnBad', labels: { alertname: 'RpcBurnBad', 'not a label name': 'x' } });
    const result = await receiver({ url: urlWith(password) }).deliver(firing(alert), signal);
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 400,
      error: expect.stringContaining('invalid label set'),
    });
    expect(JSON.stringify(result)).not.toContain(password);
  });

  it('is failed on wrong credentials (401), naming neither the URL nor the password', async () => {
    const result = await receiver({ url: urlWith('wrong-password') }).deliver(
      firing(alertNamed('RpcBurnAuth')),
      signal,
    );
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 401 });
    expect(JSON.stringify(result)).not.toMatch(/wrong-password|127\.0\.0\.1/);
  });

  it('is retry when the connection is refused, naming neither the URL nor the password', async () => {
    const port = await freePort();
    const result = await receiver({ url: urlWith(password, port) }).deliver(firing(alertNamed('RpcBurnDown')), signal);
    expect(result).toEqual({ outcome: 'retry', statusCode: null, error: 'ECONNREFUSED' });
    expect(JSON.stringify(result)).not.toMatch(new RegExp(`${password}|${port}`));
  });
});

describe('alertmanager receiver, the request', () => {
  let server: HttpReceiver;
  const url = () => `http://${username}:${password}@127.0.0.1:${server.port}${prefix}/`;

  beforeAll(async () => {
    server = await startHttpReceiver();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it(
    'posts every notification as a postable alert to ' +
      '<url>/api/v2/alerts, with the configured headers and credentials',
    async () => {
      const alert = testAlert();
      const batch = testBatch([
        alert,
        testNotification(alert, { kind: 'reminder' }),
        resolvedAlert(alert, alertNowMs - 60_000),
      ]);
      const result = await receiver(
        { url: url(), headers: { 'X-Scope-OrgID': 'tenant-1' } },
        fixedClock(alertNowMs),
      ).deliver(batch, signal);
      expect(result).toEqual({ outcome: 'delivered', statusCode: 200 });

      const [request] = await server.waitFor(1);
      expect(request!.path).toBe(`${prefix}/api/v2/alerts`);
      expect(request!.headers).toMatchObject({
        'content-type': 'application/json',
        authorization: basicAuthHeader(username, password),
        'x-scope-orgid': 'tenant-1',
      });
      const common = {
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: new Date(alert.startsAtMs).toISOString(),
        generatorURL: alert.generatorUrl,
      };
      const firingUntil = new Date(alertNowMs + 4 * 60_000).toISOString();
      expect(request!.json).toEqual([
        { ...common, endsAt: firingUntil },
        { ...common, endsAt: firingUntil },
        { ...common, endsAt: new Date(alertNowMs - 60_000).toISOString() },
      ]);
    },
  );

  describeDeliveryOutcomes({
    server: () => server,
    receiver: (timeoutMs) => receiver({ url: url() }, systemClock, timeoutMs),
    batch: () => testBatch([testAlert()]),
    secrets: () => [url(), password],
  });
});

describe('alertmanager receiver kind', () => {
  const parse = (config: Record<string, unknown>) =>
    alertmanagerReceiver.configSchema.safeParse({ kind: 'alertmanager', ...config });
  const issues = (config: Record<string, unknown>) =>
    parse(config).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

  it('is in the list of kinds, re-sends every minute, and takes up to 64 alerts a request', () => {
    expect(receiverKind('alertmanager')).toBe(alertmanagerReceiver);
    expect(alertmanagerReceiver.resendIntervalMs).toBe(60_000);
    expect(alertmanagerReceiver.maxBatchSize).toBe(64);
  });

  it('takes an http(s) base URL, headers defaulting to none, and credentials in one place only', () => {
    expect(parse({ url: 'http://alertmanager:9093' })).toMatchObject({
      success: true,
      data: { kind: 'alertmanager', url: 'http://alertmanager:9093', headers: {} },
    });
    expect(issues({ url: 'ftp://alertmanager' })).toEqual([['url', expect.stringContaining('http(s) URL')]]);
    expect(issues({ url: 'http://am', extra: 1 })).toHaveLength(1);
    expect(issues({ url: 'http://u:p@am', basicAuth: { username: 'u', password: 'p' } })).toEqual([
      ['basicAuth', expect.stringContaining('one place')],
    ]);
    expect(issues({ url: 'http://u:p@am', headers: { authorization: 'x' } })).toEqual([
      ['headers.authorization', expect.stringContaining('one place')],
    ]);
    expect(
      issues({ url: 'http://am', basicAuth: { username: 'u', password: 'p' }, headers: { Authorization: 'x' } }),
    ).toEqual([['headers.Authorization', expect.stringContaining('one place')]]);
  });

  it('names every secret, and describes itself by host', () => {
    const config = alertmanagerReceiver.configSchema.parse({
      kind: 'alertmanager',
      url: 'https://bob:hunter22@am.example.com/prefix',
      headers: { 'X-Scope-OrgID': 'tenant-secret' },
    });
    expect(alertmanagerReceiver.secrets(config)).toEqual(expect.arrayContaining(['hunter22', 'tenant-secret']));
    const withAuth = alertmanagerReceiver.configSchema.parse({
      kind: 'alertmanager',
      url: 'https://am.example.com',
      basicAuth: { username: 'bob', password: 'pa55word' },
    });
    expect(alertmanagerReceiver.secrets(withAuth)).toContain('pa55word');
    expect(alertmanagerReceiver.describe(config)).toBe('am.example.com');
  });
});
