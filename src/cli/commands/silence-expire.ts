// `ere silence expire`: ends silences of a running ERE now; they stay listed as expired.

import { ApiRequestError, serviceOptions, serviceOptionsHelp, withService } from '../api-client.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { silenceLine, type SilenceView } from './silence-list.js';

const silenceExpireArguments = defineArguments({
  options: serviceOptions,
  positionals: { min: 1, max: 100, name: 'silence id' },
});

export const silenceExpire: Command = {
  name: 'expire',
  summary: 'End silences now.',
  usage: `Usage: ere silence expire <id>... [--url <url>] [--token <token>]

Expires each silence now (the ids "ere silence list" shows); expired silences stay listed until retention
prunes them. Exits 1 when one of them could not be expired. Needs the API token.

Options:
${serviceOptionsHelp}
  -h, --help       Show this help.`,
  arguments: silenceExpireArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(silenceExpireArguments, argv);
    if (values.help) return help(this, output);
    return withService(values, output, async (client, out) => {
      let failed = 0;
      for (const id of positionals) {
        try {
          const silence = await client.request<SilenceView>('DELETE', `/api/v1/silences/${encodeURIComponent(id)}`);
          out.out(`expired silence ${silenceLine(silence)}`);
        } catch (error) {
          // A missing id does not stop the others; a service that cannot be reached or refuses the token does.
          if (!(error instanceof ApiRequestError) || error.status !== 404) throw error;
          out.err(error.message);
          failed += 1;
        }
      }
      return failed === 0 ? 0 : 1;
    });
  },
};
