// File steps that survive a crash: a temporary name beside the final one, fsync of the file and of its
// directory (a rename is durable only once the directory is), and cleanup of what a failed step left.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A hidden name in the same directory, so that the final rename stays on one file system. */
export function tempPathBeside(path: string, purpose: string): string {
  return join(dirname(path), `.${basename(path)}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // Some platforms cannot open a directory; their renames are as durable as they get.
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL); nothing more can be done there.
  } finally {
    closeSync(fd);
  }
}

/** Removes a database file and the journal files SQLite may have left beside it. */
export function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}
