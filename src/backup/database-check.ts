// Checks a database file before it is trusted as a backup or restored: SQLite's own integrity check and
// the migrations it records, judged against the migrations this build knows.
//
// The integrity check reads every page, which takes seconds on a large database. It runs in a worker
// thread so that a service taking a scheduled backup keeps probing meanwhile.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Migration } from '../store/migrate.js';
import { BackupError } from './backup-error.js';

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export interface DatabaseFileFacts {
  /** `['ok']` when sound, else the first problems SQLite lists. */
  integrity: string[];
  /** null when the file has no `schema_migrations` table. */
  migrations: AppliedMigration[] | null;
}

export interface SchemaJudgement {
  /** The highest migration applied, 0 when none. */
  schemaVersion: number;
  /** The newest migration this build knows. */
  knownVersion: number;
  /** Migrations this build knows that the file lacks: they apply at the next start. */
  pending: Migration[];
}

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
const headerBytes = 100;

/** Whether the file starts with SQLite's header; an empty file is a database to SQLite, but not a backup. */
export function hasSqliteHeader(path: string): boolean {
  if (statSync(path).size < headerBytes) return false;
  const header = Buffer.alloc(sqliteMagic.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header.equals(sqliteMagic);
}

// Plain JavaScript, evaluated as a module in the worker: the same text runs from src/ under tests and from dist/.
const workerSource = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  let db;
  try {
    db = new Database(workerData.path, { fileMustExist: true });
    // One self-contained file: no -wal beside the copy, whatever mode the source was in.
    db.pragma('journal_mode = DELETE');
    const integrity = db.pragma('integrity_check(20)').map((row) => row.integrity_check);
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const migrations = hasTable ? db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() : null;
    parentPort.postMessage({ facts: { integrity, migrations } });
  } catch (error) {
    parentPort.postMessage({ error: { code: String(error.code ?? ''), message: String(error.message) } });
  } finally {
    db?.close();
  }
})();
`;

const driverUrl = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;

/**
 * Reads the facts of a database file this process owns (a copy it just wrote): it may rewrite the file's
 * journal mode to a rollback journal, so that the file stands alone.
 */
export async function inspectDatabaseCopy(path: string, label: string = path): Promise<DatabaseFileFacts> {
  if (!hasSqliteHeader(path)) throw new BackupError('not_a_database', `${label} is not an SQLite database`);
  const answer = await new Promise<{ facts?: DatabaseFileFacts; error?: { code: string; message: string } }>((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: { driver: driverUrl, path } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the database check stopped (exit code ${code}) before it answered`)));
  });
  if (answer.facts) return answer.facts;
  const { code, message } = answer.error!;
  if (code === 'SQLITE_NOTADB') throw new BackupError('not_a_database', `${label} is not an SQLite database: ${message}`);
  if (code.startsWith('SQLITE_CORRUPT')) throw new BackupError('corrupt', `${label} is damaged: ${message}`);
  throw new BackupError('corrupt', `${label} cannot be read as a database: ${code ? `${code}: ` : ''}${message}`);
}

/** What a backup needs: a sound file that is ERE's, at whatever schema version. `label` names it in errors. */
export function requireSoundEreDatabase(label: string, facts: DatabaseFileFacts): AppliedMigration[] {
  if (facts.integrity.length !== 1 || facts.integrity[0] !== 'ok') {
    throw new BackupError('corrupt', `${label} failed SQLite's integrity check`, { details: facts.integrity.slice(0, 5).join('; ') });
  }
  if (facts.migrations === null) throw new BackupError('not_ere', `${label} is an SQLite database but not ERE Monitor's: it has no schema_migrations table`);
  return facts.migrations;
}

/** What a restore needs besides soundness: a schema this build can run, now or after its migrations. */
export function judgeSchema(label: string, applied: readonly AppliedMigration[], known: readonly Migration[]): SchemaJudgement {
  const knownVersion = known.at(-1)?.version ?? 0;
  const schemaVersion = applied.reduce((highest, migration) => Math.max(highest, migration.version), 0);
  if (schemaVersion > knownVersion) {
    throw new BackupError('newer_schema', `${label} has schema version ${schemaVersion}, newer than this build's ${knownVersion}`, {
      details: 'it was written by a newer version of ERE Monitor; restore it with that version or a later one',
    });
  }
  const byVersion = new Map(known.map((migration) => [migration.version, migration]));
  for (const migration of applied) {
    const ours = byVersion.get(migration.version);
    if (!ours) throw new BackupError('unknown_migration', `${label} records migration ${migration.name}, which this build does not have`);
    if (ours.checksum !== migration.checksum) {
      throw new BackupError('edited_migration', `${label} records migration ${migration.name} with a different checksum than this build's`, {
        details: 'the service would refuse to start on it',
      });
    }
  }
  const appliedVersions = new Set(applied.map((migration) => migration.version));
  return { schemaVersion, knownVersion, pending: known.filter((migration) => !appliedVersions.has(migration.version)) };
}
