// `npm run bench:governance`: governance ingestion at 100,000 VoteCast events on anvil, against bare
// eth_getLogs calls over the same block ranges in the same run.
//
// The chain (bench/governance-chain.ts): a bulk emitter with the Governor's event signatures emits one
// ProposalCreated and then the votes, 2,000 per transaction, one transaction every 400 blocks: 10,000 votes per
// 2,000-block getLogs range, the result cap of several providers (and below viem's 10 MB response limit).
// 100,000 real votes through a Governor would need 100,000 funded, delegated voters; the logs are the same.
//
// Two phases, each in a fresh process (bench/governance-phase.ts), baseline first: bare viem eth_getLogs over
// the ranges, then a GovernanceTracker ingesting them into a fresh SQLite file. The run fails unless ERE
// stored exactly the votes emitted and counted every voter on the proposal.
//
// Flags: --events 100000, --per-tx 2000, --blocks-per-tx 400, --max-block-range 2000, --phases baseline,ere,
// --quick (10,000 events, 1,000 per transaction), --profile <dir> (V8 CPU profile of each phase, summarised),
// --json <file>, --simulation-runs 5 (then the simulation part, bench/governance-simulation.ts; 0 skips it).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventsByTopic } from '../src/governance/ingest/decode.js';
import { governorEvents } from '../src/governance/kinds/governor/ingest.js';
import { ChildSet } from './children.js';
import { buildVoteChain, type VoteChain } from './governance-chain.js';
import type { GovernancePhaseMessage, GovernancePhaseOptions, GovernancePhaseResult } from './governance-phase.js';
import { summarizeProfiles } from './profile-top.js';
import { machineInfo } from './report.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    'per-tx': { type: 'string', default: '2000' },
    'blocks-per-tx': { type: 'string', default: '400' },
    'max-block-range': { type: 'string', default: '2000' },
    phases: { type: 'string', default: 'baseline,ere' },
    quick: { type: 'boolean', default: false },
    'simulation-runs': { type: 'string', default: '5' },
    profile: { type: 'string' },
    json: { type: 'string' },
  },
});
const shape = {
  votes: values.quick ? 10_000 : Number(values.events),
  votesPerTx: values.quick ? 1_000 : Number(values['per-tx']),
  blocksPerTx: Number(values['blocks-per-tx']),
};
const maxBlockRange = Number(values['max-block-range']);
const modes = values.phases.split(',') as GovernancePhaseOptions['mode'][];

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(0);
const methods = (result: GovernancePhaseResult) =>
  Object.entries(result.requests)
    .sort((a, b) => b[1] - a[1])
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
const names = { baseline: 'bare eth_getLogs (viem)', ere: 'ERE GovernanceTracker' };
function row(result: GovernancePhaseResult): string {
  const { memory } = result;
  const cells = [
    names[result.mode],
    String(result.logs),
    (result.wallMs / 1_000).toFixed(2),
    ((shape.votes / result.wallMs) * 1_000).toFixed(0),
    (result.cpuMs / 1_000).toFixed(2),
    methods(result),
    `${mb(memory.rssBeforeBytes)} → ${mb(memory.rssAfterBytes)}`,
    `${mb(memory.heapBeforeBytes)} → ${mb(memory.heapAfterBytes)} (${mb(memory.heapRetainedBytes)} after GC)`,
    `${mb(memory.peakRssBeforeBytes)} → ${mb(memory.peakRssBytes)}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** What must hold after ERE's phase; each problem fails the run. */
function problemsOf(
  chain: VoteChain,
  ere: GovernancePhaseResult,
  baseline: GovernancePhaseResult | undefined,
): string[] {
  const check = ere.check!;
  return [
    check.voteCastStored !== shape.votes && `${check.voteCastStored} VoteCast events stored, expected ${shape.votes}`,
    check.voters !== shape.votes && `the proposal counts ${check.voters} voters, expected ${shape.votes}`,
    check.eventsStored !== shape.votes + 1 && `${check.eventsStored} events stored, expected ${shape.votes + 1}`,
    baseline !== undefined &&
      baseline.logs !== check.eventsStored &&
      `the chain has ${baseline.logs} logs, ERE stored ${check.eventsStored}`,
    check.cursorBlock !== chain.toBlock && `the cursor is at ${check.cursorBlock}, expected ${chain.toBlock}`,
    check.state !== 'Active' && `the proposal is ${check.state}, expected Active`,
  ].filter((problem): problem is string => typeof problem === 'string');
}

const machine = machineInfo();
const children = new ChildSet();
const dataDir = mkdtempSync(join(tmpdir(), 'ere-bench-governance-'));
let chain: VoteChain | undefined;
let failed = false;
try {
  const setupStarted = performance.now();
  chain = await buildVoteChain(shape);
  const setupSeconds = (performance.now() - setupStarted) / 1_000;
  const results = new Map<GovernancePhaseOptions['mode'], GovernancePhaseResult>();
  for (const mode of modes) {
    const options: GovernancePhaseOptions = {
      mode,
      url: chain.url,
      chainId: chain.chainId,
      emitter: chain.emitter,
      topics: [...eventsByTopic(governorEvents).keys()],
      proposalId: chain.proposalId.toString(),
      fromBlock: chain.fromBlock,
      toBlock: chain.toBlock,
      maxBlockRange,
      votes: shape.votes,
      dataDir,
    };
    const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', join(values.profile, mode)] : [];
    const child = children.spawn(
      mode,
      ['--expose-gc', ...profile, '--import', 'tsx'],
      [join(import.meta.dirname, 'governance-phase.ts'), JSON.stringify(options)],
    );
    const message = await children.nextMessage(child, (answer: GovernancePhaseMessage) => answer, 3_600_000);
    await children.exited(child);
    if (message.type === 'error') throw new Error(`${mode} phase failed: ${message.message}`);
    results.set(mode, message.result);
  }

  const transactions = Math.ceil(shape.votes / shape.votesPerTx);
  console.log(
    `Governance ingestion benchmark on ${machine.cpus} × ${machine.cpuModel}, Node ` +
      `${machine.node}${values.quick ? ' (--quick: figures not comparable)' : ''}`,
  );
  console.log(
    `Chain: ${shape.votes} VoteCast + 1 ProposalCreated, ${transactions} ` +
      `transactions of ${shape.votesPerTx} votes (${chain.gasPerTx} gas each), ` +
      `blocks ${chain.fromBlock}–${chain.toBlock}, getLogs ranges of ` +
      `${maxBlockRange} blocks; built in ${setupSeconds.toFixed(1)} s`,
  );
  console.log(
    '| phase | logs | wall s | votes/s | CPU s | requests | RSS MB before → ' +
      'after | heap MB before → after | peak RSS MB before → after |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const result of results.values()) console.log(row(result));
  const baseline = results.get('baseline');
  const ere = results.get('ere');
  if (baseline && ere)
    console.log(
      `Ingestion costs ${(ere.wallMs / baseline.wallMs).toFixed(2)}× the bare getLogs ` +
        `calls' wall time and ${(ere.cpuMs / baseline.cpuMs).toFixed(2)}× their CPU.`,
    );
  if (ere) {
    const problems = problemsOf(chain, ere, baseline);
    for (const problem of problems) console.error(`FAILED: ${problem}`);
    if (problems.length === 0)
      console.log(
        `Checked: ${ere.check!.voteCastStored} VoteCast events stored, ${ere.check!.voters} ` +
          `voters on the proposal, cursor at head, proposal ${ere.check!.state}.`,
      );
    failed = problems.length > 0;
  }
  if (values.profile) for (const mode of modes) summarizeProfiles(join(values.profile, mode), mode, { skipSeconds: 0 });
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          machine,
          shape,
          maxBlockRange,
          fromBlock: chain.fromBlock,
          toBlock: chain.toBlock,
          results: [...results.values()],
        },
        null,
        2,
      ),
    );
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await children.stopAll();
  await chain?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
// Then decoding and simulating a proposal of 10 actions on a fork (bench/governance-simulation.ts), in its own
// process, so that the two parts do not share a heap.
const simulationRuns = Number(values['simulation-runs']);
if (!failed && simulationRuns > 0) {
  const simulation = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/governance-simulation.ts', '--runs', String(simulationRuns)],
    { stdio: 'inherit' },
  );
  failed = simulation.status !== 0;
}
process.exitCode = failed ? 1 : 0;
