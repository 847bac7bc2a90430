// `ere silence add`: creates a silence on a running ERE through its API, as amtool's `silence add` does
// on Alertmanager: matchers as arguments, a duration or an end, an author and a comment.

import { parseDurationMs } from '../../domain/duration.js';
import { MatcherError, parseMatcher, type Matcher } from '../../alerting/matchers.js';
import { serviceOptions, serviceOptionsHelp, userName, withService } from '../api-client.js';
import { UsageError, defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { silenceLine, type SilenceView } from './silence-list.js';

const silenceAddArguments = defineArguments({
  options: {
    comment: { type: 'string' },
    author: { type: 'string', short: 'a' },
    duration: { type: 'string', short: 'd' },
    start: { type: 'string' },
    end: { type: 'string' },
    ...serviceOptions,
  },
  positionals: { min: 1, max: 100, name: 'matcher' },
  required: { comment: '<text>' },
});

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function parseSilenceTime(value: string, flag: string): number {
  const ms = isoDateTime.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag}: must be an ISO 8601 date-time with its offset, e.g. 2026-10-21T18:00:00Z`);
  return ms;
}

/** A matcher as typed: `name="value"` and the other operators, or a bare name for `alertname="name"`. */
export function matcherArgument(text: string): Matcher {
  const bare = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(text);
  try {
    return parseMatcher(bare ? `alertname="${text}"` : text);
  } catch (error) {
    if (error instanceof MatcherError) throw new UsageError(error.shortMessage, { details: error.details });
    throw error;
  }
}

/** When the silence starts and ends: `--start` (default now), and `--end` or `--duration` (default 1h). */
export function silencePeriod(
  values: { start?: string | undefined; end?: string | undefined; duration?: string | undefined },
  nowMs: number,
): { startsAtMs: number; endsAtMs: number } {
  if (values.end !== undefined && values.duration !== undefined)
    throw new UsageError('give --end or --duration, not both');
  const startsAtMs = values.start === undefined ? nowMs : parseSilenceTime(values.start, '--start');
  if (values.end !== undefined) return { startsAtMs, endsAtMs: parseSilenceTime(values.end, '--end') };
  const durationMs = parseDurationMs(values.duration ?? '1h');
  if (durationMs === null || durationMs <= 0)
    throw new UsageError('--duration: must be a duration such as 30m, 2h or 1d');
  return { startsAtMs, endsAtMs: startsAtMs + durationMs };
}

export const silenceAdd: Command = {
  name: 'add',
  summary: 'Silence the alerts that match, for a while.',
  usage: `Usage: ere silence add <matcher>... --comment <text> [--duration <d> | --end <time>] [--start <time>]
                         [--author <name>] [--url <url>] [--token <token>]

Creates a silence on a running ERE: alerts whose labels match every matcher are not notified between its
start and end. A matcher is written as in Alertmanager: name="value", name!="value", name=~"regex",
name!~"regex" (quote it for the shell); a bare name stands for alertname="name". Prints the new
silence's id, which "ere silence expire" takes. Needs the API token.

Options:
  --comment <text>   Why (required).
  --author <name>    Who (default: the user name, $USER).
  --duration <d>     How long, e.g. 30m, 2h, 1d (default 1h).
  --end <time>       Or until when: an ISO 8601 date-time with its offset.
  --start <time>     From when (default: now).
${serviceOptionsHelp}
  -h, --help         Show this help.`,
  arguments: silenceAddArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(silenceAddArguments, argv);
    if (values.help) return help(this, output);
    const matchers = positionals.map(matcherArgument);
    const { startsAtMs, endsAtMs } = silencePeriod(values, Date.now());
    const createdBy = values.author ?? userName();
    const body = {
      matchers,
      startsAt: new Date(startsAtMs).toISOString(),
      endsAt: new Date(endsAtMs).toISOString(),
      createdBy,
      comment: values.comment,
    };
    return withService(values, output, async (client, out) => {
      const created = await client.request<{ silenceID: string; silence: SilenceView }>(
        'POST',
        '/api/v1/silences',
        body,
      );
      out.out(`created silence ${silenceLine(created.silence)}`);
      return 0;
    });
  },
};
