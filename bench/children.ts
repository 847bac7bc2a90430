// The benchmark's child processes (the JSON-RPC server and one per phase): started with IPC, awaited
// for one message at a time, and all stopped at the end or on an interrupt: SIGTERM, then SIGKILL.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const killGraceMs = 2_000;

export class ChildSet {
  private readonly live = new Map<ChildProcess, string>();

  spawn(name: string, nodeArgs: string[], args: string[]): ChildProcess {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.live.set(child, name);
    child.once('exit', () => this.live.delete(child));
    return child;
  }

  /** The first message `pick` maps to a value; fails if the child exits or stays silent too long. */
  nextMessage<Message, Value>(
    child: ChildProcess,
    pick: (message: Message) => Value | undefined,
    timeoutMs: number,
  ): Promise<Value> {
    const name = this.live.get(child) ?? 'child';
    return new Promise<Value>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: Message) => {
        const value = pick(message);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before it answered`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  async exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await once(child, 'exit');
  }

  /** Stops every child still running, by its own pid. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.live.keys()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = this.exited(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
