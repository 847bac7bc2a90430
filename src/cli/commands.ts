// The `ere` commands: start, check-config, migrate, demo. Each returns its exit code.

import { ConfigError, loadConfigFile, summarizeConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { EreError } from '../domain/errors.js';
import { startService } from '../main.js';
import { openDatabase } from '../store/database.js';
import { pendingMigrations, readMigrations } from '../store/migrate.js';
import { runDemo } from '../demo/demo.js';
import { UsageError, parseCommandArgs, parsePort, type Output } from './args.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], output: Output): Promise<number>;
}

const overrideOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  db: { type: 'string' },
} as const;

function applyOverrides(config: Config, values: { host?: string | undefined; port?: string | undefined; db?: string | undefined }): Config {
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

const start: Command = {
  name: 'start',
  summary: 'Run the service with a config file.',
  usage: `Usage: ere start --config <file> [--host <host>] [--port <port>] [--db <file>]

Runs ERE Monitor: polls the configured endpoints, stores samples in SQLite and serves /metrics and the
REST API until SIGINT or SIGTERM.

Options:
  --config <file>  YAML config file (required). \${VAR} is replaced from the environment.
  --host <host>    Listen address (overrides server.host).
  --port <port>    Listen port (overrides server.port).
  --db <file>      SQLite database file (overrides storage.path).
  -h, --help       Show this help.`,
  async run(argv, output) {
    const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, ...overrideOptions });
    if (values.help) return help(this, output);
    if (!values.config) throw new UsageError('--config <file> is required');
    const config = applyOverrides(loadConfigFile(values.config), values);
    const service = await startService(config);
    const signal = await untilSignal();
    service.logger.info({ signal }, 'signal received');
    await service.stop();
    return 0;
  },
};

const checkConfig: Command = {
  name: 'check-config',
  summary: 'Validate a config file and list every problem.',
  usage: `Usage: ere check-config <file>

Validates the config file (with \${VAR} substitution from the environment). Prints a one-line summary
and exits 0, or lists every problem by its path and exits 1.

Options:
  -h, --help  Show this help.`,
  async run(argv, output) {
    const { values, positionals } = parseCommandArgs(argv, {}, true);
    if (values.help) return help(this, output);
    if (positionals.length !== 1) throw new UsageError('expects exactly one config file');
    const file = positionals[0]!;
    try {
      output.out(`${file}: ok, ${summarizeConfig(loadConfigFile(file))}`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      output.err(error.message);
      return 1;
    }
  },
};

const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations.',
  usage: `Usage: ere migrate --db <file>

Creates the SQLite database if needed and applies the migrations it lacks, then says which it applied.

Options:
  --db <file>  SQLite database file (required).
  -h, --help   Show this help.`,
  async run(argv, output) {
    const { values } = parseCommandArgs(argv, { db: { type: 'string' } });
    if (values.help) return help(this, output);
    if (!values.db) throw new UsageError('--db <file> is required');
    const { db, applied } = openDatabase(values.db);
    const total = readMigrations().length;
    const left = pendingMigrations(db).length;
    db.close();
    if (applied.length === 0) output.out(`${values.db}: up to date (${total} migration${total === 1 ? '' : 's'} applied)`);
    else for (const name of applied) output.out(`applied ${name}`);
    return left === 0 ? 0 : 1;
  },
};

const demo: Command = {
  name: 'demo',
  summary: 'Run a self-contained demo: a local anvil chain behind three endpoints, with injected faults.',
  usage: `Usage: ere demo [--port <port>] [--host <host>] [--db <file>]

Starts a local anvil chain, three RPC endpoints in front of it (the node itself and two local proxies
that are made slow, erroring, stale or hanging now and then), writes a config for them to a temporary
directory, and monitors them until SIGINT or SIGTERM. Works offline.

Options:
  --port <port>  HTTP port for /metrics and the API (default 9470).
  --host <host>  Listen address (default 127.0.0.1).
  --db <file>    SQLite database file (default: in the temporary directory).
  -h, --help     Show this help.`,
  async run(argv, output) {
    const { values } = parseCommandArgs(argv, overrideOptions);
    if (values.help) return help(this, output);
    const demoRun = await runDemo({ port: parsePort(values.port, '--port') ?? 9470, host: values.host ?? '127.0.0.1', dbPath: values.db, output });
    const signal = await untilSignal();
    output.out(`\n${signal} received, stopping…`);
    await demoRun.stop();
    return 0;
  },
};

export const commands: readonly Command[] = [start, checkConfig, migrateCommand, demo];

function help(command: Command, output: Output): number {
  output.out(command.usage);
  return 0;
}

export function mainUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: ere <command> [options]

ERE Monitor: watches EVM chains through their RPC endpoints and exposes what it sees as Prometheus
metrics and a REST API.

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "ere <command> --help" for a command's options.`;
}

export function describeError(error: unknown): string {
  if (error instanceof EreError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
