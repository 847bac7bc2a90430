// The shape every `ere` command has, and what several of them share: --help, the config overrides, and
// waiting for a signal.

import type { Config } from '../config/schema.js';
import { EreError } from '../domain/errors.js';
import { parsePort, type CommandArguments, type Output } from './args.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** What the command line takes; absent for a command of subcommands. */
  arguments?: CommandArguments;
  subcommands?: readonly Command[];
  run(argv: string[], output: Output): Promise<number>;
}

export const overrideOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  db: { type: 'string' },
} as const;

export function applyOverrides(config: Config, values: { host?: string | undefined; port?: string | undefined; db?: string | undefined }): Config {
  return {
    ...config,
    server: { ...config.server, host: values.host ?? config.server.host, port: parsePort(values.port, '--port') ?? config.server.port },
    storage: { ...config.storage, path: values.db ?? config.storage.path },
  };
}

/** Resolves when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function help(command: Command, output: Output): number {
  output.out(command.usage);
  return 0;
}

export function describeError(error: unknown): string {
  if (error instanceof EreError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
