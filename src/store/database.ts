// Opens the SQLite database the way the service needs it: WAL, a busy timeout, and the schema migrated.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.js';

export type { Database };

export function openDatabase(path: string, options: { migrate?: boolean } = {}): { db: Database; applied: string[] } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a power loss may lose the last transactions, never corrupt the file.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const applied = options.migrate === false ? [] : migrate(db);
  return { db, applied };
}
