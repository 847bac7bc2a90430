// `ere check-config`: validates a config file and lists every problem by its path.

import { dirname } from 'node:path';
import { ConfigError, checkConfigText, formatProblem, readConfigText, summarizeConfig } from '../../config/load.js';
import { UsageError, defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configFileOf, configOption } from '../config-path.js';

const checkConfigArguments = defineArguments({
  options: { ...configOption, 'allow-missing-env': { type: 'boolean' } },
  positionals: { min: 0, max: 1, name: 'config file' },
});

export const checkConfig: Command = {
  name: 'check-config',
  summary: 'Validate a config file and list every problem.',
  usage: `Usage: ere check-config [--config <file>]

Validates the config file (with \${VAR} substitution from the environment). Prints a summary of what
it configures and exits 0, or lists every problem by its path and exits 1.

The file may also be given as the only argument: "ere check-config <file>".

Options:
  --config <file>      YAML config file (default: $ERE_CONFIG, else ./ere.yaml).
  --allow-missing-env  For CI without the secrets: an unset variable is not a problem; the values that
                       use one are listed as not checked.
  -h, --help           Show this help.`,
  arguments: checkConfigArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(checkConfigArguments, argv);
    if (values.help) return help(this, output);
    if (values.config !== undefined && positionals.length > 0)
      throw new UsageError('give the config file once: --config <file> or <file>');
    const file = configFileOf(values.config ?? positionals[0]);
    try {
      const checked = checkConfigText(readConfigText(file), {
        source: file,
        baseDir: dirname(file),
        allowMissingEnv: values['allow-missing-env'] === true,
      });
      const unset = checked.unset.length;
      const notChecked = unset ? `, but for ${unset} value${unset === 1 ? '' : 's'} not checked` : '';
      output.out(`${file}: ok${notChecked}`);
      if (checked.config) output.out(summarizeConfig(checked.config));
      for (const problem of checked.unset) output.out(`not checked: ${formatProblem(problem)}`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      output.err(error.message);
      return 1;
    }
  },
};
