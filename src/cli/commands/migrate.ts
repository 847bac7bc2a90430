// `ere migrate`: creates the database if needed and applies the migrations it lacks.

import { openDatabase } from '../../store/database.js';
import { pendingMigrations, readMigrations } from '../../store/migrate.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, databaseFileOf } from '../config-path.js';

const migrateArguments = defineArguments({ options: { ...configOption, db: { type: 'string' } } });

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply database migrations.',
  usage: `Usage: ere migrate [--config <file> | --db <file>]

Creates the SQLite database if needed and applies the migrations it lacks, then says which it applied.

Options:
  --config <file>  YAML config file whose storage.path is the database (default: $ERE_CONFIG, else
                   ./ere.yaml).
  --db <file>      SQLite database file (overrides storage.path; then no config is read).
  -h, --help       Show this help.`,
  arguments: migrateArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(migrateArguments, argv);
    if (values.help) return help(this, output);
    const path = databaseFileOf(values);
    const { db, applied } = openDatabase(path);
    const total = readMigrations().length;
    const left = pendingMigrations(db).length;
    db.close();
    if (applied.length === 0) output.out(`${path}: up to date (${total} migration${total === 1 ? '' : 's'} applied)`);
    else for (const name of applied) output.out(`applied ${name}`);
    return left === 0 ? 0 : 1;
  },
};
