// `ere slo <subcommand>`: SLO tooling beside the running service. Each subcommand is one file, listed here.

import { UsageError } from '../args.js';
import { help, type Command } from '../command.js';
import { sloImport } from './slo-import.js';
import { sloRules } from './slo-rules.js';

const subcommands: readonly Command[] = [sloRules, sloImport];

function usage(): string {
  const width = Math.max(0, ...subcommands.map((command) => command.name.length));
  return `Usage: ere slo <subcommand> [options]

Subcommands:
${subcommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "ere slo <subcommand> --help" for a subcommand's options.`;
}

export const slo: Command = {
  name: 'slo',
  summary: 'SLO tooling: Prometheus rules for the configured SLOs, OpenSLO import.',
  get usage() {
    return usage();
  },
  subcommands,
  async run(argv, output) {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') return help(this, output);
    if (name === undefined) throw new UsageError('expects a subcommand');
    const subcommand = subcommands.find((candidate) => candidate.name === name);
    if (!subcommand) throw new UsageError(`unknown subcommand "${name}"`);
    return subcommand.run(rest, output);
  },
};
