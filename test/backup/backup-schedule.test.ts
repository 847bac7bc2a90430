// Scheduled backups in the running service: every second, two kept, the newest a sound copy of the live
// database, each one counted, sized and logged; a directory that cannot be written counted as failures.

import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { parseConfig } from '../../src/config/load.js';
import { readMigrations } from '../../src/store/migrate.js';
import { configProblems } from '../helpers/config.js';
import { startCapturedService, tempDir, testConfig, waitFor, type CapturedService } from '../helpers/service.js';

const everySecond = '* * * * * *';

function configWithBackups(backup: { dir: string; keep: number }): Config {
  // Nothing listens on port 9: probes fail and the service writes their samples all the same.
  const config = testConfig([{ id: 'down', url: 'http://127.0.0.1:9/' }], { pollInterval: '200ms', timeout: '150ms' });
  return { ...config, storage: { ...config.storage, backup: { schedule: everySecond, ...backup } } };
}

async function metrics(service: CapturedService): Promise<string> {
  return (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
}

function metricValue(body: string, series: string): number | undefined {
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function written(service: CapturedService): { path: string; bytes: number; schemaVersion: number }[] {
  return service.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'backup written');
}

const chains = 'chains: [{ id: c, chainId: 1, rpc: [{ id: a, url: "http://127.0.0.1:9/" }] }]';

describe('storage.backup config', () => {
  it('is off without the section, and keeps 7 by default', () => {
    expect(parseConfig(chains).storage.backup).toBeUndefined();
    expect(
      parseConfig(`storage: { backup: { schedule: "0 3 * * *", dir: backups } }\n${chains}`).storage.backup,
    ).toEqual({ schedule: '0 3 * * *', dir: 'backups', keep: 7 });
  });

  it('names each problem by its path', () => {
    expect(configProblems(`storage: { backup: { schedule: "every night", keep: 0, retain: 3 } }\n${chains}`)).toEqual([
      { path: 'storage.backup.schedule', message: 'must be a cron expression such as "0 3 * * *"' },
      { path: 'storage.backup.dir', message: 'is required' },
      { path: 'storage.backup.keep', message: 'Too small: expected number to be >=1' },
      { path: 'storage.backup.retain', message: 'unknown key' },
    ]);
  });
});

describe('scheduled backups', () => {
  it('run on schedule, keep the newest two, and count, size and log each one', async () => {
    const dir = join(tempDir('ere-backup-schedule-'), 'backups');
    const config = configWithBackups({ dir, keep: 2 });
    const service = await startCapturedService(config);
    let stopped = false;
    try {
      const body = await waitFor(
        async () => {
          const current = await metrics(service);
          return (metricValue(current, 'ere_backups_total{outcome="success"}') ?? 0) >= 4 && current;
        },
        20_000,
        'four scheduled backups',
      );
      expect(body).not.toContain('ere_backups_total{outcome="failure"}');
      const lastSuccess = metricValue(body, 'ere_backup_last_success_timestamp_seconds')!;
      expect(lastSuccess).toBeGreaterThan(Date.now() / 1_000 - 5);
      expect(metricValue(body, 'ere_backup_duration_seconds_count')).toBeGreaterThanOrEqual(4);
      const size = metricValue(body, 'ere_backup_size_bytes')!;
      expect(written(service).map((entry) => entry.bytes)).toContain(size);

      await service.stop();
      stopped = true;
      // Stopping ends a backup in progress and removes its temporary file: what is on disk is final now.
      const logged = written(service);
      expect(logged.length).toBeGreaterThanOrEqual(4);
      const files = readdirSync(dir);
      expect(files).toHaveLength(2);
      expect(files.map((name) => join(dir, name)).sort()).toEqual(logged.slice(-2).map((entry) => entry.path));
      for (const entry of logged.slice(-2)) expect(statSync(entry.path).size).toBe(entry.bytes);
      const pruned = service.logLines
        .map((line) => JSON.parse(line))
        .filter((line) => line.msg === 'old backups deleted');
      expect(pruned.flatMap((line) => line.deleted)).toEqual(
        logged.slice(0, -2).map((entry) => entry.path.slice(dir.length + 1)),
      );

      // The newest is a sound, self-contained copy of the database the service wrote.
      const newest = new BetterSqlite3(logged.at(-1)!.path, { readonly: true, fileMustExist: true });
      expect(newest.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(newest.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(newest.prepare('SELECT max(version) AS version FROM schema_migrations').get()).toEqual({
        version: readMigrations().at(-1)!.version,
      });
      const samples = (
        newest.prepare("SELECT count(*) AS n FROM rpc_samples WHERE endpoint = 'down'").get() as { n: number }
      ).n;
      expect(samples).toBeGreaterThan(0);
      newest.close();
      const live = new BetterSqlite3(config.storage.path, { readonly: true, fileMustExist: true });
      expect(
        (live.prepare("SELECT count(*) AS n FROM rpc_samples WHERE endpoint = 'down'").get() as { n: number }).n,
      ).toBeGreaterThanOrEqual(samples);
      live.close();
    } finally {
      if (!stopped) await service.stop();
    }
  }, 40_000);

  it('count a backup that cannot be written as a failure, with the reason logged', async () => {
    const blocker = join(tempDir('ere-backup-blocked-'), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const service = await startCapturedService(configWithBackups({ dir: join(blocker, 'backups'), keep: 2 }));
    try {
      const body = await waitFor(
        async () => {
          const current = await metrics(service);
          return (metricValue(current, 'ere_backups_total{outcome="failure"}') ?? 0) >= 1 && current;
        },
        10_000,
        'a failed scheduled backup',
      );
      expect(body).not.toContain('ere_backups_total{outcome="success"}');
      expect(metricValue(body, 'ere_backup_last_success_timestamp_seconds')).toBe(0);
      const failure = service.logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'backup failed');
      expect(failure).toMatchObject({ level: 50, module: 'backup' });
      expect(failure.err.message).toMatch(/ENOTDIR/);
    } finally {
      await service.stop();
    }
  });
});
