// Debian's Prometheus-family servers (prometheus, prometheus-alertmanager) run for a test: found on PATH or
// in /usr/bin, started on a free 127.0.0.1 port with a temporary directory of their own, awaited until
// `/-/ready` answers, started again on another port when the one found free was taken meanwhile, and
// stopped (SIGTERM, then SIGKILL) with their directory removed.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';

/** A loopback port free when asked (nothing stops another process from taking it before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The tool's executable, or an error saying which Debian package brings it. */
export function toolBinary(name: string, debianPackage: string): string {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name));
  for (const candidate of [...onPath, `/usr/bin/${name}`]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  throw new Error(
    `${name} not found: run \`sh scripts/install-test-deps.sh\` as root (Debian package ${debianPackage})`,
  );
}

/** As `--version` prints it, such as `2.42.0+ds`. */
export function toolVersion(binary: string): string {
  const printed = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(`${printed.stdout}${printed.stderr}`)?.[1] ?? 'unknown';
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

export interface LoopbackTool {
  /** `http://127.0.0.1:<port>` plus the path prefix, no credentials. */
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface LoopbackToolOptions {
  /** What the errors call it: `Prometheus`. */
  name: string;
  binary: string;
  /** The tool's temporary directory (config, data), removed by stop() or by a failed start. */
  dir: string;
  /** A path the tool serves under (`/am`), kept in `url`. */
  pathPrefix?: string;
  /** Its command-line flags for a port and an attempt (a new data directory per attempt). */
  flags(port: number, attempt: number, url: string): string[];
  /** Headers for the readiness request (basic auth). */
  readyHeaders?: Record<string, string>;
}

/** Resolves once `/-/ready` answers 200; fails at once if the process exits (a port taken, a bad config). */
async function untilReady(
  name: string,
  url: string,
  headers: Record<string, string>,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}: ${stderr()}`);
    const ready = await fetch(`${url}/-/ready`, { headers }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${name} was not ready within 30 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startLoopbackTool(options: LoopbackToolOptions): Promise<LoopbackTool> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${options.pathPrefix ?? ''}`;
    const child = spawn(options.binary, options.flags(port, attempt, url), { stdio: ['ignore', 'ignore', 'pipe'] });
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
      rmSync(options.dir, { recursive: true, force: true });
    };
    try {
      await untilReady(options.name, url, options.readyHeaders ?? {}, child, () => stderr);
      return { url, port, process: child, stop };
    } catch (error) {
      // The directory stays for the next attempt; only a final failure removes it.
      if (attempt < 3 && stderr.includes('address already in use')) await kill();
      else {
        await stop();
        throw error;
      }
    }
  }
}
