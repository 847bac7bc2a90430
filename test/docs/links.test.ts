// Every relative link in the project's Markdown leads somewhere: the file exists and, for a link into a
// Markdown file with `#anchor`, a heading of that file makes that anchor (GitHub's rule).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped except `-` and `_`, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = anchorOf(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) result.add(match[1]!);
  return result;
}

const files = [
  join(root, 'README.md'),
  ...['docs', 'alerts', 'dashboards', 'deploy', 'migrations'].flatMap((dir) => markdownFiles(join(root, dir))),
].filter(existsSync);

describe('documentation links', () => {
  it('finds the documentation', () => {
    expect(files.map((file) => relative(root, file))).toEqual(
      expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/operations.md']),
    );
  });

  it('makes anchors as GitHub does', () => {
    expect(anchorOf('Run behind Prometheus')).toBe('run-behind-prometheus');
    expect(anchorOf('`chains[].rpc[]`')).toBe('chainsrpc');
    expect(anchorOf('Threshold rules: `alerting.rules[]`')).toBe('threshold-rules-alertingrules');
  });

  it('every relative link leads to a file, and every anchor to a heading', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const link = match[1]!;
        if (/^[a-z]+:/i.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : resolve(dirname(file), path);
        const where = `${relative(root, file)}: ${link}`;
        if (!existsSync(target)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchors(target).has(anchor))
          broken.push(`${where} (no heading makes #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
