// Prometheus and Alertmanager (Debian's binaries) started on the configs the compose stack mounts, on a
// loopback port with their storage in a temporary directory, ready when returned.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/service.js';

export interface RunningBinary {
  url: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

async function startBinary(binary: string, args: (dataDir: string) => string[], url: string): Promise<RunningBinary> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ere-stack-'));
  const child = spawn(binary, args(dataDir), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited(child);
    clearTimeout(killer);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
      `${binary} to be ready`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

export function startPrometheusOn(configFile: string, port: number): Promise<RunningBinary> {
  return startBinary(
    'prometheus',
    (dataDir) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    `http://127.0.0.1:${port}`,
  );
}

export function startAlertmanagerOn(configFile: string, port: number): Promise<RunningBinary> {
  return startBinary(
    'prometheus-alertmanager',
    (dataDir) => [
      `--config.file=${configFile}`,
      `--storage.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    `http://127.0.0.1:${port}`,
  );
}
