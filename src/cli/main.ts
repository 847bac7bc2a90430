// `ere`: dispatches to a command and turns errors into exit codes (2 for usage, 1 for everything else).

import { consoleOutput, UsageError, type Output } from './args.js';
import { describeError } from './command.js';
import { commands, mainUsage } from './commands/index.js';

export async function main(argv: string[], output: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(mainUsage());
    return name === undefined ? 2 : 0;
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
