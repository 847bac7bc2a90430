// End to end, in real time: the demo's chain and fault proxies, the real service, and an SLO with short
// alert windows. An endpoint made to fail burns its budget and fires the page tier; when it recovers, the
// alert resolves. Minutes are the rollups' resolution, so this takes about three minutes.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../src/demo/fault-proxy.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

let anvil: AnvilNode;
let proxy: FaultProxy;
let service: CapturedService;

beforeAll(async () => {
  anvil = await startAnvil({ blockTimeSeconds: 1 });
  proxy = await startFaultProxy({ upstreamUrl: anvil.url });
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      chains: [
        {
          id: 'demo',
          chainId: 31337,
          pollInterval: '1s',
          timeout: '500ms',
          rpc: [
            { id: 'anvil-node', url: anvil.url },
            { id: 'provider-a', url: proxy.url },
          ],
        },
      ],
      slos: [
        {
          id: 'provider-a-availability',
          service: 'demo-rpc',
          objective: 90,
          window: '7d',
          sli: { kind: 'availability', chain: 'demo', endpoints: ['provider-a'] },
          alerting: {
            minValidEvents: 10,
            tiers: [{ severity: 'page', burnRate: 2, longWindow: '2m', shortWindow: '1m' }],
          },
        },
      ],
    }),
  );
  service = await startCapturedService(config);
});

afterAll(async () => {
  await service?.stop();
  await proxy?.close();
  await anvil?.stop();
});

const alertState = () => service.slos.alertsOf('provider-a-availability').page?.state ?? 'inactive';
const get = async (url: string) => (await service.app.inject({ method: 'GET', url })).json();

describe('SLO alerting on the demo faults', () => {
  it('a failing endpoint fires the page tier, and the alert resolves when it recovers', {
    timeout: 300_000,
  }, async () => {
    // A good minute first, so that the outage is a change the engine sees.
    await waitFor(() => service.slos.evaluate()[0]!.window.valid > 0, 90_000, 'a settled minute with probes');
    expect(alertState()).toBe('inactive');

    const outageStart = Date.now();
    proxy.setFault({ kind: 'http_status', status: 503 });
    await waitFor(
      () => service.slos.evaluate()[0]!.firing.page && alertState() === 'firing',
      150_000,
      'the page to fire',
    );
    const firing = await get('/api/v1/slos/provider-a-availability');
    expect(firing.alerts.page.state).toBe('firing');
    expect(firing.tiers[0]).toMatchObject({ severity: 'page', fires: true });
    expect(firing.tiers[0].longBurnRate).toBeGreaterThan(2);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(
      'ere_slo_alert_firing{slo="provider-a-availability",service="demo-rpc",severity="page"} 1',
    );
    // The alerting engine carries the decision as a page alert, which routing and receivers take from there.
    service.alerting.evaluate();
    const sloAlert = service.alerting.engine
      .active()
      .find((alert) => alert.rule === 'SloErrorBudgetBurn' && alert.severity === 'page');
    expect(sloAlert).toMatchObject({
      state: 'firing',
      labels: { slo: 'provider-a-availability', service: 'demo-rpc', scope: 'slo', chain: 'demo' },
    });
    expect(sloAlert!.value).toBeGreaterThan(2);

    proxy.setFault({ kind: 'none' });
    await waitFor(
      () => !service.slos.evaluate()[0]!.firing.page && alertState() === 'resolved',
      150_000,
      'the page to resolve',
    );
    expect(
      service.slos
        .transitions('provider-a-availability')
        .map((transition) => `${transition.severity}:${transition.from}->${transition.to}`),
    ).toEqual(['page:inactive->firing', 'page:firing->resolved']);
    expect(service.logLines.some((line) => line.includes('SLO burn-rate alert firing'))).toBe(true);
    service.alerting.evaluate();
    expect(service.alerting.engine.active().some((alert) => alert.rule === 'SloErrorBudgetBurn')).toBe(false);

    // The report shows the outage as the worst incident, starting in the minute the fault began.
    const report = await get(
      `/api/v1/slos/provider-a-availability/report?from=${outageStart - 180_000}&to=${Date.now()}`,
    );
    expect(report.incidents.length).toBeGreaterThanOrEqual(1);
    const incident = report.incidents[0];
    expect(Date.parse(incident.start)).toBe(outageStart - (outageStart % 60_000));
    expect(incident.burnRate).toBeGreaterThan(1);
    expect(report.alerts.map((alert: { to: string }) => alert.to)).toEqual(['firing', 'resolved']);
  });
});
