// `ere start`: runs the service with a config file until SIGINT or SIGTERM.

import { loadConfigFile } from '../../config/load.js';
import { startService } from '../../main.js';
import { UsageError, parseCommandArgs } from '../args.js';
import { applyOverrides, help, overrideOptions, untilSignal, type Command } from '../command.js';

export const start: Command = {
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
