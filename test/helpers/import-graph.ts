// The import graph of a source tree, and what is wrong with it: cycles between files, and imports that go up
// the layers (a folder importing one of a higher layer or a sibling of its own layer). Type-only imports
// count like any other, since the layout, not the emitted code, is what the check is about.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Each file (relative to the root, with `/`) and the files it imports. */
export type ImportGraph = Map<string, string[]>;

const importPattern = new RegExp(
  [
    /(?:^|[\n;])\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]/.source, // import … from, export … from
    /(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/.source, // an import for its side effects
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/.source, // a dynamic import
  ].join('|'),
  'g',
);

/** The relative imports a module's source makes, as written. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const match of code.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) found.push(specifier);
  }
  return found;
}

/** Every `.ts` file under `root` and the files of the tree it imports. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const file = relative(root, path).split('\\').join('/');
        const targets = importSpecifiers(readFileSync(path, 'utf8')).map((specifier) =>
          normalize(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
            .split('\\')
            .join('/'),
        );
        graph.set(file, targets);
      }
    }
  };
  walk(root);
  return graph;
}

/** The import cycles: each strongly connected set of more than one file (or a file importing itself). */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const members: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.push(member);
    } while (member !== file);
    if (members.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(members.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** The unit a file belongs to for layering: its top folder, or the file itself at the root. */
export function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

/**
 * Imports that break the layers, listed from the bottom: a unit may import its own files and those of lower
 * layers, never a higher layer nor another unit of its own layer. A unit in no layer is reported too.
 */
export function upwardImports(graph: ImportGraph, layers: readonly (readonly string[])[]): string[] {
  const layerOf = new Map<string, number>();
  layers.forEach((units, level) => {
    for (const unit of units) layerOf.set(unit, level);
  });
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    const fromLayer = layerOf.get(from);
    if (fromLayer === undefined) {
      problems.push(`${file}: ${from} is in no layer`);
      continue;
    }
    for (const target of targets) {
      const to = unitOf(target);
      if (to === from) continue;
      const toLayer = layerOf.get(to);
      if (toLayer === undefined || toLayer > fromLayer)
        problems.push(`${file} imports ${target}: ${to} is above ${from}`);
      else if (toLayer === fromLayer) problems.push(`${file} imports ${target}: ${to} and ${from} are siblings`);
    }
  }
  return problems;
}
