// The alerts the running service raises carry their runbook link, on the URL the service listens at, and
// the link reaches the section on that same service; a rule the user named gets none.

import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';
import { runbookAnchors, runbookTarget } from '../alerts/rule-files.js';

let refusing: Server;
let service: CapturedService;

beforeAll(async () => {
  // Accepts a connection and closes it at once: every probe of it fails.
  refusing = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`;
  const down = {
    source: 'endpoint',
    metric: 'up',
    op: '==',
    threshold: 0,
    for: '0s',
    severity: 'warning',
    annotations: { summary: '{{ $labels.endpoint }} is down' },
  };
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      chains: [{ id: 'local', chainId: 31337, pollInterval: '300ms', timeout: '250ms', rpc: [{ id: 'gone', url }] }],
      alerting: {
        evaluationInterval: '1s',
        rules: [
          { name: 'EndpointDown', ...down },
          { name: 'GoneEndpoint', ...down },
        ],
      },
    }),
  );
  service = await startCapturedService(config);
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await new Promise((resolve) => refusing.close(resolve));
});

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe('runbook links on the alerts of a running service', () => {
  it('links a shipped alert to its section on the listening service, and a user-named one nowhere', {
    timeout: 30_000,
  }, async () => {
    const alerts = await waitFor(
      async () => {
        const body = (await service.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json() as {
          alerts: ApiAlert[];
        };
        return body.alerts.length >= 2 ? body.alerts : undefined;
      },
      25_000,
      'both alerts',
    );
    const shipped = alerts.find((alert) => alert.labels.alertname === 'EndpointDown')!;
    const named = alerts.find((alert) => alert.labels.alertname === 'GoneEndpoint')!;
    expect(shipped.annotations.runbook_url).toBe(`${service.url}/runbooks/rpc#endpointdown`);
    expect(named.annotations.runbook_url).toBeUndefined();

    const target = runbookTarget(shipped.annotations.runbook_url!)!;
    const page = await fetch(`${service.url}/runbooks/${target.name}`);
    expect(page.status).toBe(200);
    expect([...runbookAnchors(await page.text())]).toContain(target.anchor);
  });
});
