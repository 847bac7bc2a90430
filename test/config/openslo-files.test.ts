import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, type ConfigProblem } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { tempDir } from '../helpers/service.js';

const sampleFile = fileURLToPath(new URL('../../docs/examples/mainnet-rpc.openslo.yaml', import.meta.url));

const chains = (paidLabel = 'paid') => `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://a.example.com", labels: { tier: ${paidLabel} } }
      - { id: own, url: "https://c.example.com" }
`;

/** A config file in a directory of its own, beside a copy of the sample OpenSLO file. */
function configWith(text: string): string {
  const dir = tempDir();
  copyFileSync(sampleFile, join(dir, 'mainnet-rpc.openslo.yaml'));
  const file = join(dir, 'ere.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): ConfigProblem[] {
  try {
    loadConfigFile(file, {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('opensloFiles in the config', () => {
  it('appends the SLOs of the listed files, read relative to the config file, after its own', () => {
    const file = configWith(`${chains()}
opensloFiles: [./mainnet-rpc.openslo.yaml]
slos:
  - { id: own-availability, service: rpc, objective: 99, sli: { kind: availability, chain: mainnet, endpoints: [own] } }
`);
    const config = loadConfigFile(file, {});
    expect(config.opensloFiles).toEqual(['./mainnet-rpc.openslo.yaml']);
    expect(resolveSlos(config).map((slo) => [slo.id, slo.sli.selection.endpoints])).toEqual([
      ['own-availability', ['own']],
      ['mainnet-availability', ['alchemy']],
      ['mainnet-latency', ['alchemy']],
      ['mainnet-freshness', ['alchemy', 'own']],
    ]);
  });

  it(
    'reports problems of the imported SLOs against the config at ' + 'their OpenSLO fields, beside the config problems',
    () => {
      const file = configWith(`${chains('free')}
opensloFiles: [./mainnet-rpc.openslo.yaml, ./missing.yaml]
slos:
  - { id: mainnet-latency, service: rpc, objective: 99, sli: { kind: availability, chain: sepolia } }
`);
      expect(problemsOf(file)).toEqual([
        { path: 'opensloFiles[1]', message: 'cannot read ./missing.yaml: ENOENT' },
        { path: 'slos[0].sli.chain', message: 'no chain "sepolia"' },
        {
          path:
            './mainnet-rpc.openslo.yaml: documents[2] (SLI ' +
            '"paid-availability").spec.ratioMetric.good.metricSource.spec.labels',
          message: 'matches no endpoint of the chain',
        },
        {
          path: './mainnet-rpc.openslo.yaml: documents[6] (SLO "mainnet-latency").metadata.name',
          message: 'duplicate SLO id "mainnet-latency"',
        },
        {
          path:
            './mainnet-rpc.openslo.yaml: documents[6] (SLO ' +
            '"mainnet-latency").spec.indicator.spec.thresholdMetric.metricSource.spec.labels',
          message: 'matches no endpoint of the chain',
        },
      ]);
    },
  );

  it('reports what the import cannot map, and still checks the SLOs that imported', () => {
    const file = configWith(`${chains()}\nopensloFiles: [./bad.openslo.yaml]\n`);
    writeFileSync(
      join(file, '..', 'bad.openslo.yaml'),
      `apiVersion: openslo/v1
kind: SLO
metadata: { name: prom }
spec:
  service: rpc
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
  indicator:
    metadata: { name: prom }
    spec:
      ratioMetric:
        good: { metricSource: { type: prometheus, spec: { query: "sum(up)" } } }
        total: { metricSource: { type: prometheus, spec: { query: "count(up)" } } }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: elsewhere }
spec:
  service: rpc
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
  indicator:
    metadata: { name: elsewhere }
    spec:
      ratioMetric:
        good: { metricSource: { type: ere, spec: { kind: availability, chain: sepolia } } }
        total: { metricSource: { type: ere, spec: { kind: availability, chain: sepolia } } }
`,
    );
    const problems = problemsOf(file);
    expect(problems).toContainEqual({
      path: './bad.openslo.yaml: documents[0] (SLO "prom").spec.indicator.spec.ratioMetric.good.metricSource.type',
      message: expect.stringContaining('"prometheus" cannot be mapped'),
    });
    expect(problems).toContainEqual({
      path:
        './bad.openslo.yaml: documents[1] (SLO ' +
        '"elsewhere").spec.indicator.spec.ratioMetric.good.metricSource.spec.chain',
      message: 'no chain "sepolia"',
    });
  });

  it('leaves a malformed opensloFiles to the schema', () => {
    expect(problemsOf(configWith(`${chains()}\nopensloFiles: ./mainnet-rpc.openslo.yaml\n`))).toEqual([
      { path: 'opensloFiles', message: expect.stringContaining('expected array') },
    ]);
  });
});
