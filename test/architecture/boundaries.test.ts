// The layout holds: no import cycle anywhere in src/, and no folder imports one above it or a sibling of its
// layer. The layers are the data flow of docs/architecture.md, from the bottom.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ImportGraph,
  importCycles,
  importSpecifiers,
  readImportGraph,
  upwardImports,
} from '../helpers/import-graph.js';

const layers = [
  ['domain'],
  ['log', 'scheduler', 'metrics', 'store', 'anvil', 'version.ts'],
  ['backup', 'beacon-sim'],
  ['endpoints', 'slo'],
  ['governance', 'validators'],
  ['notify'],
  ['alerting'],
  ['config'],
  ['http'],
  ['service'],
  ['main.ts'],
  ['demo'],
  ['cli'],
] as const;

const src = fileURLToPath(new URL('../../src', import.meta.url));

describe('the import graph of src/', () => {
  const graph = readImportGraph(src);

  it('reads the imports of every module', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('main.ts')?.length).toBeGreaterThan(5);
  });

  it('has no cycle, type-only imports included', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('has no import of a higher layer or a sibling', () => {
    expect(upwardImports(graph, layers)).toEqual([]);
  });
});

describe('the check itself', () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('reads static, type-only, re-exported and dynamic imports, not those in comments or of packages', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "export type * from './d.js';",
      "import './side-effect.js';",
      "const e = await import('./e.js');",
      "import { z } from 'zod';",
      "// import { x } from './commented.js';",
      "/* import { y } from './block.js'; */",
      'import {',
      '  f,',
      "} from './f.js';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([
      './a.js',
      '../b/b.js',
      './c.js',
      './d.js',
      './side-effect.js',
      './e.js',
      './f.js',
    ]);
  });

  it('finds a cycle planted among files, a type-only one too', () => {
    const planted = graph({
      'slo/a.ts': ['slo/b.ts'],
      'slo/b.ts': ['alerting/c.ts'],
      'alerting/c.ts': ['slo/a.ts'],
      'domain/d.ts': [],
      'domain/self.ts': ['domain/self.ts'],
    });
    expect(importCycles(planted)).toEqual([['alerting/c.ts', 'slo/a.ts', 'slo/b.ts'], ['domain/self.ts']]);
    expect(importCycles(graph({ 'a.ts': ['b.ts'], 'b.ts': [] }))).toEqual([]);
  });

  it('finds an upward import, a sibling import and a folder in no layer', () => {
    const planted = graph({
      'store/database.ts': ['domain/clock.ts', 'slo/window.ts'],
      'slo/window.ts': ['endpoints/rpc/rpc-health.ts'],
      'alerting/engine.ts': ['slo/window.ts', 'alerting/lifecycle.ts'],
      'attic/old.ts': [],
    });
    expect(upwardImports(planted, layers)).toEqual([
      'store/database.ts imports slo/window.ts: slo is above store',
      'slo/window.ts imports endpoints/rpc/rpc-health.ts: endpoints and slo are siblings',
      'attic/old.ts: attic is in no layer',
    ]);
  });

  it('finds one planted in the real tree', () => {
    const real = readImportGraph(src);
    real.set('domain/clock.ts', [...(real.get('domain/clock.ts') ?? []), 'service/alerting.ts']);
    expect(upwardImports(real, layers)).toEqual([
      'domain/clock.ts imports service/alerting.ts: service is above domain',
    ]);
    expect(importCycles(real).length).toBeGreaterThan(0);
  });
});
