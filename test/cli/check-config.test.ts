// `ere check-config` as users run it: a summary of what the file configures, every problem in one run,
// and a CI mode for a config whose secrets are not set there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config.js';
import { runEre } from '../helpers/ere-cli.js';
import { tempDir } from '../helpers/service.js';

const config = `
server: { auth: { token: "\${ERE_TOKEN}" } }
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://\${RPC_HOST}/v2/\${KEY}" }
      - { id: infura, url: "https://mainnet.example.com/" }
    beacon: { endpoints: [{ id: lighthouse, url: "http://beacon:5052" }] }
validators:
  watch:
    - { chain: mainnet, labels: { operator: kiln }, indices: [1, "10-19"] }
governance:
  - { kind: safe, id: council, chain: mainnet, address: "0x5afe3855358e112b5647b952709e6165e1c1eeee", startBlock: 1 }
slos:
  - { id: avail, service: rpc, objective: 99, sli: { kind: availability, chain: mainnet } }
alerting:
  receivers: [{ id: hook, kind: webhook, url: "https://hooks.example.com/x" }]
`;

describe('ere check-config', () => {
  it('prints a summary of what is configured', async () => {
    const file = join(tempDir(), 'ere.yaml');
    writeFileSync(file, config);
    const result = await runEre(['check-config', file], {
      ERE_TOKEN: 'a-token-of-16-chars-or-more',
      RPC_HOST: 'eth.example.com',
      KEY: 'k',
    });
    expect(result).toMatchObject({ status: 0 });
    expect(result.stdout).toBe(
      [
        `${file}: ok`,
        '1 chain, 2 RPC endpoints, 1 beacon endpoint: mainnet (2 + 1 beacon)',
        'validators: 1 set, 11 validators (mainnet operator:kiln: 11)',
        'governance: 1 target (1 safe)',
        'SLOs: 1 (avail)',
        'alerting: 4 rules, 1 receiver (hook: webhook)',
        '',
      ].join('\n'),
    );
  });

  it('with --allow-missing-env, lists what unset variables left unchecked and exits 0', async () => {
    const file = join(tempDir(), 'ere.yaml');
    writeFileSync(file, config);
    const strict = await runEre(['check-config', file], {});
    expect(strict.status).toBe(1);
    // One line per unset variable, without the "Invalid URL" or "too short" its placeholder also causes.
    expect(strict.stderr).toContain('3 problems');
    expect(strict.stderr).toContain('chains[0].rpc[0].url: environment variable RPC_HOST is not set');
    expect(strict.stderr).not.toMatch(/http\(s\) URL|16 characters/);
    const ci = await runEre(['check-config', '--allow-missing-env', file], {});
    expect(ci).toMatchObject({ status: 0, stderr: '' });
    expect(ci.stdout).toContain(`${file}: ok, but for 3 values not checked`);
    expect(ci.stdout).toContain('not checked: server.auth.token: environment variable ERE_TOKEN is not set');
    expect(ci.stdout).toContain('not checked: chains[0].rpc[0].url: environment variable KEY is not set');
    // A real problem is still one.
    writeFileSync(file, config.replace('chainId: 1', 'chainId: 0'));
    expect(await runEre(['check-config', '--allow-missing-env', file], {})).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('chains[0].chainId'),
    });
  });

  it('reports the checks across sections in the same run as a value that failed its own check', () => {
    const text = `
chains:
  - { id: a, chainId: 1, pollInterval: soon, timeout: 20s, colour: x, rpc: [{ id: e, url: "http://a" }] }
  - { id: b, chainId: 2, rpc: [{ id: e, url: "http://b" }] }
governance:
  - { kind: proxy, id: p, chain: b, address: "0x5aFE3855358E112B5647B952709E6165e1c1eEEe", startBlock: 1,
      confirmations: many }
  - { kind: proxy, id: p, chain: b, address: "0x5afe3855358e112b5647b952709e6165e1c1eeee", startBlock: 1 }
slos: [{ id: s, service: x, objective: 99, sli: { kind: availability, chain: nope } }]
`;
    expect(configProblems(text)).toEqual([
      { path: 'chains[0].pollInterval', message: expect.stringMatching(/^must be a duration/) },
      { path: 'chains[0].colour', message: 'unknown key' },
      { path: 'governance[0].confirmations', message: expect.stringMatching(/expected number/) },
      { path: 'chains[1].rpc[0].id', message: expect.stringMatching(/^duplicate endpoint id "e"/) },
      { path: 'slos[0].sli.chain', message: 'no chain "nope"' },
      { path: 'governance[1].id', message: 'duplicate governance target id "p"' },
      { path: 'governance[1].address', message: 'the same proxy is already watched as "p"' },
    ]);
  });

  it('names the default of a timeout longer than its chain poll interval', () => {
    expect(
      configProblems('chains: [{ id: c, chainId: 1, pollInterval: 5s, rpc: [{ id: e, url: "http://h" }] }]'),
    ).toEqual([
      {
        path: 'chains[0].timeout',
        message: 'must not be longer than pollInterval (5s); timeout is 10s, the default when not set',
      },
    ]);
  });
});
