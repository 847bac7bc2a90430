// ERE's regex matchers against Alertmanager's own: one Alertmanager config routes an alert to a receiver per
// regex (every route continues), and `amtool config routes test` says which receivers a label value
// reaches; ERE's matchers must pick exactly the same regexes for every value. Regexes Alertmanager refuses
// must be refused by ERE too, and the ones it accepts accepted.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileMatchers, matcherProblem, type Matcher } from '../../src/alerting/matchers.js';
import { tempDir } from '../helpers/service.js';

const execFileAsync = promisify(execFile);

/** RE2 syntax JavaScript reads otherwise or not at all, flags, classes, and plain cases. */
const regexes = [
  'abc',
  '(?i)abc',
  'a(?i)bc',
  '\\pL+',
  '\\PL+',
  '\\p{Greek}+',
  '[[:alpha:]]+',
  '[[:^digit:]]+',
  '[]a]+',
  'a|b',
  'a.c',
  '\\d+',
  '\\w+',
  '\\Qa.c\\E',
  '(foo|bar)\\.baz',
  'x?',
  '.*',
  '',
  '[^a]*',
  'é.*',
  'a{2,3}',
  '(?U)a+',
  '\\x41+',
  '[\\d.]+',
  'abc|',
  '\\Aabc\\z',
];
const values = [
  'abc',
  'ABC',
  'aBC',
  'héllo',
  'αβγ',
  'x1',
  '123',
  '1.5',
  'foo.baz',
  'bar.baz',
  'a.c',
  'abc.',
  'aa',
  'aaa',
  'aaaa',
  'x',
  'b',
  'AAA',
  ']',
  ']a',
  'éa',
  '',
  'a',
];
const refused = ['(', '(x)\\1', 'x(?=y)', '(?<!x)y', '[z-a]', 'a**', 'x{1001}', '\\8'];

async function amtool(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await execFileAsync('amtool', args);
    return { ok: true, output: stdout };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

function writeConfig(dir: string, name: string, patterns: readonly string[]): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    stringify({
      route: {
        receiver: 'none',
        routes: patterns.map((pattern, index) => ({ receiver: `r${index}`, match_re: { x: pattern }, continue: true })),
      },
      receivers: [{ name: 'none' }, ...patterns.map((_, index) => ({ name: `r${index}` }))],
    }),
  );
  return file;
}

const regexMatcher = (value: string): Matcher => ({ name: 'x', value, isRegex: true, isEqual: true });

describe('regex matchers, as Alertmanager matches them', () => {
  it('route every label value to the same regexes as amtool', { timeout: 60_000 }, async () => {
    const file = writeConfig(tempDir(), 'routes', regexes);
    expect((await amtool(['check-config', file])).ok).toBe(true);
    const predicates = regexes.map((regex) => compileMatchers([regexMatcher(regex)]));
    let compared = 0;
    for (const value of values) {
      // amtool reads `x=` as the empty value; its answer is the receivers reached, comma-separated.
      const result = await amtool(['config', 'routes', 'test', `--config.file=${file}`, `x=${value}`]);
      expect(result.ok, result.output).toBe(true);
      const reached = result.output
        .trim()
        .split(',')
        .filter((name) => name !== 'none');
      const expected = regexes.flatMap((_, index) => (predicates[index]!({ x: value }) ? [`r${index}`] : []));
      expect({ value, reached: reached.sort() }).toEqual({ value, reached: expected.sort() });
      compared += regexes.length;
    }
    expect(compared).toBe(regexes.length * values.length);
  });

  it.each(refused)('refuses %s as Alertmanager does', async (regex) => {
    const file = writeConfig(tempDir(), 'refused', [regex]);
    expect((await amtool(['check-config', file])).ok).toBe(false);
    expect(matcherProblem(regexMatcher(regex))).toMatch(/^invalid regex /);
  });

  it('accepts every regex Alertmanager accepts', () => {
    expect(regexes.filter((regex) => matcherProblem(regexMatcher(regex)) !== null)).toEqual([]);
  });
});
