// The configs the compose stack mounts, checked by the tools that will read them: promtool for Prometheus'
// config (as shipped, and with the rules from alerts/ it loads in the container), amtool for Alertmanager's,
// and ERE's own check-config for deploy/ere/ere.yaml.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/service.js';
import { relocatePrometheusConfig } from './prometheus-config.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const prometheusYml = `${root}/deploy/prometheus/prometheus.yml`;
const alertmanagerYml = `${root}/deploy/alertmanager/alertmanager.yml`;
const dir = tempDir('ere-deploy-configs-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): { status: number | null; output: string; stdout: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: root });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

describe('deploy/prometheus/prometheus.yml', () => {
  it('is a valid config as shipped (its rule glob names the container path, which matches nothing here)', () => {
    const { status, output } = run('promtool', ['check', 'config', prometheusYml]);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('is valid with the rules compose mounts: every alerts/*.rules.yml is loaded and checked', () => {
    const relocated = join(dir, 'prometheus.yml');
    writeFileSync(
      relocated,
      relocatePrometheusConfig(readFileSync(prometheusYml, 'utf8'), { rulesDir: `${root}/alerts` }),
    );
    const { status, output } = run('promtool', ['check', 'config', relocated]);
    const ruleFiles = readdirSync(`${root}/alerts`).filter((file) => file.endsWith('.rules.yml'));
    expect(ruleFiles.length).toBeGreaterThan(0);
    for (const file of ruleFiles)
      expect(output).toMatch(
        new RegExp(`Checking ${root}/alerts/${file.replace(/\./g, '\\.')}\\s+SUCCESS: \\d+ rules found`),
      );
    expect(output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
    expect(status).toBe(0);
  });

  it('would fail to load alerts/ with a plain *.yml glob, which takes in the example Alertmanager config', () => {
    const wide = join(dir, 'prometheus-wide.yml');
    const text = readFileSync(prometheusYml, 'utf8').replace(
      '/etc/prometheus/rules/*.rules.yml',
      '/etc/prometheus/rules/*.yml',
    );
    writeFileSync(wide, relocatePrometheusConfig(text, { rulesDir: `${root}/alerts` }));
    const { status, output } = run('promtool', ['check', 'config', wide]);
    expect(output).toContain('alertmanager.example.yml');
    expect(status).not.toBe(0);
  });
});

describe('deploy/alertmanager/alertmanager.yml', () => {
  it('is a valid config', () => {
    const { status, output } = run('amtool', ['check-config', alertmanagerYml]);
    expect(output).toContain('SUCCESS');
    expect(output).toContain(' - 1 receivers');
    expect(status).toBe(0);
  });

  it('sends every alert, whatever its severity, to the null receiver', () => {
    for (const labels of [
      ['severity=page', 'alertname=EreEndpointDown', 'chain=demo'],
      ['severity=ticket', 'slo=x'],
      ['alertname=Watchdog'],
    ]) {
      // stdout only: amtool warns on stderr that --config.file overrides --alertmanager.url.
      const { status, stdout } = run('amtool', [
        'config',
        'routes',
        'test',
        `--config.file=${alertmanagerYml}`,
        ...labels,
      ]);
      expect(stdout.trim(), labels.join(' ')).toBe('null');
      expect(status).toBe(0);
    }
  });
});

describe('deploy/ere/ere.yaml', () => {
  it("passes ERE's own validation", () => {
    const { status, output } = run(process.execPath, ['bin/ere.js', 'check-config', `${root}/deploy/ere/ere.yaml`]);
    expect(output).toContain('ere.yaml: ok\n1 chain, 3 RPC endpoints');
    expect(status).toBe(0);
  });

  it('is refused by the same check once broken, so the check above means something', () => {
    const broken = join(dir, 'ere-broken.yaml');
    writeFileSync(
      broken,
      readFileSync(`${root}/deploy/ere/ere.yaml`, 'utf8').replace('pollInterval: 15s', 'pollIntervall: 15s'),
    );
    const { status, output } = run(process.execPath, ['bin/ere.js', 'check-config', broken]);
    expect(output).toContain('chains[0].pollIntervall: unknown key');
    expect(status).toBe(1);
  });
});
