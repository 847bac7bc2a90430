// Hostile inputs for the API abuse suite: path segments, query strings and JSON bodies, the malicious ones
// by name and random ones built from the OpenAPI schemas, all drawn from a seeded PRNG so that a run is
// replayed exactly from its seed. Every string here is as it goes on the wire (already percent-encoded).

export interface Random {
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, and the same sequence on every platform for a seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return { next, int, pick: (items) => items[int(items.length)]!, chance: (probability) => next() < probability };
}

const long = 'a'.repeat(10_000);

/** Path segments: traversal, bad and odd percent-encoding, unicode, numbers out of range, prototype keys. */
export const hostileSegments: readonly string[] = [
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc',
  '.',
  '%00',
  'a%00b',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%FF%FE',
  '%ED%A0%80',
  '\u00e9',
  '%E2%98%83',
  '%F0%9D%94%98',
  '%E2%80%AE',
  '%EF%BB%BF',
  long,
  'a'.repeat(100),
  'a'.repeat(101),
  '-1',
  '0',
  '-0',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '18446744073709551616',
  '1'.repeat(99),
  '0x10',
  '1.5',
  '%201',
  '1%20',
  '+1',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '%27%20OR%201%3D1%20--',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D',
  '%25',
  '%2525',
  ';',
  'a;b',
  'a%20b',
  'a+b',
  '%0D%0ASet-Cookie:x',
  '*',
  '%2A',
  '~',
  'a,b',
  'true',
  'null',
  'undefined',
  '[]',
  '%7B%7D',
];

/** Query values: the segments, and what only a query can carry. */
export const hostileValues: readonly string[] = [
  ...hostileSegments,
  '',
  '%',
  'a%ZZb',
  '2026-02-30',
  '2026-13',
  '9999-12-31T23:59:60Z',
  '0000-01-01',
  '-5m',
  '0s',
  '1e3',
  '10000000000000000000000',
];

/** Whole query strings around a route's parameter names: arrays, nested keys, pollution keys, sheer size. */
export function hostileQueries(names: readonly string[], random: Random): string[] {
  const name = names.length > 0 ? random.pick(names) : 'limit';
  return [
    `${name}=1&${name}=2`,
    `${name}[]=1`,
    `${name}[0]=1`,
    `${name}[a]=1`,
    name,
    `${name}=`,
    `${name}==`,
    `&&${name}&&`,
    '__proto__=1',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    'constructor=1',
    'hasOwnProperty=1',
    '%ZZ=1',
    `${name}=%ZZ`,
    `${name}%00=1`,
    `${'a=1&'.repeat(1_000)}`,
    `${name}=${long}`,
    `${long}=1`,
    '=',
    '?',
    '#x',
  ];
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
}

export interface Body {
  what: string;
  contentType?: string;
  payload: string | Buffer;
  headers?: Record<string, string>;
}

const plausibleStrings: Record<string, readonly string[]> = {
  name: ['endpoint', 'alertname', 'chain', 'severity'],
  value: ['a', '.*', 'a|b', '(a', 'EndpointDown', ''],
  by: ['ops', 'ø', long],
  comment: ['maintenance', '', long],
  createdBy: ['ops', ''],
};

/** A value of the schema's shape, near enough to valid that a route's own checks are reached. */
export function plausible(schema: JsonSchema, random: Random, name = ''): unknown {
  if (schema.enum) return random.pick(schema.enum);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => (schema.required ?? []).includes(key) || random.chance(0.5))
          .map(([key, property]) => [key, plausible(property, random, key)]),
      );
    case 'array':
      return Array.from({ length: random.int(3) + (random.chance(0.9) ? 1 : 0) }, () =>
        plausible(schema.items ?? {}, random),
      );
    case 'boolean':
      return random.chance(0.5);
    case 'number':
    case 'integer':
      return random.int(1_000);
    case 'string':
      if (schema.format === 'date-time') return new Date(Date.now() + (random.int(48) - 4) * 3_600_000).toISOString();
      return random.pick(plausibleStrings[name] ?? ['x']);
    default:
      return null;
  }
}

const wrongValues: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  '',
  'x',
  long,
  [],
  {},
  true,
  false,
  [null],
  { a: {} },
  '\u0000',
  '__proto__',
  '2026-02-30T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '1970-01-01T00:00:00Z',
  // biome-ignore lint/correctness/noPrecisionLoss: an integer past 2^53, on purpose
  9_007_199_254_740_993,
  '\ud800',
];

/** The plausible value with one place made wrong: a wrong type, a key removed, an unknown or prototype key. */
export function mutated(schema: JsonSchema, random: Random): unknown {
  const value = plausible(schema, random);
  const containers: Record<string, unknown>[] = [];
  const collect = (node: unknown) => {
    if (node !== null && typeof node === 'object') {
      containers.push(node as Record<string, unknown>);
      Object.values(node).forEach(collect);
    }
  };
  collect(value);
  if (containers.length === 0) return random.pick(wrongValues);
  const container = random.pick(containers);
  const keys = Object.keys(container);
  const action = random.int(4);
  if (action === 0 && keys.length > 0) delete container[random.pick(keys)];
  else if (action === 1) container[random.pick(['extra', 'constructor', 'toString', 'id'])] = random.pick(wrongValues);
  else if (keys.length > 0) container[random.pick(keys)] = random.pick(wrongValues);
  return value;
}

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies by name: wrong types, invalid JSON, deep nesting, huge, prototype keys, wrong content types. */
export function hostileBodies(schema: JsonSchema | undefined, random: Random): Body[] {
  const valid = JSON.stringify(plausible(schema ?? { type: 'object' }, random));
  const json = (what: string, payload: string | Buffer, headers?: Record<string, string>): Body => ({
    what,
    contentType: 'application/json',
    payload,
    ...(headers ? { headers } : {}),
  });
  return [
    ...['', ' ', 'null', 'true', '0', '-1', '"text"', '[]', '{}', '[{}]', `[${valid}]`].map((payload) =>
      json(`json ${payload || 'empty'}`, payload),
    ),
    ...[
      '{bad',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      'NaN',
      'undefined',
      '\uFEFF{}',
      `${valid}${valid}`,
      '{"a":1}garbage',
      '"\\ud800"',
    ].map((payload) => json('invalid json', payload)),
    json('__proto__ key', '{"__proto__":{"polluted":true}}'),
    json('constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}}}'),
    json('__proto__ inside a valid body', valid.replace(/^\{/, '{"__proto__":{"polluted":true},')),
    json('duplicate keys', valid.replace(/^\{/, '{"by":1,"matchers":null,')),
    json('nested arrays 10,000 deep', nestedArrays(10_000)),
    json('nested objects 10,000 deep', nestedObjects(10_000)),
    json('nested arrays 400,000 deep', nestedArrays(400_000)),
    json('nested arrays in a field', valid.replace(/^\{/, `{"matchers":${nestedArrays(50_000)},`)),
    json('2 MB of spaces', `${' '.repeat(2_000_000)}{}`),
    json('2 MB string', JSON.stringify({ by: 'x'.repeat(2_000_000) })),
    json('900 kB field', JSON.stringify({ ...(JSON.parse(valid) as object), comment: 'x'.repeat(900_000) })),
    json(
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"by":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]),
    ),
    json('gzip claimed, plain sent', valid, { 'content-encoding': 'gzip' }),
    { what: 'UTF-16 body', contentType: 'application/json; charset=utf-16le', payload: Buffer.from(valid, 'utf16le') },
    ...[
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/jsonx',
      'application/vnd.api+json',
      'text/plain; charset=unknown-8bit',
      '*/*',
      'application/json, text/plain',
      ';',
      'a'.repeat(5_000),
    ].map((contentType) => ({ what: `content-type ${contentType.slice(0, 40)}`, contentType, payload: valid })),
    { what: 'no content-type', payload: valid },
  ];
}

/** A random body for a route that takes one: plausible, plausible with one thing wrong, or one of `hostile`. */
export function randomBody(schema: JsonSchema, random: Random, hostile: readonly Body[]): Body {
  const roll = random.next();
  if (roll < 0.35)
    return { what: 'plausible', contentType: 'application/json', payload: JSON.stringify(plausible(schema, random)) };
  if (roll < 0.8)
    return { what: 'mutated', contentType: 'application/json', payload: JSON.stringify(mutated(schema, random)) };
  return random.pick(hostile);
}
