// The config's YAML, read into plain values, with every YAML problem reported as a config problem with its
// line and column: syntax errors, aliases that name no anchor or contain themselves, and documents whose
// aliases expand beyond reason (billion laughs), which the parser refuses rather than building.

import { isAlias, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ConfigProblem } from './problems.js';

/** Past a few, more YAML errors say nothing more (one broken bracket can cause hundreds). */
const maxYamlProblems = 20;

export type YamlResult = { value: unknown; problems: [] } | { value: undefined; problems: ConfigProblem[] };

export function readYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  const at = (offset: number, message: string): ConfigProblem => {
    const { line, col } = lineCounter.linePos(offset);
    return { path: '', message: `YAML line ${line}, column ${col}: ${message}` };
  };
  // Deep nesting gives one error per level: it is told once, at its first place.
  const errors = [
    ...new Map(
      document.errors.map((error) => [
        error.code === 'RESOURCE_EXHAUSTION' ? error.code : `${error.code}@${error.pos[0]}`,
        error,
      ]),
    ).values(),
  ];
  const problems = errors.map((error) =>
    at(error.pos[0], error.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply' : error.message.split('\n')[0]!),
  );
  if (problems.length === 0)
    problems.push(...aliasProblems(document).map(({ offset, message }) => at(offset, message)));
  if (problems.length > 0) return { value: undefined, problems: capped(problems) };
  try {
    return { value: document.toJS({ maxAliasCount: 100 }) ?? {}, problems: [] };
  } catch (error) {
    // The parser's own guard against alias expansion, or a stack too deep to convert.
    const firstAlias = aliases(document)[0];
    const reason =
      error instanceof ReferenceError
        ? 'aliases expand into too many nodes (more than 100 aliases of aliases)'
        : (error as Error).message;
    return { value: undefined, problems: [at(firstAlias?.range?.[0] ?? 0, reason)] };
  }
}

function aliases(document: Document): Node[] {
  const found: Node[] = [];
  visit(document, { Alias: (_, node) => void found.push(node) });
  return found;
}

/** Aliases naming no earlier anchor, and aliases inside the node they name (a structure that never ends). */
function aliasProblems(document: Document): { offset: number; message: string }[] {
  return aliases(document).flatMap((node) => {
    if (!isAlias(node)) return [];
    const offset = node.range?.[0] ?? 0;
    const target = node.resolve(document);
    if (target === undefined) return [{ offset, message: `alias *${node.source} names no anchor before it` }];
    const [start, end] = target.range ?? [0, 0];
    if (offset >= start && offset < end)
      return [{ offset, message: `alias *${node.source} is inside the node it names, which would never end` }];
    return [];
  });
}

function capped(problems: ConfigProblem[]): ConfigProblem[] {
  if (problems.length <= maxYamlProblems) return problems;
  return [
    ...problems.slice(0, maxYamlProblems),
    { path: '', message: `YAML: ${problems.length - maxYamlProblems} more errors` },
  ];
}
