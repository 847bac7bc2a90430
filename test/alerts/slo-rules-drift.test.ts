// alerts/slo.rules.yml is what `ere slo rules` prints for the demo config, byte for byte: a change to the
// generator, the demo's SLOs or ERE's version that is not regenerated into the shipped file fails here.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sloRunbookPath } from '../../src/slo/prometheus-rules-file.js';
import { alertRules, alertsDir, repoRoot } from './rule-files.js';

const shipped = join(alertsDir, 'slo.rules.yml');

describe('alerts/slo.rules.yml', () => {
  it('equals what `ere slo rules` prints now (regenerate with: node ' +
    'bin/ere.js slo rules --demo --out alerts/slo.rules.yml)', {
    timeout: 30_000,
  }, () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'ere.js'), 'slo', 'rules', '--demo'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(shipped, 'utf8'));
  });

  it('holds the burn-rate alerts of every SLO of the demo config, page and ticket, linked to their runbook', () => {
    const alerts = alertRules([shipped]);
    const slos = [...new Set(alerts.map((alert) => alert.labels.sloth_slo))].sort();
    expect(slos).toEqual([
      'dao-execution',
      'dao-participation',
      'demo-a-attestations',
      'demo-inclusion',
      'demo-redundancy',
      'provider-a-availability',
    ]);
    for (const slo of slos)
      expect(alerts.filter((alert) => alert.labels.sloth_slo === slo).map((alert) => alert.labels.severity)).toEqual([
        'page',
        'ticket',
      ]);
    for (const alert of alerts)
      expect(alert.annotations.runbook_url).toContain(
        `{{ with query \`ere_slo_events_total{slo="${alert.labels.sloth_slo}"}\` }}`,
      );
    for (const alert of alerts) expect(alert.annotations.runbook_url!.endsWith(sloRunbookPath)).toBe(true);
  });
});
