// Argument parsing shared by the commands: node's parseArgs, with usage errors as typed errors, and each
// command's arguments declared as data so that the same declaration parses a command line and checks the
// command lines the docs show.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EreError } from '../domain/errors.js';

export class UsageError extends EreError {
  override name = 'UsageError';
}

export { consoleOutput, type Output } from '../log/output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command takes on its command line. */
export interface CommandArguments<T extends Options = Options> {
  options: T;
  /** Positional arguments, how many at least and at most, and what they are; none are taken without it. */
  positionals?: { min: number; max: number; name: string };
  /** Flags that must be given, each with the placeholder its usage shows: `{ to: '<file>' }`. */
  required?: { readonly [K in keyof T & string]?: string };
}

export function defineArguments<T extends Options>(spec: CommandArguments<T>): CommandArguments<T> {
  return spec;
}

export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const counted = (count: number, name: string) => `${count === 1 ? 'one' : count} ${name}${count === 1 ? '' : 's'}`;

/**
 * Parses a command line by its declaration: unknown flags, flags without their value, missing required
 * flags and a wrong number of positionals are UsageErrors. `--help` is always accepted, and skips the rest.
 */
export function parseCommandLine<T extends Options>(
  spec: CommandArguments<T>,
  argv: string[],
  checks: { required: boolean } = { required: true },
) {
  const parsed = parseCommandArgs(argv, spec.options, spec.positionals !== undefined);
  if ((parsed.values as { help?: boolean }).help) return parsed;
  if (checks.required) {
    for (const [name, placeholder] of Object.entries(spec.required ?? {})) {
      if ((parsed.values as Record<string, unknown>)[name] === undefined)
        throw new UsageError(`--${name} ${placeholder as string} is required`);
    }
  }
  const count = parsed.positionals.length;
  const positionals = spec.positionals;
  if (checks.required && positionals && count < positionals.min) {
    throw new UsageError(
      `expects ` +
        `${positionals.min === positionals.max ? 'exactly' : 'at least'} ${counted(positionals.min, positionals.name)}`,
    );
  }
  if (positionals && count > positionals.max)
    throw new UsageError(`expects at most ${counted(positionals.max, positionals.name)}`);
  return parsed;
}

export function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`${flag}: must be a port number, 0 to 65535`);
  return port;
}
