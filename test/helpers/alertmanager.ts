// A real Alertmanager (Debian's prometheus-alertmanager) for tests: started on a free 127.0.0.1 port with
// its own temporary storage and a route that notifies one webhook, ready when returned, and stopped (with
// its files removed) by stop(). Receiver tests use it to see what Alertmanager itself does with alerts.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { waitFor } from './service.js';

export interface AlertmanagerOptions {
  /** Where Alertmanager sends its notifications (resolved ones too). */
  webhookUrl: string;
  /** The route's group_by; `['...']` makes one group per alert. */
  groupBy: readonly string[];
  /** A path prefix Alertmanager serves under (its external URL's path), such as `/am`; none by default. */
  pathPrefix?: string;
  /** A whole configuration to run instead of the webhook route (`webhookUrl` and `groupBy` are then unused). */
  config?: string;
  /** Basic auth on Alertmanager's own API; `passwordHash` is the bcrypt of `password` for its web config. */
  basicAuth?: { username: string; password: string; passwordHash: string };
}

export interface Alertmanager {
  /** `http://127.0.0.1:<port><pathPrefix>`, no credentials. */
  url: string;
  port: number;
  /** As `--version` prints it, such as `0.25.0`. */
  version: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function alertmanagerBinary(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus-alertmanager'));
  for (const candidate of [...onPath, '/usr/bin/prometheus-alertmanager']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  throw new Error('prometheus-alertmanager not found: run `sh scripts/install-test-deps.sh` as root (Debian package prometheus-alertmanager)');
}

/** A loopback port free when asked (nothing stops another process from taking it before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<Alertmanager> {
  const binary = alertmanagerBinary();
  const version = /version (\S+)/.exec(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  const dir = mkdtempSync(join(tmpdir(), 'ere-alertmanager-'));
  const groupBy = options.groupBy.map((label) => `'${label}'`).join(', ');
  // Notified at once and regrouped every second, so that the webhook sees each transition within a second.
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    options.config ??
      `route: { receiver: capture, group_by: [${groupBy}], group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
receivers: [{ name: capture, webhook_configs: [{ url: '${options.webhookUrl}', send_resolved: true }] }]
`,
  );
  const auth = options.basicAuth;
  const headers: Record<string, string> = auth ? { authorization: basicAuthHeader(auth.username, auth.password) } : {};
  if (auth) writeFileSync(join(dir, 'web.yml'), `basic_auth_users: { ${auth.username}: '${auth.passwordHash}' }\n`);
  // A port found free can be taken before Alertmanager binds it: then try another.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${options.pathPrefix ?? ''}`;
    const flags = [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      ...(auth ? [`--web.config.file=${join(dir, 'web.yml')}`] : []),
      `--storage.path=${join(dir, `data-${attempt}`)}`,
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.pathPrefix ? [`--web.external-url=${url}`] : []),
      '--log.level=warn',
    ];
    const child = spawn(binary, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const kill = async (): Promise<void> => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    };
    const stop = async (): Promise<void> => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
          return (await fetch(`${url}/-/ready`, { headers })).ok;
        },
        30_000,
        'Alertmanager to be ready',
      );
      return { url, port, version, process: child, stop };
    } catch (error) {
      // The configuration stays for the next attempt; only a final failure removes it.
      if (attempt < 3 && stderr.includes('address already in use')) await kill();
      else {
        await stop();
        throw error;
      }
    }
  }
}
