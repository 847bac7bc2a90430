// The test Prometheus: it scrapes a target over real HTTP, answers instant and range queries (and reports a
// PromQL error as such), evaluates a rule file into firing alerts and sends them to an Alertmanager, and
// leaves nothing behind when stopped.

import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type Alertmanager } from '../helpers/alertmanager.js';
import { startPrometheus, type InstantSample, type RunningPrometheus } from '../helpers/prometheus.js';
import { tempDir, waitFor } from '../helpers/service.js';

let target: Server | undefined;
let prometheus: RunningPrometheus | undefined;
let alertmanager: Alertmanager | undefined;

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
});

describe('startPrometheus', () => {
  it('scrapes, queries, evaluates rules into alerts sent to Alertmanager, and cleans up', async () => {
    let scrapes = 0;
    target = createServer((req, res) => {
      if (req.url !== '/custom/metrics') return void res.writeHead(404).end();
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE demo_scrapes_total counter\ndemo_scrapes_total{side="a"} ${scrapes}\n`);
    });
    await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
    const targetPort = (target.address() as AddressInfo).port;

    const received: unknown[] = [];
    const webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    alertmanager = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`,
      groupBy: ['...'],
    });

    const rules = join(tempDir('ere-prom-rules-'), 'rules.yml');
    writeFileSync(
      rules,
      'groups:\n  - name: demo\n    rules:\n      - alert: DemoScraped\n        ' +
        'expr: demo_scrapes_total > 2\n        labels: { severity: info }\n',
    );
    prometheus = await startPrometheus({
      scrapeConfigs: [{ job: 'demo', targets: [`127.0.0.1:${targetPort}`], metricsPath: '/custom/metrics' }],
      ruleFiles: [rules],
      alertmanagerUrl: alertmanager.url,
    });
    expect(prometheus.version).toMatch(/^\d+\.\d+\.\d+/);

    const up = await waitFor(
      async () => (await prometheus!.targets()).find((state) => state.health === 'up'),
      20_000,
      'the target to be scraped',
    );
    expect(up.labels).toMatchObject({ job: 'demo', instance: `127.0.0.1:${targetPort}` });
    expect(up.scrapeUrl).toBe(`http://127.0.0.1:${targetPort}/custom/metrics`);

    // Scraped every second: once a few samples exist, the rate over them is about one per second.
    const rate = await waitFor(
      async () => {
        const samples = await prometheus!.query('count_over_time(demo_scrapes_total[10s]) >= 5');
        if (samples.status !== 'success' || (samples.data.result as InstantSample[]).length === 0) return undefined;
        const answer = await prometheus!.query('rate(demo_scrapes_total[10s])');
        return answer.status === 'success' && (answer.data.result as InstantSample[])[0];
      },
      20_000,
      'a rate',
    );
    expect(rate.metric).toEqual({ job: 'demo', instance: `127.0.0.1:${targetPort}`, side: 'a' });
    expect(Number(rate.value[1])).toBeGreaterThan(0.5);
    expect(Number(rate.value[1])).toBeLessThan(1.5);

    const now = Date.now() / 1_000;
    const range = await prometheus.queryRange('demo_scrapes_total', now - 5, now, 1);
    expect(range.status).toBe('success');
    if (range.status === 'success') expect(range.data.result[0]!.values.length).toBeGreaterThan(2);

    const broken = await prometheus.query('rate(demo_scrapes_total[5s]');
    expect(broken).toMatchObject({ status: 'error', errorType: 'bad_data' });

    const groups = await prometheus.rules();
    expect(groups.map((group) => group.name)).toEqual(['demo']);
    const firing = await waitFor(
      async () => (await prometheus!.alerts()).find((alert) => alert.state === 'firing'),
      20_000,
      'the alert to fire',
    );
    expect(firing.labels).toMatchObject({ alertname: 'DemoScraped', severity: 'info' });
    await waitFor(
      () => received.some((payload) => JSON.stringify(payload).includes('DemoScraped')),
      20_000,
      'Alertmanager to notify the webhook',
    );
    await new Promise((resolve) => webhook.close(resolve));

    const dir = /--storage\.tsdb\.path=(.*)\/data-\d+$/.exec(
      prometheus.process.spawnargs.find((arg) => arg.startsWith('--storage.tsdb.path='))!,
    )![1]!;
    expect(existsSync(dir)).toBe(true);
    await prometheus.stop();
    expect(prometheus.process.exitCode !== null || prometheus.process.signalCode !== null).toBe(true);
    expect(existsSync(dir)).toBe(false);
    prometheus = undefined;
  }, 90_000);
});
