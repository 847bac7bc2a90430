// An endpoint that sends its headers and then drips its body a byte a second: every probe ends at its
// timeout as a `timeout`, the endpoint is down, and EndpointDown fires, while anvil beside it stays healthy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

let anvil: AnvilNode | undefined;
let service: CapturedService | undefined;
let slowloris: Server | undefined;
const timers: NodeJS.Timeout[] = [];

afterAll(async () => {
  await service?.stop();
  for (const timer of timers) clearInterval(timer);
  slowloris?.closeAllConnections();
  slowloris?.close();
  await anvil?.stop();
});

describe('a slowloris RPC endpoint', () => {
  it('is down with timeouts, and EndpointDown fires', async () => {
    anvil = await startAnvil();
    slowloris = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
      timers.push(setInterval(() => response.write(' '), 1_000));
    });
    await new Promise<void>((resolve) => slowloris!.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slowloris.address() as AddressInfo).port}/`;
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
        log: { level: 'info' },
        chains: [
          {
            id: 'local',
            chainId: 31337,
            pollInterval: '500ms',
            timeout: '400ms',
            rpc: [
              { id: 'honest', url: anvil.url },
              { id: 'slow', url: slowUrl },
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
              for: '2s',
              severity: 'warning',
            },
          ],
        },
      }),
    );
    service = await startCapturedService(config);
    const running = service;
    const alert = await waitFor(
      async () => {
        const body = (await running.app.inject({ method: 'GET', url: '/api/v1/alerts' })).json() as {
          alerts: { rule: string; state: string; labels: Record<string, string> }[];
        };
        return body.alerts.find((candidate) => candidate.rule === 'EndpointDown' && candidate.state === 'firing');
      },
      30_000,
      'EndpointDown to fire',
    );
    expect(alert.labels).toMatchObject({ endpoint: 'slow', chain: 'local' });
    const endpoints = (await running.app.inject({ method: 'GET', url: '/api/v1/chains/local' })).json() as {
      endpoints: { id: string; up: boolean; healthy: boolean; errorClass: string | null; unhealthyReasons: string[] }[];
    };
    expect(endpoints.endpoints.find((endpoint) => endpoint.id === 'slow')).toMatchObject({
      up: false,
      errorClass: 'timeout',
      unhealthyReasons: ['probe failed: timeout'],
    });
    expect(endpoints.endpoints.find((endpoint) => endpoint.id === 'honest')).toMatchObject({ up: true, healthy: true });
  }, 60_000);
});
