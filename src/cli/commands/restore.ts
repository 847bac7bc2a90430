// `ere restore`: puts a backup in place of the database, refusing before anything is touched when the
// backup is not sound, is newer than this build, or a process has the database open.

import { restoreDatabase } from '../../backup/restore.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, databaseFileOf } from '../config-path.js';
import { formatBytes } from './database-path.js';

const restoreArguments = defineArguments({
  options: {
    from: { type: 'string' },
    ...configOption,
    db: { type: 'string' },
    force: { type: 'boolean' },
    'no-keep': { type: 'boolean' },
  },
  required: { from: '<file>' },
});

export const restore: Command = {
  name: 'restore',
  summary: 'Replace the database with a backup, after checking both.',
  usage: `Usage: ere restore --from <file> [--config <file> | --db <file>] [--force] [--no-keep]

Checks the backup (an SQLite file that passes SQLite's integrity check, with ERE's migrations table and a
schema version this build knows) and that no process has the database open (stop the service first),
then replaces the database in one rename. An older backup is allowed: the migrations it lacks apply when
the service next starts. Nothing is changed when a check fails.

Options:
  --from <file>    The backup to restore (required), as written by ere backup or by storage.backup.
  --config <file>  YAML config file whose storage.path is the database (default: $ERE_CONFIG, else
                   ./ere.yaml).
  --db <file>      SQLite database file (overrides storage.path; then no config is read).
  --force          Replace a database that exists (required when there is one).
  --no-keep        Do not keep the replaced database as <db>.before-restore-<time>.
  -h, --help       Show this help.`,
  arguments: restoreArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(restoreArguments, argv);
    if (values.help) return help(this, output);
    const to = databaseFileOf(values);
    const result = await restoreDatabase({
      from: values.from!,
      to,
      force: values.force ?? false,
      keep: !values['no-keep'],
    });
    output.out(
      `restored ${result.from} into ${result.to}: ${formatBytes(result.bytes)}, schema version ${result.schemaVersion}`,
    );
    if (result.damagedTarget !== null)
      output.out(`the replaced database could not be opened (${result.damagedTarget}); it was replaced as it was`);
    if (result.kept !== null) output.out(`kept the replaced database as ${result.kept}`);
    if (result.pending.length > 0) {
      output.out(
        `schema version ${result.schemaVersion} is older than this build's ` +
          `${result.knownVersion}: ${result.pending.map((migration) => migration.name).join(', ')} ` +
          `apply when the service next starts (or run ere migrate --db ${result.to})`,
      );
    }
    return 0;
  },
};
