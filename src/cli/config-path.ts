// Which config file a command reads, in one order for every command: `--config <file>`, then the
// ERE_CONFIG environment variable, then `ere.yaml` in the working directory.

import { existsSync } from 'node:fs';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { UsageError } from './args.js';

export const configEnvVar = 'ERE_CONFIG';
export const defaultConfigFile = 'ere.yaml';

/** The `--config` flag, as every command that reads a config declares it. */
export const configOption = { config: { type: 'string', short: 'c' } } as const;

export type ConfigSource = 'flag' | 'env' | 'default';

/**
 * The config file to read and where its name came from, or null when there is none. A file named by the
 * flag or the variable is returned even when it does not exist, so that reading it says so, by its name.
 */
export function findConfigFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = existsSync,
): { file: string; source: ConfigSource } | null {
  if (flag !== undefined) return { file: flag, source: 'flag' };
  const fromEnv = env[configEnvVar];
  if (fromEnv !== undefined && fromEnv !== '') return { file: fromEnv, source: 'env' };
  return exists(defaultConfigFile) ? { file: defaultConfigFile, source: 'default' } : null;
}

const lookedUp = `${configEnvVar} is not set and there is no ./${defaultConfigFile}`;

/** The config file a command must read; a UsageError naming the lookup order when there is none. */
export function configFileOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const found = findConfigFile(flag, env);
  if (found === null) throw new UsageError(`--config <file> is required (${lookedUp})`);
  return found.file;
}

/** The SQLite file of `--db`, or of the config's storage.path. */
export function databaseFileOf(
  values: { config?: string | undefined; db?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (values.db !== undefined) return values.db;
  const found = findConfigFile(values.config, env);
  if (found === null) throw new UsageError(`--config <file> or --db <file> is required (${lookedUp})`);
  return loadConfigFile(found.file, env).storage.path;
}

export function loadCommandConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; config: Config } {
  const file = configFileOf(flag, env);
  return { file, config: loadConfigFile(file, env) };
}
