// Alerts, silences and notifications through the API, over a real engine and SQLite file: what they show,
// what they refuse (400 naming the field), and the bearer token that guards the mutating routes (and the
// reads when asked), which never shows up in an answer or a log line.

import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { fixedClock } from '../../src/domain/clock.js';
import { ChainView } from '../../src/endpoints/rpc/rpc-view.js';
import { defineRoute, registerRoutes, type AuthSettings } from '../../src/http/route.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { defaultInhibitRules } from '../../src/alerting/inhibition.js';
import { AlertEngine, type AlertRouting } from '../../src/alerting/alert-engine.js';
import type { AlertRule, AlertSignal } from '../../src/alerting/alert-rule.js';
import { parseTemplate } from '../../src/alerting/template.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { AlertStore } from '../../src/alerting/alert-store.js';
import { openDatabase } from '../../src/store/database.js';
import { Outbox } from '../../src/notify/outbox.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { tempDir } from '../helpers/service.js';

const start = Date.UTC(2026, 10, 1, 12, 0, 0);
const token = 'ere-test-token-7f3a9c1e5b2d4f60';
const config = parseConfig(`
chains: [{ id: demo, chainId: 1, rpc: [{ id: a, url: "http://a.example.com" }] }]
`);

/** A rule over a mutable table of endpoint → value, firing above 5 after a minute. */
function tableRule(name: string, severity: AlertRule['severity'], values: Map<string, number>): AlertRule {
  return {
    name,
    severity,
    source: 'test',
    timing: { forMs: 60_000, keepFiringForMs: 0 },
    labels: { team: 'rpc' },
    annotations: { summary: parseTemplate('{{ $labels.endpoint }} at {{ $value }}') },
    signals: (): AlertSignal[] =>
      [...values].map(([endpoint, value]) => ({
        labels: { scope: 'endpoint', chain: 'demo', endpoint },
        value,
        condition: () => value > 5,
      })),
  };
}

const routing: AlertRouting = {
  root: {
    receiver: 'hook',
    matchers: [],
    groupWaitMs: 0,
    groupIntervalMs: 60_000,
    repeatIntervalMs: 3_600_000,
    continue: false,
    routes: [],
  },
  inhibitRules: defaultInhibitRules,
  receivers: new Map([['hook', { sendResolved: true }]]),
};

function setup(options: { auth?: AuthSettings; alerts?: boolean } = {}) {
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const clock = fixedClock(start);
  const lagging = new Map<string, number>();
  const down = new Map<string, number>();
  const engine = new AlertEngine(
    db,
    [tableRule('EndpointLagging', 'warning', lagging), tableRule('EndpointDown', 'critical', down)],
    { clock, routing, externalUrl: 'http://ere.test' },
  );
  const store = new AlertStore(db);
  const outbox = new Outbox(db);
  const slos = new SloEngine(db, resolveSlos(config), { clock, settleMs: 30_000 });
  const tracker = new ChainTracker(
    [{ chain: 'demo', endpoints: ['a'], policy: { maxLagBlocks: 3, staleAfterMs: 45_000 } }],
    clock,
  );
  const lines: string[] = [];
  // The token is deliberately not given to the scrubber: nothing in the HTTP layer may need it to.
  const logger = createLogger({
    level: 'trace',
    scrubber: new SecretScrubber(),
    destination: { write: (line: string) => void lines.push(line) },
  });
  const app = buildServer({
    version: 'test',
    clock,
    logger,
    registry: new Registry(),
    readiness: () => ({ ready: true }),
    view: new ChainView(config, tracker),
    samples: new RpcSampleStore(db),
    slos,
    sloReports: new SloReports(db, slos.definitions(), () => slos.settledEnd(clock.now())),
    auth: options.auth ?? { protectReads: false },
    ...(options.alerts === false ? {} : { alerts: { engine, store, outbox } }),
  });
  const bodies: string[] = [];
  const request = async (
    method: 'GET' | 'POST' | 'DELETE' | 'HEAD',
    url: string,
    init: { body?: unknown; bearer?: string } = {},
  ) => {
    const response = await app.inject({
      method,
      url,
      ...(init.body === undefined ? {} : { payload: init.body as object }),
      ...(init.bearer === undefined ? {} : { headers: { authorization: `Bearer ${init.bearer}` } }),
    });
    bodies.push(response.body, JSON.stringify(response.headers));
    return { status: response.statusCode, json: () => response.json(), headers: response.headers };
  };
  /** a fires and b is pending for EndpointLagging; c fires for EndpointDown. */
  const raise = () => {
    lagging.set('a', 9);
    down.set('c', 7);
    engine.evaluate();
    clock.advance(60_000);
    lagging.set('b', 8);
    engine.evaluate();
  };
  const fingerprintOf = (endpoint: string) =>
    engine.active().find((alert) => alert.labels.endpoint === endpoint)!.fingerprint;
  return { app, clock, engine, outbox, lagging, raise, fingerprintOf, request, lines, bodies };
}

const writeAuth = { token, protectReads: false };

describe('alerts API', () => {
  it(
    'lists the active alerts, firing first, with their ' + 'receivers and latest notifications, and filters them',
    async () => {
      const { raise, request } = setup();
      raise();
      const { alerts } = (await request('GET', '/api/v1/alerts')).json();
      expect(
        alerts.map(
          (alert: { labels: { endpoint: string }; state: string }) => `${alert.labels.endpoint}:${alert.state}`,
        ),
      ).toEqual(['a:firing', 'c:firing', 'b:pending']);
      expect(alerts[0]).toEqual({
        fingerprint: expect.stringMatching(/^[0-9a-f]+$/),
        rule: 'EndpointLagging',
        severity: 'warning',
        state: 'firing',
        labels: expect.objectContaining({
          alertname: 'EndpointLagging',
          severity: 'warning',
          endpoint: 'a',
          team: 'rpc',
        }),
        annotations: { summary: 'a at 9' },
        value: 9,
        activeSince: new Date(start).toISOString(),
        firingSince: new Date(start + 60_000).toISOString(),
        silencedBy: [],
        inhibited: false,
        receivers: ['hook'],
        ack: null,
        notifications: [
          {
            receiver: 'hook',
            id: expect.any(Number),
            kind: 'firing',
            status: 'pending',
            reason: null,
            createdAt: new Date(start + 60_000).toISOString(),
            deliveredAt: null,
            attempts: 0,
            lastError: null,
          },
        ],
      });
      expect(alerts[2]).toMatchObject({ state: 'pending', firingSince: null, notifications: [] });

      const firing = (await request('GET', '/api/v1/alerts?state=firing')).json().alerts;
      expect(firing.map((alert: { labels: { endpoint: string } }) => alert.labels.endpoint)).toEqual(['a', 'c']);
      const critical = (await request('GET', '/api/v1/alerts?severity=critical&state=firing')).json().alerts;
      expect(critical.map((alert: { labels: { endpoint: string } }) => alert.labels.endpoint)).toEqual(['c']);
      const bad = await request('GET', '/api/v1/alerts?state=resolved');
      expect(bad.status).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'query.state' });
      expect((await request('GET', '/api/v1/alerts?colour=red')).json()).toMatchObject({
        error: 'bad_request',
        field: 'query.colour',
      });
    },
  );

  it('shows one alert with its transitions, 404 for one not active, and the history newest first', async () => {
    const { raise, request, fingerprintOf, clock, lagging, engine } = setup();
    raise();
    const fingerprint = fingerprintOf('a');
    const alert = (await request('GET', `/api/v1/alerts/${fingerprint}`)).json();
    expect(alert).toMatchObject({ fingerprint, state: 'firing' });
    expect(alert.transitions.map((t: { from: string; to: string }) => `${t.from}→${t.to}`)).toEqual([
      'pending→firing',
      'inactive→pending',
    ]);
    expect(alert.transitions[0]).toMatchObject({
      at: new Date(start + 60_000).toISOString(),
      startsAt: new Date(start + 60_000).toISOString(),
      value: 9,
    });

    const missing = await request('GET', '/api/v1/alerts/0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'no active alert "0123456789abcdef"' });

    lagging.set('a', 1);
    clock.advance(60_000);
    engine.evaluate();
    expect((await request('GET', `/api/v1/alerts/${fingerprint}`)).status).toBe(404);

    // The static segment wins over `:fingerprint`.
    const history = (await request('GET', '/api/v1/alerts/history')).json();
    expect(history.to).toBe(new Date(start + 120_000).toISOString());
    expect(history.from).toBe(new Date(start + 120_000 - 86_400_000).toISOString());
    // Newest first; within one evaluation, the reverse of the order the engine wrote them.
    expect(
      history.transitions.map((t: { labels: { endpoint: string }; to: string }) => `${t.labels.endpoint}:${t.to}`),
    ).toEqual(['b:firing', 'a:resolved', 'c:firing', 'b:pending', 'a:firing', 'c:pending', 'a:pending']);
    const one = (await request('GET', `/api/v1/alerts/history?fingerprint=${fingerprint}&limit=2`)).json();
    expect(one.transitions.map((t: { from: string; to: string }) => `${t.from}→${t.to}`)).toEqual([
      'firing→resolved',
      'pending→firing',
    ]);
    const earlier = (
      await request('GET', `/api/v1/alerts/history?from=${new Date(start).toISOString()}&to=${start + 59_999}`)
    ).json();
    expect(earlier.transitions).toHaveLength(2);
    expect((await request('GET', '/api/v1/alerts/history?limit=1001')).json()).toMatchObject({
      field: 'query.limit',
      message: 'query.limit: must be at most 1000',
    });
    expect((await request('GET', '/api/v1/alerts/history?from=yesterday')).json()).toMatchObject({
      field: 'query.from',
    });
    expect((await request('GET', `/api/v1/alerts/history?from=${start + 1}&to=${start}`)).json()).toMatchObject({
      field: 'query.from',
    });
  });

  it(
    'acknowledges an alert only with the token: 403 without one ' + 'configured, 401 without or with a wrong one',
    async () => {
      const off = setup();
      off.raise();
      const forbidden = await off.request('POST', `/api/v1/alerts/${off.fingerprintOf('a')}/ack`, {
        body: { by: 'ops' },
        bearer: token,
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.json()).toEqual({ error: 'forbidden', message: 'set server.auth.token to enable this route' });

      const { raise, request, fingerprintOf, engine } = setup({ auth: writeAuth });
      raise();
      const url = `/api/v1/alerts/${fingerprintOf('a')}/ack`;
      const anonymous = await request('POST', url, { body: { by: 'ops' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      expect(anonymous.json()).toMatchObject({ error: 'unauthorized' });
      const wrong = await request('POST', url, { body: { by: 'ops' }, bearer: `${token}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.json()).toEqual({ error: 'unauthorized', message: 'the bearer token is not valid' });
      // Authentication comes before the body is even read.
      expect((await request('POST', url, { body: 'not json at all' })).status).toBe(401);
      expect(engine.get(fingerprintOf('a'))!.ack).toBeNull();

      expect((await request('POST', url, { body: { by: '  ' }, bearer: token })).json()).toEqual({
        error: 'bad_request',
        message: 'body.by: is required',
        field: 'body.by',
      });
      expect(
        (await request('POST', url, { body: { by: 'ops', comment: 'x'.repeat(1001) }, bearer: token })).json(),
      ).toMatchObject({ field: 'body.comment' });
      expect((await request('POST', url, { bearer: token })).json()).toMatchObject({ field: 'body.by' });

      const acked = await request('POST', url, { body: { by: 'ops', comment: 'on it' }, bearer: token });
      expect(acked.status).toBe(200);
      expect(acked.json()).toMatchObject({
        fingerprint: fingerprintOf('a'),
        ack: { by: 'ops', at: new Date(start + 60_000).toISOString(), comment: 'on it' },
      });
      expect((await request('GET', `/api/v1/alerts/${fingerprintOf('a')}`)).json().ack).toMatchObject({ by: 'ops' });
      const noComment = await request('POST', `/api/v1/alerts/${fingerprintOf('c')}/ack`, {
        body: { by: 'ops' },
        bearer: token,
      });
      expect(noComment.json().ack).toMatchObject({ by: 'ops', comment: null });

      const unknown = await request('POST', '/api/v1/alerts/0123456789abcdef/ack', {
        body: { by: 'ops' },
        bearer: token,
      });
      expect(unknown.status).toBe(404);
    },
  );

  it('creates, lists and expires silences, and names what is wrong with a bad one', async () => {
    const { raise, request, clock, fingerprintOf } = setup({ auth: writeAuth });
    const body = {
      matchers: [{ name: 'endpoint', value: 'a', isRegex: false }],
      endsAt: new Date(start + 3_600_000).toISOString(),
      createdBy: 'ops',
      comment: 'maintenance',
    };
    expect((await request('POST', '/api/v1/silences', { body })).status).toBe(401);

    const created = await request('POST', '/api/v1/silences', { body, bearer: token });
    expect(created.status).toBe(201);
    const { silenceID, silence } = created.json();
    expect(silence).toEqual({
      id: silenceID,
      matchers: [{ name: 'endpoint', value: 'a', isRegex: false, isEqual: true }],
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
      createdBy: 'ops',
      comment: 'maintenance',
      createdAt: new Date(start).toISOString(),
      updatedAt: new Date(start).toISOString(),
      status: { state: 'active' },
    });
    const later = {
      ...body,
      startsAt: new Date(start + 600_000).toISOString(),
      matchers: [{ name: 'endpoint', value: 'b|c', isRegex: true, isEqual: true }],
    };
    expect((await request('POST', '/api/v1/silences', { body: later, bearer: token })).status).toBe(201);
    expect(
      (await request('GET', '/api/v1/silences'))
        .json()
        .silences.map((s: { status: { state: string } }) => s.status.state),
    ).toEqual(['active', 'pending']);

    raise();
    expect((await request('GET', `/api/v1/alerts/${fingerprintOf('a')}`)).json().silencedBy).toEqual([silenceID]);

    const cases: [unknown, string, string][] = [
      [{ ...body, endsAt: new Date(start - 1).toISOString() }, 'body.endsAt', 'body.endsAt: must be in the future'],
      [{ ...body, matchers: [] }, 'body.matchers', 'body.matchers: at least one matcher is required'],
      [
        { ...body, matchers: [{ name: 'endpoint', value: '.*', isRegex: true }] },
        'body.matchers',
        'at least one matcher must not match the empty string',
      ],
      [
        { ...body, matchers: [{ name: 'endpoint', value: '(a', isRegex: true }] },
        'body.matchers[0].value',
        'invalid regex',
      ],
      [
        { ...body, matchers: [{ name: '1x', value: 'a', isRegex: false }] },
        'body.matchers[0].name',
        'must be a label name',
      ],
      [{ ...body, endsAt: 'tomorrow' }, 'body.endsAt', 'must be an ISO 8601 date-time'],
      [
        { ...body, comment: '', createdBy: '' },
        'body.createdBy',
        'body.createdBy: is required; body.comment: is required',
      ],
      [{ ...body, id: 'x' }, 'body.id', 'body.id: unknown field'],
      [{ matchers: body.matchers, createdBy: 'ops', comment: 'c' }, 'body.endsAt', 'body.endsAt:'],
    ];
    for (const [input, field, message] of cases) {
      const refused = await request('POST', '/api/v1/silences', { body: input, bearer: token });
      expect(refused.status, JSON.stringify(input)).toBe(400);
      expect(refused.json(), JSON.stringify(input)).toMatchObject({
        error: 'bad_request',
        field,
        message: expect.stringContaining(message),
      });
    }

    clock.advance(60_000);
    expect((await request('DELETE', `/api/v1/silences/${silenceID}`)).status).toBe(401);
    const expired = await request('DELETE', `/api/v1/silences/${silenceID}`, { bearer: token });
    expect(expired.status).toBe(200);
    expect(expired.json()).toMatchObject({
      id: silenceID,
      endsAt: new Date(start + 120_000).toISOString(),
      status: { state: 'expired' },
    });
    expect(
      (await request('GET', '/api/v1/silences'))
        .json()
        .silences.map((s: { status: { state: string } }) => s.status.state),
    ).toEqual(['expired', 'pending']);
    expect((await request('DELETE', '/api/v1/silences/no-such-silence', { bearer: token })).status).toBe(404);
  });

  it('lists notifications newest first with their keys, status filter, attempt log and pending summary', async () => {
    const { raise, request, outbox, clock } = setup();
    raise();
    const [c, a] = outbox.list({ limit: 10 }).map((row) => row.id) as [number, number];
    outbox.recordAttempt({
      ids: [a],
      atMs: start + 61_000,
      durationMs: 40,
      outcome: 'retry',
      statusCode: 503,
      error: 'HTTP 503',
      nextAttemptAtMs: start + 70_000,
    });
    outbox.recordAttempt({
      ids: [a],
      atMs: start + 70_000,
      durationMs: 30,
      outcome: 'delivered',
      statusCode: 200,
      error: null,
    });
    clock.advance(30_000);

    const all = (await request('GET', '/api/v1/notifications')).json();
    expect(all.notifications.map((n: { id: number }) => n.id)).toEqual([c, a]);
    expect(all.notifications[1]).toEqual({
      id: a,
      receiver: 'hook',
      kind: 'firing',
      status: 'delivered',
      reason: null,
      fingerprint: expect.any(String),
      alertname: 'EndpointLagging',
      severity: 'warning',
      idempotencyKey: expect.stringMatching(/^[0-9a-f]+:\d+@\d+$/),
      createdAt: new Date(start + 60_000).toISOString(),
      dueAt: new Date(start + 60_000).toISOString(),
      nextAttemptAt: null,
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: new Date(start + 70_000).toISOString(),
    });
    expect(all.notifications[1].idempotencyKey.startsWith(`${all.notifications[1].fingerprint}:`)).toBe(true);
    expect(all.summary).toEqual({ hook: { pending: 1, oldestPendingAgeSeconds: 30 } });
    expect(JSON.stringify(all)).not.toContain('example.com');

    const pending = (await request('GET', '/api/v1/notifications?status=pending')).json().notifications;
    expect(pending.map((n: { id: number; nextAttemptAt: string }) => [n.id, n.nextAttemptAt])).toEqual([
      [c, new Date(start + 60_000).toISOString()],
    ]);
    const withLog = (await request('GET', '/api/v1/notifications?status=delivered&attempts=true')).json().notifications;
    expect(withLog[0].attemptLog).toEqual([
      {
        at: new Date(start + 61_000).toISOString(),
        outcome: 'retry',
        statusCode: 503,
        error: 'HTTP 503',
        durationMs: 40,
      },
      {
        at: new Date(start + 70_000).toISOString(),
        outcome: 'delivered',
        statusCode: 200,
        error: null,
        durationMs: 30,
      },
    ]);
    expect((await request('GET', '/api/v1/notifications?limit=1')).json().notifications).toHaveLength(1);
    expect((await request('GET', '/api/v1/notifications?receiver=other')).json().notifications).toEqual([]);
    expect((await request('GET', '/api/v1/notifications?status=lost')).json()).toMatchObject({ field: 'query.status' });
    expect((await request('GET', '/api/v1/notifications?attempts=yes')).json()).toMatchObject({
      field: 'query.attempts',
    });

    // The alert shows what its receiver was last told.
    const alerts = (await request('GET', '/api/v1/alerts')).json().alerts;
    expect(alerts[0].notifications).toMatchObject([{ receiver: 'hook', id: a, status: 'delivered', attempts: 2 }]);
  });

  it(
    'guards every /api/v1 read with the token when ' + 'protectReads is on, and leaves the system routes open',
    async () => {
      const open = setup({ auth: writeAuth });
      for (const url of ['/api/v1/alerts', '/api/v1/silences', '/api/v1/notifications', '/api/v1/chains'])
        expect((await open.request('GET', url)).status, url).toBe(200);

      const { request } = setup({ auth: { token, protectReads: true } });
      for (const url of [
        '/api/v1/alerts',
        '/api/v1/alerts/history',
        '/api/v1/alerts/abc',
        '/api/v1/silences',
        '/api/v1/notifications',
        '/api/v1/chains',
        '/api/v1/slos',
        '/api/v1/openapi.json',
      ]) {
        const refused = await request('GET', url);
        expect(refused.status, url).toBe(401);
        expect(refused.headers['www-authenticate']).toBe('Bearer');
        expect((await request('GET', url, { bearer: token })).status, url).not.toBe(401);
      }
      expect((await request('HEAD', '/api/v1/alerts')).status).toBe(401);
      for (const url of ['/healthz', '/readyz', '/metrics']) expect((await request('GET', url)).status, url).toBe(200);

      // Reads protected but no token configured: nobody can read.
      const closed = setup({ auth: { protectReads: true } });
      expect((await closed.request('GET', '/api/v1/alerts', { bearer: token })).status).toBe(403);
      expect((await closed.request('GET', '/healthz')).status).toBe(200);
    },
  );

  it('never echoes or logs the token', async () => {
    const { app, raise, request, fingerprintOf, lines, bodies } = setup({ auth: { token, protectReads: true } });
    const boom = defineRoute({
      method: 'POST',
      url: '/api/v1/boom',
      summary: 'fails',
      tag: 'test',
      auth: 'write',
      responses: {},
      handler: () => {
        throw new Error('boom');
      },
    });
    registerRoutes(app, [boom], { token, protectReads: true });
    raise();
    await request('GET', '/api/v1/alerts', { bearer: token });
    await request('GET', '/api/v1/alerts', { bearer: `${token}-wrong` });
    await request('POST', `/api/v1/alerts/${fingerprintOf('a')}/ack`, { body: { by: token }, bearer: 'nope' });
    await request('POST', '/api/v1/silences', { body: { matchers: [] }, bearer: token });
    await request('GET', '/api/v1/openapi.json', { bearer: token });
    expect((await request('POST', '/api/v1/boom', { bearer: token })).status).toBe(500);
    expect(lines.join('')).toContain('boom');
    for (const text of [...bodies, ...lines]) expect(text).not.toContain(token);
  });

  it(
    'documents bodies and bearer auth in the OpenAPI document, ' + 'and leaves the alert routes out without an engine',
    async () => {
      const { request } = setup();
      const document = (await request('GET', '/api/v1/openapi.json')).json();
      expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      const ack = document.paths['/api/v1/alerts/{fingerprint}/ack'].post;
      expect(ack.security).toEqual([{ bearerAuth: [] }]);
      expect(ack.requestBody.content['application/json'].schema).toMatchObject({
        properties: { by: { type: 'string' } },
        required: ['by'],
      });
      expect(Object.keys(ack.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
      expect(document.paths['/api/v1/silences'].post.requestBody.content['application/json'].schema.required).toEqual([
        'matchers',
        'endsAt',
        'createdBy',
        'comment',
      ]);
      expect(document.paths['/api/v1/silences/{id}'].delete.security).toEqual([{ bearerAuth: [] }]);
      expect(document.paths['/api/v1/alerts'].get.security).toBeUndefined();
      expect(document.paths['/api/v1/alerts/history'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
        'from',
        'to',
        'fingerprint',
        'limit',
      ]);

      const without = setup({ alerts: false });
      expect((await without.request('GET', '/api/v1/alerts')).status).toBe(404);
      expect((await without.request('GET', '/api/v1/chains')).status).toBe(200);
    },
  );
});
