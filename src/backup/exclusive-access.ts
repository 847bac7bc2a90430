// Proof that no other process has a database open, held while a restore replaces it.
//
// In WAL mode every connection holds a shared lock on the database file for as long as it is open, not
// only while it reads, and the lock is the kernel's: it goes when the process goes, even on SIGKILL, so
// unlike a pid file it is never stale. Asking for the exclusive lock, without waiting, therefore fails
// exactly while a service (or an `ere backup`, `ere report`, a sqlite3 shell) has the file open. SQLite
// keeps the same account between connections of one process, so a service in this process counts too.

import BetterSqlite3, { type Database } from 'better-sqlite3';
import { BackupError } from './backup-error.js';

export interface ExclusiveAccess {
  /** Folds the write-ahead log into the database file, so that the file alone holds every commit. */
  checkpoint(): void;
  /** Closes the connection; SQLite removes the emptied write-ahead log as the last one out. */
  release(): void;
}

export type ExclusiveAccessResult = { kind: 'held'; access: ExclusiveAccess } | { kind: 'damaged'; reason: string };

export function acquireExclusiveAccess(path: string): ExclusiveAccessResult {
  let db: Database;
  try {
    db = new BetterSqlite3(path, { fileMustExist: true });
  } catch (error) {
    return { kind: 'damaged', reason: (error as Error).message };
  }
  try {
    db.pragma('busy_timeout = 0');
    // In exclusive locking mode a lock once taken is kept until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new BackupError('in_use', `${path} is open in another process`, {
        details:
          'stop the ERE service that uses it (and any ere backup, ere ' +
          'report or sqlite3 shell reading it), then restore again',
      });
    }
    // A file SQLite cannot read is replaced as it is; there is nothing to lock or to fold into it.
    return { kind: 'damaged', reason: (error as Error).message };
  }
  return {
    kind: 'held',
    access: {
      checkpoint: () => void db.pragma('wal_checkpoint(TRUNCATE)'),
      release: () => db.close(),
    },
  };
}
