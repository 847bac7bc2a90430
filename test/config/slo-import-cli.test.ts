// `ere slo import` as users run it: the built bin/ere.js in a child process.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { tempDir } from '../helpers/service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sampleFile = join(root, 'docs', 'examples', 'mainnet-rpc.openslo.yaml');

function ere(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'ere.js'), ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const chains = `chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://a.example.com", labels: { tier: paid } }
      - { id: own, url: "https://c.example.com" }
`;

describe('ere slo import', () => {
  it('prints ERE slos: config that the config loader reads back as the same SLOs the file gives', () => {
    const result = ere(['slo', 'import', sampleFile]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(
        /^# Imported from .*mainnet-rpc\.openslo\.yaml \(OpenSLO v1\) by "ere slo import"\.\nslos:\n {2}- /.source +
          /id: mainnet-availability\n/.source,
      ),
    );
    const dir = tempDir();
    const pasted = join(dir, 'pasted.yaml');
    writeFileSync(pasted, `${chains}${result.stdout}`);
    const referenced = join(dir, 'referenced.yaml');
    writeFileSync(referenced, `${chains}opensloFiles: [${JSON.stringify(sampleFile)}]\n`);
    const slos = resolveSlos(loadConfigFile(pasted, {}));
    expect(slos.map((slo) => slo.id)).toEqual(['mainnet-availability', 'mainnet-latency', 'mainnet-freshness']);
    expect(slos).toEqual(resolveSlos(loadConfigFile(referenced, {})));
  });

  it('checks the SLOs against a config with --config, naming the OpenSLO field of each problem', () => {
    const config = join(tempDir(), 'ere.yaml');
    writeFileSync(config, chains.replace('tier: paid', 'tier: free'));
    const result = ere(['slo', 'import', sampleFile, '--config', config]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Cannot import OpenSLO ${sampleFile}: 2 problems`);
    expect(result.stderr).toContain(
      `${sampleFile}: documents[2] (SLI ` +
        `"paid-availability").spec.ratioMetric.good.metricSource.spec.labels: matches no endpoint of the chain`,
    );
    expect(ere(['slo', 'import', sampleFile, '--config', join(tempDir(), 'none.yaml')])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('cannot read file: ENOENT'),
    });
  });

  it('exits 1 listing every problem, and 2 on a usage error', () => {
    const file = join(tempDir(), 'prometheus.openslo.yaml');
    writeFileSync(
      file,
      `apiVersion: openslo/v1
kind: SLO
metadata: { name: api }
spec:
  service: api
  budgetingMethod: RatioTimeslices
  objectives: [{ target: 0.99 }]
  indicator:
    metadata: { name: api }
    spec:
      ratioMetric:
        good: { metricSource: { type: prometheus, spec: { query: "sum(ok)" } } }
        total: { metricSource: { type: prometheus, spec: { query: "sum(all)" } } }
`,
    );
    const result = ere(['slo', 'import', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Cannot import OpenSLO ${file}: 3 problems`);
    expect(result.stderr).toContain(
      `${file}: documents[0] (SLO ` +
        `"api").spec.indicator.spec.ratioMetric.good.metricSource.type: "prometheus" cannot be mapped`,
    );
    expect(result.stderr).toContain(
      `${file}: documents[0] (SLO "api").spec.budgetingMethod: "RatioTimeslices" cannot be mapped`,
    );
    const config = join(tempDir(), 'ere.yaml');
    writeFileSync(config, chains.replace('tier: paid', 'tier: free'));
    const both = ere(['slo', 'import', file, sampleFile, '--config', config]);
    expect(both.stderr).toContain(`Cannot import OpenSLO ${file}, ${sampleFile}: 5 problems`);
    expect(both.stderr).toContain('matches no endpoint of the chain');
    expect(ere(['slo', 'import'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('expects at least one OpenSLO file'),
    });
    expect(ere(['slo', 'import', '--help'])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^Usage: ere slo import <file>\.\.\. \[--config <file>\]/),
    });
    expect(ere(['slo', '--help']).stdout).toMatch(/^ {2}import {2}Convert OpenSLO v1 files into ERE SLO config\.$/m);
  });
});
