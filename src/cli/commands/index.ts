// Every `ere` command, in the order the help lists them.

import type { Command } from '../command.js';
import { ack } from './ack.js';
import { backup } from './backup.js';
import { checkConfig } from './check-config.js';
import { demo } from './demo.js';
import { governance } from './governance.js';
import { migrate } from './migrate.js';
import { report } from './report.js';
import { restore } from './restore.js';
import { silence } from './silence.js';
import { slo } from './slo.js';
import { start } from './start.js';
import { testNotify } from './test-notify.js';

export const commands: readonly Command[] = [
  start,
  checkConfig,
  migrate,
  backup,
  restore,
  report,
  demo,
  slo,
  silence,
  ack,
  governance,
  testNotify,
];

export function mainUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: ere <command> [options]

ERE Monitor: watches EVM chains through their RPC endpoints and exposes what it sees as Prometheus
metrics and a REST API.

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "ere <command> --help" for a command's options, "ere --version" for the version.

A command that reads a config reads the file of --config <file>, else of $ERE_CONFIG, else ./ere.yaml.`;
}
