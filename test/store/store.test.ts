import { writeFileSync, mkdirSync, readdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { MigrationError, defaultMigrationsDir, migrate, readMigrations } from '../../src/store/migrate.js';
import { pruneRpcHistory } from '../../src/endpoints/rpc/rpc-retention.js';
import { pruneSloStatuses } from '../../src/slo/slo-store.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import type { ChainHealth } from '../../src/domain/rpc.js';
import { tempDir } from '../helpers/service.js';
import { sample } from '../helpers/samples.js';

const chain: ChainHealth = {
  chain: 'c',
  consensusHead: 10,
  consensusHeadTimestamp: 1,
  headAgeSeconds: 2,
  configuredEndpoints: 2,
  healthyEndpoints: 2,
  singlePointOfFailure: false,
  endpoints: [],
};

describe('migrations', () => {
  it('apply to an empty database in order, once, in WAL mode', () => {
    const path = join(tempDir(), 'nested', 'ere.db');
    const first = openDatabase(path);
    const names = readMigrations().map((migration) => migration.name);
    expect(first.applied).toEqual(names);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (
      first.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['schema_migrations', 'rpc_samples', 'rpc_rollups_1m', 'chain_rollups_1m']),
    );
    first.db.close();
    const second = openDatabase(path);
    expect(second.applied).toEqual([]);
    second.db.close();
  });

  it('refuse a database whose applied migration was edited afterwards', () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    for (const file of readdirSync(defaultMigrationsDir))
      copyFileSync(join(defaultMigrationsDir, file), join(migrations, file));
    const db = new BetterSqlite3(join(dir, 'ere.db'));
    expect(migrate(db, readMigrations(migrations))).toHaveLength(readMigrations().length);
    writeFileSync(join(migrations, '001_rpc_samples_and_rollups.sql'), '-- edited\nSELECT 1;');
    expect(() => migrate(db, readMigrations(migrations))).toThrow(MigrationError);
    expect(() => migrate(db, readMigrations(migrations))).toThrow(
      /001_rpc_samples_and_rollups.sql was edited after it was applied/,
    );
    db.close();
  });

  it('roll back a failing migration entirely', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '001_good.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = new BetterSqlite3(':memory:');
    expect(() => migrate(db, readMigrations(dir))).toThrow(/no such table: nowhere/);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (row) => row.name,
    );
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    expect(db.prepare('SELECT name FROM schema_migrations').all()).toEqual([{ name: '001_good.sql' }]);
  });
});

describe('SampleWriter and RpcSampleStore', () => {
  it('writes samples and merges rollups across flushes', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new RpcSampleStore(db);
    const flushed: number[] = [];
    const writer = new SampleWriter(store, {
      flushIntervalMs: 60_000,
      onFlush: ({ samples }) => flushed.push(samples),
    });
    const base = 1_700_000_040_000;
    writer.enqueue(sample({ at: base + 1, latencyMs: 20, lagBlocks: null }), chain);
    writer.enqueue(
      sample({ at: base + 2, ok: false, errorClass: 'http_status', healthy: false, headBlock: null, lagBlocks: null }),
      chain,
    );
    expect(writer.flush()).toBe(true);
    writer.enqueue(sample({ at: base + 3, latencyMs: 700, lagBlocks: 2 }), { ...chain, healthyEndpoints: 1 });
    expect(writer.close()).toBe(true);
    expect(flushed).toEqual([2, 1]);

    const samples = store.samples('e', { fromMs: base, toMs: base + 10, limit: 10 });
    expect(samples.map((item) => item.at)).toEqual([base + 3, base + 2, base + 1]);
    expect(samples[1]).toMatchObject({ ok: false, errorClass: 'http_status', headBlock: null });
    expect(store.samples('e', { fromMs: base, toMs: base + 10, limit: 2 })).toHaveLength(2);

    const [rollup] = store.rollups('e', base - 60_000, base + 60_000);
    expect(rollup).toMatchObject({
      total: 3,
      ok: 2,
      healthy: 2,
      okLatencySumMs: 720,
      okLatencyMaxMs: 700,
      maxLagBlocks: 2,
    });
    expect(rollup!.okLatencyLe).toMatchObject({ 25: 1, 500: 1, 1000: 2 });
    expect(rollup!.errors.http_status).toBe(1);
    expect(
      db.prepare('SELECT min_healthy_endpoints, max_healthy_endpoints, observations FROM chain_rollups_1m').get(),
    ).toEqual({
      min_healthy_endpoints: 1,
      max_healthy_endpoints: 2,
      observations: 3,
    });
    expect(store.latestPerEndpoint().map((item) => item.at)).toEqual([base + 3]);
    db.close();
  });

  it('keeps a batch that failed to write and writes it on the next flush', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new RpcSampleStore(db);
    const errors: number[] = [];
    const writer = new SampleWriter(store, {
      flushIntervalMs: 60_000,
      onError: (_error, waiting) => errors.push(waiting),
    });
    writer.enqueue(sample({ at: 1 }), chain);
    writer.enqueue(sample({ at: 2 }), chain);
    db.exec('ALTER TABLE rpc_samples RENAME TO rpc_samples_away');
    expect(writer.flush()).toBe(false);
    expect(errors).toEqual([2]);
    expect(writer.waiting).toBe(2);
    db.exec('ALTER TABLE rpc_samples_away RENAME TO rpc_samples');
    // The rollup upsert of the failed batch was rolled back with it: counts are not doubled.
    expect(db.prepare('SELECT count(*) AS n FROM rpc_rollups_1m').get()).toEqual({ n: 0 });
    expect(writer.flush()).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM rpc_samples').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT total_count FROM rpc_rollups_1m').get()).toEqual({ total_count: 2 });
    db.close();
  });

  it('drops the oldest samples past the buffer bound and counts them', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const dropped: number[] = [];
    const writer = new SampleWriter(new RpcSampleStore(db), {
      flushIntervalMs: 60_000,
      maxBatch: 1_000,
      maxBuffered: 3,
      onDrop: (count) => dropped.push(count),
    });
    db.exec('ALTER TABLE rpc_samples RENAME TO away');
    for (let at = 1; at <= 5; at += 1) writer.enqueue(sample({ at }), chain);
    expect(dropped).toEqual([1, 1]);
    expect(writer.waiting).toBe(3);
    db.close();
  });
});

describe('retention', () => {
  it('deletes raw samples, rollups and SLO evaluations after their own retention', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new RpcSampleStore(db);
    const writer = new SampleWriter(store, { flushIntervalMs: 60_000 });
    const day = 86_400_000;
    const now = 500 * day;
    for (const age of [1, 6, 8, 30, 399, 401]) writer.enqueue(sample({ at: now - age * day }), chain);
    writer.close();
    const status = db.prepare(
      'INSERT INTO slo_status_1m (slo, evaluated_at_ms, window_good, ' +
        'window_valid, page_firing, ticket_firing) VALUES (?, ?, 0, 0, 0, 0)',
    );
    for (const age of [1, 34, 36]) status.run('s', now - age * day);
    const deleted = {
      ...pruneRpcHistory(db, { rawRetentionMs: 7 * day, rollupRetentionMs: 400 * day }, now),
      sloStatuses: pruneSloStatuses(db, now - 35 * day),
    };
    expect(deleted).toEqual({ samples: 4, rollups: 1, chainRollups: 1, sloStatuses: 1 });
    expect(store.samples('e', { fromMs: 0, toMs: now, limit: 100 })).toHaveLength(2);
    expect(store.rollups('e', 0, now)).toHaveLength(5);
    db.close();
  });
});
