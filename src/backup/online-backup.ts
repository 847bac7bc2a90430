// A consistent copy of a live database through SQLite's online backup API, written beside the destination,
// checked, and renamed into place only when complete: a destination path never holds half a backup.
// Copy and check run in a worker thread on their own connections (database-worker.ts).

import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BackupError } from './backup-error.js';
import { databaseFailure, hasSqliteHeader, requireSoundEreDatabase } from './database-check.js';
import { runDatabaseWorker } from './database-worker.js';
import { fsyncDirectory, fsyncFile, removeDatabaseFiles, tempPathBeside } from './durable-file.js';

export interface BackupOptions {
  /** Replace an existing destination file. */
  force?: boolean;
  /** Stops the copy or the check where it is; nothing is left at the destination. */
  signal?: AbortSignal;
}

export interface BackupResult {
  path: string;
  bytes: number;
  /** The highest migration the copy records. */
  schemaVersion: number;
  durationMs: number;
}

/** Refuses at once what cannot be backed up, before any file is written. */
export function checkBackupSource(source: string): void {
  if (!existsSync(source)) throw new BackupError('source_missing', `no database at ${source}`);
  if (!hasSqliteHeader(source)) throw new BackupError('not_a_database', `${source} is not an SQLite database`);
}

export async function backupDatabase(
  source: string,
  destination: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = performance.now();
  checkBackupSource(source);
  const path = resolve(destination);
  if (path === resolve(source)) throw new BackupError('destination_exists', `${destination} is the database itself`);
  if (!options.force && existsSync(path))
    throw new BackupError('destination_exists', `${destination} exists`, {
      details: 'choose another file, or replace it with --force',
    });
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathBeside(path, 'backup');
  try {
    const answer = await runDatabaseWorker({ path: temp, copyFrom: resolve(source) }, options.signal);
    if ('failure' in answer) {
      const { phase, code, message } = answer.failure;
      if (phase === 'check') throw databaseFailure(`the copy of ${source}`, answer.failure);
      if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) throw databaseFailure(source, answer.failure);
      throw new BackupError('corrupt', `copying ${source} failed: ${code ? `${code}: ` : ''}${message}`);
    }
    const applied = requireSoundEreDatabase(`the copy of ${source}`, answer.facts);
    await fsyncFile(temp);
    if (!options.force && existsSync(path))
      throw new BackupError('destination_exists', `${destination} appeared while the backup ran`);
    renameSync(temp, path);
    await fsyncDirectory(dirname(path));
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
