// `ere governance show <target> <id>`: what a proposal or timelock operation will do, as a Markdown report
// from a running ERE's API: each action decoded, the newest simulation on a fork (outcome, events, balance
// and proxy changes) and the findings of the target's policy.

import { serviceOptions, serviceOptionsHelp, withService } from '../api-client.js';
import { defineArguments, parseCommandLine, UsageError } from '../args.js';
import { help, type Command } from '../command.js';

interface DecodedRow {
  path: string;
  depth: number;
  summary: string;
  undecoded: boolean;
  operation: string;
}
interface Call {
  target: string;
  value: string;
  summary: string;
  decoded: DecodedRow[];
}
interface Finding {
  check: string;
  severity: string;
  action: string | null;
  message: string;
}
interface Verification {
  stage: string;
  trigger: string;
  at: string;
  forkBlock: number | null;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
  findings: Finding[];
  simulation: {
    success: boolean;
    revert: { reason: string } | null;
    failedStep: string | null;
    note: string | null;
    gasUsed: number;
    events: { action?: string | null; address: string; name: string | null; args: Record<string, unknown> }[];
    ethChanges: { account: string; delta: string }[];
    tokenChanges: { token: string; account: string; delta: string }[];
    proxyChanges: { proxy: string; slot: string; before: string; after: string }[];
    codeChanges: { account: string; change: string }[];
    delegatecalls: { from: string; to: string }[];
  } | null;
}

export interface DecisionReport {
  target: string;
  chain: string;
  type: 'proposal' | 'operation';
  id: string;
  title: string | null;
  state: string;
  calls: Call[];
  verification: Verification | null;
}

const args = (values: Record<string, unknown>) =>
  Object.entries(values)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');

/** The report, in Markdown. Pure. */
export function decisionMarkdown(report: DecisionReport): string {
  const lines = [
    `# ${report.type === 'proposal' ? 'Proposal' : 'Operation'} ${report.id} on ${report.target} (${report.chain})`,
    '',
    ...(report.title ? [`**${report.title}**`, ''] : []),
    `State: ${report.state}`,
    '',
    '## Actions',
    '',
    ...report.calls.flatMap((call, index) =>
      call.decoded.length === 0
        ? [`${index + 1}. ${call.summary}`]
        : call.decoded.map(
            (row) =>
              `${'   '.repeat(row.depth)}${row.depth === 0 ? `${index + 1}.` : `- ${row.path}`} ${row.summary}` +
              (row.undecoded ? ' **(undecoded)**' : '') +
              (row.operation === 'delegatecall' ? ' **(delegatecall)**' : ''),
          ),
    ),
    '',
    '## Simulation',
    '',
  ];
  const verification = report.verification;
  if (!verification) return [...lines, 'Not simulated yet.', ''].join('\n');
  lines.push(
    `Simulated at ${verification.at} (${verification.trigger}, stage ${verification.stage})` +
      `${verification.forkBlock === null ? '' : ` on a fork at block ${verification.forkBlock}`}: ` +
      `**${verification.outcome}**.`,
  );
  const simulation = verification.simulation;
  if (verification.errorMessage) lines.push('', `${verification.errorCode}: ${verification.errorMessage}`);
  if (simulation) {
    if (simulation.note) lines.push('', `_${simulation.note}_`);
    if (simulation.failedStep) lines.push('', `Failed before execution: ${simulation.failedStep}`);
    if (simulation.revert) lines.push('', `Reverts: ${simulation.revert.reason}`);
    lines.push('', `Gas used: ${simulation.gasUsed}`);
    const section = (title: string, items: string[]) => {
      if (items.length > 0) lines.push('', `### ${title}`, '', ...items.map((item) => `- ${item}`));
    };
    section(
      'Events',
      simulation.events.map(
        (event) =>
          `${event.action ? `[${event.action}] ` : ''}${event.address} ` +
          `${event.name ?? '(unknown event)'}(${args(event.args)})`,
      ),
    );
    section(
      'ETH balance changes',
      simulation.ethChanges.map((change) => `${change.account}: ${change.delta} wei`),
    );
    section(
      'Token balance changes',
      simulation.tokenChanges.map((change) => `${change.token} ${change.account}: ${change.delta}`),
    );
    section(
      'Proxy changes',
      simulation.proxyChanges.map((change) => `${change.proxy} ${change.slot}: ${change.before} → ${change.after}`),
    );
    section(
      'Code changes',
      simulation.codeChanges.map((change) => `${change.account}: ${change.change}`),
    );
    section(
      'Delegatecalls',
      simulation.delegatecalls.map((call) => `${call.from} → ${call.to}`),
    );
  }
  lines.push('', '## Findings', '');
  if (verification.findings.length === 0) lines.push('None.');
  for (const finding of verification.findings)
    lines.push(
      `- **${finding.severity}** ${finding.check}` +
        `${finding.action ? ` (action ${finding.action})` : ''}: ${finding.message}`,
    );
  return [...lines, ''].join('\n');
}

const showArguments = defineArguments({
  options: { ...serviceOptions },
  positionals: { min: 2, max: 2, name: 'argument' },
});

export const governanceShow: Command = {
  name: 'show',
  summary: 'A proposal or timelock operation of a running ERE as a Markdown report: actions, simulation, findings.',
  usage: `Usage: ere governance show <target> <id> [--url <url>] [--token <token>]

Prints what a governor's proposal or a timelock's operation will do, in Markdown: each action decoded
(with the calls it carries), the newest simulation on a fork of its chain (outcome, events, balance,
proxy and code changes, delegatecalls) and the findings of the target's policy. <id> is the proposal id
or the operation id.

Options:
${serviceOptionsHelp}
  -h, --help       Show this help.`,
  arguments: showArguments,
  async run(argv, output) {
    const { values, positionals } = parseCommandLine(showArguments, argv);
    if (values.help) return help(this, output);
    const [target, id] = positionals as [string, string];
    return withService(values, output, async (client, out) => {
      const { targets } = await client.request<{ targets: { id: string; kind: string; chain: string }[] }>(
        'GET',
        '/api/v1/governance/targets',
      );
      const found = targets.find((candidate) => candidate.id === target);
      if (!found) throw new UsageError(`no governance target "${target}" at ${client.where}`);
      let report: DecisionReport;
      const encoded = `${encodeURIComponent(target)}`;
      if (found.kind === 'governor') {
        const proposal = await client.request<{ title: string; state: string; actions: Call[] }>(
          'GET',
          `/api/v1/governance/proposals/${encoded}/${encodeURIComponent(id)}`,
        );
        report = {
          target,
          chain: found.chain,
          type: 'proposal',
          id,
          title: proposal.title,
          state: proposal.state,
          calls: proposal.actions,
          verification: null,
        };
      } else if (found.kind === 'timelock') {
        const { operations } = await client.request<{ operations: { id: string; status: string; calls: Call[] }[] }>(
          'GET',
          `/api/v1/governance/timelocks/${encoded}/operations`,
        );
        const operation = operations.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
        if (!operation) throw new UsageError(`no operation ${id} on timelock "${target}"`);
        report = {
          target,
          chain: found.chain,
          type: 'operation',
          id: operation.id,
          title: null,
          state: operation.status,
          calls: operation.calls,
          verification: null,
        };
      } else throw new UsageError(`"${target}" is a ${found.kind}: only proposals and timelock operations are shown`);
      const history = await client
        .request<{ verifications: Verification[] }>(
          'GET',
          `/api/v1/governance/verifications/${encoded}/${report.type}/${encodeURIComponent(report.id)}`,
        )
        .catch(() => ({ verifications: [] as Verification[] }));
      report.verification = history.verifications.at(-1) ?? null;
      for (const line of decisionMarkdown(report).split('\n')) out.out(line);
      return 0;
    });
  },
};
