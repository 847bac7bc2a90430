// `ere ack`: acknowledges active alerts on a running ERE through its API: no more reminders until each
// resolves. The fingerprints are those of GET /api/v1/alerts.

import { ApiRequestError, serviceOptions, serviceOptionsHelp, userName, withService } from '../api-client.js';
import { defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';

interface AlertView {
  fingerprint: string;
  rule: string;
  state: string;
  labels: Record<string, string>;
  ack: { by: string; at: string; comment: string | null } | null;
}

const ackArguments = defineArguments({
  options: { by: { type: 'string' }, comment: { type: 'string' }, ...serviceOptions },
  positionals: { min: 1, max: 100, name: 'alert fingerprint' },
});

export const ack: Command = {
  name: 'ack',
  summary: 'Acknowledge active alerts on a running ERE: no more reminders until they resolve.',
  usage: `Usage: ere ack <fingerprint>... [--by <name>] [--comment <text>] [--url <url>] [--token <token>]

Acknowledges each active alert (its fingerprint as GET /api/v1/alerts shows it): its receivers get no
more repeat notifications for this episode; a resolution is still sent. Exits 1 when one of them is not
an active alert. Needs the API token.

Options:
  --by <name>        Who (default: the user name, $USER).
  --comment <text>   Why, or what is being done.
${serviceOptionsHelp}
  -h, --help         Show this help.`,
  arguments: ackArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(ackArguments, argv);
    if (values.help) return help(this, output);
    const body = { by: values.by ?? userName(), ...(values.comment === undefined ? {} : { comment: values.comment }) };
    return withService(values, output, async (client, out) => {
      let failed = 0;
      for (const fingerprint of positionals) {
        try {
          const alert = await client.request<AlertView>(
            'POST',
            `/api/v1/alerts/${encodeURIComponent(fingerprint)}/ack`,
            body,
          );
          out.out(
            `acknowledged ${alert.rule} (${alert.fingerprint}, ` +
              `${alert.state}) by ${JSON.stringify(alert.ack?.by ?? body.by)}`,
          );
        } catch (error) {
          // A fingerprint that is not active does not stop the others; a refused token or no service does.
          if (!(error instanceof ApiRequestError) || error.status !== 404) throw error;
          out.err(error.message);
          failed += 1;
        }
      }
      return failed === 0 ? 0 : 1;
    });
  },
};
