// Where a profiled phase spent its CPU: reads the V8 `.cpuprofile` files that `node --cpu-prof` wrote
// (`npm run bench -- --profile <dir>`) and prints the top functions by self time, the top ERE functions
// by inclusive time, and self time by area (ERE source, each npm package, node internals, GC).
//
// Also runs alone: `tsx bench/profile-top.ts <file-or-dir> [--skip 5s] [--top 25]`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The part of the code a frame belongs to: `src/endpoints/rpc/rpc-samples.ts`, `viem`, `node:internal`, `(garbage
 * collector)`.
 */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const sourceMatch = /\/((?:src|bench)\/.+)$/.exec(url);
  return sourceMatch ? sourceMatch[1]! : url;
}

const frameName = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${areaOf(frame)}:${frame.lineNumber + 1}`;

/** Self and inclusive microseconds per function, from the samples after `skipUs`. */
function timesOf(profile: CpuProfile, skipUs: number) {
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let elapsed = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    elapsed += profile.timeDeltas[index] ?? 0;
    if (elapsed < skipUs) return;
    const node = nodeById.get(nodeId)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    total += delta;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + delta);
    byArea.set(areaOf(node.callFrame), (byArea.get(areaOf(node.callFrame)) ?? 0) + delta);
    // Inclusive: each function once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const ancestor = frameName(nodeById.get(id)!.callFrame);
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      inclusive.set(ancestor, (inclusive.get(ancestor) ?? 0) + delta);
    }
  });
  return { self, inclusive, byArea, total, idle };
}

function printTop(
  title: string,
  entries: Map<string, number>,
  total: number,
  top: number,
  filter: (name: string) => boolean = () => true,
) {
  console.log(title);
  const sorted = [...entries]
    .filter(([name]) => filter(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  for (const [name, us] of sorted)
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s  ${name}`);
}

export function summarizeProfile(
  file: string,
  options: { skipSeconds?: number; top?: number; label?: string } = {},
): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = options.top ?? 25;
  const { self, inclusive, byArea, total, idle } = timesOf(profile, (options.skipSeconds ?? 5) * 1e6);
  console.log(
    `\nprofile ${options.label ?? ''} ${file}: ${(total / 1e6).toFixed(2)} s busy, ` +
      `${(idle / 1e6).toFixed(2)} s idle (first ${options.skipSeconds ?? 5} s skipped)`,
  );
  // tsx's module loader runs on a thread of its own, profiled apart and idle after start-up.
  if (total < 50_000) {
    console.log('  (an idle thread: nothing to show)');
    return;
  }
  printTop('self time by area:', byArea, total, 15);
  printTop('top functions by self time:', self, total, top);
  printTop('top ERE functions by inclusive time:', inclusive, total, top, (name) => / src\//.test(name));
}

/** Every profile in a directory (one per process). */
export function summarizeProfiles(
  path: string,
  label: string,
  options: { skipSeconds?: number; top?: number } = {},
): void {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(path, name))
    : [path];
  for (const file of files) summarizeProfile(file, { ...options, label });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { skip: { type: 'string' }, top: { type: 'string' } },
  });
  if (positionals.length === 0) {
    console.error(`usage: tsx bench${sep}profile-top.ts <file.cpuprofile | dir> [--skip seconds] [--top n]`);
    process.exit(2);
  }
  for (const path of positionals)
    summarizeProfiles(path, '', { skipSeconds: Number(values.skip ?? 5), top: Number(values.top ?? 25) });
}
