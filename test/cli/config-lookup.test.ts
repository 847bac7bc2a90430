// One config lookup for every command that reads a config: `--config <file>`, else $ERE_CONFIG, else
// ./ere.yaml; check-config's file argument still works; `ere --version`.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile } from '../../src/cli/config-path.js';
import { ereBin } from '../helpers/ere-cli.js';
import { tempDir } from '../helpers/service.js';

function ere(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.env?.ERE_CONFIG === undefined) delete env.ERE_CONFIG;
  const result = spawnSync(process.execPath, [ereBin, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    env,
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configIn(dir: string, name: string, chain: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `storage: { path: ${JSON.stringify(join(dir, `${chain}.db`))} }
chains:
  - { id: ${chain}, chainId: 1, rpc: [{ id: ${chain}-node, url: "http://127.0.0.1:1" }] }
slos:
  - { id: ${chain}-up, service: rpc, objective: 99, window: 7d, sli: { kind: availability, chain: ${chain} } }
alerting:
  receivers: [{ id: ${chain}-hook, kind: webhook, url: "http://127.0.0.1:1/hook" }]
`,
  );
  return file;
}

describe('findConfigFile', () => {
  const exists = (present: boolean) => () => present;
  it.each([
    { flag: 'flag.yaml', env: 'env.yaml', present: true, expected: { file: 'flag.yaml', source: 'flag' } },
    { flag: 'missing.yaml', env: undefined, present: false, expected: { file: 'missing.yaml', source: 'flag' } },
    { flag: undefined, env: 'env.yaml', present: true, expected: { file: 'env.yaml', source: 'env' } },
    { flag: undefined, env: '', present: true, expected: { file: 'ere.yaml', source: 'default' } },
    { flag: undefined, env: undefined, present: true, expected: { file: 'ere.yaml', source: 'default' } },
    { flag: undefined, env: undefined, present: false, expected: null },
    { flag: undefined, env: '', present: false, expected: null },
  ])('--config $flag, ERE_CONFIG $env, ./ere.yaml present: $present', ({ flag, env, present, expected }) => {
    expect(findConfigFile(flag, env === undefined ? {} : { ERE_CONFIG: env }, exists(present))).toEqual(expected);
  });
});

describe('the config each command reads', () => {
  it('check-config: --config, the file argument, ERE_CONFIG and ./ere.yaml, in that order', () => {
    const dir = tempDir();
    configIn(dir, 'ere.yaml', 'local');
    const other = configIn(dir, 'other.yaml', 'other');
    const fromEnv = configIn(dir, 'env.yaml', 'fromenv');
    expect(ere(['check-config', '--config', other], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(new RegExp(`^${other}: ok\n1 chain.*other`)),
    });
    expect(ere(['check-config', '-c', other], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('other (1)'),
    });
    expect(ere(['check-config', other], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('other (1)'),
    });
    expect(ere(['check-config', '--config', other], { cwd: dir, env: { ERE_CONFIG: fromEnv } }).stdout).toContain(
      'other (1)',
    );
    expect(ere(['check-config'], { cwd: dir, env: { ERE_CONFIG: fromEnv } }).stdout).toContain('fromenv (1)');
    expect(ere(['check-config'], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^ere\.yaml: ok\n.*local \(1\)/),
    });
    expect(ere(['check-config', '--config', other, other], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('give the config file once'),
    });
    expect(ere(['check-config', other, other], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('expects at most one config file'),
    });
    const missing = ere(['check-config'], { cwd: dir, env: { ERE_CONFIG: join(dir, 'gone.yaml') } });
    expect(missing).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`${join(dir, 'gone.yaml')}: 1 problem`),
    });
  });

  it('without --config, ERE_CONFIG or ./ere.yaml, each command says what it looked for (exit 2)', () => {
    const empty = tempDir();
    const lookup = '(ERE_CONFIG is not set and there is no ./ere.yaml)';
    for (const argv of [
      ['check-config'],
      ['start'],
      ['report'],
      ['test-notify', '--receiver', 'x'],
      ['slo', 'rules'],
    ]) {
      expect(ere(argv, { cwd: empty }), argv.join(' ')).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(`--config <file> is required ${lookup}`),
      });
    }
    for (const argv of [
      ['backup', '--to', join(empty, 'b.db')],
      ['restore', '--from', join(empty, 'b.db')],
      ['migrate'],
    ]) {
      expect(ere(argv, { cwd: empty }), argv.join(' ')).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(`--config <file> or --db <file> is required ${lookup}`),
      });
    }
  });

  it('report, test-notify, slo rules and migrate read ERE_CONFIG, else ./ere.yaml', () => {
    const dir = tempDir();
    configIn(dir, 'ere.yaml', 'local');
    const elsewhere = tempDir();
    const fromEnv = configIn(elsewhere, 'env.yaml', 'fromenv');

    // No database yet: report says so for the database of the config it found.
    expect(ere(['report'], { cwd: dir })).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`no database at ${join(dir, 'local.db')}`),
    });
    expect(ere(['report'], { cwd: dir, env: { ERE_CONFIG: fromEnv } })).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`no database at ${join(elsewhere, 'fromenv.db')}`),
    });
    expect(ere(['test-notify', '--receiver', 'nope'], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('no receiver "nope" in ere.yaml (it has local-hook)'),
    });
    expect(ere(['test-notify', '--receiver', 'nope'], { cwd: dir, env: { ERE_CONFIG: fromEnv } }).stderr).toContain(
      '(it has fromenv-hook)',
    );
    const rules = ere(['slo', 'rules'], { cwd: dir });
    expect(rules).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(
        new RegExp(
          /^# Prometheus rules for ERE Monitor's SLOs, generated by "ere slo rules" \(ERE Monitor [^)]+\) /.source +
            /from ere\.yaml\./.source,
        ),
      ),
    });
    expect(rules.stdout).toContain('sloth-slo-alerts-local-up');
    expect(ere(['slo', 'rules', '--demo', '--config', fromEnv], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('not both'),
    });

    expect(ere(['migrate'], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('applied 001_'),
    });
    expect(existsSync(join(dir, 'local.db'))).toBe(true);
    expect(ere(['migrate'], { cwd: dir })).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(new RegExp(`^${join(dir, 'local.db')}: up to date`)),
    });
    expect(ere(['report'], { cwd: dir }).stdout).toContain('local-up');
  });
});

describe('ere --version', () => {
  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V'])
      expect(ere([flag], { cwd: tempDir() })).toMatchObject({ status: 0, stdout: `ere-monitor ${version}\n` });
    expect(ere(['--help'], { cwd: tempDir() }).stdout).toContain('ere --version');
  });
});
