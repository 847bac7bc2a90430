// The demo as a newcomer runs it: its first injected fault (provider-a stops following the chain) fires an
// alert that the API lists, and the demo's own webhook receiver prints it after checking its signature.

import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';
import { waitFor } from '../helpers/service.js';

let demo: Awaited<ReturnType<typeof runDemo>> | undefined;

afterAll(async () => {
  await demo?.stop();
});

describe('ere demo alerting', () => {
  it('a demo fault fires an alert, shown by the API and printed by the demo webhook', {
    timeout: 120_000,
  }, async () => {
    const lines: string[] = [];
    demo = await runDemo({
      host: '127.0.0.1',
      port: 0,
      output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
      faultSeconds: 40,
      calmSeconds: 3,
    });
    expect(lines.join('\n')).toContain('/api/v1/alerts');
    const printed = await waitFor(
      () => lines.find((line) => line.startsWith('[webhook] FIRING EndpointLagging')),
      90_000,
      'the demo webhook to print a firing alert',
    );
    expect(printed).toMatch(
      new RegExp(
        /^\[webhook\] FIRING EndpointLagging \(warning\) demo\/provider-a: provider-a is \d+ blocks off the /.source +
          /consensus head$/.source,
      ),
    );
    expect(lines.some((line) => line.includes('refused a request'))).toBe(false);

    const response = await demo.service.app.inject({ method: 'GET', url: '/api/v1/alerts' });
    const body = response.json() as {
      alerts: { rule: string; state: string; labels: Record<string, string>; receivers: string[] }[];
    };
    const lagging = body.alerts.find((alert) => alert.rule === 'EndpointLagging');
    expect(lagging).toMatchObject({
      state: 'firing',
      labels: { endpoint: 'provider-a', chain: 'demo', scope: 'endpoint' },
      receivers: ['demo-webhook'],
    });
    const notifications = (
      await demo.service.app.inject({ method: 'GET', url: '/api/v1/notifications?status=delivered' })
    ).json() as { notifications: { receiver: string; kind: string }[] };
    expect(
      notifications.notifications.some(
        (notification) => notification.receiver === 'demo-webhook' && notification.kind === 'firing',
      ),
    ).toBe(true);
  });
});
