// `ere silence list`: the silences of a running ERE, one line each, as its API states them now.

import { formatMatcher, type Matcher } from '../../alerting/matchers.js';
import { serviceOptions, serviceOptionsHelp, withService } from '../api-client.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';

/** A silence as GET /api/v1/silences answers it. */
export interface SilenceView {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'pending' | 'active' | 'expired' };
}

/** Text a person typed, quoted and escaped, so that it cannot pass control characters to the terminal. */
const quoted = (text: string) => JSON.stringify(text);

export function silenceLine(silence: SilenceView): string {
  const matchers = `{${silence.matchers.map(formatMatcher).join(', ')}}`;
  return (
    `${silence.id} ${silence.status.state} from ${silence.startsAt} until ${silence.endsAt} ` +
    `${matchers} by ${quoted(silence.createdBy)}: ${quoted(silence.comment)}`
  );
}

const silenceListArguments = defineArguments({ options: { all: { type: 'boolean' }, ...serviceOptions } });

export const silenceList: Command = {
  name: 'list',
  summary: 'List the silences in force or to come (with --all, the expired ones too).',
  usage: `Usage: ere silence list [--all] [--url <url>] [--token <token>]

Lists the silences of a running ERE, oldest first, one a line: id, state (pending, active, expired),
start, end, matchers, author and comment.

Options:
  --all            Also the expired silences (kept until retention prunes them).
${serviceOptionsHelp}
  -h, --help       Show this help.`,
  arguments: silenceListArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(silenceListArguments, argv);
    if (values.help) return help(this, output);
    return withService(values, output, async (client, out) => {
      const { silences } = await client.request<{ silences: SilenceView[] }>('GET', '/api/v1/silences');
      const shown = values.all ? silences : silences.filter((silence) => silence.status.state !== 'expired');
      if (shown.length === 0) out.out(`no silences${values.all ? '' : ' in force or to come'} at ${client.where}`);
      for (const silence of shown) out.out(silenceLine(silence));
      return 0;
    });
  },
};
