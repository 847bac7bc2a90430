// The generated Prometheus rules decide exactly as ERE does: for synthetic minutes, ERE's decisions (its
// pure engine code) become the expected alerts of a `promtool test rules` run over the counters of the same
// minutes. Scenarios are checked to do what their names say, and to hold no burn rate equal to a threshold
// (where the two could only differ by rounding); a wrong expectation is checked to fail.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { prometheusRuleGroups, type AlertingRule } from '../../src/slo/prometheus-rules.js';
import { prometheusRulesYaml } from '../../src/slo/prometheus-rules-file.js';
import { tempDir } from '../helpers/service.js';
import {
  ereDecisions,
  promtoolTest,
  promtoolTestFile,
  promtoolTestRules,
  stretch,
  ties,
  type OracleScenario,
  type RawMinute,
} from '../helpers/slo-rules-oracle.js';

const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
slos:
  # The SRE Workbook's tiers: page 14.4 over 1h & 5m, 6 over 6h & 30m; ticket 3 over 1d & 2h, 1 over 3d & 6h.
  - { id: api, service: rpc, objective: 99.9, window: 30d, labels: { team: infra }, sli: { kind: availability,
      chain: c } }
  - id: slices
    service: rpc
    objective: 99
    window: 7d
    budgeting: timeslices
    timesliceObjective: 95
    sli: { kind: availability, chain: c }
    alerting:
      minValidEvents: 10
      tiers:
        # Thresholds that a few bad minutes out of a window's 20 or 90 cannot equal.
        - { severity: page, burnRate: 9.5, longWindow: 20m, shortWindow: 3m }
        - { severity: ticket, burnRate: 2.2, longWindow: 90m, shortWindow: 11m }
  - id: unguarded
    service: edge
    objective: 99.5
    window: month
    sli: { kind: availability, chain: c }
    alerting:
      minValidEvents: 0
      tiers:
        - { severity: page, burnRate: 8, longWindow: 45m, shortWindow: 4m }
        - { severity: page, burnRate: 4, longWindow: 2h, shortWindow: 15m }
  - { id: muted, service: rpc, objective: 99.9, alerting: { enabled: false }, sli: { kind: availability, chain: c } }
`);
const definitions = resolveSlos(config);
const groups = prometheusRuleGroups(definitions, { version: 'test' });
const slos = definitions.map((definition) => ({
  definition,
  alerts: groups
    .flatMap((group) => group.rules)
    .filter((rule): rule is AlertingRule => 'alert' in rule && rule.labels.sloth_id === definition.id),
}));

// 97 events a minute: with 100, ratios such as 1 bad in 1,000 land exactly on a 99.9 % SLO's thresholds.
const perMinute = 97;
const none: RawMinute = { good: 0, valid: 0 };
const minute = (bad: number, valid = perMinute): RawMinute => ({ good: valid - bad, valid });
/** About 0.05 % errors: one bad event every 20 minutes. */
const steady = (index: number) => minute(index % 20 === 19 ? 1 : 0);
/**
 * Fifteen minutes without data first. While a window reaches back past the counters' first sample, rate()
 * and increase() extrapolate by half a sample interval (15 s): the same factor for both outcomes, so ratios
 * stay exact, but the guard's count grows by count × 15 s / elapsed, which could lift 19 events to 20 in a
 * counter's first 285 s. After 15 minutes that takes a guard above 60 events.
 */
const padded = (...parts: RawMinute[][]) => [...stretch(15, () => none), ...parts.flat()];

const scenarios: OracleScenario[] = [
  {
    name: 'steady good service',
    minutes: Object.fromEntries(definitions.map((definition) => [definition.id, padded(stretch(600, steady))])),
  },
  (() => {
    // 20 minutes of total outage, 45 good minutes, an hour without data, then good service again. The
    // outage comes 12 h 40 min in, when the data covers half of api's 1-day ticket window.
    const outage = padded(
      stretch(760, steady),
      stretch(20, () => minute(perMinute)),
      stretch(45, steady),
      stretch(60, () => none),
      stretch(400, steady),
    );
    return {
      name: 'sharp outage, a gap without data, recovery',
      minutes: { api: outage, slices: outage, unguarded: outage, muted: outage },
    };
  })(),
  (() => {
    // A day and a half of good service (so that the data covers half of api's 3-day ticket window), then 2
    // bad events every 5 minutes (burn rate 4.1 on api); for time slices, one minute in 30 misses its 95 %
    // (3.3 % bad minutes, burn rate 3.3: above 2.2, under 9.5).
    const burn = padded(
      stretch(2_160, steady),
      stretch(480, (index) => minute(index % 5 === 0 ? 2 : 0)),
    );
    const slices = padded(
      stretch(2_160, steady),
      stretch(480, (index) => minute(index % 30 === 0 ? 10 : 0)),
    );
    return { name: 'slow burn: tickets, does not page', minutes: { api: burn, slices, unguarded: burn, muted: burn } };
  })(),
  (() => {
    // One failing event every 10 minutes: too few for the guard's 20 events in an hour, enough in 6 hours.
    // Time slices: a minute with data every 10 minutes (9 in 90), then every 9 (10 in 90, the guard).
    const sparse = padded(stretch(480, (index) => (index % 10 === 0 ? minute(1, 1) : none)));
    const slices = padded(
      stretch(300, (index) => (index % 10 === 0 ? minute(1, 1) : none)),
      stretch(180, (index) => (index % 9 === 0 ? minute(1, 1) : none)),
    );
    return { name: 'low traffic under the guard', minutes: { api: sparse, slices, unguarded: sparse, muted: sparse } };
  })(),
  (() => {
    // Failing from the first minute of data: a tier is judged only once the data covers half of its long
    // window, so api pages after 30 minutes (1h & 5m), not in the first minutes, and never tickets (1d & 2h).
    const early = padded(
      stretch(90, () => minute(perMinute)),
      stretch(30, steady),
    );
    return {
      name: 'an outage from the first minute of data',
      minutes: { api: early, slices: early, unguarded: early, muted: early },
    };
  })(),
  {
    name: 'no data',
    minutes: Object.fromEntries(definitions.map((definition) => [definition.id, padded(stretch(240, () => none))])),
  },
];

const decisionsOf = (scenario: OracleScenario, id: string) =>
  ereDecisions(definitions.find((definition) => definition.id === id)!, scenario.minutes[id]!);
const fired = (scenario: OracleScenario, id: string, severity: 'page' | 'ticket') =>
  decisionsOf(scenario, id).filter((decision) => decision.firing[severity]).length;

/** promtool's way of printing an eval time: `316m` is `5h16m`. */
function promtoolTime(evalTime: string): string {
  const minutes = Number(evalTime.slice(0, -1));
  const [days, hours, rest] = [Math.floor(minutes / 1_440), Math.floor((minutes % 1_440) / 60), minutes % 60];
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${rest ? `${rest}m` : ''}`;
}

/** Writes the rules and one test file per scenario; returns the test files. */
function writeTests(dir: string, tests: ReturnType<typeof promtoolTest>[]): string[] {
  writeFileSync(
    join(dir, 'rules.yaml'),
    prometheusRulesYaml(definitions, { version: 'test', source: 'the oracle config' }),
  );
  return tests.map((test, index) => {
    const file = join(dir, `scenario-${index}.test.yaml`);
    writeFileSync(
      file,
      stringify(promtoolTestFile('rules.yaml', groups, [test]), { lineWidth: 0, aliasDuplicateObjects: false }),
    );
    return file;
  });
}

describe('Prometheus rules against ERE as the oracle', () => {
  it('the scenarios do what their names say, and no burn rate sits on a threshold', () => {
    const [steadyRun, outage, slowBurn, lowTraffic, early, noData] = scenarios as [
      OracleScenario,
      OracleScenario,
      OracleScenario,
      OracleScenario,
      OracleScenario,
      OracleScenario,
    ];
    for (const id of ['api', 'slices', 'unguarded']) {
      expect(fired(steadyRun, id, 'page') + fired(steadyRun, id, 'ticket')).toBe(0);
      expect(fired(noData, id, 'page') + fired(noData, id, 'ticket')).toBe(0);
      expect(fired(outage, id, 'page')).toBeGreaterThan(0);
    }
    expect(fired(outage, 'api', 'ticket')).toBeGreaterThan(0);
    // Recovery: the outage's alerts resolve before the scenario ends.
    expect(decisionsOf(outage, 'api').at(-1)!.firing).toEqual({ page: false, ticket: false });
    expect(fired(slowBurn, 'api', 'ticket')).toBeGreaterThan(0);
    expect(fired(slowBurn, 'api', 'page')).toBe(0);
    expect(fired(slowBurn, 'slices', 'ticket')).toBeGreaterThan(0);
    expect(fired(slowBurn, 'slices', 'page')).toBe(0);
    // Low traffic: the guard holds api's pages back for hours, and slices' tickets until 10 minutes in 90 have data.
    const firstPage = decisionsOf(lowTraffic, 'api').find((decision) => decision.firing.page)!;
    expect(firstPage.minute).toBeGreaterThan(15 + 180);
    expect(firstPage.status.tiers.filter((tier) => tier.severity === 'page').map((tier) => tier.guarded)).toEqual([
      true,
      false,
    ]);
    expect(decisionsOf(lowTraffic, 'slices').find((decision) => decision.firing.ticket)!.minute).toBeGreaterThan(
      15 + 300,
    );
    expect(fired(lowTraffic, 'unguarded', 'page')).toBeGreaterThan(0);
    // Coverage: no tier is judged on a few minutes of data. api's first page waits until 30 of the 1-hour
    // window's minutes have data; slices (20m) and unguarded (45m) wait half of theirs too.
    const firstPageAt = (id: string) => decisionsOf(early, id).find((decision) => decision.firing.page)!.minute;
    expect(firstPageAt('api')).toBe(15 + 30);
    expect(firstPageAt('slices')).toBeGreaterThanOrEqual(15 + 10);
    expect(firstPageAt('unguarded')).toBeGreaterThanOrEqual(15 + 23);
    expect(fired(early, 'api', 'ticket')).toBe(0);
    for (const scenario of scenarios) {
      expect(fired(scenario, 'muted', 'page') + fired(scenario, 'muted', 'ticket')).toBe(0);
      for (const definition of definitions)
        expect(ties(definition, ereDecisions(definition, scenario.minutes[definition.id]!))).toEqual([]);
    }
  });

  it('promtool test rules: the alerts fire exactly when ERE fires them', { timeout: 300_000 }, async () => {
    const files = writeTests(
      tempDir('ere-rules-oracle-'),
      scenarios.map((scenario) => promtoolTest(scenario, slos)),
    );
    const results = await Promise.all(files.map(promtoolTestRules));
    for (const [index, result] of results.entries()) {
      expect(result.output.slice(0, 4_000), scenarios[index]!.name).toContain('SUCCESS');
      expect(result.ok, scenarios[index]!.name).toBe(true);
    }
  });

  it('and promtool fails when an expectation is wrong', { timeout: 60_000 }, async () => {
    const outage = promtoolTest(scenarios[1]!, slos);
    // The first minute ERE pages for api, expected without that page.
    const check = outage.alert_rule_test.find((test) =>
      test.exp_alerts.some((alert) => alert.exp_labels.sloth_id === 'api' && alert.exp_labels.severity === 'page'),
    )!;
    check.exp_alerts = check.exp_alerts.filter(
      (alert) => !(alert.exp_labels.sloth_id === 'api' && alert.exp_labels.severity === 'page'),
    );
    const [file] = writeTests(tempDir('ere-rules-oracle-'), [outage]);
    const result = await promtoolTestRules(file!);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`time: ${promtoolTime(check.eval_time)},`);
  });
});
