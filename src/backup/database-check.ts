// Judges a database file before it is trusted as a backup or restored: SQLite's own integrity check and
// the migrations it records, against the migrations this build knows. The reading itself runs in a worker
// (database-worker.ts).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Migration } from '../store/migrate.js';
import { BackupError } from './backup-error.js';
import {
  runDatabaseWorker,
  type AppliedMigration,
  type DatabaseFileFacts,
  type DatabaseWorkerFailure,
} from './database-worker.js';

export type { AppliedMigration, DatabaseFileFacts } from './database-worker.js';

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

/** A failure SQLite reported on the file `label` names, as the error an operator reads. */
export function databaseFailure(label: string, failure: Pick<DatabaseWorkerFailure, 'code' | 'message'>): BackupError {
  const { code, message } = failure;
  if (code === 'SQLITE_NOTADB')
    return new BackupError('not_a_database', `${label} is not an SQLite database: ${message}`);
  if (code.startsWith('SQLITE_CORRUPT')) return new BackupError('corrupt', `${label} is damaged: ${message}`);
  return new BackupError('corrupt', `${label} cannot be read as a database: ${code ? `${code}: ` : ''}${message}`);
}

/**
 * Reads the facts of a database file this process owns (a copy it just wrote): it may rewrite the file's
 * journal mode to a rollback journal, so that the file stands alone. `label` names the file in errors.
 */
export async function inspectDatabaseCopy(path: string, label: string = path): Promise<DatabaseFileFacts> {
  if (!hasSqliteHeader(path)) throw new BackupError('not_a_database', `${label} is not an SQLite database`);
  const answer = await runDatabaseWorker({ path });
  if ('failure' in answer) throw databaseFailure(label, answer.failure);
  return answer.facts;
}

/** What a backup needs: a sound file that is ERE's, at whatever schema version. `label` names it in errors. */
export function requireSoundEreDatabase(label: string, facts: DatabaseFileFacts): AppliedMigration[] {
  if (facts.integrity.length !== 1 || facts.integrity[0] !== 'ok') {
    throw new BackupError('corrupt', `${label} failed SQLite's integrity check`, {
      details: facts.integrity.slice(0, 5).join('; '),
    });
  }
  if (facts.migrations === null)
    throw new BackupError(
      'not_ere',
      `${label} is an SQLite database but not ERE Monitor's: it has no schema_migrations table`,
    );
  return facts.migrations;
}

/** What a restore needs besides soundness: a schema this build can run, now or after its migrations. */
export function judgeSchema(
  label: string,
  applied: readonly AppliedMigration[],
  known: readonly Migration[],
): SchemaJudgement {
  const knownVersion = known.at(-1)?.version ?? 0;
  const schemaVersion = applied.reduce((highest, migration) => Math.max(highest, migration.version), 0);
  if (schemaVersion > knownVersion) {
    throw new BackupError(
      'newer_schema',
      `${label} has schema version ${schemaVersion}, newer than this build's ${knownVersion}`,
      {
        details: 'it was written by a newer version of ERE Monitor; restore it with that version or a later one',
      },
    );
  }
  const byVersion = new Map(known.map((migration) => [migration.version, migration]));
  for (const migration of applied) {
    const ours = byVersion.get(migration.version);
    if (!ours)
      throw new BackupError(
        'unknown_migration',
        `${label} records migration ${migration.name}, which this build does not have`,
      );
    if (ours.checksum !== migration.checksum) {
      throw new BackupError(
        'edited_migration',
        `${label} records migration ${migration.name} with a different checksum than this build's`,
        {
          details: 'the service would refuse to start on it',
        },
      );
    }
  }
  const appliedVersions = new Set(applied.map((migration) => migration.version));
  return { schemaVersion, knownVersion, pending: known.filter((migration) => !appliedVersions.has(migration.version)) };
}
