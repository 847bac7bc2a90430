// The online backup as the service runs it, in this process on a real 60 MB database: copied and checked
// in a worker thread, so that the event loop keeps turning and the service's connection goes on writing;
// stopped midway it leaves nothing behind.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackupError } from '../../src/backup/backup-error.js';
import { backupDatabase } from '../../src/backup/online-backup.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { tempDir } from '../helpers/service.js';

/** An ERE database grown to about 60 MB with a table of random blobs. */
function largeDatabase(): { db: Database; dir: string } {
  const dir = tempDir('ere-backup-online-');
  const { db } = openDatabase(join(dir, 'ere.db'));
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  db.exec(
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ' +
      '15000) INSERT INTO filler (body) SELECT randomblob(4000) FROM n',
  );
  // Folded into the file now, so that no checkpoint of the filler stalls the writes measured later.
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, dir };
}

/** The longest the event loop went without running a 1 ms timer while `work` ran, and whether writes went on. */
async function loopGaps<T>(
  db: Database,
  work: () => Promise<T>,
): Promise<{ result: T; maxGapMs: number; writes: number }> {
  const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(100))');
  let last = performance.now();
  let maxGapMs = 0;
  let writes = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    insert.run();
    writes += 1;
  }, 1);
  try {
    const result = await work();
    return { result, maxGapMs: Math.max(maxGapMs, performance.now() - last), writes };
  } finally {
    clearInterval(timer);
  }
}

const count = (path: string) => {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('online backup of the service database', () => {
  it('leaves the event loop free and the connection writing, and copies one moment between them', async () => {
    const { db, dir } = largeDatabase();
    try {
      const before = (db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
      const backup = await loopGaps(db, () => backupDatabase(db.name, join(dir, 'b.db')));
      const after = (db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;

      expect(backup.result.bytes).toBeGreaterThan(60_000_000);
      expect(backup.writes).toBeGreaterThan(20);
      // Copying 60 MB, syncing and checking it on the event loop would stall it for most of the backup.
      expect(backup.maxGapMs * 3).toBeLessThan(backup.result.durationMs);
      const copied = count(join(dir, 'b.db'));
      expect(copied).toBeGreaterThanOrEqual(before);
      expect(copied).toBeLessThanOrEqual(after);
      expect(readdirSync(dir).sort()).toEqual(['b.db', 'ere.db', 'ere.db-shm', 'ere.db-wal']);
    } finally {
      db.close();
    }
  }, 60_000);

  it('stops where it is when aborted, leaving neither the destination nor a temporary file', async () => {
    const { db, dir } = largeDatabase();
    try {
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 30);
      const error = await backupDatabase(db.name, join(dir, 'b.db'), { signal: stop.signal }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(BackupError);
      expect((error as BackupError).code).toBe('aborted');
      expect(readdirSync(dir).sort()).toEqual(['ere.db', 'ere.db-shm', 'ere.db-wal']);
      // The database is not left locked by the stopped copy: the service's connection still writes.
      db.prepare("INSERT INTO filler (body) VALUES (x'00')").run();
    } finally {
      db.close();
    }
  }, 60_000);
});
