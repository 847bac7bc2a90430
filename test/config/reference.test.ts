// The config reference is generated from the schema: the committed file must be what the generator writes
// now, every key must say what it means, and every key a real config uses must be in it.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configReferenceSections, renderConfigReference, typeText } from '../../src/config/reference.js';
import { demoConfigYaml } from '../../src/demo/demo.js';

const rows = configReferenceSections().flatMap((section) => section.rows);

/** Every key path of a parsed YAML document, as the reference writes them (`chains[].rpc[].url`). */
function keyPaths(value: unknown, prefix = '', maps: ReadonlySet<string> = new Set()): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`, maps));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    // Label and header maps hold user-chosen names, not keys of the schema.
    return maps.has(path) ? [path] : [path, ...keyPaths(child, path, maps)];
  });
}

describe('config reference', () => {
  it('docs/config-reference.md is what `npm run docs:config` writes from the schema now', () => {
    const committed = readFileSync(new URL('../../docs/config-reference.md', import.meta.url), 'utf8');
    expect(committed, 'docs/config-reference.md is out of date: run `npm run docs:config`').toBe(
      renderConfigReference(),
    );
  });

  it('every key says what it means', () => {
    const undescribed = rows
      .filter((row) => !row.description?.trim())
      .map((row) => `${row.path}${row.when ? ` (${row.when})` : ''}`);
    expect(undescribed, 'keys without a description in the schema (.describe() or .meta({ description }))').toEqual([]);
  });

  it('lists every key of the demo config, a config that uses every section', () => {
    const address = (digit: string) => `0x${digit.repeat(40)}` as const;
    const yaml = demoConfigYaml({
      host: '127.0.0.1',
      port: 9470,
      dbPath: 'ere.db',
      nodeUrl: 'http://127.0.0.1:8545',
      proxyA: 'http://127.0.0.1:8546',
      proxyB: 'http://127.0.0.1:8547',
      webhookUrl: 'http://127.0.0.1:1/alerts',
      webhookKey: 'placeholder-key-0123456789',
      governance: {
        governor: address('1'),
        token: address('2'),
        timelock: address('3'),
        safe: address('4'),
        proxy: address('5'),
        startBlock: 1,
      },
      beaconUrl: 'http://127.0.0.1:5052',
    });
    const mapPaths = new Set(rows.filter((row) => row.type.startsWith('map of')).map((row) => row.path));
    const known = new Set(rows.map((row) => row.path));
    const used = [...new Set(keyPaths(parse(yaml) as unknown, '', mapPaths))];
    expect(used.length).toBeGreaterThan(60);
    expect(used.filter((path) => !known.has(path))).toEqual([]);
  });

  it('writes types in words', () => {
    expect(typeText({ format: 'duration', range: '1s to 1h', type: ['string', 'number'] })).toBe('duration (1s to 1h)');
    expect(typeText({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).toBe('integer ≥ 0');
    expect(typeText({ type: 'number', exclusiveMinimum: 0, maximum: 1 })).toBe('number > 0 ≤ 1');
    expect(typeText({ type: 'string', format: 'uri' })).toBe('URL');
    expect(typeText({ enum: ['a', 'b'] })).toBe('one of "a", "b"');
    expect(
      typeText({ type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$' } }),
    ).toBe('list of id (at least 1)');
    expect(typeText({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map of name to string');
    expect(typeText({ anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d+-\\d+$' }] })).toBe(
      'integer or string matching `^\\d+-\\d+$`',
    );
  });
});
