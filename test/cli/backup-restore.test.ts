// `ere backup` and `ere restore` as users run them (the built bin/ere.js in a child process), on real
// SQLite files: what each refuses, with its message, leaving the target byte for byte as it was; what a
// restore keeps; an older backup restored and migrated; a running service's database never replaced.

import { createHash } from 'node:crypto';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { runEre as ere } from '../helpers/ere-cli.js';
import { startCapturedService, tempDir, testConfig } from '../helpers/service.js';

const known = readMigrations();
const newest = known.at(-1)!;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** An ERE database with one silence whose comment marks it, closed cleanly (no -wal left). */
function ereDatabase(path: string, marker: string, migrations = known): string {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  migrate(db, migrations);
  db.prepare(
    'INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, created_by, comment, ' +
      "created_at_ms, updated_at_ms) VALUES (?, '[]', 0, 1, 'test', ?, 0, 0)",
  ).run(marker, marker);
  db.close();
  return path;
}

function markers(path: string): string[] {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT comment FROM silences ORDER BY comment').all() as { comment: string }[]).map(
      (row) => row.comment,
    );
  } finally {
    db.close();
  }
}

/** A target database and a snapshot of its directory, to show that a refusal changed nothing. */
function targetDatabase() {
  const dir = tempDir('ere-restore-target-');
  const path = ereDatabase(join(dir, 'ere.db'), 'target');
  const snapshot = () => Object.fromEntries(readdirSync(dir).map((name) => [name, sha256(join(dir, name))]));
  return { dir, path, before: snapshot(), snapshot };
}

async function expectRefused(from: string, message: RegExp) {
  const target = targetDatabase();
  const result = await ere(['restore', '--from', from, '--db', target.path, '--force']);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  expect(result.stdout).toBe('');
  expect(target.snapshot()).toEqual(target.before);
  expect(Object.keys(target.before)).toEqual(['ere.db']);
  return result;
}

describe('ere restore refuses', () => {
  it('a file that is not a database', async () => {
    const from = join(tempDir(), 'notes.db');
    writeFileSync(from, 'these are notes, not a database\n'.repeat(200));
    await expectRefused(from, new RegExp(`ere restore: ${from} is not an SQLite database`));
  });

  it('a backup with garbled pages', async () => {
    const from = ereDatabase(join(tempDir(), 'garbled.db'), 'source');
    const pageSize = 4096;
    const pages = statSync(from).size / pageSize;
    expect(pages).toBeGreaterThan(20);
    // Every page after the schema's first, overwritten with a pattern that is no b-tree page.
    const fd = openSync(from, 'r+');
    for (let page = 2; page < pages; page += 1)
      writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
    closeSync(fd);
    await expectRefused(from, new RegExp(`ere restore: ${from} (failed SQLite's integrity check|is damaged)`));
  });

  it('a truncated backup', async () => {
    const from = ereDatabase(join(tempDir(), 'truncated.db'), 'source');
    truncateSync(from, Math.floor(statSync(from).size / 2));
    await expectRefused(from, new RegExp(`ere restore: ${from} (failed SQLite's integrity check|is damaged)`));
  });

  it("an SQLite database that is not ERE Monitor's", async () => {
    const from = join(tempDir(), 'other.db');
    const other = new BetterSqlite3(from);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    await expectRefused(from, /is an SQLite database but not ERE Monitor's: it has no schema_migrations table/);
  });

  it('a backup from a newer version, naming both schema versions', async () => {
    const from = ereDatabase(join(tempDir(), 'newer.db'), 'source');
    const db = new BetterSqlite3(from);
    db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)').run(
      newest.version + 1,
      'from_the_future.sql',
      'x',
      Date.now(),
    );
    db.close();
    await expectRefused(
      from,
      new RegExp(`${from} has schema version ${newest.version + 1}, newer than this build's ${newest.version}`),
    );
  });

  it('a live database with its write-ahead log beside it', async () => {
    const from = join(tempDir(), 'live.db');
    const live = openDatabase(from).db;
    live
      .prepare(
        'INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, created_by, comment, ' +
          "created_at_ms, updated_at_ms) VALUES ('s', '[]', 0, 1, 't', 'live', 0, 0)",
      )
      .run();
    try {
      await expectRefused(from, /has a write-ahead log beside it/);
    } finally {
      live.close();
    }
  });

  it('to replace a database without --force, and backup to overwrite a file without --force', async () => {
    const from = ereDatabase(join(tempDir(), 'b.db'), 'source');
    const target = targetDatabase();
    const restore = await ere(['restore', '--from', from, '--db', target.path]);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain(`a database exists at ${target.path}`);
    expect(restore.stderr).toContain('--force');
    expect(target.snapshot()).toEqual(target.before);

    const existing = join(target.dir, 'existing.db');
    writeFileSync(existing, 'keep me');
    const backup = await ere(['backup', '--db', target.path, '--to', existing]);
    expect(backup.status).toBe(1);
    expect(backup.stderr).toContain(`ere backup: ${existing} exists`);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(readdirSync(target.dir).sort()).toEqual(['ere.db', 'existing.db']);
  });

  it('while a service runs on the database, and restores once it has stopped', async () => {
    const backupFile = join(tempDir(), 'b.db');
    ereDatabase(backupFile, 'from-backup');
    const dir = tempDir('ere-restore-running-');
    const dbPath = join(dir, 'ere.db');
    // Nothing listens on port 9: the probes fail, and the service goes on writing their samples.
    const service = await startCapturedService(testConfig([{ id: 'down', url: 'http://127.0.0.1:9/' }], { dbPath }));
    let stopped = false;
    try {
      const result = await ere(['restore', '--from', backupFile, '--db', dbPath, '--force']);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`ere restore: ${dbPath} is open in another process`);
      expect(result.stderr).toContain('stop the ERE service');
      // The service's own database, still in use: no silence from the backup, nothing kept, no copy left.
      expect(service.db.prepare('SELECT count(*) AS n FROM silences').get()).toEqual({ n: 0 });
      expect(readdirSync(dir).filter((name) => !/^ere\.db(-wal|-shm)?$/.test(name))).toEqual([]);
      const samplesBefore = (service.db.prepare('SELECT count(*) AS n FROM rpc_samples').get() as { n: number }).n;
      await new Promise((resolve) => setTimeout(resolve, 400));
      service.flush();
      expect((service.db.prepare('SELECT count(*) AS n FROM rpc_samples').get() as { n: number }).n).toBeGreaterThan(
        samplesBefore,
      );
      await service.stop();
      stopped = true;

      const restored = await ere(['restore', '--from', backupFile, '--db', dbPath, '--force']);
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      expect(markers(dbPath)).toEqual(['from-backup']);
    } finally {
      if (!stopped) await service.stop();
    }
  });
});

describe('ere restore', () => {
  it('replaces the database, keeps the old one byte for byte, and leaves no log of the old one behind', async () => {
    const from = ereDatabase(join(tempDir(), 'b.db'), 'from-backup');
    const target = targetDatabase();
    // A log and shared memory as a crashed service leaves them: they belong to the old database.
    writeFileSync(`${target.path}-shm`, Buffer.alloc(32_768));
    const oldBytes = sha256(target.path);
    const result = await ere(['restore', '--from', from, '--db', target.path, '--force']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const kept = readdirSync(target.dir).filter((name) => name.startsWith('ere.db.before-restore-'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^ere\.db\.before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/);
    expect(result.stdout).toBe(
      `restored ${from} into ${target.path}: ${(statSync(from).size / 1024).toFixed(1)} ` +
        `KiB (${statSync(from).size} bytes), schema version ${newest.version}\n` +
        `kept the replaced database as ${join(target.dir, kept[0]!)}\n`,
    );
    expect(sha256(join(target.dir, kept[0]!))).toBe(oldBytes);
    expect(readdirSync(target.dir).sort()).toEqual(['ere.db', kept[0]]);
    expect(markers(join(target.dir, kept[0]!))).toEqual(['target']);
    expect(markers(target.path)).toEqual(['from-backup']);
    // The restored database is what the service opens: migrations up to date, data there.
    const { db, applied } = openDatabase(target.path);
    expect(applied).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('--no-keep replaces the database without keeping it', async () => {
    const from = ereDatabase(join(tempDir(), 'b.db'), 'from-backup');
    const target = targetDatabase();
    const result = await ere(['restore', '--from', from, '--db', target.path, '--force', '--no-keep']);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('kept');
    expect(readdirSync(target.dir)).toEqual(['ere.db']);
    expect(markers(target.path)).toEqual(['from-backup']);
  });

  it(
    'restores an older backup, says which migrations apply at ' + 'the next start, and the service applies them',
    async () => {
      const older = known.slice(0, -1);
      // A backup taken by the build before the newest migration.
      const fromOlder = ereDatabase(join(tempDir(), 'older.db'), 'older', older);
      const dbPath = join(tempDir('ere-restore-new-'), 'data', 'ere.db');
      const result = await ere(['restore', '--from', fromOlder, '--db', dbPath]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        `schema version ${older.at(-1)!.version} is older than this build's ${newest.version}: ` +
          `${newest.name} apply when the service next starts (or run ere migrate --db ${dbPath})`,
      );
      expect(result.stdout).not.toContain('kept');
      const { db, applied } = openDatabase(dbPath);
      expect(applied).toEqual([newest.name]);
      db.close();
      expect(markers(dbPath)).toEqual(['older']);
    },
  );
});

describe('ere backup', () => {
  it('writes a checked copy and says what it wrote; --force replaces an older backup', async () => {
    const dir = tempDir('ere-backup-cli-');
    const source = ereDatabase(join(dir, 'ere.db'), 'source');
    const to = join(dir, 'backups', 'nightly.db');
    const first = await ere(['backup', '--db', source, '--to', to]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^wrote ${to}: [\\d.]+ KiB \\(${statSync(to).size} bytes\\), ` +
          `schema version ${newest.version}, in \\d+\\.\\d\\d s\\n$`,
      ),
    );
    expect(markers(to)).toEqual(['source']);
    // One self-contained file: a rollback journal, so no -wal is needed beside it.
    expect(readFileSync(to).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(readdirSync(join(dir, 'backups'))).toEqual(['nightly.db']);

    const db = new BetterSqlite3(source);
    db.prepare(
      'INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, created_by, comment, ' +
        "created_at_ms, updated_at_ms) VALUES ('later', '[]', 0, 1, 't', 'later', 0, 0)",
    ).run();
    db.close();
    const again = await ere(['backup', '--db', source, '--to', to, '--force']);
    expect(again.status).toBe(0);
    expect(markers(to)).toEqual(['later', 'source']);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['nightly.db']);
  });

  it('says that there is no database, or no database named, with exit codes 1 and 2', async () => {
    const dir = tempDir();
    const missing = await ere(['backup', '--db', join(dir, 'none.db'), '--to', join(dir, 'b.db')]);
    expect(missing).toMatchObject({ status: 1, stderr: `ere backup: no database at ${join(dir, 'none.db')}\n` });
    const unnamed = await ere(['backup', '--to', join(dir, 'b.db')]);
    expect(unnamed.status).toBe(2);
    expect(unnamed.stderr).toContain('--config <file> or --db <file> is required');
    expect(readdirSync(dir)).toEqual([]);
  });
});
