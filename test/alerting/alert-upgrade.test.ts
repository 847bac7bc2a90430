// An upgrade over a database written before alerts carried runbook links: the firing alerts keep their
// identity (the same fingerprints), nobody is paged again, a stored silence still mutes what it muted, and
// the alerts gain their runbook_url.

import BetterSqlite3 from 'better-sqlite3';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseMatcher } from '../../src/alerting/matchers.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

let refusing: Server;
let hook: HttpReceiver;
let url: string;

beforeAll(async () => {
  refusing = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`;
  hook = await startHttpReceiver();
});

afterAll(async () => {
  await hook?.close();
  await new Promise((resolve) => refusing.close(resolve));
});

interface ApiAlert {
  fingerprint: string;
  state: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  silencedBy: string[];
}

const alertsOf = async (service: CapturedService) =>
  ((await service.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json() as { alerts: ApiAlert[] }).alerts;

describe('upgrade over alerts stored without runbook links', () => {
  it('pages nobody again, keeps the silence muting, and adds the links', { timeout: 60_000 }, async () => {
    const dbPath = join(tempDir(), 'ere.db');
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: dbPath, flushInterval: '100ms' },
        chains: [
          {
            id: 'local',
            chainId: 31337,
            pollInterval: '300ms',
            timeout: '250ms',
            rpc: [
              { id: 'gone', url },
              { id: 'muted', url },
            ],
          },
        ],
        alerting: {
          evaluationInterval: '1s',
          rules: [
            {
              name: 'EndpointDown',
              source: 'endpoint',
              metric: 'up',
              op: '==',
              threshold: 0,
              for: '3s',
              severity: 'warning',
              annotations: { summary: '{{ $labels.endpoint }} is down' },
            },
          ],
          receivers: [{ id: 'hook', kind: 'webhook', url: `${hook.url}/alerts`, timeout: '5s' }],
          route: { receiver: 'hook', groupBy: ['...'], groupWait: '0s', groupInterval: '1s', repeatInterval: '4h' },
          delivery: { initialBackoff: '200ms', maxBackoff: '1s', pollInterval: '100ms' },
        },
      }),
    );

    const before = await startCapturedService(config);
    let firing: ApiAlert[];
    try {
      // Within the rule's `for`: the silence is in place before either alert fires.
      before.alerting.engine.addSilence({
        matchers: [parseMatcher('endpoint="muted"')],
        endsAtMs: Date.now() + 3_600_000,
        createdBy: 'ops',
        comment: 'maintenance',
      });
      firing = await waitFor(
        async () => {
          const alerts = (await alertsOf(before)).filter((alert) => alert.state === 'firing');
          return alerts.length === 2 ? alerts : undefined;
        },
        30_000,
        'both alerts firing',
      );
      await hook.waitFor(1, 20_000);
      // Delivery is at least once: stopping before the answer is recorded would send it again, rightly.
      await waitFor(
        async () => {
          const { notifications } = (
            await before.app.inject({ method: 'GET', url: '/api/v1/notifications' })
          ).json() as { notifications: { status: string }[] };
          return notifications.length > 0 && notifications.every((notification) => notification.status !== 'pending');
        },
        20_000,
        'the delivery recorded',
      );
    } finally {
      await before.stop();
    }
    const paged = hook.requests.length;
    const notified = hook.requests.map(
      (request) => request.json as { status: string; groupLabels: Record<string, string> },
    );
    expect(notified.map((body) => [body.groupLabels.endpoint, body.status])).toEqual([['gone', 'firing']]);

    // The database as the release before wrote it: no runbook_url on any stored alert.
    const db = new BetterSqlite3(dbPath);
    db.prepare("UPDATE alerts SET annotations = json_remove(annotations, '$.runbook_url')").run();
    db.close();

    const after = await startCapturedService(config);
    try {
      const linked = await waitFor(
        async () => {
          const alerts = await alertsOf(after);
          return alerts.length === 2 && alerts.every((alert) => alert.annotations.runbook_url !== undefined)
            ? alerts
            : undefined;
        },
        30_000,
        'alerts with runbook links',
      );
      expect(linked.map((alert) => alert.fingerprint).sort()).toEqual(firing.map((alert) => alert.fingerprint).sort());
      expect(linked.every((alert) => alert.state === 'firing')).toBe(true);
      expect(linked.find((alert) => alert.labels.endpoint === 'muted')!.silencedBy).toHaveLength(1);
      expect(linked[0]!.annotations.runbook_url).toBe(`${after.url}/runbooks/rpc#endpointdown`);
      // Several evaluations and delivery polls later, still nobody paged again.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(hook.requests.length).toBe(paged);
    } finally {
      await after.stop();
    }
  });
});
