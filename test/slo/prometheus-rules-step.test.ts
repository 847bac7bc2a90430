// ERE's counters step once a minute, when a minute settles. Scraped every 5 s or 15 s, a 1-minute window
// holds no step for one evaluation each minute, and its ratio is 0/0 = NaN: the generated page must stay
// firing through a sustained outage all the same, at every evaluation, and it would not without its
// keep_firing_for (checked by removing it).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { prometheusRuleGroups, type AlertingRule } from '../../src/slo/prometheus-rules.js';
import { prometheusRulesYaml } from '../../src/slo/prometheus-rules-file.js';
import { tempDir } from '../helpers/service.js';
import { promtoolTestRules } from '../helpers/slo-rules-oracle.js';

// A 7-day SLO's default fast page tier (14 min and 1 min, burn rate 14.4), alone, so the page is all that fires.
const definitions = resolveSlos(
  parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
slos:
  - id: week
    service: rpc
    objective: 99.9
    window: 7d
    sli: { kind: availability, chain: c }
    alerting: { tiers: [{ severity: page, burnRate: 14.4, longWindow: 14m, shortWindow: 1m }] }
`),
);
const groups = prometheusRuleGroups(definitions, { version: 'test' });
const page = groups.flatMap((group) => group.rules).find((rule): rule is AlertingRule => 'alert' in rule)!;

const perMinute = 97;
const goodMinutes = 30;
const badMinutes = 40;

/** Scrapes fall 2 s after the evaluations, as they do when Prometheus spreads its targets. */
const scrapeOffsetSeconds = 2;

/**
 * One counter as scraped every `scrapeSeconds`, `scrapeOffsetSeconds` after each evaluation, written as
 * one value a second with `_` where there is no scrape. It steps once a minute, at the first scrape after
 * the minute ends.
 */
function samples(scrapeSeconds: number, count: (minute: number) => number): string {
  const values: string[] = [];
  let lastScrape = -1;
  for (let at = 0; at <= (goodMinutes + badMinutes) * 60; at += 1) {
    if ((at - scrapeOffsetSeconds) % scrapeSeconds !== 0 || at < scrapeOffsetSeconds) {
      values.push('_');
      continue;
    }
    // Minutes that had ended by the previous scrape are settled and counted.
    const settled = lastScrape < 0 ? 0 : Math.floor(lastScrape / 60);
    lastScrape = at;
    let total = 1_000_000;
    for (let minute = 0; minute < settled; minute += 1) total += count(minute);
    values.push(String(total));
  }
  return values.join(' ');
}

function testFile(scrapeSeconds: number) {
  const bad = (minute: number) => (minute >= goodMinutes ? perMinute : 0);
  const evalTimes: number[] = [];
  // From 3 minutes into the outage, when both windows hold bad minutes, to its end: every evaluation.
  for (let at = (goodMinutes + 3) * 60; at <= (goodMinutes + badMinutes) * 60; at += scrapeSeconds) evalTimes.push(at);
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: `${scrapeSeconds}s`,
    group_eval_order: groups.map((group) => group.name),
    tests: [
      {
        interval: '1s',
        input_series: [
          {
            series: 'ere_slo_events_total{slo="week",service="rpc",outcome="good"}',
            values: samples(scrapeSeconds, (minute) => perMinute - bad(minute)),
          },
          {
            series: 'ere_slo_events_total{slo="week",service="rpc",outcome="bad"}',
            values: samples(scrapeSeconds, bad),
          },
          // The SLI's data begins with the counters, at 0, scraped with them.
          {
            series: 'ere_slo_data_since_timestamp_seconds{slo="week",service="rpc"}',
            values: samples(scrapeSeconds, () => 0).replace(/[^ _]+/g, '0'),
          },
        ],
        alert_rule_test: evalTimes.map((at) => ({
          eval_time: `${at}s`,
          alertname: 'EreSloErrorBudgetBurn',
          exp_alerts: [{ exp_labels: page.labels, exp_annotations: page.annotations }],
        })),
      },
    ],
  };
}

async function promtool(
  dir: string,
  scrapeSeconds: number,
  rulesYaml: string,
): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(dir, 'rules.yaml'), rulesYaml);
  const file = join(dir, `step-${scrapeSeconds}s.test.yaml`);
  writeFileSync(file, stringify(testFile(scrapeSeconds), { lineWidth: 0 }));
  return promtoolTestRules(file);
}

describe('the generated page through a sustained outage, with counters that step once a minute', () => {
  const rules = prometheusRulesYaml(definitions, { version: 'test', source: 'the step test config' });

  it.each([5, 15])(
    '%i s scrapes: firing at every evaluation of the outage',
    { timeout: 60_000 },
    async (scrapeSeconds) => {
      const result = await promtool(tempDir('ere-rules-step-'), scrapeSeconds, rules);
      expect(result.output.slice(0, 4_000)).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    },
  );

  it('without keep_firing_for the 5 s run leaves ALERTS once a minute', { timeout: 60_000 }, async () => {
    expect(rules).toContain('keep_firing_for: 1m');
    const result = await promtool(tempDir('ere-rules-step-'), 5, rules.replaceAll(/^\s*keep_firing_for: 1m\n/gm, ''));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
  });
});
