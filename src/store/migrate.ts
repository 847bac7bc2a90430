// Applies the numbered SQL files in migrations/ in order, each in a transaction, and refuses to run
// against a database whose applied migrations were edited afterwards.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { EreError } from '../domain/errors.js';

/** migrations/ sits two levels above this file both in src/store and in dist/store. */
export const defaultMigrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends EreError {
  override name = 'MigrationError';
}

const fileNamePattern = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string = defaultMigrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = fileNamePattern.exec(file);
      if (!match) throw new MigrationError(`migration file name "${file}" is not NNN_name.sql`);
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return { version: Number(match[1]), name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (index > 0 && migration.version === migrations[index - 1]!.version)
      throw new MigrationError(`two migrations have version ${migration.version}`);
  });
  return migrations;
}

/** Applies pending migrations and returns the names of those it applied (empty when up to date). */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = readMigrations(),
  now: () => number = Date.now,
): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
  )`);
  const applied = new Map(
    (
      db.prepare('SELECT version, name, checksum FROM schema_migrations').all() as {
        version: number;
        name: string;
        checksum: string;
      }[]
    ).map((row) => [row.version, row]),
  );
  for (const migration of migrations) {
    const row = applied.get(migration.version);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationError(`migration ${row.name} was edited after it was applied`, {
        details: 'applied migrations are never edited; add a new migration instead',
      });
    }
  }
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = [...applied.values()].filter((row) => !known.has(row.version));
  if (unknown.length > 0) {
    throw new MigrationError(
      `the database has migrations this version does not know: ${unknown.map((row) => row.name).join(', ')}`,
      {
        details: 'it was migrated by a newer version of ERE Monitor',
      },
    );
  }

  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)',
  );
  const pending = migrations.filter((migration) => !applied.has(migration.version));
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migration.checksum, now());
    })();
  }
  return pending.map((migration) => migration.name);
}

export function pendingMigrations(db: Database, migrations: readonly Migration[] = readMigrations()): Migration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [...migrations];
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  return migrations.filter((migration) => !applied.has(migration.version));
}
