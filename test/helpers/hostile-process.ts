// A hostile server run in a process of its own, as a real remote server would be: its 50 MB answers and
// endless drips cost the process under test nothing but what it reads. The child prints its URLs; its
// counts are read over HTTP.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { startHostileBeaconServer } from './hostile-beacon.js';
import { startHostileRpcServer } from './hostile-rpc.js';

export interface HostileFigures {
  served: Record<string, number>;
  /** Bent answers per route (the beacon node only). */
  routes?: Record<string, number>;
  statuses: Record<string, number>;
}

export interface HostileProcess {
  /** Where each kind is served. */
  urls: Record<string, string>;
  figures(): Promise<HostileFigures>;
  close(): Promise<void>;
}

const servers = { rpc: startHostileRpcServer, beacon: startHostileBeaconServer } as const;
export type HostileServerName = keyof typeof servers;

export async function startHostileProcess(name: HostileServerName): Promise<HostileProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [
    string | undefined,
  ];
  if (!line?.startsWith('{')) throw new Error(`the hostile ${name} server did not start`);
  const { urls, figuresUrl } = JSON.parse(line) as { urls: Record<string, string>; figuresUrl: string };
  return {
    urls,
    figures: async () => (await (await fetch(figuresUrl)).json()) as HostileFigures,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

// Run as a script: start the named server and print its URLs.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2] as HostileServerName;
  const server = await servers[name]();
  console.log(JSON.stringify({ urls: server.urls, figuresUrl: server.figuresUrl }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  // The parent holds stdin open: when it dies without stopping this server, the server goes too.
  process.stdin.once('close', stop).resume();
}
