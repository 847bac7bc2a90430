// Problems found while reading config, each named by its path, and the conversion of zod's issues into
// them. Shared by the config loader and the OpenSLO import, which report problems the same way.

import type { z } from 'zod';

export interface ConfigProblem {
  path: string;
  message: string;
}

/** A problem whose path is still a list of keys, to be located before it is shown. */
export interface KeyedProblem {
  path: readonly PropertyKey[];
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

/** `['chains', 1, 'rpc', 0, 'url']` → `chains[1].rpc[0].url` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

/**
 * One problem per issue, an unknown key named as its own path, a missing value as "is required". Parse
 * with `reportInput: true`: without it zod 4 leaves `input` out of every issue, and a value of the wrong
 * type would read as missing.
 */
export function zodIssueProblems(error: z.ZodError): KeyedProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key' }));
    // A record key refused by its key schema: say why ("label names are…"), not zod's "Invalid key in record".
    if (issue.code === 'invalid_key')
      return issue.issues.map((inner) => ({ path: issue.path, message: inner.message }));
    if (issue.code === 'invalid_type' && issue.input === undefined)
      return [{ path: issue.path, message: 'is required' }];
    return [{ path: issue.path, message: issue.message }];
  });
}
