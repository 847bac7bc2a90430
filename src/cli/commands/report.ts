// `ere report`: SLO compliance reports for a month or a range, read from the database the service writes
// (it may be running), without starting anything.

import { existsSync } from 'node:fs';
import { resolveSlos } from '../../config/slos.js';
import { settleMs } from '../../main.js';
import { reportFormats, formatReports, type ReportFormat } from '../../slo/report-formats.js';
import { reportView } from '../../slo/report-view.js';
import { SloReports } from '../../slo/slo-reports.js';
import { ReportPeriodError } from '../../slo/report.js';
import { settledEnd } from '../../slo/window.js';
import { openDatabase } from '../../store/database.js';
import { UsageError, defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, loadCommandConfig } from '../config-path.js';

function parseInstant(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag}: must be an ISO 8601 date-time or milliseconds since the epoch`);
  return ms;
}

const reportArguments = defineArguments({
  options: {
    ...configOption,
    period: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    slo: { type: 'string', multiple: true },
    format: { type: 'string', default: 'table' },
    incidents: { type: 'string', default: '5' },
    db: { type: 'string' },
  },
});

export const report: Command = {
  name: 'report',
  summary: 'Print SLO compliance reports for a month or a range (table, JSON, CSV or Markdown).',
  usage: `Usage: ere report [--config <file>] [--period <YYYY-MM> | --from <time> [--to <time>]] [--slo <id>]...
                  [--format table|json|csv|markdown] [--incidents <n>] [--db <file>]

Reports each SLO over the period from the per-minute rollups in the database: the SLI, whether the
objective was met, the error budget used, the worst incidents, the SLI per day (Markdown and JSON) and
the burn-rate alerts. Without a period, each SLO's current window. Times are UTC.

Options:
  --config <file>    YAML config file with the SLOs (default: $ERE_CONFIG, else ./ere.yaml).
  --period <month>   A calendar month, e.g. 2026-10.
  --from <time>      Start of a range: ISO 8601 date-time or milliseconds since the epoch.
  --to <time>        End of the range, exclusive (default: now).
  --slo <id>         Only this SLO; repeat for several (default: all).
  --format <format>  table (default), json, csv (one row per SLO) or markdown.
  --incidents <n>    Worst incidents listed per SLO, 0 to 50 (default 5).
  --db <file>        SQLite database (overrides storage.path).
  -h, --help         Show this help.`,
  arguments: reportArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(reportArguments, argv);
    if (values.help) return help(this, output);
    if (!(reportFormats as readonly string[]).includes(values.format))
      throw new UsageError(`--format: must be one of ${reportFormats.join(', ')}`);
    const incidents = Number(values.incidents);
    if (!Number.isInteger(incidents) || incidents < 0 || incidents > 50)
      throw new UsageError('--incidents: must be a whole number from 0 to 50');
    const request = {
      period: values.period,
      fromMs: parseInstant(values.from, '--from'),
      toMs: parseInstant(values.to, '--to'),
    };

    const { file, config } = loadCommandConfig(values.config);
    const definitions = resolveSlos(config);
    const unknown = (values.slo ?? []).filter((id) => !definitions.some((definition) => definition.id === id));
    if (unknown.length > 0)
      throw new UsageError(`--slo: no SLO ${unknown.map((id) => `"${id}"`).join(', ')} in ${file}`);
    const selected = values.slo ? definitions.filter((definition) => values.slo!.includes(definition.id)) : definitions;
    if (selected.length === 0) {
      output.err(`${file} defines no SLOs`);
      return 1;
    }
    const dbPath = values.db ?? config.storage.path;
    if (dbPath !== ':memory:' && !existsSync(dbPath)) {
      output.err(`no database at ${dbPath}: run the service first, or give --db`);
      return 1;
    }

    const { db } = openDatabase(dbPath);
    try {
      const settle = settleMs(config);
      const reports = new SloReports(db, selected, () => settledEnd(Date.now(), settle));
      const views = selected.map((definition) => {
        try {
          return reportView(definition, reports.report(definition, request, incidents));
        } catch (error) {
          if (error instanceof ReportPeriodError) throw new UsageError(error.shortMessage);
          throw error;
        }
      });
      output.out(formatReports(views, values.format as ReportFormat));
      return 0;
    } finally {
      db.close();
    }
  },
};
