// The Prometheus alert rules in alerts/ as Prometheus' own promtool sees them: every file valid, every
// unit test passing, every alert covered by a case where it fires and one where it stays quiet, and every
// alert carrying the labels and annotations routing and on-call rely on, its runbook section included.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  alertExpectations,
  alertRules,
  handWrittenRuleFile,
  ruleExpressions,
  ruleFiles,
  ruleTestFiles,
  runbookAnchors,
  runbooksDir,
  runbookTarget,
} from './rule-files.js';

const execFileAsync = promisify(execFile);

async function promtool(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('promtool', args, { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message };
  }
}

const alerts = alertRules();
const expectations = alertExpectations();

describe('alert rule files', () => {
  it('are the files the README describes, each holding alerts', () => {
    expect(ruleFiles().map((file) => basename(file))).toEqual([
      'ere-consensus.rules.yml',
      'ere-governance.rules.yml',
      'ere-rpc.rules.yml',
      'ere-self.rules.yml',
      'slo.rules.yml',
    ]);
    for (const file of ruleFiles())
      expect(
        alerts.some((alert) => alert.file === file),
        file,
      ).toBe(true);
    expect(new Set(alerts.map((alert) => alert.alert)).size).toBeGreaterThanOrEqual(30);
  });

  it('promtool check rules accepts every file', { timeout: 60_000 }, async () => {
    const results = await Promise.all(ruleFiles().map((file) => promtool(['check', 'rules', file])));
    for (const [index, result] of results.entries()) {
      expect(result.output, ruleFiles()[index]).toMatch(/SUCCESS: \d+ rules found/);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it('promtool test rules passes every test file', { timeout: 120_000 }, async () => {
    expect(ruleTestFiles().length).toBeGreaterThan(0);
    const results = await Promise.all(ruleTestFiles().map((file) => promtool(['test', 'rules', file])));
    for (const [index, result] of results.entries()) {
      expect(result.output.slice(0, 4_000), ruleTestFiles()[index]).toContain('SUCCESS');
      expect(result.ok, result.output.slice(0, 4_000)).toBe(true);
    }
  });

  it(
    'every alert fires, with its labels and annotations, in a ' + 'test of its file, and stays quiet in another case',
    () => {
      const uncovered: string[] = [];
      // One name may be several rules (the SLO alerts: one per SLO and severity); coverage is by name.
      const names = [...new Map(alerts.map((alert) => [`${alert.file}|${alert.alert}`, alert])).values()];
      for (const { file, alert: name } of names) {
        const severities = alerts
          .filter((alert) => alert.file === file && alert.alert === name)
          .map((alert) => alert.labels.severity);
        const cases = expectations.filter((check) => check.alertname === name && check.ruleFiles.includes(file));
        const firing = cases.filter((check) => check.expected.length > 0);
        if (firing.length === 0) uncovered.push(`${name}: no firing case`);
        if (!cases.some((check) => check.expected.length === 0)) uncovered.push(`${name}: no quiet case`);
        // A firing case states what the alert carries, so that promtool compares the expanded templates.
        for (const expected of firing.flatMap((check) => check.expected)) {
          if (!severities.includes(expected.exp_labels?.severity))
            uncovered.push(`${name}: a firing case without its severity`);
          for (const annotation of ['summary', 'description', 'runbook_url']) {
            if (!expected.exp_annotations?.[annotation]) uncovered.push(`${name}: a firing case without ${annotation}`);
          }
        }
      }
      expect(uncovered).toEqual([]);
    },
  );

  it('a test names only alerts its rule files define', () => {
    for (const check of expectations) {
      const defined = alerts.filter((alert) => check.ruleFiles.includes(alert.file)).map((alert) => alert.alert);
      expect(defined, `${basename(check.testFile)}: ${check.test}`).toContain(check.alertname);
    }
  });

  it('every alert has a routable severity and a templated summary, description and runbook_url', () => {
    for (const alert of alerts) {
      const where = `${basename(alert.file)}: ${alert.alert}`;
      expect(['page', 'ticket'], where).toContain(alert.labels.severity);
      expect(Object.keys(alert.annotations).sort(), where).toEqual(
        expect.arrayContaining(['description', 'runbook_url', 'summary']),
      );
      expect(alert.annotations.summary!.length, where).toBeGreaterThan(10);
      expect(`${alert.annotations.summary} ${alert.annotations.description}`, where).toMatch(
        /\{\{[^}]*\$(labels|value)\b/,
      );
    }
  });

  it(
    'every runbook_url reaches a section of a runbook in ' +
      'docs/runbooks, on the ERE that raised the alert where it is known',
    () => {
      for (const alert of alerts) {
        const where = `${basename(alert.file)}: ${alert.alert}`;
        const url = alert.annotations.runbook_url!;
        const target = runbookTarget(url);
        expect(target, `${where}: ${url}`).toBeDefined();
        const file = join(runbooksDir, `${target!.name}.md`);
        expect(existsSync(file), `${where}: ${file}`).toBe(true);
        expect([...runbookAnchors(readFileSync(file, 'utf8'))], where).toContain(target!.anchor);
        expect(target!.anchor, where).toBe(alert.alert.toLowerCase());
        // Alerts that keep the scraped instance link to it; the others find an ERE with a query.
        expect(url, where).toMatch(/^(http:\/\/\{\{ \$labels\.instance \}\}|\{\{ with query )/);
      }
    },
  );

  it('the hand-written rules keep the scraped instance on every alert but the one for a missing target', () => {
    for (const check of expectations.filter((candidate) => candidate.ruleFiles.every(handWrittenRuleFile))) {
      for (const expected of check.expected) {
        if (check.alertname === 'EreTargetMissing')
          expect(expected.exp_labels).toEqual({ severity: 'page', job: 'ere' });
        else expect(expected.exp_labels, `${check.alertname} at ${check.evalTime}`).toHaveProperty('instance');
      }
    }
  });

  it('the hand-written rules count with rate(), never increase() or delta(), as the dashboards do', () => {
    const offending = ruleExpressions(ruleFiles().filter(handWrittenRuleFile)).filter((rule) =>
      /\b(increase|delta|idelta)\s*\(/.test(rule.expr),
    );
    expect(offending.map((rule) => rule.name)).toEqual([]);
  });
});
