// A chain watched only through its beacon endpoints (a staking operator without an execution endpoint of
// its own): the config needs no `rpc` list, and the service starts and runs with it, raising no RPC alert.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configProblems } from '../helpers/config.js';
import { startCapturedService, tempDir, waitFor } from '../helpers/service.js';

const beaconOnly = (extra = '') => `
chains:
  - id: hoodi
    chainId: 560048
    beacon: { pollInterval: 200ms, timeout: 150ms, endpoints: [{ id: lighthouse, url: "http://127.0.0.1:9/" }] }
alerting: { evaluationInterval: 1s }
${extra}`;

describe('a chain with beacon endpoints only', () => {
  it('needs no rpc list, but a chain with neither is refused, and RPC-based targets and SLOs on it are named', () => {
    expect(parseConfig(beaconOnly(), { env: {} }).chains[0]!.rpc).toEqual([]);
    expect(configProblems('chains: [{ id: c, chainId: 1 }]')).toEqual([
      { path: 'chains[0].rpc', message: 'needs at least one endpoint, or beacon endpoints (chains[].beacon)' },
    ]);
    const text = beaconOnly(`governance:
  - { kind: proxy, id: p, chain: hoodi, address: "0x5afe3855358e112b5647b952709e6165e1c1eeee", startBlock: 1 }
slos: [{ id: a, service: s, objective: 99, sli: { kind: availability, chain: hoodi } }]`);
    expect(configProblems(text)).toEqual([
      {
        path: 'slos[0].sli.chain',
        message: 'chain "hoodi" has no RPC endpoints (chains[].rpc) for an SLI of kind availability',
      },
      {
        path: 'governance[0].chain',
        message: 'chain "hoodi" has no RPC endpoints (chains[].rpc) to read the contract through',
      },
    ]);
  });

  it('starts and runs: the API answers and no RPC alert fires for the chain', { timeout: 60_000 }, async () => {
    const config = parseConfig(beaconOnly(), { env: {} });
    const service = await startCapturedService({
      ...config,
      server: { ...config.server, port: 0 },
      storage: { ...config.storage, path: join(tempDir(), 'ere.db') },
    });
    try {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      const chains = await fetch(`${service.url}/api/v1/chains`);
      expect(chains.status).toBe(200);
      // Several evaluations, each of which would raise RedundancyLow or ChainHalted if the chain counted as an RPC
      // chain.
      await waitFor(
        () => service.logLines.some((line) => line.includes('"lighthouse"')) || undefined,
        20_000,
        'a beacon probe',
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const alerts = (await (await fetch(`${service.url}/api/v1/alerts`)).json()) as
        | { alerts?: { labels: Record<string, string> }[] }
        | { labels: Record<string, string> }[];
      const list = Array.isArray(alerts) ? alerts : (alerts.alerts ?? []);
      expect(
        list
          .map((alert) => alert.labels.alertname)
          .filter((name) => ['RedundancyLow', 'ChainHalted', 'EndpointDown', 'EndpointLagging'].includes(name!)),
      ).toEqual([]);
      expect(service.logLines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});
