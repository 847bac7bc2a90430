// The names scheduled backups get, and the pruning that keeps the newest of them: only files whose names
// this module wrote for this database are ever listed, so nothing else in the directory is touched.

import { readdirSync, rmSync, type Dirent } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** A UTC time that sorts as it reads and is a valid file name everywhere: 2026-10-21T03-00-00.123Z. */
export function fileTimestamp(ms: number): string {
  return new Date(ms).toISOString().replaceAll(':', '-');
}

const timestampPattern = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z`;

function stemOf(databasePath: string): string {
  return basename(databasePath, extname(databasePath)) || 'ere';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `ere.db` backed up at a time → `ere-backup-2026-10-21T03-00-00.123Z.db`. */
export function backupFileName(databasePath: string, ms: number): string {
  return `${stemOf(databasePath)}-backup-${fileTimestamp(ms)}.db`;
}

/** The scheduled backups of this database in `dir`, oldest first. */
export function listBackups(dir: string, databasePath: string): string[] {
  const pattern = new RegExp(`^${escapeRegExp(stemOf(databasePath))}-backup-${timestampPattern}\\.db$`);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Deletes all but the newest `keep` backups; returns the names deleted. */
export function pruneBackups(dir: string, databasePath: string, keep: number): string[] {
  const backups = listBackups(dir, databasePath);
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of old) rmSync(join(dir, name), { force: true });
  return old;
}
