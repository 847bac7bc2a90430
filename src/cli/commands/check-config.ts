// `ere check-config`: validates a config file and lists every problem by its path.

import { ConfigError, loadConfigFile, summarizeConfig } from '../../config/load.js';
import { UsageError, parseCommandArgs } from '../args.js';
import { help, type Command } from '../command.js';

export const checkConfig: Command = {
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
