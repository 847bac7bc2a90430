// `ere start`: runs the service with a config file until SIGINT or SIGTERM.

import { startService } from '../../main.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { applyOverrides, help, overrideOptions, untilSignal, type Command } from '../command.js';
import { configOption, loadCommandConfig } from '../config-path.js';

const startArguments = defineArguments({ options: { ...configOption, ...overrideOptions } });

export const start: Command = {
  name: 'start',
  summary: 'Run the service with a config file.',
  usage: `Usage: ere start [--config <file>] [--host <host>] [--port <port>] [--db <file>]

Runs ERE Monitor: polls the configured endpoints, stores samples in SQLite and serves /metrics and the
REST API until SIGINT or SIGTERM.

Options:
  --config <file>  YAML config file (default: $ERE_CONFIG, else ./ere.yaml). \${VAR} is replaced from
                   the environment.
  --host <host>    Listen address (overrides server.host).
  --port <port>    Listen port (overrides server.port).
  --db <file>      SQLite database file (overrides storage.path).
  -h, --help       Show this help.`,
  arguments: startArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(startArguments, argv);
    if (values.help) return help(this, output);
    const config = applyOverrides(loadCommandConfig(values.config).config, values);
    const service = await startService(config);
    const signal = await untilSignal();
    service.logger.info({ signal }, 'signal received');
    await service.stop();
    return 0;
  },
};
