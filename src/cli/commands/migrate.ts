// `ere migrate`: creates the database if needed and applies the migrations it lacks.

import { openDatabase } from '../../store/database.js';
import { pendingMigrations, readMigrations } from '../../store/migrate.js';
import { UsageError, parseCommandArgs } from '../args.js';
import { help, type Command } from '../command.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply database migrations.',
  usage: `Usage: ere migrate --db <file>

Creates the SQLite database if needed and applies the migrations it lacks, then says which it applied.

Options:
  --db <file>  SQLite database file (required).
  -h, --help   Show this help.`,
  async run(argv, output) {
    const { values } = parseCommandArgs(argv, { db: { type: 'string' } });
    if (values.help) return help(this, output);
    if (!values.db) throw new UsageError('--db <file> is required');
    const { db, applied } = openDatabase(values.db);
    const total = readMigrations().length;
    const left = pendingMigrations(db).length;
    db.close();
    if (applied.length === 0) output.out(`${values.db}: up to date (${total} migration${total === 1 ? '' : 's'} applied)`);
    else for (const name of applied) output.out(`applied ${name}`);
    return left === 0 ? 0 : 1;
  },
};
