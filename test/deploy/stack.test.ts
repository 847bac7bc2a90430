// The compose stack without Docker: the demo run as the ere service runs it (from the runtime stage laid
// out as the Dockerfile copies it), Alertmanager on deploy/alertmanager/alertmanager.yml, and Prometheus on
// deploy/prometheus/prometheus.yml with compose host names mapped to loopback ports, the rules of alerts/,
// and 1 s intervals. Prometheus must scrape every target, find Alertmanager, and evaluate every rule on
// ERE's live series without an error; Alertmanager must take an alert and route it to its receiver.

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/alertmanager.js';
import { tempDir, waitFor } from '../helpers/service.js';
import { readCompose } from './compose.js';
import { exitOf, stageImageLayout, type ImageLayout } from './image-layout.js';
import { startAlertmanagerOn, startPrometheusOn, type RunningBinary } from './processes.js';
import { relocatePrometheusConfig } from './prometheus-config.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dir = tempDir('ere-stack-config-');
let image: ImageLayout;
let ere: { port: number; stop(): Promise<void> };
let alertmanager: RunningBinary;
let prometheus: RunningBinary;

interface RuleState {
  name: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
}

async function api<T>(path: string): Promise<T> {
  const body = (await (await fetch(`${prometheus.url}${path}`)).json()) as { status: string; data: T };
  if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body.data;
}

beforeAll(async () => {
  image = stageImageLayout(repo, readFileSync(`${repo}/Dockerfile`, 'utf8'));
  const command = readCompose(`${repo}/docker-compose.yml`).services.ere!.command!;
  const erePort = await freePort();
  const demo = image.spawn([
    ...image.entrypoint,
    ...command.map((arg, index) => (command[index - 1] === '--port' ? String(erePort) : arg)),
  ]);
  const output = { text: '' };
  const demoExit = exitOf(demo, output);
  ere = {
    port: erePort,
    stop: async () => {
      demo.kill('SIGTERM');
      await demoExit;
    },
  };
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${erePort}/readyz`)).ok,
    90_000,
    `the demo to be ready (${output.text.slice(-1_000)})`,
  );

  const alertmanagerPort = await freePort();
  alertmanager = await startAlertmanagerOn(`${repo}/deploy/alertmanager/alertmanager.yml`, alertmanagerPort);
  const prometheusPort = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    relocatePrometheusConfig(readFileSync(`${repo}/deploy/prometheus/prometheus.yml`, 'utf8'), {
      rulesDir: `${repo}/alerts`,
      addresses: {
        'ere:9470': `127.0.0.1:${erePort}`,
        'alertmanager:9093': `127.0.0.1:${alertmanagerPort}`,
        'localhost:9090': `127.0.0.1:${prometheusPort}`,
      },
      interval: '1s',
    }),
  );
  prometheus = await startPrometheusOn(config, prometheusPort);
}, 150_000);

afterAll(async () => {
  await Promise.allSettled([prometheus?.stop(), alertmanager?.stop(), ere?.stop()]);
  image?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus on the compose config', () => {
  it('scrapes ERE as job "ere" (instance the address users browse), itself and Alertmanager', async () => {
    const targets = await waitFor(
      async () => {
        const { activeTargets } = await api<{
          activeTargets: { labels: Record<string, string>; health: string; lastError: string }[];
        }>('/api/v1/targets');
        return activeTargets.length === 3 && activeTargets.every((target) => target.health === 'up') && activeTargets;
      },
      20_000,
      'every target up',
    );
    expect(targets.map((target) => target.labels.job).sort()).toEqual(['alertmanager', 'ere', 'prometheus']);
    expect(targets.find((target) => target.labels.job === 'ere')?.labels.instance).toBe('localhost:9470');
    const { result } = await api<{ result: { metric: Record<string, string> }[] }>(
      `/api/v1/query?query=${encodeURIComponent('ere_rpc_probes_total{job="ere"}')}`,
    );
    expect(new Set(result.map((series) => series.metric.endpoint))).toEqual(
      new Set(['anvil-node', 'provider-a', 'provider-b']),
    );
  }, 30_000);

  it('sends alerts to the Alertmanager the config names', async () => {
    const { activeAlertmanagers } = await waitFor(
      async () => {
        const data = await api<{ activeAlertmanagers: { url: string }[] }>('/api/v1/alertmanagers');
        return data.activeAlertmanagers.length > 0 && data;
      },
      20_000,
      'Alertmanager discovered',
    );
    expect(activeAlertmanagers.map((manager) => manager.url)).toEqual([`${alertmanager.url}/api/v2/alerts`]);
  }, 30_000);

  it('evaluates every rule of alerts/*.rules.yml against the live series without an error', async () => {
    const expected = readdirSync(`${repo}/alerts`)
      .filter((file) => file.endsWith('.rules.yml'))
      .flatMap(
        (file) => (parse(readFileSync(`${repo}/alerts/${file}`, 'utf8')) as { groups: { rules: unknown[] }[] }).groups,
      )
      .reduce((count, group) => count + group.rules.length, 0);
    expect(expected).toBeGreaterThan(0);
    const rules = await waitFor(
      async () => {
        const { groups } = await api<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules');
        const all = groups.flatMap((group) => group.rules);
        return all.length === expected && all.every((rule) => !rule.lastEvaluation.startsWith('0001')) && all;
      },
      30_000,
      'every rule evaluated',
    );
    expect(rules.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
  }, 40_000);
});

describe('Alertmanager on the compose config', () => {
  it('takes an alert and routes it to the null receiver', async () => {
    const alert = {
      labels: { alertname: 'DeployStackCheck', severity: 'ticket', chain: 'demo' },
      annotations: { summary: 'compose stack check' },
    };
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(posted.status).toBe(200);
    const alerts = await waitFor(
      async () => {
        const listed = (await (
          await fetch(`${alertmanager.url}/api/v2/alerts?filter=alertname%3D%22DeployStackCheck%22`)
        ).json()) as { receivers: { name: string }[]; status: { state: string } }[];
        return listed.length > 0 && listed;
      },
      10_000,
      'the alert listed',
    );
    expect(alerts.map((listed) => [listed.receivers.map((receiver) => receiver.name), listed.status.state])).toEqual([
      [['null'], 'active'],
    ]);
  });
});
