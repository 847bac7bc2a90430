// `ere backup` (the built binary, in its own process) while the service writes: probes of a real anvil
// node every 100 ms through five endpoints, and an SLO evaluated every 50 ms on a clock that moves a
// minute each time. The backup, restored with `ere restore` into a new path, is one consistent moment of
// the source: every table's count between the counts before and after the backup, every rollup matching
// its samples (they are written in one transaction), the newest SLO status one the source wrote. Once the
// writer has stopped, a second backup restores to exactly the source, table by table and row by row.

import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { ChainObservation } from '../../src/domain/rpc.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import { sample } from '../helpers/samples.js';
import { runEre as ere } from '../helpers/ere-cli.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

const endpoints = ['e0', 'e1', 'e2', 'e3', 'e4'];

function tables(db: Database): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((row) => row.name);
}

function counts(db: Database): Record<string, number> {
  return Object.fromEntries(
    tables(db).map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n]),
  );
}

/** Every row of every table, in an order that does not depend on how the pages are laid out. */
function contents(db: Database): Record<string, string[]> {
  return Object.fromEntries(
    tables(db).map((table) => [
      table,
      db
        .prepare(`SELECT * FROM "${table}"`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    ]),
  );
}

type StatusRow = { slo: string; evaluated_at_ms: number } & Record<string, unknown>;
const newestStatus = (db: Database) =>
  db.prepare('SELECT * FROM slo_status_1m ORDER BY evaluated_at_ms DESC LIMIT 1').get() as StatusRow | undefined;

/** Rollup minutes whose probe count differs from the samples stored for that endpoint and minute. */
function tornRollups(db: Database): unknown[] {
  return db
    .prepare(
      `SELECT r.endpoint, r.minute_ms, r.total_count, s.n FROM rpc_rollups_1m r
       LEFT JOIN (SELECT endpoint, at_ms - at_ms % 60000 AS minute_ms, count(*) AS n FROM rpc_samples GROUP BY 1, 2) s
       USING (endpoint, minute_ms)
       WHERE s.n IS NULL OR s.n != r.total_count`,
    )
    .all();
}

function openRestored(path: string): Database {
  // Through the service's own opening: a backup it cannot migrate fails here.
  const { db, applied } = openDatabase(path);
  expect(applied).toEqual([]);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  return db;
}

/** Two days of history, so that the copy has some thousands of pages to take. */
function seedHistory(path: string, nowMs: number): void {
  const { db } = openDatabase(path);
  const writer = new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000, maxBatch: 5_000 });
  const chain: ChainObservation = {
    chain: 'local',
    consensusHead: 100,
    headAgeSeconds: 2,
    configuredEndpoints: endpoints.length,
    healthyEndpoints: endpoints.length,
  };
  for (let at = nowMs - 2 * 86_400_000; at < nowMs; at += 15_000) {
    for (const endpoint of endpoints)
      writer.enqueue(sample({ chain: 'local', endpoint, at, chainId: 31337, latencyMs: 20 + (at % 97) }), chain);
  }
  writer.flush();
  db.close();
}

let anvil: AnvilNode;
beforeAll(async () => {
  anvil = await startAnvil({ blockTimeSeconds: 1 });
});
afterAll(async () => {
  await anvil?.stop();
});

describe('ere backup under write load', () => {
  it('restores to a consistent moment of the source; after the writer stops, to exactly the source', async () => {
    const dir = tempDir('ere-backup-load-');
    const dbPath = join(dir, 'ere.db');
    let offsetMs = 0;
    const clock = { now: () => Date.now() + offsetMs };
    seedHistory(dbPath, clock.now());
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: dbPath, flushInterval: '100ms' },
        chains: [
          {
            id: 'local',
            chainId: 31337,
            pollInterval: '100ms',
            timeout: '100ms',
            rpc: endpoints.map((id) => ({ id, url: anvil.url })),
          },
        ],
        slos: [{ id: 'avail', service: 'rpc', objective: 99, sli: { kind: 'availability', chain: 'local' } }],
      }),
    );
    const service: CapturedService = await startCapturedService(config, { clock });
    let load: NodeJS.Timeout | undefined;
    let stopped = false;
    try {
      // An SLO evaluation every 50 ms, each at a new minute: a new status row each time.
      load = setInterval(() => {
        offsetMs += 60_000;
        service.slos.evaluate();
      }, 50);
      await waitFor(
        () => (service.db.prepare('SELECT count(*) AS n FROM slo_status_1m').get() as { n: number }).n >= 10,
        10_000,
        'SLO statuses',
      );

      const underLoad = join(dir, 'backups', 'under-load.db');
      const before = counts(service.db);
      const statusBefore = newestStatus(service.db)!;
      const backup = await ere(['backup', '--db', dbPath, '--to', underLoad]);
      const after = counts(service.db);
      const statusAfter = newestStatus(service.db)!;
      expect(backup.stderr).toBe('');
      expect(backup.status).toBe(0);
      expect(backup.stdout).toMatch(
        new RegExp(`^wrote ${underLoad}: .+ MiB \\(\\d+ bytes\\), schema version \\d+, in \\d+\\.\\d\\d s\\n$`),
      );
      // The writers went on while the backup ran.
      expect(after.rpc_samples).toBeGreaterThan(before.rpc_samples!);
      expect(statusAfter.evaluated_at_ms).toBeGreaterThan(statusBefore.evaluated_at_ms);

      clearInterval(load);
      load = undefined;
      await service.stop();
      stopped = true;
      const quiesced = join(dir, 'backups', 'quiesced.db');
      expect((await ere(['backup', '--db', dbPath, '--to', quiesced])).status).toBe(0);

      const source = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
      const sourceContents = contents(source);
      const sourceStatus = (at: number) =>
        source.prepare('SELECT * FROM slo_status_1m WHERE slo = ? AND evaluated_at_ms = ?').get('avail', at);
      expect(tornRollups(source)).toEqual([]);

      const restoredUnderLoad = join(tempDir('ere-restored-'), 'ere.db');
      const restore = await ere(['restore', '--from', underLoad, '--db', restoredUnderLoad]);
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const moment = openRestored(restoredUnderLoad);
      const momentCounts = counts(moment);
      expect(Object.keys(momentCounts)).toEqual(Object.keys(before));
      for (const [table, count] of Object.entries(momentCounts)) {
        expect(count, table).toBeGreaterThanOrEqual(Math.min(before[table]!, after[table]!));
        expect(count, table).toBeLessThanOrEqual(Math.max(before[table]!, after[table]!));
      }
      expect(momentCounts.rpc_samples).toBeGreaterThan(0);
      expect(tornRollups(moment)).toEqual([]);
      const momentStatus = newestStatus(moment)!;
      expect(momentStatus.evaluated_at_ms).toBeGreaterThanOrEqual(statusBefore.evaluated_at_ms);
      expect(momentStatus.evaluated_at_ms).toBeLessThanOrEqual(statusAfter.evaluated_at_ms);
      expect(momentStatus).toEqual(sourceStatus(momentStatus.evaluated_at_ms));
      moment.close();

      const restoredQuiesced = join(tempDir('ere-restored-'), 'ere.db');
      expect((await ere(['restore', '--from', quiesced, '--db', restoredQuiesced])).status).toBe(0);
      const exact = openRestored(restoredQuiesced);
      expect(counts(exact)).toEqual(
        Object.fromEntries(Object.entries(sourceContents).map(([table, rows]) => [table, rows.length])),
      );
      const exactContents = contents(exact);
      for (const table of Object.keys(sourceContents))
        expect(exactContents[table], table).toEqual(sourceContents[table]);
      expect(newestStatus(exact)).toEqual(newestStatus(source));
      exact.close();
      source.close();
    } finally {
      if (load) clearInterval(load);
      if (!stopped) await service.stop();
    }
  }, 120_000);
});
