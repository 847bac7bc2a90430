// `ere backup`: a consistent copy of the database while the service runs, checked before it is named.

import { backupDatabase } from '../../backup/online-backup.js';
import { UsageError, parseCommandArgs } from '../args.js';
import { help, type Command } from '../command.js';
import { databasePathOf, formatBytes } from './database-path.js';

export const backup: Command = {
  name: 'backup',
  summary: 'Copy the database while the service runs, and check the copy.',
  usage: `Usage: ere backup --to <file> (--config <file> | --db <file>) [--force]

Copies the SQLite database with SQLite's online backup API: a consistent snapshot, taken while the
service goes on writing. The copy is written beside <file>, checked (SQLite's integrity check, ERE's
schema version) and only then renamed to <file>, so <file> never holds half a backup.

Options:
  --to <file>      Where to write the backup (required). Its directory is created if missing.
  --config <file>  YAML config file whose storage.path is the database.
  --db <file>      SQLite database file (overrides storage.path).
  --force          Replace <file> if it exists.
  -h, --help       Show this help.`,
  async run(argv, output) {
    const { values } = parseCommandArgs(argv, { to: { type: 'string' }, config: { type: 'string', short: 'c' }, db: { type: 'string' }, force: { type: 'boolean' } });
    if (values.help) return help(this, output);
    if (!values.to) throw new UsageError('--to <file> is required');
    const source = databasePathOf(values);
    const result = await backupDatabase(source, values.to, { force: values.force ?? false });
    output.out(`wrote ${result.path}: ${formatBytes(result.bytes)}, schema version ${result.schemaVersion}, in ${(result.durationMs / 1_000).toFixed(2)} s`);
    return 0;
  },
};
