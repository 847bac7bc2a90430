// Every metric the alert rules select is one ERE really exports: the real service, started with the demo's
// config (RPC endpoints, SLOs, alerting, all four governance kinds, a beacon endpoint and watched
// validators) pointed at closed ports, so that every metric family is registered, read through /metrics.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { demoConfigYaml } from '../../src/demo/demo.js';
import { freePort } from '../helpers/alertmanager.js';
import { exportedMetricNames, metricNames } from '../helpers/promql.js';
import { startCapturedService, tempDir, type CapturedService } from '../helpers/service.js';
import { alertRules, recordedNames, ruleExpressions } from './rule-files.js';

// Series Prometheus itself makes, not ERE.
const prometheusOwn = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

/** PromQL inside annotation templates: `query "…"` or query with a raw string. */
function templateQueries(template: string): string[] {
  return [...template.matchAll(/query\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)/g)].map(
    (match) => (match[1] !== undefined ? JSON.parse(`"${match[1]}"`) : match[2]!) as string,
  );
}

let service: CapturedService;
let exported: Set<string>;

beforeAll(async () => {
  const closed = async () => `http://127.0.0.1:${await freePort()}`;
  const address = (digit: string) => `0x${digit.repeat(40)}` as const;
  const config = parseConfig(
    demoConfigYaml({
      host: '127.0.0.1',
      port: 0,
      dbPath: join(tempDir(), 'ere.db'),
      nodeUrl: await closed(),
      proxyA: await closed(),
      proxyB: await closed(),
      webhookUrl: `${await closed()}/alerts`,
      webhookKey: 'placeholder-key-0123456789',
      governance: {
        governor: address('1'),
        token: address('2'),
        timelock: address('3'),
        safe: address('4'),
        proxy: address('5'),
        startBlock: 1,
      },
      beaconUrl: await closed(),
    }),
    { source: 'the demo config' },
  );
  service = await startCapturedService(config);
  const response = await service.app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  exported = exportedMetricNames(response.body);
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

describe('metrics the alert rules use', () => {
  it('the service exports every domain’s families', () => {
    for (const family of [
      'ere_rpc_endpoint_up',
      'ere_slo_events_total',
      'ere_notification_queue_depth',
      'ere_governance_safe_threshold',
      'ere_governance_proxy_last_upgrade_timestamp_seconds',
      'ere_beacon_up',
      'ere_validator_missing_in_a_row',
      'ere_evaluation_last_success_timestamp_seconds',
    ]) {
      expect(exported, family).toContain(family);
    }
  });

  it('every selected metric is exported by ERE, recorded by the rules, or made by Prometheus', () => {
    const recorded = recordedNames();
    const selections = [
      ...ruleExpressions().map((rule) => ({ where: `${rule.name} (expr)`, expr: rule.expr })),
      ...alertRules().flatMap((alert) =>
        Object.values(alert.annotations)
          .flatMap(templateQueries)
          .map((expr) => ({ where: `${alert.alert} (annotation)`, expr })),
      ),
    ];
    const used = new Set(selections.flatMap((selection) => metricNames(selection.expr)));
    // The annotations' queries are read too: a runbook link built from a series ERE no longer exports breaks.
    expect(selections.some((selection) => selection.where.endsWith('(annotation)'))).toBe(true);
    const missing = selections.flatMap((selection) =>
      metricNames(selection.expr)
        .filter((name) => !exported.has(name) && !recorded.has(name) && !prometheusOwn.has(name))
        .map((name) => `${selection.where}: ${name}`),
    );
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(40);
  });

  it('a metric ERE does not export is reported', () => {
    const names = metricNames('ere_rpc_endpoint_up == 0 and ere_no_such_metric_total > 0');
    expect(names.filter((name) => !exported.has(name))).toEqual(['ere_no_such_metric_total']);
  });
});
