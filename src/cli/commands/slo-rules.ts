// `ere slo rules`: the Prometheus rules that compute the configured SLOs from ere_slo_events_total, with
// Sloth's names, printed or written to a file.

import { writeFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { resolveSlos } from '../../config/slos.js';
import { demoConfigYaml } from '../../demo/demo.js';
import { prometheusRulesYaml } from '../../slo/prometheus-rules-file.js';
import { version } from '../../version.js';
import { UsageError, defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, loadCommandConfig } from '../config-path.js';

const sloRulesArguments = defineArguments({
  options: { ...configOption, demo: { type: 'boolean' }, out: { type: 'string', short: 'o' } },
});
const demoSource = 'the config "ere demo" runs with';

/**
 * The config `ere demo` writes, its DAO included; its SLOs do not depend on the URLs and addresses, so placeholders do.
 */
function demoConfig(): Config {
  const local = 'http://127.0.0.1:8545';
  const address = (digit: string) => `0x${digit.repeat(40)}` as const;
  const governance = {
    governor: address('1'),
    token: address('2'),
    timelock: address('3'),
    safe: address('4'),
    proxy: address('5'),
    startBlock: 1,
  };
  return parseConfig(
    demoConfigYaml({
      host: '127.0.0.1',
      port: 9470,
      dbPath: 'ere.db',
      nodeUrl: local,
      proxyA: local,
      proxyB: local,
      webhookUrl: 'http://127.0.0.1:1/alerts',
      webhookKey: 'placeholder-key-0123456789',
      governance,
      beaconUrl: local,
    }),
    { source: 'the demo config' },
  );
}

export const sloRules: Command = {
  name: 'rules',
  summary: 'Print Prometheus rules (Sloth-compatible) that compute the SLOs from ere_slo_events_total.',
  usage: `Usage: ere slo rules [--config <file> | --demo] [--out <file>]

Prints a Prometheus rules file for the SLOs of the config: per SLO, Sloth's SLI and metadata recording
rules (so Sloth's Grafana dashboards work) and page and ticket burn-rate alerts with the SLO's own tiers
and low-traffic guard, all computed from the ere_slo_events_total counters ERE exports. Check it with
"promtool check rules" and load it with Prometheus' rule_files. See docs/slo-rules.md.

A calendar-month SLO is computed over the last 30 days: PromQL has no calendar months.

Options:
  --config <file>  YAML config file (default: $ERE_CONFIG, else ./ere.yaml).
  --demo           The SLOs of the config "ere demo" runs with instead.
  --out <file>     Write the rules to this file instead of printing them.
  -h, --help       Show this help.`,
  arguments: sloRulesArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(sloRulesArguments, argv);
    if (values.help) return help(this, output);
    if (values.demo && values.config !== undefined) throw new UsageError('give --config <file> or --demo, not both');
    let config: Config;
    let source = demoSource;
    try {
      if (values.demo) config = demoConfig();
      else ({ file: source, config } = loadCommandConfig(values.config));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      output.err(error.message);
      return 1;
    }
    const definitions = resolveSlos(config);
    const rules = prometheusRulesYaml(definitions, { version, source, alertContract: true });
    if (values.out === undefined) {
      output.out(rules.trimEnd());
      return 0;
    }
    try {
      writeFileSync(values.out, rules);
    } catch (error) {
      output.err(`cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return 1;
    }
    output.out(`${values.out}: rules for ${definitions.length} SLO${definitions.length === 1 ? '' : 's'}`);
    return 0;
  },
};
