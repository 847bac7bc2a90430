// The whole operations loop on loopback, with the real tools: the demo (anvil chain, endpoints, DAO,
// simulated beacon node) monitored by ERE; Debian's Prometheus scraping ERE with the shipped alert rules and
// sending to Debian's Alertmanager, which notifies a webhook. A fault injected on one endpoint must show as
// ERE's metrics, then as the shipped Prometheus alert firing, then as the alert in Alertmanager and at its
// receiver; cleared, the alert must resolve.
//
// The rules are loaded as shipped except that every `for:` is cut to a few seconds, so that the loop takes
// seconds rather than the production minutes; their expressions, labels and annotations are untouched, and
// `promtool test rules` (test/alerts) checks the real `for:` durations.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runDemo, type DemoRun } from '../../src/demo/demo.js';
import { freePort, startAlertmanager, type Alertmanager } from '../helpers/alertmanager.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/service.js';

const alertsDir = new URL('../../alerts/', import.meta.url);
/** The shipped alert for an RPC endpoint that fails its probes. */
const endpointDownAlert = 'EreEndpointDown';

let demo: DemoRun;
let prometheus: RunningPrometheus;
let alertmanager: Alertmanager;
let receiver: HttpReceiver;
let rulesDir: string;
const demoOutput: string[] = [];

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }[];
  }[];
}

/** The shipped rule files, each with its `for:` durations cut to 3 s, written to a temporary directory. */
function quickRuleFiles(): string[] {
  rulesDir = mkdtempSync(join(tmpdir(), 'ere-loop-rules-'));
  return readdirSync(alertsDir)
    .filter((name) => name.endsWith('.rules.yml'))
    .map((name) => {
      const file = parse(readFileSync(new URL(name, alertsDir), 'utf8')) as RuleFile;
      for (const group of file.groups) for (const rule of group.rules) if (rule.for !== undefined) rule.for = '3s';
      const path = join(rulesDir, name);
      writeFileSync(path, JSON.stringify(file, null, 2));
      return path;
    });
}

async function alertmanagerAlerts(): Promise<
  { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }[]
> {
  const response = await fetch(`${alertmanager.url}/api/v2/alerts?active=true&silenced=false&inhibited=false`);
  return (await response.json()) as never;
}

beforeAll(async () => {
  receiver = await startHttpReceiver();
  alertmanager = await startAlertmanager({
    webhookUrl: `${receiver.url}/alertmanager`,
    groupBy: ['alertname', 'endpoint'],
  });
  const port = await freePort();
  demo = await runDemo({
    host: '127.0.0.1',
    port,
    output: { out: (line) => void demoOutput.push(line), err: (line) => void demoOutput.push(line) },
    faults: 'manual',
  });
  prometheus = await startPrometheus({
    scrapeConfigs: [{ job: 'ere', targets: [`127.0.0.1:${port}`] }],
    ruleFiles: quickRuleFiles(),
    alertmanagerUrl: alertmanager.url,
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await demo?.stop();
  await alertmanager?.stop();
  await receiver?.close();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
});

describe('operations loop: ERE → Prometheus → Alertmanager', () => {
  it('Prometheus scrapes ERE, loads every shipped rule, and sees ERE metrics', async () => {
    const targets = await waitFor(
      async () => {
        const all = await prometheus.targets();
        return all.length === 1 && all[0]!.health === 'up' && all;
      },
      30_000,
      'the ERE target up in Prometheus',
    );
    expect(targets[0]!.labels).toMatchObject({ job: 'ere' });

    const groups = await prometheus.rules();
    const shipped = readdirSync(alertsDir)
      .filter((name) => name.endsWith('.rules.yml'))
      .flatMap((name) =>
        (parse(readFileSync(new URL(name, alertsDir), 'utf8')) as RuleFile).groups.flatMap((group) => group.rules),
      );
    expect(groups.flatMap((group) => group.rules)).toHaveLength(shipped.length);
    expect(shipped.some((rule) => rule.alert === endpointDownAlert)).toBe(true);

    // ERE's own series, from each of its domains, as Prometheus stored them.
    for (const expr of [
      'ere_build_info',
      'ere_rpc_endpoint_up{chain="demo"}',
      'ere_chain_healthy_endpoints{chain="demo"}',
      'ere_governance_up',
      'ere_beacon_up',
    ]) {
      await waitFor(
        async () => {
          const answer = await prometheus.query(expr);
          return answer.status === 'success' && Array.isArray(answer.data.result) && answer.data.result.length > 0;
        },
        30_000,
        `${expr} in Prometheus`,
      );
    }
    const endpoints = await prometheus.query('ere_rpc_endpoint_up{chain="demo"}');
    expect(endpoints.status).toBe('success');
    if (endpoints.status === 'success')
      expect(
        (endpoints.data.result as { metric: Record<string, string> }[]).map((series) => series.metric.endpoint).sort(),
      ).toEqual(['anvil-node', 'provider-a', 'provider-b']);
    // Nothing is wrong yet: the endpoint alert is quiet.
    expect((await prometheus.alerts()).filter((alert) => alert.labels.alertname === endpointDownAlert)).toEqual([]);
  }, 90_000);

  it('a failing endpoint fires the shipped alert in Prometheus, which ' +
    'reaches Alertmanager and its receiver, and resolves', async () => {
    demo.setFault('provider-b', { kind: 'http_status', status: 503 });
    try {
      await waitFor(
        async () => {
          const answer = await prometheus.query('ere_rpc_endpoint_up{chain="demo",endpoint="provider-b"} == 0');
          return answer.status === 'success' && Array.isArray(answer.data.result) && answer.data.result.length === 1;
        },
        30_000,
        'provider-b down in the scraped metrics',
      );

      const firing = await waitFor(
        async () =>
          (await prometheus.alerts()).find(
            (alert) => alert.labels.alertname === endpointDownAlert && alert.state === 'firing',
          ),
        60_000,
        `${endpointDownAlert} firing in Prometheus`,
      );
      expect(firing.labels).toMatchObject({ chain: 'demo', endpoint: 'provider-b' });
      expect(firing.labels.severity).toBeTruthy();
      expect(firing.annotations.summary).toContain('provider-b');
      // The runbook link resolves, at the ERE that exports the series.
      const runbook = await fetch(firing.annotations.runbook_url!);
      expect(runbook.status).toBe(200);
      expect(await runbook.text()).toContain(endpointDownAlert);
      // Only the endpoint at fault.
      expect(
        (await prometheus.alerts())
          .filter((alert) => alert.labels.alertname === endpointDownAlert)
          .map((alert) => alert.labels.endpoint),
      ).toEqual(['provider-b']);

      const inAlertmanager = await waitFor(
        async () => (await alertmanagerAlerts()).find((alert) => alert.labels.alertname === endpointDownAlert),
        30_000,
        `${endpointDownAlert} in Alertmanager`,
      );
      expect(inAlertmanager.labels).toMatchObject({ chain: 'demo', endpoint: 'provider-b', job: 'ere' });
      expect(inAlertmanager.status.state).toBe('active');
      expect(inAlertmanager.annotations.runbook_url).toBe(firing.annotations.runbook_url);

      const notified = await waitFor(
        () =>
          receiver.requests.find(
            (request) =>
              (request.json as { status?: string; commonLabels?: Record<string, string> } | undefined)?.commonLabels
                ?.alertname === endpointDownAlert,
          ),
        30_000,
        'the notification at the receiver',
      );
      expect(notified.json).toMatchObject({
        status: 'firing',
        commonLabels: { alertname: endpointDownAlert, endpoint: 'provider-b' },
      });
    } finally {
      demo.setFault('provider-b', { kind: 'none' });
    }

    await waitFor(
      async () => !(await prometheus.alerts()).some((alert) => alert.labels.alertname === endpointDownAlert),
      60_000,
      `${endpointDownAlert} resolved in Prometheus`,
    );
    const resolved = await waitFor(
      () =>
        receiver.requests.find(
          (request) =>
            (request.json as { status?: string; commonLabels?: Record<string, string> } | undefined)?.status ===
              'resolved' &&
            (request.json as { commonLabels: Record<string, string> }).commonLabels.alertname === endpointDownAlert,
        ),
      30_000,
      'the resolved notification',
    );
    expect(resolved.json).toMatchObject({ status: 'resolved', commonLabels: { endpoint: 'provider-b' } });
  }, 180_000);
});
