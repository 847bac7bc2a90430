// `ere governance test-match`: what a contract watch's matchers would have matched over a range of blocks,
// read from the chain's endpoints as ingestion reads them, printed and stored nowhere.

import { resolveGovernanceTarget } from '../../governance/governance-schema.js';
import { ChainReader } from '../../governance/ingest/chain-reader.js';
import { matchSummary, type ContractTarget } from '../../governance/kinds/contract/index.js';
import { testMatch } from '../../governance/kinds/contract/test-match.js';
import { systemClock } from '../../domain/clock.js';
import { secretsScrubber } from '../../service/context.js';
import { defineArguments, parseCommandLine, UsageError } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, loadCommandConfig } from '../config-path.js';

const testMatchArguments = defineArguments({
  options: {
    ...configOption,
    target: { type: 'string' },
    'from-block': { type: 'string' },
    'to-block': { type: 'string' },
    json: { type: 'boolean' },
  },
  required: { target: '<id>', 'from-block': '<n>', 'to-block': '<n>' },
});

const blockNumber = (text: string, flag: string): number => {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${flag} must be a block number, not "${text}"`);
  return Number(text);
};

/** The most blocks one run reads: calls are scanned block by block. */
const maxBlocks = 100_000;

export const governanceTestMatch: Command = {
  name: 'test-match',
  summary: "Print what a contract watch's matchers would have matched over a range of blocks, storing nothing.",
  usage: `Usage: ere governance test-match --target <id> --from-block <n> --to-block <n> [--config <file>] [--json]

Reads blocks <from>…<to> of the target's chain through its RPC endpoints, as ingestion does (the logs of
the matchers' events, and for function matchers the calls found in each block's transactions or traces),
and prints every match: block, transaction, matcher and decoded arguments, then the count per matcher.
Nothing is stored, and no alert is sent. The target must be of kind "contract". At most ${maxBlocks} blocks.

Options:
  --config <file>   YAML config file (default: $ERE_CONFIG, else ./ere.yaml).
  --target <id>     The contract watch, by its id.
  --from-block <n>  The first block read.
  --to-block <n>    The last block read.
  --json            One JSON document: the matches and the counts.
  -h, --help        Show this help.`,
  arguments: testMatchArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(testMatchArguments, argv);
    if (values.help) return help(this, output);
    const from = blockNumber(values['from-block']!, 'from-block');
    const to = blockNumber(values['to-block']!, 'to-block');
    if (to < from) throw new UsageError('--to-block is before --from-block');
    if (to - from + 1 > maxBlocks) throw new UsageError(`at most ${maxBlocks} blocks in one run`);
    const { config } = loadCommandConfig(values.config);
    const entry = config.governance.find((candidate) => candidate.id === values.target);
    if (!entry) throw new UsageError(`no governance target "${values.target}" in the config`);
    if (entry.kind !== 'contract')
      throw new UsageError(`"${entry.id}" is a ${entry.kind}: test-match reads contract watches (kind: contract)`);
    const chain = config.chains.find((candidate) => candidate.id === entry.chain)!;
    const scrubber = secretsScrubber(config);
    const reader = new ChainReader(
      chain.id,
      chain.rpc.map((endpoint) => ({
        id: endpoint.id,
        url: endpoint.url,
        headers: endpoint.headers,
        timeoutMs: chain.timeout,
      })),
      { expectedChainId: chain.chainId, preference: () => [] },
    );
    const target = resolveGovernanceTarget(entry) as ContractTarget;
    let result: Awaited<ReturnType<typeof testMatch>>;
    try {
      result = await testMatch(target, reader, { from, to }, systemClock);
    } catch (error) {
      output.err(scrubber.scrub(`Cannot read ${chain.id}: ${(error as Error).message}`));
      return 1;
    }
    const { matches, counts, skipped } = result;
    if (values.json) {
      output.out(
        scrubber.scrub(
          JSON.stringify(
            {
              target: target.id,
              chain: target.chain,
              from,
              to,
              counts,
              matches: matches.map((match) => ({
                block: match.blockNumber,
                tx: match.txHash,
                logIndex: match.logIndex,
                matcher: match.matcher,
                name: match.name,
                args: match.args,
              })),
              skipped: skipped.length,
            },
            null,
            2,
          ),
        ),
      );
      return 0;
    }
    output.out(
      `${matches.length} match${matches.length === 1 ? '' : 'es'} of ${target.id} (${target.address}) on ` +
        `${target.chain}, blocks ${from}-${to}; nothing stored:`,
    );
    for (const match of matches)
      output.out(
        scrubber.scrub(`  block ${match.blockNumber}  tx ${match.txHash}  ${match.matcher}  ${matchSummary(match)}`),
      );
    output.out(
      `Per matcher: ${Object.entries(counts)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ')}`,
    );
    if (skipped.length > 0) output.out(`${skipped.length} logs of the matchers' events could not be decoded.`);
    return 0;
  },
};
