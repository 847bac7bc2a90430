// Puts a backup in place of a database, after checking everything that can be checked without touching
// it: the backup is a sound ERE database of a schema this build can run, and no process has the target open.
// The target is replaced by a rename, so at every moment its path holds either the old database or the
// restored one, never a mix; the old one is kept beside it unless asked not to.

import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readMigrations, type Migration } from '../store/migrate.js';
import { BackupError } from './backup-error.js';
import { fileTimestamp } from './backup-files.js';
import {
  hasSqliteHeader,
  inspectDatabaseCopy,
  judgeSchema,
  requireSoundEreDatabase,
  type SchemaJudgement,
} from './database-check.js';
import { fsyncDirectory, fsyncFile, removeDatabaseFiles, tempPathBeside } from './durable-file.js';
import { acquireExclusiveAccess } from './exclusive-access.js';

export interface RestoreOptions {
  from: string;
  to: string;
  /** Replace a database that exists at `to`. */
  force?: boolean;
  /** Keep the replaced database as `<to>.before-restore-<time>` (the default). */
  keep?: boolean;
  now?: () => number;
  migrations?: readonly Migration[];
}

export interface RestoreResult extends SchemaJudgement {
  from: string;
  to: string;
  bytes: number;
  /** Where the replaced database was kept; null when there was none or it was not kept. */
  kept: string | null;
  /** Why the replaced database could not be opened, when it could not (it is kept as it was). */
  damagedTarget: string | null;
}

function checkSource(from: string, to: string, force: boolean): void {
  if (!existsSync(from) || !statSync(from).isFile())
    throw new BackupError('source_missing', `no backup file at ${from}`);
  if (resolve(from) === resolve(to)) throw new BackupError('target_exists', `${from} is the database to restore into`);
  if (!hasSqliteHeader(from)) throw new BackupError('not_a_database', `${from} is not an SQLite database`);
  if (existsSync(`${from}-wal`) && statSync(`${from}-wal`).size > 0) {
    throw new BackupError(
      'live_wal',
      `${from} has a write-ahead log beside it (${from}-wal): it is a live database, not a backup`,
      {
        details: 'take a backup of it with ere backup and restore that',
      },
    );
  }
  if (!force && existsSync(to)) {
    throw new BackupError('target_exists', `a database exists at ${to}`, {
      details: 'restore with --force to replace it (it is kept beside it unless --no-keep)',
    });
  }
}

/** A second name for the old database, taken before the swap so that its path is never empty. */
async function keepAside(to: string, kept: string): Promise<void> {
  try {
    linkSync(to, kept);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    copyFileSync(to, kept); // a file system without hard links
    await fsyncFile(kept);
  }
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const { from, to } = options;
  checkSource(from, to, options.force ?? false);
  mkdirSync(dirname(resolve(to)), { recursive: true });
  // The copy sits beside the target from the start: checked there, it is exactly what the rename installs.
  const temp = tempPathBeside(resolve(to), 'restore');
  try {
    copyFileSync(from, temp);
    const applied = requireSoundEreDatabase(from, await inspectDatabaseCopy(temp, from));
    const judgement = judgeSchema(from, applied, options.migrations ?? readMigrations());
    await fsyncFile(temp);

    let kept: string | null = null;
    let damagedTarget: string | null = null;
    if (existsSync(to)) {
      const lock = acquireExclusiveAccess(to);
      if (lock.kind === 'held') {
        try {
          lock.access.checkpoint();
        } catch (error) {
          damagedTarget = `its write-ahead log could not be folded into it: ${(error as Error).message}`;
        } finally {
          // Closed before the swap: the last connection out deletes `<to>-wal` by name, which must not be
          // the restored database's.
          lock.access.release();
        }
      } else {
        damagedTarget = lock.reason;
      }
      if (options.keep ?? true) {
        kept = `${to}.before-restore-${fileTimestamp((options.now ?? Date.now)())}`;
        await keepAside(to, kept);
        // Commits the log still holds stay with the database they belong to.
        if (damagedTarget !== null && existsSync(`${to}-wal`)) copyFileSync(`${to}-wal`, `${kept}-wal`);
      }
    }
    // A log or shared-memory file left by the old database would be read as the new one's.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${to}${suffix}`, { force: true });
    renameSync(temp, to);
    await fsyncDirectory(dirname(resolve(to)));
    return { from, to, bytes: statSync(to).size, kept, damagedTarget, ...judgement };
  } catch (error) {
    removeDatabaseFiles(temp);
    throw error;
  }
}
