// Config fuzz: random broken configs, made from a valid one by fast-check, give an invalid config with
// every problem named by its path (or by its YAML line and column), never an internal error, a stack
// trace or a hang: many through the loader in-process, a sample through the real `ere check-config`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { runEre } from '../helpers/ere-cli.js';
import { tempDir } from '../helpers/service.js';

const valid = {
  server: { port: 9470, auth: { token: 'a-token-of-16-chars-or-more' } },
  chains: [
    {
      id: 'mainnet',
      chainId: 1,
      pollInterval: '15s',
      rpc: [{ id: 'a', url: 'https://rpc.example.com/v2/key', headers: { 'X-Key': 'k' }, labels: { provider: 'x' } }],
      beacon: { endpoints: [{ id: 'b', url: 'http://beacon:5052' }] },
    },
  ],
  validators: { watch: [{ chain: 'mainnet', labels: { operator: 'kiln' }, indices: [1, '10-19'] }] },
  governance: [
    {
      kind: 'safe',
      id: 'council',
      chain: 'mainnet',
      address: '0x5aFE3855358E112B5647B952709E6165e1c1eEEe',
      startBlock: 1,
    },
  ],
  slos: [{ id: 'avail', service: 'rpc', objective: 99, sli: { kind: 'availability', chain: 'mainnet' } }],
  alerting: {
    receivers: [{ id: 'hook', kind: 'webhook', url: 'https://hooks.example.com/x' }],
    route: { receiver: 'hook' },
  },
};

/** Every path into the valid config, for a mutation to aim at. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}
const allPaths = paths(valid).filter((path) => path.length > 0);

const hostile = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    '${UNSET_VAR}',
    'http://${UNSET_HOST}:1',
    '0x5AFE3855358E112B5647B952709E6165e1c1eEEe',
    'a\r\nb',
    '-1s',
    'NaN',
    '1e400',
    '__proto__',
    'constructor',
  ),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 3 }),
);

const mutation = fc.record({
  path: fc.constantFrom(...allPaths),
  action: fc.constantFrom('set', 'delete', 'extra'),
  value: hostile,
});

function mutate(mutations: { path: (string | number)[]; action: string; value: unknown }[]): unknown {
  const config = structuredClone(valid) as Record<string | number, unknown>;
  for (const { path, action, value } of mutations) {
    let node: unknown = config;
    for (const key of path.slice(0, -1))
      node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
    if (node === null || typeof node !== 'object') continue;
    const last = path[path.length - 1]!;
    const target = node as Record<string | number, unknown>;
    if (action === 'delete') delete target[last];
    else if (action === 'extra') target[`extra_${String(last)}`] = value;
    else target[last] = value;
  }
  return config;
}

/** Broken YAML text: the valid document cut, spliced with YAML syntax, aliases and anchors. */
const brokenText = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(
      '&a [*a]',
      '*missing',
      '[[[[[[',
      '{a: ',
      '\t- x',
      ': :',
      '!!binary x',
      '&x a\n*x: 1',
      'a: 1\na: 2',
      '---\n---',
      '\u0000',
      '"\\u',
      '%YAML 9.9',
    ),
    fc.nat(),
  )
  .map(([cut, insert, at]) => {
    const text = stringify(valid);
    const position = (cut + at) % text.length;
    return `${text.slice(0, position)}${insert}${text.slice(position)}`;
  });

/** Outcome of one config: valid, or an invalid config whose every problem says where it is. */
function check(text: string): 'valid' | 'invalid' {
  try {
    parseConfig(text, { env: {} });
    return 'valid';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    for (const problem of (error as ConfigError).problems) {
      if (problem.path === '') expect(problem.message).toMatch(/^YAML( line \d+, column \d+)?: /);
    }
    return 'invalid';
  }
}

describe('config fuzz', () => {
  it('a broken config is an invalid config with paths, in-process, for many', { timeout: 120_000 }, () => {
    const counts = { structural: 0, text: 0, valid: 0, invalid: 0, problems: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asJson) => {
        const config = mutate(mutations);
        const outcome = check(asJson ? JSON.stringify(config) : stringify(config));
        counts.structural += 1;
        counts[outcome] += 1;
      }),
      { numRuns: 1_500 },
    );
    fc.assert(
      fc.property(brokenText, (text) => {
        counts.text += 1;
        counts[check(text)] += 1;
      }),
      { numRuns: 500 },
    );
    console.log(
      `config fuzz (loader): ${counts.structural} mutated configs, ${counts.text} ` +
        `broken texts; ${counts.invalid} invalid, ${counts.valid} still valid`,
    );
    expect(counts.invalid).toBeGreaterThan(1_000);
  });

  it('through the real ere check-config: exit 1 with paths, no stack trace, no hang', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const samples = [
      ...fc.sample(
        fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => stringify(mutate(mutations))),
        { numRuns: 8, seed: 42 },
      ),
      ...fc.sample(brokenText, { numRuns: 6, seed: 7 }),
    ];
    const statuses: Record<string, number> = {};
    for (const [index, text] of samples.entries()) {
      const file = join(dir, `fuzz-${index}.yaml`);
      writeFileSync(file, text);
      const started = Date.now();
      const result = await runEre(['check-config', file], {});
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect([0, 1]).toContain(result.status);
      if (result.status === 1) expect(result.stderr).toMatch(/^Invalid config .*: \d+ problems?/);
      statuses[String(result.status)] = (statuses[String(result.status)] ?? 0) + 1;
    }
    console.log(`config fuzz (ere check-config): ${samples.length} configs, exit codes ${JSON.stringify(statuses)}`);
    expect(statuses['1']).toBeGreaterThan(0);
  });
});
