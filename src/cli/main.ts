// `ere`: dispatches to a command and turns errors into exit codes (2 for usage, 1 for everything else).

import { version } from '../version.js';
import { consoleOutput, parseCommandLine, UsageError, type Output } from './args.js';
import { describeError, type Command } from './command.js';
import { commands, mainUsage } from './commands/index.js';

const helpWords = new Set(['--help', '-h', 'help']);
const versionWords = new Set(['--version', '-V']);

export async function main(argv: string[], output: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || helpWords.has(name)) {
    output.out(mainUsage());
    return name === undefined ? 2 : 0;
  }
  if (versionWords.has(name)) {
    output.out(`ere-monitor ${version}`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    output.err(`ere: unknown command "${name}"\n\n${mainUsage()}`);
    return 2;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`ere ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    output.err(`ere ${command.name}: ${describeError(error)}`);
    return 1;
  }
}

/**
 * Checks a command line (without the leading `ere`) as the commands would parse it, running nothing:
 * the command and subcommand exist, every flag exists and has its value, and, with `required`, required
 * flags and positionals are there. Throws UsageError naming the first problem.
 */
export function checkCommandLine(argv: readonly string[], checks: { required: boolean } = { required: true }): void {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('no command');
  if ((helpWords.has(name) || versionWords.has(name)) && rest.length === 0) return;
  let command: Command | undefined = commands.find((candidate) => candidate.name === name);
  let words = rest;
  let path = name;
  while (command?.subcommands) {
    const [sub, ...more] = words;
    if (sub === undefined) {
      // A mention of the group in prose (`ere silence`) names no subcommand; a command line must.
      if (!checks.required) return;
      throw new UsageError(`ere ${path}: expects a subcommand`);
    }
    if (helpWords.has(sub) && more.length === 0) return;
    command = command.subcommands.find((candidate) => candidate.name === sub);
    path = `${path} ${sub}`;
    words = more;
  }
  if (!command?.arguments) throw new UsageError(`unknown command "ere ${path}"`);
  try {
    parseCommandLine(command.arguments, [...words], checks);
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(`ere ${path}: ${error.message}`) : error;
  }
}
