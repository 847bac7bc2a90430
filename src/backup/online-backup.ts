// A consistent copy of a live database through SQLite's online backup API, written beside the destination,
// checked, and renamed into place only when complete: a destination path never holds half a backup.

import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { BackupError } from './backup-error.js';
import { inspectDatabaseCopy, requireSoundEreDatabase, hasSqliteHeader } from './database-check.js';
import { fsyncDirectory, fsyncFile, removeDatabaseFiles, tempPathBeside } from './durable-file.js';

export interface BackupOptions {
  /** Replace an existing destination file. */
  force?: boolean;
  /**
   * Pages copied per step, the event loop running between steps. Writes through `db` itself reach the
   * copy as they happen, but a write by another connection restarts a stepped copy from its first page:
   * a process copying a database another process writes takes it in one step (the default).
   */
  pagesPerStep?: number;
  signal?: AbortSignal;
}

export interface BackupResult {
  path: string;
  bytes: number;
  /** The highest migration the copy records. */
  schemaVersion: number;
  durationMs: number;
}

const allPages = 0x7fff_ffff;

/** Opens a database only to read it for a backup: no migrations, no change of journal mode. */
export function openForBackup(path: string): Database {
  if (!existsSync(path)) throw new BackupError('source_missing', `no database at ${path}`);
  if (!hasSqliteHeader(path)) throw new BackupError('not_a_database', `${path} is not an SQLite database`);
  const db = new BetterSqlite3(path, { fileMustExist: true });
  // The service may hold the write lock for a moment; wait as long as it would.
  db.pragma('busy_timeout = 5000');
  return db;
}

export async function backupDatabase(db: Database, destination: string, options: BackupOptions = {}): Promise<BackupResult> {
  const started = performance.now();
  const path = resolve(destination);
  if (path === resolve(db.name)) throw new BackupError('destination_exists', `${destination} is the database itself`);
  if (!options.force && existsSync(path)) throw new BackupError('destination_exists', `${destination} exists`, { details: 'choose another file, or replace it with --force' });
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathBeside(path, 'backup');
  try {
    await db.backup(temp, {
      progress: () => {
        if (options.signal?.aborted) throw new BackupError('aborted', 'the backup was stopped before it completed');
        return options.pagesPerStep ?? allPages;
      },
    });
    const label = `the copy of ${db.name}`;
    const applied = requireSoundEreDatabase(label, await inspectDatabaseCopy(temp, label));
    fsyncFile(temp);
    if (!options.force && existsSync(path)) throw new BackupError('destination_exists', `${destination} appeared while the backup ran`);
    renameSync(temp, path);
    fsyncDirectory(dirname(path));
    return {
      path,
      bytes: statSync(path).size,
      schemaVersion: applied.reduce((highest, migration) => Math.max(highest, migration.version), 0),
      durationMs: performance.now() - started,
    };
  } catch (error) {
    removeDatabaseFiles(temp);
    throw error;
  }
}
