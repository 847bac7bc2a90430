// The generated rules: Sloth's names, every window the tiers use, the SLO's labels, no alerts when alerting
// is off, and a file `promtool check rules` accepts.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { demoConfigYaml } from '../../src/demo/demo.js';
import {
  prometheusRuleGroups,
  promDuration,
  ruleWindowsMs,
  type AlertingRule,
  type RecordingRule,
} from '../../src/slo/prometheus-rules.js';
import { prometheusRulesYaml } from '../../src/slo/prometheus-rules-file.js';
import { dayMs, hourMs, minuteMs } from '../../src/slo/window.js';
import { tempDir } from '../helpers/service.js';

const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
slos:
  - { id: api, service: rpc, objective: 99.9, labels: { team: infra }, sli: { kind: availability, chain: c } }
  - id: monthly
    service: "rpc \\"edge\\""
    objective: 99.5
    window: month
    budgeting: timeslices
    sli: { kind: availability, chain: c }
    alerting:
      minValidEvents: 0
      tiers:
        - { severity: page, burnRate: 9.5, longWindow: 90m, shortWindow: 7m }
        - { severity: page, burnRate: 3, longWindow: 36h, shortWindow: 100m }
  - { id: quiet, service: rpc, objective: 99, window: 28d, alerting: { enabled: false }, sli: { kind: availability,
      chain: c } }
`);
const definitions = resolveSlos(config);
const groups = prometheusRuleGroups(definitions, { version: '1.2.3' });
const group = (name: string) => groups.find((candidate) => candidate.name === name);
const records = (name: string) => (group(name)?.rules ?? []) as RecordingRule[];

function promtoolCheck(yaml: string) {
  const file = join(tempDir('ere-rules-'), 'rules.yaml');
  writeFileSync(file, yaml);
  return spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
}

describe('Prometheus rules for SLOs', () => {
  it('writes durations as Prometheus does, in the largest exact unit', () => {
    expect(
      [5 * minuteMs, 90 * minuteMs, hourMs, 1_440 * minuteMs, 36 * hourMs, 30 * dayMs, 90_000].map(promDuration),
    ).toEqual(['5m', '90m', '1h', '1d', '36h', '30d', '90s']);
    expect(() => promDuration(0)).toThrow(RangeError);
  });

  it('names groups and recordings as Sloth does, with a recording for every window the tiers use', () => {
    expect(groups.map((candidate) => candidate.name)).toEqual([
      'sloth-slo-sli-recordings-api',
      'sloth-slo-meta-recordings-api',
      'sloth-slo-alerts-api',
      'sloth-slo-sli-recordings-monthly',
      'sloth-slo-meta-recordings-monthly',
      'sloth-slo-alerts-monthly',
      'sloth-slo-sli-recordings-quiet',
      'sloth-slo-meta-recordings-quiet',
    ]);
    expect(records('sloth-slo-sli-recordings-api').map((rule) => rule.record)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((window) => `slo:sli_error:ratio_rate${window}`),
    );
    // Custom tiers add their windows; the calendar month is computed over 30 days.
    expect(ruleWindowsMs(definitions[1]!).map(promDuration)).toEqual([
      '5m',
      '7m',
      '30m',
      '1h',
      '90m',
      '100m',
      '2h',
      '6h',
      '1d',
      '36h',
      '3d',
      '30d',
    ]);
    expect(records('sloth-slo-meta-recordings-api').map((rule) => rule.record)).toEqual([
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
    ]);
  });

  it('computes each window from the event counters, labelled with the SLO and the window', () => {
    const [fiveMinutes] = records('sloth-slo-sli-recordings-api');
    expect(fiveMinutes).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr:
        'sum(rate(ere_slo_events_total{slo="api",outcome="bad"}[5m]))\n/' +
        '\nsum(rate(ere_slo_events_total{slo="api"}[5m]))\n',
      // The SLO's own labels cannot take Sloth's identity labels.
      labels: { sloth_id: 'api', sloth_service: 'rpc', sloth_slo: 'api', sloth_window: '5m', team: 'infra' },
    });
    const meta = Object.fromEntries(records('sloth-slo-meta-recordings-monthly').map((rule) => [rule.record, rule]));
    expect(meta['slo:objective:ratio']!.expr).toBe('vector(0.995)');
    expect(meta['slo:time_period:days']!.expr).toBe('vector(30)');
    expect(meta['slo:period_burn_rate:ratio']!.expr).toContain('slo:sli_error:ratio_rate30d{sloth_id="monthly"}');
    // Time slices: the budget is a share of every minute of the period.
    expect(meta['slo:period_error_budget_remaining:ratio']!.expr).toBe(
      `1 - sum(increase(ere_slo_events_total{slo="monthly",outcome="bad"}[30d])) / (43200 * ${1 - 0.995})`,
    );
    expect(meta.sloth_slo_info!.labels).toMatchObject({
      sloth_id: 'monthly',
      sloth_service: 'rpc "edge"',
      sloth_objective: '99.5',
      sloth_version: '1.2.3',
    });
  });

  it('alerts per severity on the SLO’s own tiers, with the guard only when it asks for events', () => {
    const [page, ticket] = group('sloth-slo-alerts-api')!.rules as AlertingRule[];
    expect(page!.labels).toEqual({
      severity: 'page',
      sloth_id: 'api',
      sloth_service: 'rpc',
      sloth_severity: 'page',
      sloth_slo: 'api',
    });
    expect(page!.expr).toContain(
      'max without (sloth_window) (slo:sli_error:ratio_rate5m{sloth_id="api"} > (14.4 * 0.0010000000000000009))',
    );
    expect(page!.expr).toContain('and on() sum(increase(ere_slo_events_total{slo="api"}[1h])) >= 20');
    expect(page!.expr).toContain('and on() sum(increase(ere_slo_events_total{slo="api"}[6h])) >= 20');
    expect(ticket!.expr).toContain('slo:sli_error:ratio_rate3d{sloth_id="api"} > (1 * 0.0010000000000000009)');
    expect(page!.annotations.description).toBe(
      'SLO 99.9% over 30d: burn rate above 14.4 over both 1h and 5m, or above 6 over both ' +
        '6h and 30m; a tier needs at least 20 valid events in its long window.',
    );

    const monthly = group('sloth-slo-alerts-monthly')!.rules as AlertingRule[];
    expect(monthly.map((rule) => rule.labels.severity)).toEqual(['page']);
    expect(monthly[0]!.expr).toContain('slo:sli_error:ratio_rate36h{sloth_id="monthly"} > (3 * ');
    expect(monthly[0]!.expr).not.toContain('increase');
    expect(group('sloth-slo-alerts-quiet')).toBeUndefined();
  });

  it('writes a file promtool accepts, which says where the month became 30 days', () => {
    const yaml = prometheusRulesYaml(definitions, { version: '1.2.3', source: 'ere.yaml' });
    expect(yaml).toMatch(
      new RegExp(
        /^# Prometheus rules for ERE Monitor's SLOs, generated by "ere slo rules" \(ERE Monitor 1\.2\.3\) /.source +
          /from ere\.yaml\./.source,
      ),
    );
    expect(yaml).toContain('# Calendar month (monthly): PromQL has no calendar months');
    expect(parse(yaml)).toEqual({ groups: JSON.parse(JSON.stringify(groups)) });
    const check = promtoolCheck(yaml);
    const rules = groups.reduce((sum, candidate) => sum + candidate.rules.length, 0);
    expect(`${check.stdout}${check.stderr}`).toContain(`SUCCESS: ${rules} rules found`);
    expect(check.status).toBe(0);
  });

  it('promtool accepts the rules of the demo config', () => {
    const demo = parseConfig(
      demoConfigYaml({
        host: '127.0.0.1',
        port: 9470,
        dbPath: 'ere.db',
        nodeUrl: 'http://127.0.0.1:8545',
        proxyA: 'http://127.0.0.1:1',
        proxyB: 'http://127.0.0.1:2',
        webhookUrl: 'http://127.0.0.1:3/alerts',
        webhookKey: 'placeholder-key-0123456789',
      }),
    );
    const check = promtoolCheck(
      prometheusRulesYaml(resolveSlos(demo), { version: '1.2.3', source: 'the demo config' }),
    );
    expect(`${check.stdout}${check.stderr}`).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
