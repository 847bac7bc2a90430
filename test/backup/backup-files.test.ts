// Names of scheduled backups and their pruning: oldest first, and only files named for this database.

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupFileName, listBackups, pruneBackups } from '../../src/backup/backup-files.js';
import { tempDir } from '../helpers/service.js';

const start = Date.UTC(2026, 9, 21, 3, 0, 0, 0);

describe('backup files', () => {
  it('are named after the database and a UTC time that sorts as it reads', () => {
    expect(backupFileName('/var/lib/ere/ere.db', start + 123)).toBe('ere-backup-2026-10-21T03-00-00.123Z.db');
    expect(backupFileName('monitor.sqlite', start)).toBe('monitor-backup-2026-10-21T03-00-00.000Z.db');
    // Later times sort later, across seconds, minutes and days.
    const times = [start + 86_400_000, start + 999, start + 1_000, start + 59_000, start + 61_000];
    const names = times.map((ms) => backupFileName('ere.db', ms));
    expect([...names].sort()).toEqual([...times].sort((a, b) => a - b).map((ms) => backupFileName('ere.db', ms)));
  });

  it('are pruned oldest first down to keep, leaving every other file alone', () => {
    const dir = tempDir('ere-backup-files-');
    const ours = [0, 1_000, 2_000, 60_000, 3_600_000].map((offset) => backupFileName('ere.db', start + offset));
    const others = [
      backupFileName('other.db', start), // another database's backups
      'ere-backup-latest.db', // a name we never write
      'ere.db',
      'notes.txt',
      `${ours[0]}.bak`,
    ];
    for (const name of [...ours, ...others]) writeFileSync(join(dir, name), name);
    // A directory with a backup's name is not one of ours.
    mkdirSync(join(dir, 'ere-backup-2020-01-01T00-00-00.000Z.db'));

    expect(listBackups(dir, '/elsewhere/ere.db')).toEqual(ours);
    expect(pruneBackups(dir, '/elsewhere/ere.db', 2)).toEqual(ours.slice(0, 3));
    expect(readdirSync(dir).sort()).toEqual(
      [...ours.slice(3), ...others, 'ere-backup-2020-01-01T00-00-00.000Z.db'].sort(),
    );
    expect(pruneBackups(dir, 'ere.db', 2)).toEqual([]);
    expect(pruneBackups(dir, 'ere.db', 1)).toEqual([ours[3]]);
  });

  it('of a directory that does not exist yet are none', () => {
    expect(listBackups(join(tempDir(), 'missing'), 'ere.db')).toEqual([]);
  });
});
