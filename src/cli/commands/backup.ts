// `ere backup`: a consistent copy of the database while the service runs, checked before it is named.

import { backupDatabase } from '../../backup/online-backup.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, databaseFileOf } from '../config-path.js';
import { formatBytes } from './database-path.js';

const backupArguments = defineArguments({
  options: { to: { type: 'string' }, ...configOption, db: { type: 'string' }, force: { type: 'boolean' } },
  required: { to: '<file>' },
});

export const backup: Command = {
  name: 'backup',
  summary: 'Copy the database while the service runs, and check the copy.',
  usage: `Usage: ere backup --to <file> [--config <file> | --db <file>] [--force]

Copies the SQLite database with SQLite's online backup API: a consistent snapshot, taken while the
service goes on writing. The copy is written beside <file>, checked (SQLite's integrity check, ERE's
schema version) and only then renamed to <file>, so <file> never holds half a backup.

Options:
  --to <file>      Where to write the backup (required). Its directory is created if missing.
  --config <file>  YAML config file whose storage.path is the database (default: $ERE_CONFIG, else
                   ./ere.yaml).
  --db <file>      SQLite database file (overrides storage.path; then no config is read).
  --force          Replace <file> if it exists.
  -h, --help       Show this help.`,
  arguments: backupArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(backupArguments, argv);
    if (values.help) return help(this, output);
    const source = databaseFileOf(values);
    const result = await backupDatabase(source, values.to!, { force: values.force ?? false });
    output.out(
      `wrote ${result.path}: ${formatBytes(result.bytes)}, schema version ` +
        `${result.schemaVersion}, in ${(result.durationMs / 1_000).toFixed(2)} s`,
    );
    return 0;
  },
};
