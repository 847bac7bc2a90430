// `npm run bench:validators`: one epoch of a 1,000,000-validator chain with 100,000 validators watched, read
// from the simulated beacon node by the real client and processed by a ValidatorTracker, against bare
// fetches of the same requests in the same run.
//
// Three kinds of process: the simulated node (bench/validators-sim.ts), its clock fixed at a slot where one
// epoch of each stage is due; then the phases (bench/validators-phase.ts), each in a fresh process, ERE first
// (the baseline repeats the requests ERE sent): wall time, CPU and peak RSS of one `poll()`, and the requests
// by route with their bytes. The run fails unless the epoch ERE stored counts every watched and every other
// validator's attestation as due, and the node served exactly the requests the client reported.
//
// Flags: --network 1000000, --watched 100000, --miss-rate 0.01, --phases ere,baseline, --quick (100,000
// network, 10,000 watched), --profile <dir> (V8 CPU profile of each phase, summarised), --json <file>.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { routes } from '../src/beacon-sim/routes.js';
import { ChildSet } from './children.js';
import { summarizeProfiles } from './profile-top.js';
import { busyCores, machineCpuTicks, machineInfo } from './report.js';
import type {
  RecordedRequest,
  RouteTraffic,
  ValidatorPhaseMessage,
  ValidatorPhaseOptions,
  ValidatorPhaseResult,
} from './validators-phase.js';
import type { SimCommand, SimMessage, ValidatorBenchShape } from './validators-sim.js';

/** The issue's goal for the full size on this machine: one epoch under 30 s and 1.5 GB. */
const goal = { wallSeconds: 30, peakRssBytes: 1.5 * 1_024 ** 3 };
/** The attestation stage runs for this epoch; the blocks stage, one epoch later, for the next. */
const attestationEpoch = 100;

const { values } = parseArgs({
  options: {
    network: { type: 'string', default: '1000000' },
    watched: { type: 'string', default: '100000' },
    'miss-rate': { type: 'string', default: '0.01' },
    phases: { type: 'string', default: 'ere,baseline' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
    json: { type: 'string' },
  },
});
const slotsPerEpoch = 32;
const shape: ValidatorBenchShape = {
  seed: 7,
  network: values.quick ? 100_000 : Number(values.network),
  watched: values.quick ? 10_000 : Number(values.watched),
  slotsPerEpoch,
  secondsPerSlot: 12,
  genesisTime: 1_767_225_600,
  // Two slots into epoch E + 2: the attestations of E (lag 2, margin 1) and the blocks of E + 1 (lag 1, margin 2) are
  // due.
  headSlot: (attestationEpoch + 2) * slotsPerEpoch + 2,
  attestationMissRate: Number(values['miss-rate']),
};
const modes = values.phases.split(',') as ValidatorPhaseOptions['mode'][];
if (modes.includes('baseline') && !(modes.includes('ere') && modes.indexOf('ere') < modes.indexOf('baseline')))
  throw new Error('the baseline repeats the requests ERE sent: --phases must list ere first');
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);

const templates = routes.map((route) => ({
  name: `${route.method} ${route.template}`,
  method: route.method,
  pattern: new RegExp(`^${route.template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
/** A request's route template, as the client names its routes. */
const routeOf = (request: RecordedRequest) => {
  const path = new URL(request.url).pathname;
  return (
    templates.find((template) => template.method === request.method && template.pattern.test(path))?.name ??
    `${request.method} ${path}`
  );
};

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(0);
const seconds = (ms: number) => (ms / 1_000).toFixed(2);
const count = (value: number | null) => (value === null ? '–' : value.toLocaleString('en-US'));
const totalOf = (traffic: Record<string, RouteTraffic>) =>
  Object.values(traffic).reduce(
    (sum, route) => ({ requests: sum.requests + route.requests, bytes: sum.bytes + route.bytes }),
    { requests: 0, bytes: 0 },
  );
const names = { baseline: 'bare fetch, bodies dropped', ere: 'ERE ValidatorTracker.poll()' };

function phaseRow(result: ValidatorPhaseResult): string {
  const total = totalOf(result.traffic);
  const cells = [
    names[result.mode],
    seconds(result.wallMs),
    seconds(result.cpuMs),
    `${mb(result.peakRssBeforeBytes)} → ${mb(result.peakRssBytes)}`,
    mb(result.heapAfterBytes),
    String(total.requests),
    mb(total.bytes),
  ];
  return `| ${cells.join(' | ')} |`;
}

function printTraffic(
  results: Map<ValidatorPhaseOptions['mode'], ValidatorPhaseResult>,
  served: Map<ValidatorPhaseOptions['mode'], Record<string, number>>,
): void {
  const ere = results.get('ere');
  const baseline = results.get('baseline');
  const routeNames = [...new Set([...Object.keys(ere?.traffic ?? {}), ...Object.keys(baseline?.traffic ?? {})])].sort(
    (a, b) => (ere?.traffic[b]?.bytes ?? 0) - (ere?.traffic[a]?.bytes ?? 0),
  );
  console.log('\n| route | requests (ERE / node served) | MB | ERE ms (summed) | baseline ms (summed) |');
  console.log('|---|---|---|---|---|');
  for (const route of routeNames) {
    const mine = ere?.traffic[route];
    const bare = baseline?.traffic[route];
    const cells = [
      `\`${route}\``,
      `${mine?.requests ?? '–'} / ${served.get('ere')?.[route] ?? '–'}`,
      ((mine ?? bare)!.bytes / 1_048_576).toFixed(1),
      mine ? mine.ms.toFixed(0) : '–',
      bare ? bare.ms.toFixed(0) : '–',
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

function printChecks(ere: ValidatorPhaseResult): void {
  const outcome = ere.ere!;
  const stagesRun = outcome.stages
    .map(
      (stage) => `${stage.stage} of epoch ${stage.epoch}${Number.isNaN(stage.ms) ? '' : ` (${seconds(stage.ms)} s)`}`,
    )
    .join(', ');
  const finalityNote = outcome.stages.some((stage) => stage.stage === 'finality')
    ? ''
    : '; finality not due (the finalized epoch is behind the first epoch the blocks stage judged)';
  console.log(`\nStages run in the poll: ${stagesRun || 'none'}${finalityNote}.`);
  console.log(
    `Set-up before the poll (modules, database, tracker and watch ` +
      `list): ${seconds(ere.setupMs)} s. Watched validators ` +
      `stored: ${count(outcome.watchedKnown)}, ${outcome.watchedResolvedByPubkey} of them found by public key.`,
  );
  console.log(
    `\n| epoch ${outcome.attestationEpoch} scope | validators | attestations due | missed | effective | head correct |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of outcome.rows.attestations
    .filter((entry) => entry.attestationsDue !== null)
    .sort((a, b) => a.scope.localeCompare(b.scope))) {
    console.log(
      `| ${row.scope} | ${count(row.validators)} | ${count(row.attestationsDue)} | ` +
        `${count(row.attestationsMissed)} | ${count(row.attestationsEffective)} | ${count(row.headCorrect)} |`,
    );
  }
  const blocks = outcome.rows.blocks.filter(
    (entry) => entry.proposalsDue !== null && (entry.scope === 'network' || entry.scope === 'watched'),
  );
  const describeBlocks = (row: (typeof blocks)[number]) =>
    `${row.scope} ${row.proposalsDue} proposals due, ${row.proposalsMissed} missed, ` +
    `${count(row.syncDue)} sync signatures due, ${row.syncMissed} missed`;
  console.log(`Blocks of epoch ${outcome.blocksEpoch}: ` + `${blocks.map(describeBlocks).join('; ')}.`);
}

/** What must hold after ERE's phase; each problem fails the run. */
function problemsOf(
  ere: ValidatorPhaseResult,
  baseline: ValidatorPhaseResult | undefined,
  served: Record<string, number> | undefined,
): string[] {
  const outcome = ere.ere!;
  const due = (scope: string) => outcome.rows.attestations.find((row) => row.scope === scope)?.attestationsDue ?? null;
  const problems = [
    ...outcome.errors.map((error) => `stage error: ${error}`),
    outcome.attestationEpoch !== attestationEpoch &&
      `the attestation stage ran for epoch ${outcome.attestationEpoch}, expected ${attestationEpoch}`,
    outcome.blocksEpoch !== attestationEpoch + 1 &&
      `the blocks stage ran for epoch ${outcome.blocksEpoch}, expected ${attestationEpoch + 1}`,
    due('watched') !== shape.watched &&
      `scope watched has ${due('watched')} attestations due, expected ${shape.watched}`,
    due('network') !== shape.network - shape.watched &&
      `scope network has ${due('network')} attestations due, expected ${shape.network - shape.watched}`,
    !((outcome.rows.attestations.find((row) => row.scope === 'watched')?.attestationsMissed ?? 0) > 0) &&
      'no watched validator missed an attestation: the misses are not seen',
    outcome.watchedKnown !== shape.watched &&
      `${outcome.watchedKnown} watched validators stored, expected ${shape.watched}`,
  ];
  for (const [route, traffic] of Object.entries(ere.traffic)) {
    if (served?.[route] !== traffic.requests)
      problems.push(
        `the client reports ${traffic.requests} requests on ${route}, the node served ${served?.[route] ?? 0}`,
      );
    if (traffic.failures > 0) problems.push(`${traffic.failures} requests on ${route} failed`);
    const bare = baseline?.traffic[route];
    if (baseline && bare?.bytes !== traffic.bytes)
      problems.push(`on ${route} ERE read ${traffic.bytes} bytes, the baseline ${bare?.bytes ?? 0}`);
  }
  return problems.filter((problem): problem is string => typeof problem === 'string');
}

const machine = machineInfo();
const children = new ChildSet();
const dataDir = mkdtempSync(join(tmpdir(), 'ere-bench-validators-'));
let failed = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void children.stopAll().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
try {
  const sim = children.spawn(
    'simulated beacon node',
    ['--import', 'tsx'],
    [join(import.meta.dirname, 'validators-sim.ts'), JSON.stringify(shape)],
  );
  const listening = await children.nextMessage(
    sim,
    (message: SimMessage) => (message.type === 'listening' ? message : undefined),
    600_000,
  );
  const requestsServed = (reset: boolean) => {
    const reply = children.nextMessage(
      sim,
      (message: SimMessage) => (message.type === 'requests' ? message.counts : undefined),
      30_000,
    );
    sim.send({ type: 'requests', reset } satisfies SimCommand);
    return reply;
  };

  const results = new Map<ValidatorPhaseOptions['mode'], ValidatorPhaseResult>();
  const served = new Map<ValidatorPhaseOptions['mode'], Record<string, number>>();
  /** Cores the whole machine kept busy during each phase (the node, the phase, anything else): shows interference. */
  const busy = new Map<ValidatorPhaseOptions['mode'], number | null>();
  for (const mode of modes) {
    await requestsServed(true);
    const sent = results.get('ere')?.sent.map((request) => ({ ...request, route: routeOf(request) }));
    const options: ValidatorPhaseOptions = {
      mode,
      url: listening.url,
      shape,
      dataDir,
      ...(sent ? { requests: sent } : {}),
    };
    const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, mode)] : [];
    const ticksBefore = machineCpuTicks();
    const child = children.spawn(
      mode,
      ['--expose-gc', ...profile, '--import', 'tsx'],
      [join(import.meta.dirname, 'validators-phase.ts'), JSON.stringify(options)],
    );
    const message = await children.nextMessage(child, (answer: ValidatorPhaseMessage) => answer, 3_600_000);
    await children.exited(child);
    busy.set(mode, busyCores(ticksBefore, machineCpuTicks(), machine.cpus));
    if (message.type === 'error') throw new Error(`${mode} phase failed: ${message.message}`);
    results.set(mode, message.result);
    served.set(mode, await requestsServed(true));
  }

  console.log(
    `Validator benchmark on ${machine.cpus} × ${machine.cpuModel}, Node ` +
      `${machine.node}${values.quick ? ' (--quick: figures not comparable)' : ''}`,
  );
  console.log(
    `Chain: ${count(shape.network)} validators, ${count(shape.watched)} watched (four ` +
      `operator scopes, five by public key), ${slotsPerEpoch} slots per epoch, ` +
      `attestation miss rate ${shape.attestationMissRate}; node clock at slot ` +
      `${shape.headSlot}; node ready in ${listening.warmSeconds.toFixed(1)} s`,
  );
  console.log('\n| phase | wall s | CPU s | peak RSS MB before → after | heap MB after | requests | MB read |');
  console.log('|---|---|---|---|---|---|---|');
  for (const result of results.values()) console.log(phaseRow(result));
  console.log(
    `Whole machine, cores busy during each phase process (node, phase and anything else): ` +
      `${[...busy].map(([mode, cores]) => `${mode} ${cores?.toFixed(2) ?? '?'}`).join(', ')} of ${machine.cpus}`,
  );
  printTraffic(results, served);
  const ere = results.get('ere');
  const baseline = results.get('baseline');
  if (ere && baseline)
    console.log(
      `\nOne epoch costs ${(ere.wallMs / baseline.wallMs).toFixed(2)}× the bare requests' ` +
        `wall time and ${(ere.cpuMs / baseline.cpuMs).toFixed(2)}× their CPU.`,
    );
  if (ere) {
    printChecks(ere);
    const problems = problemsOf(ere, baseline, served.get('ere'));
    for (const problem of problems) console.error(`FAILED: ${problem}`);
    failed = problems.length > 0;
    const wallMet = ere.wallMs < goal.wallSeconds * 1_000;
    const rssMet = ere.peakRssBytes < goal.peakRssBytes;
    const quickNote = " (--quick: not the goal's size)";
    console.log(
      `\nGoal (full size): wall ${seconds(ere.wallMs)} s < ${goal.wallSeconds} s ${wallMet ? 'PASS' : 'FAIL'}; ` +
        `peak RSS ${mb(ere.peakRssBytes)} MB < ${mb(goal.peakRssBytes)} MB ${rssMet ? 'PASS' : 'FAIL'} → ` +
        `${wallMet && rssMet ? 'MET' : 'NOT MET'}${values.quick ? quickNote : ''} (informational)`,
    );
  }
  if (profileDir) for (const mode of modes) summarizeProfiles(join(profileDir, mode), mode, { skipSeconds: 0 });
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          machine,
          shape,
          simWarmSeconds: listening.warmSeconds,
          served: Object.fromEntries(served),
          busyCores: Object.fromEntries(busy),
          results: [...results.values()].map(({ sent: _sent, ...result }) => result),
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
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
