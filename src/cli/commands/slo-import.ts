// `ere slo import`: converts OpenSLO v1 files into ERE's `slos:` config, printed ready to paste, and lists
// every field ERE cannot honour by its OpenSLO path.

import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ConfigError, loadConfigFile } from '../../config/load.js';
import { importOpenSlo, OpenSloError, type ImportedSlo, type OpenSloSource } from '../../config/openslo/import.js';
import { checkImportedSlos } from '../../config/openslo/in-config.js';
import { formatProblem, type ConfigProblem } from '../../config/problems.js';
import { defineArguments, parseCommandLine, type Output } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption } from '../config-path.js';

const sloImportArguments = defineArguments({
  options: configOption,
  positionals: { min: 1, max: Infinity, name: 'OpenSLO file' },
});

export const sloImport: Command = {
  name: 'import',
  summary: 'Convert OpenSLO v1 files into ERE SLO config.',
  usage: `Usage: ere slo import <file>... [--config <file>]

Converts the SLOs of OpenSLO v1 files (SLO, SLI, AlertPolicy, AlertCondition, DataSource and Service
documents; references resolve across the files) into ERE's "slos:" config and prints it. Metric sources
must be of type "ere" (docs/openslo.md). Anything ERE cannot honour is an error naming its OpenSLO field;
with errors nothing is printed, every error is listed and the exit code is 1.

A config can also list the files under "opensloFiles" instead.

Options:
  --config <file>  Also check the SLOs against this config: their chains and endpoints exist and their
                   ids are not taken.
  -h, --help       Show this help.`,
  arguments: sloImportArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(sloImportArguments, argv);
    if (values.help) return help(this, output);
    const heading = `Cannot import OpenSLO ${positionals.join(', ')}`;
    const { sources, problems: unreadable } = readSources(positionals);
    if (unreadable.length > 0) return fail(output, heading, unreadable);
    let slos: ImportedSlo[];
    const problems: ConfigProblem[] = [];
    try {
      slos = importOpenSlo(sources);
    } catch (error) {
      if (!(error instanceof OpenSloError)) throw error;
      // The SLOs that did convert are still checked against the config, so that one run lists everything.
      slos = error.slos;
      problems.push(...error.problems);
    }
    if (values.config !== undefined) {
      const misfits = checkAgainstConfig(values.config, slos, output);
      if (misfits === undefined) return 1;
      problems.push(...misfits);
    }
    if (problems.length > 0) return fail(output, heading, problems);
    output.out(
      `# Imported from ${positionals.join(', ')} (OpenSLO v1) by "ere slo ` +
        `import".\n${stringify({ slos: slos.map((slo) => slo.input) }).trimEnd()}`,
    );
    return 0;
  },
};

function readSources(files: string[]): { sources: OpenSloSource[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const sources = files.flatMap((file) => {
    try {
      return [{ name: file, text: readFileSync(file, 'utf8') }];
    } catch (error) {
      problems.push({
        path: file,
        message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return [];
    }
  });
  return { sources, problems };
}

/** Problems of the SLOs against the config, or undefined when the config itself is invalid (reported). */
function checkAgainstConfig(file: string, slos: ImportedSlo[], output: Output): ConfigProblem[] | undefined {
  try {
    return checkImportedSlos(loadConfigFile(file), slos);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(error.message);
    return undefined;
  }
}

function fail(output: Output, heading: string, problems: ConfigProblem[]): number {
  output.err(
    `${heading}: ${problems.length} ` +
      `problem${problems.length === 1 ? '' : 's'}\n\n${problems.map(formatProblem).join('\n')}`,
  );
  return 1;
}
