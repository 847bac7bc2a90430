// File steps that survive a crash: a temporary name beside the final one, fsync of the file and of its
// directory (a rename is durable only once the directory is), and cleanup of what a failed step left.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A hidden name in the same directory, so that the final rename stays on one file system. */
export function tempPathBeside(path: string, purpose: string): string {
  return join(dirname(path), `.${basename(path)}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Asynchronous, so that a service fsyncing a large backup goes on serving meanwhile. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return; // Some platforms cannot open a directory; their renames are as durable as they get.
  }
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL); nothing more can be done there.
  } finally {
    await handle.close();
  }
}

/** Removes a database file and the journal files SQLite may have left beside it. */
export function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}
