// Values the loader checks at load, each problem named by its path: HTTP headers of every endpoint and
// receiver, EIP-55 checksums of addresses, and YAML that cannot be read.
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configProblems } from '../helpers/config.js';

const chain = (extra: string) => `chains:\n  - id: c\n    chainId: 1\n    rpc: [{ id: e, url: "http://h" ${extra} }]\n`;

describe('HTTP headers', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'rpc name with a space',
      chain(', headers: { "X Api Key": v }'),
      'chains[0].rpc[0].headers.X Api Key',
      /HTTP header name/,
    ],
    [
      'rpc value with CR/LF',
      chain(', headers: { X-Key: "a\\r\\nX-Evil: 1" }'),
      'chains[0].rpc[0].headers.X-Key',
      /line breaks/,
    ],
    [
      'beacon value with LF',
      `${chain('')}    beacon: { endpoints: [{ id: b, url: "http://b", headers: { X-Key: "a\\nb" } }] }\n`,
      'chains[0].beacon.endpoints[0].headers.X-Key',
      /line breaks/,
    ],
    [
      'alertmanager name with a colon',
      `${chain('')}alerting: { receivers: [{ id: am, kind: ` +
        `alertmanager, url: "http://am", headers: { "X:Org": v } }] }\n`,
      'alerting.receivers[0].headers.X:Org',
      /HTTP header name/,
    ],
    [
      'webhook value with NUL',
      `${chain('')}alerting: { receivers: [{ id: w, kind: webhook, url: "http://w", headers: { X-Key: "a\\0b" } }] }\n`,
      'alerting.receivers[0].headers.X-Key',
      /line breaks/,
    ],
  ];
  it.each(cases)('%s is refused by its path', (_, text, path, message) => {
    expect(configProblems(text)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('accepts ordinary headers everywhere', () => {
    const config = parseConfig(
      `${chain(', headers: { Authorization: "Bearer x", X-Api-Key: "k=v; a" }')}    ` +
        `beacon: { endpoints: [{ id: b, url: "http://b", headers: { X-Key: v } }] }\n`,
      { env: {} },
    );
    expect(config.chains[0]!.rpc[0]!.headers).toEqual({ Authorization: 'Bearer x', 'X-Api-Key': 'k=v; a' });
  });
});

describe('EIP-55 addresses', () => {
  const checksummed = '0x5aFE3855358E112B5647B952709E6165e1c1eEEe';
  const target = (address: string, extra = '') =>
    `${chain('')}governance:\n  - { kind: safe, id: s, chain: c, address: "${address}", startBlock: 1 ${extra} }\n`;

  it('accepts the checksummed form, all lower case and all upper case, and stores the checksummed form', () => {
    for (const written of [checksummed, checksummed.toLowerCase(), `0x${checksummed.slice(2).toUpperCase()}`]) {
      expect(parseConfig(target(written), { env: {} }).governance[0]!.address).toBe(checksummed);
    }
  });

  it('refuses mixed case with a wrong checksum, naming the path and the checksummed form of what was typed', () => {
    const typo = '0x5aFE3855358E112B5647B952709E6165e1c1eEEf';
    const wrongCase = '0x5AFE3855358E112B5647B952709E6165e1c1eEEe';
    expect(configProblems(target(typo))).toEqual([
      { path: 'governance[0].address', message: expect.stringContaining(getAddress(typo.toLowerCase())) },
    ]);
    expect(configProblems(target(wrongCase))).toEqual([
      { path: 'governance[0].address', message: expect.stringContaining(checksummed) },
    ]);
  });

  it('checks a governor token too', () => {
    const text =
      `${chain('')}governance:\n  - { kind: governor, id: g, chain: c, address: ` +
      `"${checksummed}", token: "0x5AFE3855358E112B5647B952709E6165e1c1eEEe", startBlock: 1 }\n`;
    expect(configProblems(text)).toEqual([
      {
        path: 'governance[0].token',
        message: expect.stringMatching(/EIP-55 checksum.*0x5aFE3855358E112B5647B952709E6165e1c1eEEe/),
      },
    ]);
  });
});

describe('YAML that cannot be read', () => {
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    .concat(
      ['b', 'c', 'd', 'e', 'f', 'g'].map(
        (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefg'[index]}`).join(', ')}]`,
      ),
    )
    .join('\n');
  const cases: [string, string, RegExp][] = [
    ['a recursive alias', 'chains: &c [*c]\n', /^YAML line 1, column 13: alias \*c is inside the node it names/],
    ['a recursive alias in a map', 'chains:\n  - &x\n    id: *x\n', /^YAML line 3, column 9: alias \*x/],
    ['billion laughs', laughs, /^YAML line 2, column \d+: aliases expand into too many nodes/],
    ['an alias with no anchor', 'chains: *nope\n', /^YAML line 1, column 9: alias \*nope names no anchor/],
    ['deep nesting', `chains: ${'['.repeat(20_000)}`, /^YAML line 1, column \d+: nested too deeply$/],
    ['a duplicate key', 'chains: []\nchains: []\n', /^YAML line 2, column 1: Map keys must be unique/],
  ];
  it.each(cases)('%s reads as an invalid config with its line and column', (_, text, message) => {
    const problems = configProblems(text);
    expect(problems[0]).toEqual({ path: '', message: expect.stringMatching(message) });
    expect(problems.length).toBeLessThanOrEqual(21);
  });
});

describe('validator set labels', () => {
  const set = (labels: string) =>
    `chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://h" }], beacon: { endpoints: [{ id: b, url: ` +
    `"http://b" }] } }]\nvalidators: { watch: [{ chain: c, indices: [1], labels: ${labels} }] }\n`;
  it('accepts the list form of eth-validator-watcher ("name:value" strings) as the map', () => {
    expect(parseConfig(set('["operator:kiln", "region: eu"]'), { env: {} }).validators.watch[0]!.labels).toEqual({
      operator: 'kiln',
      region: 'eu',
    });
  });
  it('explains the map form for anything else', () => {
    for (const labels of ['["kiln"]', '5']) {
      expect(configProblems(set(labels))).toEqual([
        {
          path: 'validators.watch[0].labels',
          message: 'must be a map of label names to values, such as `{ operator: kiln }`',
        },
      ]);
    }
  });
});

describe('a route whose receiver is not an id', () => {
  it('is a problem by its path, not an internal error (found by the config fuzz)', () => {
    const text =
      `chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://h" }] }]\nalerting: { receivers: ` +
      `[{ id: hook, kind: webhook, url: "https://h/x" }], route: { receiver: "" } }\n`;
    expect(configProblems(text)).toEqual([
      { path: 'alerting.route.receiver', message: expect.stringMatching(/^must be 1-63 characters/) },
    ]);
  });
});
