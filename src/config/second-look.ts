// Checks across sections (an SLO naming an unknown chain, duplicate ids) run only once every section has
// parsed: zod stops before them when a value fails its transform (a bad duration, a bad address). So that
// one run reports everything, the values that failed are taken out (their defaults apply, or they are
// missing) and the config is checked again; what that second look finds besides is reported too, except
// around the values taken out, where it would only echo them (a default pollInterval shorter than the
// timeout, a required key now missing).

import type { z } from 'zod';

export function issuesBesides(schema: z.ZodType, input: unknown, first: z.ZodError): z.core.$ZodIssue[] {
  const removed: PropertyKey[][] = [];
  const copy = structuredClone(input) as Record<PropertyKey, unknown>;
  for (const issue of first.issues) {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const path of paths) if (path.length > 0 && remove(copy, path)) removed.push(path);
  }
  if (removed.length === 0) return [];
  const second = schema.safeParse(copy, { reportInput: true });
  if (second.success) return [];
  const seen = new Set(first.issues.map((issue) => key(issue.path, issue.message)));
  const near = (path: readonly PropertyKey[]) => removed.some((gone) => startsWith(path, gone.slice(0, -1)));
  return second.error.issues.filter((issue) => !seen.has(key(issue.path, issue.message)) && !near(issue.path));
}

const key = (path: readonly PropertyKey[], message: string) => `${path.map(String).join('\u0000')}\u0001${message}`;

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => part === path[index]);
}

function remove(root: Record<PropertyKey, unknown>, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const part of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  // Array elements stay (a hole would shift the paths of those after it); only keys of objects go.
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  return delete (node as Record<PropertyKey, unknown>)[path[path.length - 1]!];
}
