// End to end, in real time, with the service as users run it (bin/ere.js in a child process): endpoints made
// to fail fire alerts, delivered to a real webhook receiver on loopback that is first down (HTTP 500, then
// refusing connections) and then recovers; later the service is killed with SIGKILL in the middle of a
// delivery and started again. Every notification must arrive, in order per alert, and nothing the
// receiver acknowledged with a 2xx may be sent again.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../src/demo/fault-proxy.js';
import { startHttpReceiver, type CapturedRequest, type HttpReceiver } from '../helpers/http-receiver.js';
import { tempDir, waitFor } from '../helpers/service.js';

const bin = fileURLToPath(new URL('../../bin/ere.js', import.meta.url));

interface WebhookBody {
  alerts: { status: string; fingerprint: string; idempotencyKey: string; labels: Record<string, string> }[];
}

interface Ere {
  child: ChildProcess;
  url: string;
  output: string[];
}

/** The output of every run of the service. */
const allOutput: string[][] = [];

async function startEre(configPath: string): Promise<Ere> {
  const child = spawn(process.execPath, [bin, 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  allOutput.push(output);
  const url = await waitFor(
    () => {
      for (const line of output) {
        const match = /"url":"(http:\/\/[^"]+)".*"msg":"ERE Monitor started"/.exec(line);
        if (match) return match[1];
      }
      return undefined;
    },
    30_000,
    'the service to start',
  );
  return { child, url, output };
}

function killed(ere: Ere, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    ere.child.once('exit', () => resolve());
    ere.child.kill(signal);
  });
}

/** What each request carried, with whether the receiver answered it with a 2xx (before the client went away). */
interface Received {
  request: CapturedRequest;
  acknowledged: boolean;
}

let anvil: AnvilNode;
const proxies: FaultProxy[] = [];
let hook: HttpReceiver;
let configPath: string;
const received: Received[] = [];
const secretPath = 'hook-token-5f2a9c81d4e7';
const hmacKey = 'hmac-key-0b6e3f9a27c4d815';
/** How the receiver answers now; the test changes it as the scenario goes. */
let mode: 'error' | 'ok' | 'hang' = 'ok';

beforeAll(async () => {
  anvil = await startAnvil({ blockTimeSeconds: 1 });
  for (let index = 0; index < 3; index += 1) proxies.push(await startFaultProxy({ upstreamUrl: anvil.url }));
  hook = await startHttpReceiver({
    respond: (request) => {
      const entry: Received = { request, acknowledged: false };
      received.push(entry);
      if (mode === 'error') return { status: 500, body: 'down' };
      if (mode === 'hang') return { status: 200, delayMs: 60_000 };
      entry.acknowledged = true;
      return { status: 200, body: 'ok' };
    },
  });
  const dir = tempDir();
  configPath = join(dir, 'ere.yaml');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'ere.db'), flushInterval: '100ms' },
      log: { level: 'info' },
      chains: [
        {
          id: 'local',
          chainId: 31337,
          pollInterval: '500ms',
          timeout: '400ms',
          rpc: proxies.map((proxy, index) => ({ id: `rpc-${index}`, url: proxy.url })),
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
            severity: 'critical',
            annotations: { summary: '{{ $labels.endpoint }} is down' },
          },
        ],
        receivers: [{ id: 'hook', kind: 'webhook', url: `${hook.url}/alerts/${secretPath}`, timeout: '5s', hmacKey }],
        route: { receiver: 'hook', groupBy: ['...'], groupWait: '0s', groupInterval: '1s', repeatInterval: '4h' },
        delivery: { initialBackoff: '200ms', maxBackoff: '1s', breakerFailures: 1000, pollInterval: '100ms' },
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await hook?.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await anvil?.stop();
});

const alertsOf = (entry: Received) => (entry.request.json as WebhookBody).alerts;
const acknowledgedKeys = () =>
  received
    .filter((entry) => entry.acknowledged)
    .flatMap((entry) => alertsOf(entry).map((alert) => alert.idempotencyKey));
const setFaults = (on: boolean) => {
  for (const proxy of proxies) proxy.setFault(on ? { kind: 'http_status', status: 503 } : { kind: 'none' });
};

/** Every acknowledged notification once, and per alert firing before resolved. */
function expectExactlyOnceInOrder(expectedPerAlert: string[]) {
  const keys = acknowledgedKeys();
  expect(new Set(keys).size).toBe(keys.length);
  const byAlert = new Map<string, string[]>();
  for (const entry of received.filter((candidate) => candidate.acknowledged)) {
    for (const alert of alertsOf(entry))
      byAlert.set(alert.fingerprint, [...(byAlert.get(alert.fingerprint) ?? []), alert.status]);
  }
  expect(byAlert.size).toBe(3);
  for (const statuses of byAlert.values()) expect(statuses).toEqual(expectedPerAlert);
}

describe('alert delivery through receiver outages and a killed service', () => {
  it('delivers everything, in order, once, through an outage and a SIGKILL', { timeout: 240_000 }, async () => {
    let ere = await startEre(configPath);
    try {
      await waitFor(async () => (await fetch(`${ere.url}/readyz`)).ok || undefined, 20_000, 'readiness');

      // 1. The receiver answers 500 while the endpoints fail, then refuses connections; the endpoints recover
      // meanwhile, so each alert has a firing and a resolved notification waiting, in that order.
      mode = 'error';
      setFaults(true);
      // Every endpoint's alert fired and was tried (retries of the first alone would not say the others fired).
      await waitFor(
        () =>
          new Set(received.flatMap((entry) => alertsOf(entry).map((alert) => alert.fingerprint))).size >= 3 ||
          undefined,
        30_000,
        'attempts of all three alerts against the failing receiver',
      );
      await hook.refuseConnections();
      setFaults(false);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      mode = 'ok';
      await hook.acceptConnections();
      await waitFor(() => acknowledgedKeys().length >= 6 || undefined, 60_000, 'six notifications acknowledged');
      expectExactlyOnceInOrder(['firing', 'resolved']);
      const metrics = await (await fetch(`${ere.url}/metrics`)).text();
      expect(metrics).toMatch(/ere_notifications_total\{receiver="hook",outcome="retry"\} [1-9]/);
      expect(metrics).toMatch(/ere_notifications_total\{receiver="hook",outcome="delivered"\} 6/);
      expect(metrics).toContain('ere_notification_queue_depth{receiver="hook"} 0');

      // 2. New alerts; the receiver takes the first delivery and hangs on the second: the service is killed then.
      received.length = 0;
      let answered = 0;
      hook.respondWith((request) => {
        const entry: Received = { request, acknowledged: false };
        received.push(entry);
        if (answered === 0) {
          answered += 1;
          entry.acknowledged = true;
          return { status: 200, body: 'ok' };
        }
        if (mode === 'hang') return { status: 200, delayMs: 60_000 };
        entry.acknowledged = true;
        return { status: 200, body: 'ok' };
      });
      mode = 'hang';
      setFaults(true);
      await waitFor(() => received.length >= 2 || undefined, 30_000, 'a delivery in flight');
      await killed(ere, 'SIGKILL');
      const beforeKill = acknowledgedKeys();
      expect(beforeKill).toHaveLength(1);
      const inFlight = alertsOf(received[1]!)[0]!.idempotencyKey;

      // 3. Restarted: the in-flight notification is sent again (same key), the acknowledged one is not, and
      // the alerts, still firing, are not paged again.
      mode = 'ok';
      ere = await startEre(configPath);
      await waitFor(() => acknowledgedKeys().length >= 3 || undefined, 60_000, 'the remaining firing notifications');
      const afterRestart = received.slice(2).flatMap((entry) => alertsOf(entry).map((alert) => alert.idempotencyKey));
      expect(afterRestart).toContain(inFlight);
      expect(afterRestart).not.toContain(beforeKill[0]);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(acknowledgedKeys()).toHaveLength(3);
      const active = (await (await fetch(`${ere.url}/api/v1/alerts`)).json()) as { alerts: { state: string }[] };
      expect(active.alerts.map((alert) => alert.state)).toEqual(['firing', 'firing', 'firing']);

      setFaults(false);
      await waitFor(() => acknowledgedKeys().length >= 6 || undefined, 60_000, 'the resolved notifications');
      expectExactlyOnceInOrder(['firing', 'resolved']);

      // The receiver's secrets appear nowhere: not in the log (which holds the failed attempts), the
      // metrics or the API.
      const exposed = [
        allOutput.flat().join('\n'),
        await (await fetch(`${ere.url}/metrics`)).text(),
        await (await fetch(`${ere.url}/api/v1/notifications?attempts=true`)).text(),
      ].join('\n');
      expect(exposed).toContain('delivery failed; will retry');
      expect(exposed).not.toContain(secretPath);
      expect(exposed).not.toContain(hmacKey);
    } finally {
      if (ere.child.exitCode === null) await killed(ere, 'SIGTERM');
    }
  });
});
