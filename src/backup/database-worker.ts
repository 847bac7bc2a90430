// A worker thread for the work on database files that takes as long as the file is large: the online copy
// (`backup`) and SQLite's integrity check. A service taking a scheduled backup runs none of it on its event
// loop, so its probes and HTTP go on meanwhile.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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

export interface DatabaseWorkerFailure {
  /** `copy`: reading the source or writing the copy failed; `check`: opening or checking the copy did. */
  phase: 'copy' | 'check';
  code: string;
  message: string;
}

// Plain JavaScript, evaluated as a module in the worker: the same text runs from src/ under tests and from dist/.
const workerSource = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  let phase = 'copy';
  let db;
  try {
    if (workerData.copyFrom) {
      const source = new Database(workerData.copyFrom, { fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        // One step, one read transaction: a consistent snapshot that writers in WAL mode do not wait for.
        // Copied in several steps, any write by another connection would start the copy again.
        await source.backup(workerData.path, { progress: () => 0x7fffffff });
      } finally {
        source.close();
      }
    }
    phase = 'check';
    db = new Database(workerData.path, { fileMustExist: true });
    // One self-contained file: no -wal beside the copy, whatever mode the source was in.
    db.pragma('journal_mode = DELETE');
    const integrity = db.pragma('integrity_check(20)').map((row) => row.integrity_check);
    const migrationsTable = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
    const hasTable = db.prepare(migrationsTable).get() !== undefined;
    const applied = 'SELECT version, name, checksum FROM schema_migrations ORDER BY version';
    const migrations = hasTable ? db.prepare(applied).all() : null;
    parentPort.postMessage({ facts: { integrity, migrations } });
  } catch (error) {
    parentPort.postMessage({ failure: { phase, code: String(error.code ?? ''), message: String(error.message) } });
  } finally {
    db?.close();
  }
})();
`;

const driverUrl = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;

/**
 * Checks the database file at `path`, after copying `copyFrom` there when given. An abort terminates the
 * worker, which closes its connections; the caller removes what it wrote.
 */
export function runDatabaseWorker(
  job: { path: string; copyFrom?: string },
  signal?: AbortSignal,
): Promise<{ facts: DatabaseFileFacts } | { failure: DatabaseWorkerFailure }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BackupError('aborted', 'the backup was stopped before it completed'));
    const worker = new Worker(workerSource, { eval: true, workerData: { driver: driverUrl, ...job } });
    const abort = () => void worker.terminate();
    signal?.addEventListener('abort', abort, { once: true });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(new BackupError('aborted', 'the backup was stopped before it completed'));
      else reject(new Error(`the database worker stopped (exit code ${code}) before it answered`));
    });
  });
}
