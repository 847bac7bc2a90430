// The example Alertmanager configuration (alerts/alertmanager.example.yml) as amtool sees it: valid, the
// rules' severities routed to the receivers the README names, and inhibit rules that name real alerts.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startAlertmanager } from '../helpers/alertmanager.js';
import { waitFor } from '../helpers/service.js';
import { alertRules, alertsDir } from './rule-files.js';

const execFileAsync = promisify(execFile);
const configFile = join(alertsDir, 'alertmanager.example.yml');

async function amtool(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('amtool', args);
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message };
  }
}

/** The receiver amtool resolves for an alert with these labels. */
async function receiverFor(labels: Record<string, string>): Promise<string> {
  const result = await amtool([
    'config',
    'routes',
    'test',
    `--config.file=${configFile}`,
    ...Object.entries(labels).map(([name, value]) => `${name}=${value}`),
  ]);
  expect(result.ok, result.output).toBe(true);
  return result.output
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Warning'))[0]!
    .trim();
}

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

describe('the example Alertmanager configuration', () => {
  it('amtool check-config accepts it', { timeout: 30_000 }, async () => {
    const result = await amtool(['check-config', configFile]);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toMatch(/2 receivers/);
    expect(result.ok).toBe(true);
  });

  it('and rejects a broken copy, so that the check means something', { timeout: 30_000 }, async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'ere-am-')), 'alertmanager.yml');
    writeFileSync(broken, readFileSync(configFile, 'utf8').replace('routing_key_file:', 'routing_key_fle:'));
    const result = await amtool(['check-config', broken]);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('routing_key_fle');
  });

  it('routes pages to PagerDuty and tickets to Slack, whatever else the alert carries', {
    timeout: 60_000,
  }, async () => {
    expect(await receiverFor({ severity: 'page', sloth_slo: 'x' })).toBe('pagerduty');
    expect(await receiverFor({ severity: 'page', alertname: 'EreChainHalted', chain: 'mainnet' })).toBe('pagerduty');
    expect(await receiverFor({ severity: 'ticket', sloth_slo: 'x' })).toBe('slack-tickets');
    expect(await receiverFor({ alertname: 'SomethingElse' })).toBe('slack-tickets');
  });

  it('has a route for every severity the rules use', { timeout: 60_000 }, async () => {
    const expected: Record<string, string> = { page: 'pagerduty', ticket: 'slack-tickets' };
    const severities = [...new Set(alertRules().map((alert) => alert.labels.severity!))].sort();
    expect(severities).toEqual(['page', 'ticket']);
    for (const severity of severities) expect(await receiverFor({ severity }), severity).toBe(expected[severity]);
  });

  it('reads the secrets from files and groups by alert, chain and SLO', () => {
    const config = parse(readFileSync(configFile, 'utf8')) as {
      route: { group_by: string[] };
      receivers: {
        name: string;
        pagerduty_configs?: Record<string, unknown>[];
        slack_configs?: Record<string, unknown>[];
      }[];
    };
    expect(config.route.group_by).toEqual(['alertname', 'chain', 'sloth_slo']);
    const pagerduty = config.receivers.find((receiver) => receiver.name === 'pagerduty')!.pagerduty_configs![0]!;
    const slack = config.receivers.find((receiver) => receiver.name === 'slack-tickets')!.slack_configs![0]!;
    expect(pagerduty).toHaveProperty('routing_key_file');
    expect(pagerduty).not.toHaveProperty('routing_key');
    expect(slack).toHaveProperty('api_url_file');
    expect(slack).not.toHaveProperty('api_url');
  });

  it('inhibits only alerts the rules define, and mutes an SLO’s ticket by its page on the SLO’s label', () => {
    const config = parse(readFileSync(configFile, 'utf8')) as { inhibit_rules: InhibitRule[] };
    const names = new Set(alertRules().map((alert) => alert.alert));
    for (const rule of config.inhibit_rules) {
      for (const matcher of [...rule.source_matchers, ...rule.target_matchers].filter((text) =>
        text.startsWith('alertname'),
      )) {
        const value = /^alertname=~?"(.*)"$/.exec(matcher)![1]!;
        for (const name of value.split('|')) expect(names, matcher).toContain(name);
      }
      // `equal` treats a label missing on both sides as equal: each side must name its alerts.
      expect(
        rule.source_matchers.some((text) => text.startsWith('alertname')),
        JSON.stringify(rule),
      ).toBe(true);
      expect(
        rule.target_matchers.some((text) => text.startsWith('alertname')),
        JSON.stringify(rule),
      ).toBe(true);
    }
    const slo = config.inhibit_rules.find((rule) =>
      rule.source_matchers.includes('alertname="EreSloErrorBudgetBurn"'),
    )!;
    expect(slo).toEqual({
      source_matchers: ['alertname="EreSloErrorBudgetBurn"', 'severity="page"'],
      target_matchers: ['alertname="EreSloErrorBudgetBurn"', 'severity="ticket"'],
      equal: ['sloth_slo'],
    });
    // The label the inhibition compares is one the generated SLO alerts carry.
    for (const alert of alertRules().filter((rule) => rule.alert === 'EreSloErrorBudgetBurn'))
      expect(alert.labels).toHaveProperty('sloth_slo');
  });

  it('a real Alertmanager running it inhibits as claimed, and nothing more', { timeout: 60_000 }, async () => {
    // group_wait is 30 s: the check is over before a notification to the (absent) secrets is attempted.
    const alertmanager = await startAlertmanager({
      webhookUrl: '',
      groupBy: [],
      config: readFileSync(configFile, 'utf8'),
    });
    try {
      const alert = (labels: Record<string, string>) => ({ labels, annotations: { summary: labels.alertname! } });
      const sent = [
        alert({ alertname: 'EreSloErrorBudgetBurn', severity: 'page', sloth_slo: 'api' }),
        alert({ alertname: 'EreSloErrorBudgetBurn', severity: 'ticket', sloth_slo: 'api' }),
        alert({ alertname: 'EreSloErrorBudgetBurn', severity: 'ticket', sloth_slo: 'other' }),
        alert({ alertname: 'EreChainHalted', severity: 'page', chain: 'mainnet' }),
        alert({ alertname: 'EreEndpointLagging', severity: 'ticket', chain: 'mainnet', endpoint: 'a' }),
        alert({ alertname: 'EreEndpointLagging', severity: 'ticket', chain: 'gnosis', endpoint: 'b' }),
        alert({ alertname: 'EreSafeOwnersChanged', severity: 'ticket', chain: 'mainnet', target: 'treasury' }),
      ];
      const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sent),
      });
      expect(posted.status).toBe(200);
      type Listed = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
      const listed = await waitFor(
        async () => {
          const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as Listed[];
          return alerts.length === sent.length && alerts.some((candidate) => candidate.status.state === 'suppressed')
            ? alerts
            : undefined;
        },
        20_000,
        'the alerts listed with their inhibition',
      );
      const inhibited = listed
        .filter((candidate) => candidate.status.inhibitedBy.length > 0)
        .map(({ labels }) => `${labels.alertname} ${labels.severity} ${labels.sloth_slo ?? labels.chain}`)
        .sort();
      expect(inhibited).toEqual(['EreEndpointLagging ticket mainnet', 'EreSloErrorBudgetBurn ticket api']);
    } finally {
      await alertmanager.stop();
    }
  });
});
