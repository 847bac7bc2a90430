// `ere demo`: the self-contained demo on a local anvil chain with injected faults and a DAO's governance story.

import { runDemo } from '../../demo/demo.js';
import { defineArguments, parseCommandLine, parsePort } from '../args.js';
import { help, overrideOptions, untilSignal, type Command } from '../command.js';

const demoArguments = defineArguments({ options: overrideOptions });

export const demo: Command = {
  name: 'demo',
  summary:
    'Run a self-contained demo: a local anvil chain behind three ' +
    'endpoints, with injected faults and a governance story.',
  usage: `Usage: ere demo [--port <port>] [--host <host>] [--db <file>]

Starts a local anvil chain, three RPC endpoints in front of it (the node itself and two local proxies
that are made slow, erroring, stale or hanging now and then), deploys a small DAO on it (a governor with
its timelock, a 2-of-3 Safe and an upgradeable proxy) whose proposals pass, fail and go overdue round
after round, writes a config for all of it to a temporary directory, and monitors them until SIGINT or
SIGTERM. Works offline.

Options:
  --port <port>  HTTP port for /metrics and the API (default 9470).
  --host <host>  Listen address (default 127.0.0.1).
  --db <file>    SQLite database file (default: in the temporary directory).
  -h, --help     Show this help.`,
  arguments: demoArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(demoArguments, argv);
    if (values.help) return help(this, output);
    const demoRun = await runDemo({
      port: parsePort(values.port, '--port') ?? 9470,
      host: values.host ?? '127.0.0.1',
      dbPath: values.db,
      output,
    });
    const signal = await untilSignal();
    output.out(`\n${signal} received, stopping…`);
    await demoRun.stop();
    return 0;
  },
};
