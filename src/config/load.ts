// Reads a YAML config file, substitutes ${VAR} from the environment, appends the SLOs of the OpenSLO files
// it lists, and validates it once, reporting every problem by its path (`chains[1].rpc[0].url: must be an
// http(s) URL`).

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { EreError } from '../domain/errors.js';
import { includeOpenSloFiles } from './openslo/in-config.js';
import { formatPath, formatProblem, zodIssueProblems, type ConfigProblem } from './problems.js';
import { configSchema, type Config } from './schema.js';
import { readYaml } from './yaml-text.js';
import { issuesBesides } from './second-look.js';
import { loadAbiFiles } from './abi-files.js';

export { formatPath, formatProblem, type ConfigProblem } from './problems.js';
export { summarizeConfig } from './summary.js';

export class ConfigError extends EreError {
  override name = 'ConfigError';
  readonly problems: ConfigProblem[];

  constructor(source: string, problems: ConfigProblem[]) {
    super(`Invalid config ${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      metaMessages: problems.map(formatProblem),
    });
    this.problems = problems;
  }
}

const variablePattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` in every string of the parsed tree (not in the raw text, so a value with YAML syntax
 * in it cannot change the document's shape). `$$` stands for a literal `$`.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(variablePattern, (match, name: string | undefined) => {
      if (name === undefined) return '$';
      const replacement = env[name];
      if (replacement === undefined) {
        problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
        return match;
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, problems, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, problems, [...path, key])]),
    );
  }
  return value;
}

export interface ConfigOptions {
  env?: NodeJS.ProcessEnv;
  source?: string;
  baseDir?: string;
  /** For CI without the secrets: an unset variable is not a problem, and neither is what it leaves unchecked. */
  allowMissingEnv?: boolean;
}

/** A config that validated, or null when only values using unset variables (allowed) kept it from building. */
export interface CheckedConfig {
  config: Config | null;
  /** The values left unchecked because a variable they use is unset (with `allowMissingEnv`). */
  unset: ConfigProblem[];
}

/** Validates a config text as {@link parseConfig} does, and says what unset variables left unchecked. */
export function checkConfigText(text: string, options: ConfigOptions = {}): CheckedConfig {
  const source = options.source ?? '(inline)';
  const yaml = readYaml(text);
  if (yaml.problems.length > 0) throw new ConfigError(source, yaml.problems);
  const unset: ConfigProblem[] = [];
  const substituted = substituteEnv(yaml.value, options.env ?? process.env, unset);
  const included = includeOpenSloFiles(substituted, options.baseDir ?? process.cwd());
  const result = configSchema.safeParse(included.config, { reportInput: true });
  // A value that still holds `${VAR}` fails its own check too ("Invalid URL"): the unset variable says it all.
  const unsetPaths = new Set(unset.map((problem) => problem.path));
  const issues = result.success
    ? []
    : [...result.error.issues, ...issuesBesides(configSchema, included.config, result.error)];
  const schemaProblems = zodIssueProblems({ issues } as z.ZodError)
    .map(included.locate)
    .filter((problem) => !unsetPaths.has(problem.path));
  // The ABI files are read once the section has parsed, relative to the config file.
  const abiProblems = result.success ? loadAbiFiles(result.data.abis, options.baseDir ?? process.cwd()) : [];
  const problems = [...(options.allowMissingEnv ? [] : unset), ...included.problems, ...schemaProblems, ...abiProblems];
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config: result.success ? result.data : null, unset };
}

/**
 * Validates a config given as text (YAML or JSON), with the SLOs of its `opensloFiles` (read relative to
 * `baseDir`, by default the working directory). Throws ConfigError listing every problem.
 */
export function parseConfig(text: string, options: Omit<ConfigOptions, 'allowMissingEnv'> = {}): Config {
  return checkConfigText(text, options).config!;
}

/** Reads a config file's text, a problem when it cannot be read. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      { path: '', message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` },
    ]);
  }
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(readConfigText(file), { env, source: file, baseDir: dirname(file) });
}
