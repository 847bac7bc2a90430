// The built `ere` command (bin/ere.js, from dist/) run as a child process, as users run it.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ereBin = fileURLToPath(new URL('../../bin/ere.js', import.meta.url));

export interface EreRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ere <args>` without blocking this process, so that a service started in it goes on running. */
export function runEre(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<EreRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ereBin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
