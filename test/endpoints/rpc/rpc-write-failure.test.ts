// SQLite failing under the RPC write path: anvil probed by the collector and its runner under two endpoint ids,
// through the observation pipeline into a real SQLite file whose trigger refuses one endpoint's rows. Nothing
// is lost or half-applied: no sample, rollup or chain rollup of the batch is kept, the batch stays queued, the
// failure is counted and logged once, and once the database takes rows again every sample is written as the
// tracker derived it, with rollups that count each once.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../../src/anvil/anvil.js';
import { systemClock } from '../../../src/domain/clock.js';
import type { RpcEndpointTarget, RpcSample } from '../../../src/domain/rpc.js';
import { seedFromStore } from '../../../src/endpoints/endpoint-tracker.js';
import { rpcEndpointCollector } from '../../../src/endpoints/rpc/rpc-endpoint.js';
import { createRpcMetrics } from '../../../src/endpoints/rpc/rpc-metrics.js';
import { RpcSampleStore } from '../../../src/endpoints/rpc/rpc-samples.js';
import { ChainTracker, rpcObservations } from '../../../src/endpoints/rpc/rpc-tracker.js';
import { openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/service.js';
import { pipelineHarness, refuseInserts } from '../pipeline-harness.js';

const endpoints = ['a', 'b'];
const chains = [{ chain: 'local', endpoints, policy: { maxLagBlocks: 3, staleAfterMs: 60_000 } }];
let anvil: AnvilNode;

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mine(3);
});

afterAll(async () => {
  await anvil?.stop();
});

/** What the store keeps of a sample: hashes are not stored (heads are corroborated again after a restart). */
const stored = (sample: RpcSample): RpcSample => ({ ...sample, headHash: null, ancestorHashes: [] });
const count = (db: { prepare(sql: string): { get(): unknown } }, sql: string) =>
  (db.prepare(sql).get() as { n: number | null }).n;

describe('an RPC sample write that SQLite refuses', () => {
  it('keeps the batch and its rollups queued, counts and logs the failure once, writes all on recovery', async () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new RpcSampleStore(db);
    const tracker = new ChainTracker(chains, systemClock);
    const harness = pipelineHarness({
      clock: systemClock,
      kind: rpcObservations(tracker),
      store,
      metrics: (registry) => createRpcMetrics(registry, tracker),
    });
    const context = { clock: systemClock, shutdownSignal: new AbortController().signal };
    const runs = endpoints.map((endpoint) => {
      const target: RpcEndpointTarget = {
        chain: 'local',
        endpoint,
        url: anvil.url,
        headers: {},
        expectedChainId: 31337,
        timeoutMs: 5_000,
        labels: {},
      };
      return harness.run(rpcEndpointCollector, target, rpcEndpointCollector.createProbe(target, context));
    });

    // Endpoint a's row and the rollups come before b's refused row: the transaction must take them all back.
    const refusal = refuseInserts(db, 'rpc_samples', 'b');
    for (let round = 0; round < 2; round += 1) for (const run of runs) await run();
    expect(harness.derived.map((sample) => [sample.endpoint, sample.ok, sample.healthy])).toEqual([
      ['a', true, true],
      ['b', true, true],
      ['a', true, true],
      ['b', true, true],
    ]);
    await harness.expectRefusedFlush(4);
    expect(count(db, 'SELECT count(*) AS n FROM rpc_samples')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM rpc_rollups_1m')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM chain_rollups_1m')).toBe(0);
    expect(await harness.counter('ere_rpc_probes_total')).toBe(4);
    expect(harness.linesWith('endpoint is up')).toHaveLength(2);

    refusal.lift();
    await harness.expectAllWritten({
      ids: endpoints,
      rows: (endpoint) => store.samples(endpoint, { fromMs: 0, toMs: Date.now(), limit: 10 }),
      asStored: stored,
      latestAt: (endpoint) => tracker.latestObservation(endpoint)?.at,
    });
    expect(count(db, 'SELECT sum(total_count) AS n FROM rpc_rollups_1m')).toBe(4);
    // The first probe of a came before b had been judged: its chain's state was unknown, so not rolled up.
    expect(count(db, 'SELECT sum(observations) AS n FROM chain_rollups_1m')).toBe(3);
    const restarted = new ChainTracker(chains, systemClock);
    seedFromStore(restarted, store);
    const view = (from: ChainTracker) =>
      from
        .health('local')!
        .endpoints.map((state) => [state.endpoint, state.up, state.healthy, state.headBlock, state.lastObservedAt]);
    expect(view(restarted)).toEqual(view(tracker));
    db.close();
  });
});
