// The `ere` command as users run it: the built bin/ere.js in a child process.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { tempDir, waitFor } from '../helpers/service.js';
import { freePort } from '../helpers/loopback-tool.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'ere.js');

function ere(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
}

let anvil: AnvilNode;
beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

describe('ere CLI', () => {
  it('lists its commands, and every command has --help', () => {
    const main = ere(['--help']);
    expect(main.status).toBe(0);
    for (const command of ['start', 'check-config', 'migrate', 'report', 'demo']) {
      expect(main.stdout).toContain(`  ${command}`);
      const help = ere([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: ere ${command}`));
    }
    expect(ere(['start', '--help']).stdout).toMatch(/--host <host>[\s\S]*--port <port>[\s\S]*--db <file>/);
  });

  it('rejects unknown commands and flags with exit code 2', () => {
    expect(ere(['frobnicate'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(ere(['start', '--config', 'x', '--colour'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("Unknown option '--colour'"),
    });
    expect(ere(['start'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--config <file> is required') });
  });

  it('check-config: exit 0 with a summary, or exit 1 listing every problem by path', () => {
    const dir = tempDir();
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      `chains:\n  - id: mainnet\n    chainId: 1\n    rpc:\n      - { id: a, url: ` +
        `"https://rpc.example.com/\${KEY}" }\n      - { id: b, url: "https://rpc2.example.com/" }\n`,
    );
    expect(ere(['check-config', good], { KEY: 'k' })).toMatchObject({
      status: 0,
      stdout: expect.stringContaining(`${good}: ok\n1 chain, 2 RPC endpoints, 0 beacon endpoints: mainnet (2)\n`),
    });
    const unset = ere(['check-config', good], { KEY: undefined as unknown as string });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('chains[0].rpc[0].url: environment variable KEY is not set');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `chains:\n  - id: ok\n    chainId: 1\n    rpc: [{ id: a, url: "http://a" }]\n  - id: ` +
        `second\n    chainId: 2\n    rpc: [{ id: b, url: "ftp://b" }]\n    pollIntervall: 5s\n`,
    );
    const result = ere(['check-config', bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('chains[1].rpc[0].url: must be an http(s) URL');
    expect(result.stderr).toContain('chains[1].pollIntervall: unknown key');
    expect(result.stderr).toContain('2 problems');
  });

  it('migrate: applies the migrations, then says it is up to date', () => {
    const db = join(tempDir(), 'ere.db');
    const first = ere(['migrate', '--db', db]);
    const files = readdirSync(join(root, 'migrations'))
      .filter((file) => file.endsWith('.sql'))
      .sort();
    expect(files[0]).toBe('001_rpc_samples_and_rollups.sql');
    expect(first).toMatchObject({ status: 0, stdout: files.map((file) => `applied ${file}\n`).join('') });
    expect(ere(['migrate', '--db', db])).toMatchObject({
      status: 0,
      stdout: `${db}: up to date (${files.length} migrations applied)\n`,
    });
  });

  it('start: serves with --host/--port/--db overriding the config, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const config = join(dir, 'ere.yaml');
    writeFileSync(
      config,
      `server: { port: 1 }\nstorage: { path: ${JSON.stringify(join(dir, 'ignored.db'))} ` +
        `}\nlog: { level: warn }\nchains:\n  - { id: local, chainId: 31337, pollInterval: ` +
        `500ms, timeout: 400ms, rpc: [{ id: node, url: "${anvil.url}" }] }\n`,
    );
    const port = await freePort();
    const db = join(dir, 'override.db');
    const child = spawn(
      process.execPath,
      [bin, 'start', '--config', config, '--host', '127.0.0.1', '--port', String(port), '--db', db],
      { stdio: 'pipe' },
    );
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    try {
      const chain = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/chains/local`);
          const body = (await response.json()) as { consensusHead: number | null };
          return body.consensusHead !== null && body;
        },
        15_000,
        'the service to see the chain',
      );
      expect(chain).toMatchObject({ id: 'local', healthyEndpoints: 1 });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const started = Date.now();
    expect(await exited(child)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(dir, 'ignored.db'))).toBe(false);
    expect(output).not.toMatch(/Error/);
  });

  it('start: a port in use is a clear error and exit 1, not a hang', async () => {
    const dir = tempDir();
    const config = join(dir, 'ere.yaml');
    writeFileSync(
      config,
      `storage: { path: ${JSON.stringify(join(dir, 'ere.db'))} }\nchains:\n  - { id: ` +
        `local, chainId: 31337, rpc: [{ id: node, url: "${anvil.url}" }] }\n`,
    );
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const result = ere(['start', '--config', config, '--port', String((taken.address() as { port: number }).port)]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
    } finally {
      taken.close();
    }
  });

  it('demo: runs a chain behind three endpoints, shows them, and stops everything on SIGINT', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [bin, 'demo', '--port', String(port)], { stdio: 'pipe' });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    let endpointUrls: string[] = [];
    try {
      const chain = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/chains/demo`);
          const body = (await response.json()) as { healthyEndpoints: number; consensusHead: number | null };
          return body.healthyEndpoints === 3 && body.consensusHead !== null && body;
        },
        20_000,
        'the demo chain',
      );
      expect(chain).toMatchObject({ chainId: 31337, configuredEndpoints: 3, status: 'ok' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const endpoint of ['anvil-node', 'provider-a', 'provider-b'])
        expect(metrics).toContain(`ere_rpc_endpoint_up{chain="demo",endpoint="${endpoint}"} 1`);
      const configPath = /config: +(\S+)/.exec(output)?.[1];
      expect(configPath).toBeDefined();
      endpointUrls = [...readFileSync(configPath!, 'utf8').matchAll(/url: (\S+)/g)].map((match) => match[1]!);
      // The three endpoints, the simulated beacon node and the demo's webhook receiver.
      expect(endpointUrls).toHaveLength(5);
      expect(ere(['check-config', configPath!]).status).toBe(0);
      expect(output).toContain(`http://127.0.0.1:${port}/metrics`);
      // The demo's API token, new each run, lets a silence be added over the API with the CLI.
      const token = /token: +([0-9a-f]{48}) /.exec(output)?.[1];
      expect(token).toBeDefined();
      const silence = ere(
        ['silence', 'add', 'DemoTrial', '--comment', 'trying it', '--url', `http://127.0.0.1:${port}`],
        { ERE_TOKEN: token! },
      );
      expect(silence).toMatchObject({ status: 0, stdout: expect.stringMatching(/^created silence \S+ active from /) });
      expect(`${silence.stdout}${silence.stderr}`).not.toContain(token);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited(child)).toBe(0);
    // The chain, both proxies, the beacon node and the webhook receiver are gone with it.
    for (const url of endpointUrls) await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
  }, 40_000);
});
