// The shape every `ere` command has, and what several of them share: --help, the config overrides, and
// waiting for a signal.

import type { Config } from '../config/schema.js';
import { EreError } from '../domain/errors.js';
import { parsePort, UsageError, type CommandArguments, type Output } from './args.js';

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

export function applyOverrides(
  config: Config,
  values: { host?: string | undefined; port?: string | undefined; db?: string | undefined },
): Config {
  return {
    ...config,
    server: {
      ...config.server,
      host: values.host ?? config.server.host,
      port: parsePort(values.port, '--port') ?? config.server.port,
    },
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

/** A command made of subcommands (`ere slo rules`, `ere silence add`), each one a command of its own. */
export function commandGroup(name: string, summary: string, subcommands: readonly Command[]): Command {
  const width = Math.max(0, ...subcommands.map((command) => command.name.length));
  const usage = `Usage: ere ${name} <subcommand> [options]

Subcommands:
${subcommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "ere ${name} <subcommand> --help" for a subcommand's options.`;
  return {
    name,
    summary,
    usage,
    subcommands,
    async run(argv, output) {
      const [word, ...rest] = argv;
      if (word === '--help' || word === '-h') return help(this, output);
      if (word === undefined) throw new UsageError('expects a subcommand');
      const subcommand = subcommands.find((candidate) => candidate.name === word);
      if (!subcommand) throw new UsageError(`unknown subcommand "${word}"`);
      return subcommand.run(rest, output);
    },
  };
}
