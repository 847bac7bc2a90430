// Start, stop and restart: nothing is lost, a hung endpoint does not hold up shutdown.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startCapturedService, tempDir, testConfig, waitFor } from '../helpers/service.js';

let anvil: AnvilNode;
let hung: Server;
let hungUrl: string;

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mine(2);
  // Accepts requests and never answers.
  hung = createServer(() => {});
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  hung?.closeAllConnections();
  hung?.close();
  await anvil?.stop();
});

function probesCounted(metrics: string): number {
  return [...metrics.matchAll(/^ere_rpc_probes_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

describe('lifecycle', () => {
  it('stores every probe, and a restart keeps the samples and the last known state', async () => {
    const dbPath = join(tempDir(), 'ere.db');
    const config = testConfig(
      [
        { id: 'node', url: anvil.url },
        { id: 'down', url: 'http://127.0.0.1:9/' },
      ],
      { dbPath },
    );
    const first = await startCapturedService(config);
    await waitFor(async () => probesCounted((await first.app.inject({ method: 'GET', url: '/metrics' })).body) >= 6);
    await first.stop();
    const db = new BetterSqlite3(dbPath, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM rpc_samples').get() as { n: number }).n;
    const rolledUp = (db.prepare('SELECT sum(total_count) AS n FROM rpc_rollups_1m').get() as { n: number }).n;
    const storedForNode = (
      db.prepare("SELECT count(*) AS n FROM rpc_samples WHERE endpoint = 'node'").get() as { n: number }
    ).n;
    db.close();
    // The counter is not reachable after stop; every probe counted before stop was written, and no more.
    expect(stored).toBeGreaterThanOrEqual(6);
    expect(rolledUp).toBe(stored);

    const second = await startCapturedService(config);
    try {
      // Before any new probe, the chain already shows the last known state from the store.
      const state = (await second.app.inject({ method: 'GET', url: '/api/v1/chains/local' })).json();
      expect(state.endpoints.find((endpoint: { id: string }) => endpoint.id === 'node').lastProbeAt).not.toBeNull();
      const samples = (
        await second.app.inject({ method: 'GET', url: '/api/v1/endpoints/node/samples?limit=1000' })
      ).json().samples;
      expect(samples.length).toBeGreaterThanOrEqual(storedForNode);
      expect(storedForNode).toBeGreaterThan(0);
      expect(second.logLines.some((line) => line.includes('applied migrations'))).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('the counted probes and the stored samples agree', async () => {
    const dbPath = join(tempDir(), 'ere.db');
    const service = await startCapturedService(
      testConfig(
        [
          { id: 'node', url: anvil.url },
          { id: 'hung', url: hungUrl },
        ],
        { dbPath },
      ),
    );
    await waitFor(async () => probesCounted((await service.app.inject({ method: 'GET', url: '/metrics' })).body) >= 6);
    // Stop first so that no probe finishes between reading the counter and counting rows.
    const metricsBefore = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    await service.stop();
    const db = new BetterSqlite3(dbPath, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM rpc_samples').get() as { n: number }).n;
    db.close();
    expect(stored).toBeGreaterThanOrEqual(probesCounted(metricsBefore));
  });

  it('stops within a second with a probe hanging', async () => {
    const service = await startCapturedService(
      testConfig([{ id: 'hung', url: hungUrl }], { pollInterval: '5s', timeout: '5s' }),
    );
    await waitFor(() => hung.listenerCount('request') > 0 && service.tracker.health('local') !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the first probe is in flight
    const started = Date.now();
    const stopping = service.stop();
    await stopping;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(service.db.open).toBe(false);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(service.logLines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});
