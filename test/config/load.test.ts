import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, summarizeConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/service.js';
import { configProblems } from '../helpers/config.js';

const problemsOf = configProblems;

const minimal = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - id: alchemy
        url: https://eth-mainnet.example.com/v2/\${KEY}
`;

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(minimal, { env: { KEY: 'abc123' } });
    expect(config.chains[0]).toMatchObject({ pollInterval: 15_000, timeout: 10_000, maxLagBlocks: 5 });
    expect(config.chains[0]!.rpc[0]!.url).toBe('https://eth-mainnet.example.com/v2/abc123');
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9470, auth: { protectReads: false } });
    expect(config.alerting.rules.map((rule) => rule.name)).toEqual([
      'EndpointDown',
      'EndpointLagging',
      'ChainHalted',
      'RedundancyLow',
    ]);
    expect(config.alerting.routeTree).toBeNull();
    expect(config.storage).toMatchObject({
      path: 'ere.db',
      rawRetention: 7 * 86_400_000,
      rollupRetention: 400 * 86_400_000,
    });
    expect(summarizeConfig(config).split('\n')[0]).toBe('1 chain, 1 RPC endpoint, 0 beacon endpoints: mainnet (1)');
  });

  it('names an unset environment variable by the path that uses it', () => {
    expect(problemsOf(minimal)).toEqual([
      { path: 'chains[0].rpc[0].url', message: 'environment variable KEY is not set' },
    ]);
  });

  it('substitutes in headers and keeps $$ as a literal dollar', () => {
    const config = parseConfig(
      `chains: [{ id: c, chainId: 5, rpc: [{ id: e, url: "http://h/x", headers: ` +
        `{ Authorization: "Bearer \${TOKEN}", X-Price: "$$5" } }] }]`,
      { env: { TOKEN: 's3cret' } },
    );
    expect(config.chains[0]!.rpc[0]!.headers).toEqual({ Authorization: 'Bearer s3cret', 'X-Price': '$5' });
  });

  it('reports every problem with its path', () => {
    const problems = problemsOf(`
server: { port: 70000 }
chains:
  - id: ok
    chainId: 1
    rpc: [{ id: a, url: "http://a" }]
  - id: Bad Id
    chainId: 0
    pollInterval: 15 seconds
    colour: blue
    rpc:
      - id: b
        url: ftp://b.example.com
      - url: http://c
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'server.port', message: expect.stringMatching(/65535/) },
        { path: 'chains[1].id', message: expect.stringMatching(/^must be 1-63 characters/) },
        { path: 'chains[1].chainId', message: expect.stringMatching(/>0/) },
        { path: 'chains[1].pollInterval', message: expect.stringMatching(/^must be a duration/) },
        { path: 'chains[1].colour', message: 'unknown key' },
        { path: 'chains[1].rpc[0].url', message: 'must be an http(s) URL' },
        { path: 'chains[1].rpc[1].id', message: 'is required' },
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('tells a value of the wrong type from a missing one', () => {
    expect(
      problemsOf(
        `server: { port: "http" }\nchains: 5\nslos: [{ id: a, service: s, objective: ` +
          `99, sli: { kind: latency, chain: c, thresholdMs: "500" } }]\n`,
      ),
    ).toEqual([
      { path: 'server.port', message: 'Invalid input: expected number, received string' },
      { path: 'chains', message: 'Invalid input: expected array, received number' },
      { path: 'slos[0].sli.thresholdMs', message: 'Invalid input: expected number, received string' },
    ]);
    expect(problemsOf('server: { port: 1 }\n')).toEqual([{ path: 'chains', message: 'is required' }]);
  });

  it('rejects duplicate ids across chains and a timeout longer than the interval', () => {
    const problems = problemsOf(`
chains:
  - { id: a, chainId: 1, rpc: [{ id: same, url: "http://a" }] }
  - { id: a, chainId: 2, timeout: 30s, pollInterval: 10s, rpc: [{ id: same, url: "http://b" }] }
`);
    expect(problems).toEqual([
      { path: 'chains[1].id', message: 'duplicate chain id "a"' },
      {
        path: 'chains[1].rpc[0].id',
        message: expect.stringMatching(/^duplicate endpoint id "same" \(also on chain "a"\)/),
      },
      { path: 'chains[1].timeout', message: 'must not be longer than pollInterval (10s); timeout is 30s' },
    ]);
  });

  it('requires at least one chain and rejects unknown top-level keys', () => {
    expect(problemsOf('chains: []\nalerts: {}')).toEqual([
      { path: 'chains', message: 'needs at least one chain' },
      { path: 'alerts', message: 'unknown key' },
    ]);
    expect(problemsOf('server: {}')).toEqual([{ path: 'chains', message: 'is required' }]);
  });

  it('rejects a bad cron expression for retention', () => {
    expect(problemsOf(`storage: { retentionSchedule: "every hour" }\n${minimal}`, { KEY: 'k' })).toEqual([
      { path: 'storage.retentionSchedule', message: expect.stringMatching(/cron expression/) },
    ]);
  });

  it('reports YAML syntax errors', () => {
    const problems = problemsOf('chains: [\n  - id: x');
    expect(problems[0]).toEqual({ path: '', message: expect.stringMatching(/^YAML line 2, column 3: /) });
  });

  it('loads a file and names an unreadable one', () => {
    const dir = tempDir();
    const file = join(dir, 'ere.yaml');
    writeFileSync(file, minimal);
    expect(loadConfigFile(file, { KEY: 'k' }).chains[0]!.id).toBe('mainnet');
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read file: ENOENT/);
  });
});
