// `npm run bench`: polls N JSON-RPC endpoints on loopback at a fixed rate, first with a bare `fetch`
// baseline, then with ERE's whole pipeline, each in a fresh child process, against one JSON-RPC server
// in a third process; prints polls/s, CPU seconds per 1,000 polls, RSS and scheduling lag of both, and
// ERE's CPU as a ratio of the baseline's from the same run. See docs/benchmarks.md.
//
// Flags (or BENCH_* environment variables): --endpoints 200, --interval 1s, --duration 30s, --warmup 15s,
// --chains 1, --block-txs 150, --phases baseline,ere, --rounds 3 (alternating; the verdict is the median ratio),
// --quick (5 s window, 2 s warm-up), --profile <dir>
// (V8 CPU profiles of the phases, summarised), --json <file>, --node-arg <flag> (repeatable, for the phases).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDurationMs } from '../src/domain/duration.js';
import {
  busyCores,
  machineCpuTicks,
  machineInfo,
  printReport,
  printRounds,
  type BenchReport,
  type PhaseReport,
} from './report.js';
import { ChildSet } from './children.js';
import type { PhaseMode, PhaseResult } from './measure.js';
import type { PhaseMessage, PhaseOptions } from './phase.js';
import { summarizeProfiles } from './profile-top.js';
import type { ServerMessage, ServerStats } from './rpc-server.js';

const root = join(import.meta.dirname, '..');

interface BenchOptions {
  endpoints: number;
  intervalMs: number;
  durationMs: number;
  warmupMs: number;
  chains: number;
  blockTxs: number;
  /** Block agreement on: a round every two poll intervals, its calls in the probe batch (and the baseline's). */
  agreement: boolean;
  phases: PhaseMode[];
  /** The phases run this many times, alternating, and the verdict takes the median ratio: this VM is noisy. */
  rounds: number;
  profileDir: string | undefined;
  jsonFile: string | undefined;
  /** Extra node flags for the phase processes, e.g. `--perf-basic-prof` for `perf record`. */
  phaseNodeArgs: string[];
}

const optionalPath = (path: string | undefined) => (path === undefined ? undefined : resolve(path));

function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoints: { type: 'string' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      chains: { type: 'string' },
      'block-txs': { type: 'string' },
      agreement: { type: 'string' },
      phases: { type: 'string' },
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      profile: { type: 'string' },
      json: { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
    },
  });
  const quick = values.quick ?? env.BENCH_QUICK === '1';
  const count = (name: string, text: string | undefined, fallback: number, min: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
    return value;
  };
  const duration = (name: string, text: string | undefined, fallback: string) => {
    const value = parseDurationMs(/^\d+(\.\d+)?$/.test(text ?? '') ? `${text}s` : (text ?? fallback));
    if (value === null || value <= 0)
      throw new Error(`--${name} must be a duration such as 500ms, 5s or 1m, got ${text}`);
    return value;
  };
  const onOff = (name: string, text: string | undefined, fallback: boolean) => {
    if (text === undefined) return fallback;
    if (text !== 'on' && text !== 'off') throw new Error(`--${name} is on or off, got ${text}`);
    return text === 'on';
  };
  const phases = (values.phases ?? env.BENCH_PHASES ?? 'baseline,ere').split(',').map((phase) => phase.trim());
  if (phases.length === 0 || phases.some((phase) => phase !== 'baseline' && phase !== 'ere'))
    throw new Error('--phases is a list of baseline and ere');
  const endpoints = count('endpoints', values.endpoints ?? env.BENCH_ENDPOINTS, 200, 1);
  return {
    endpoints,
    intervalMs: duration('interval', values.interval ?? env.BENCH_INTERVAL, '1s'),
    durationMs: duration('duration', values.duration ?? env.BENCH_DURATION, quick ? '5s' : '30s'),
    warmupMs: duration('warmup', values.warmup ?? env.BENCH_WARMUP, quick ? '2s' : '15s'),
    chains: Math.min(endpoints, count('chains', values.chains ?? env.BENCH_CHAINS, 1, 1)),
    blockTxs: count('block-txs', values['block-txs'] ?? env.BENCH_BLOCK_TXS, 150, 0),
    agreement: onOff('agreement', values.agreement ?? env.BENCH_AGREEMENT, true),
    phases: phases as PhaseMode[],
    rounds: count('rounds', values.rounds ?? env.BENCH_ROUNDS, quick ? 1 : 3, 1),
    // Absolute: the phases run with the repository as their working directory.
    profileDir: optionalPath(values.profile ?? env.BENCH_PROFILE),
    jsonFile: optionalPath(values.json ?? env.BENCH_JSON),
    phaseNodeArgs: values['node-arg'] ?? [],
  };
}

/** `node --import tsx <file>`: TypeScript without a build, the same way for every child. */
function tsNodeArgs(file: string, extraNodeArgs: string[] = []): string[] {
  return ['--import', 'tsx', ...extraNodeArgs, join(root, file)];
}

async function startServer(children: ChildSet, options: BenchOptions) {
  const server = children.spawn('rpc-server', tsNodeArgs('bench/rpc-server.ts'), [
    '--block-txs',
    String(options.blockTxs),
    '--block-time',
    '2',
    '--chain-id',
    '31337',
  ]);
  const port = await children.nextMessage<ServerMessage, number>(
    server,
    (message) => (message.type === 'listening' ? message.port : undefined),
    30_000,
  );
  const statsNow = async (command: 'reset' | 'stats'): Promise<ServerStats> => {
    const reply = children.nextMessage<ServerMessage, ServerStats>(
      server,
      (message) => (message.type === 'stats' ? message.stats : undefined),
      10_000,
    );
    server.send({ type: command });
    return reply;
  };
  return { url: `http://127.0.0.1:${port}`, statsNow };
}

async function runPhase(children: ChildSet, options: PhaseOptions, extraNodeArgs: string[]): Promise<PhaseResult> {
  const child = children.spawn(options.mode, tsNodeArgs('bench/phase.ts', extraNodeArgs), [JSON.stringify(options)]);
  const timeoutMs = options.warmupMs + options.durationMs + 60_000;
  const result = await children.nextMessage<PhaseMessage, PhaseResult>(
    child,
    (message) => (message.type === 'result' ? message.result : undefined),
    timeoutMs,
  );
  await children.exited(child);
  return result;
}

/** Set on SIGINT/SIGTERM: the children's exits that follow are expected, not failures. */
let interrupted = false;

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env);
  const machine = machineInfo();
  const children = new ChildSet();
  const dataDir = mkdtempSync(join(tmpdir(), 'ere-bench-'));
  const cleanup = async () => {
    await children.stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping the benchmark's child processes`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    console.log(
      `ERE RPC poll benchmark: ${options.endpoints} endpoints on ` +
        `${options.chains} chain(s) every ${options.intervalMs} ms ` +
        `(${Math.round((options.endpoints * 1_000) / options.intervalMs)} ` +
        `polls/s), ${options.warmupMs / 1_000} s warm-up + ` +
        `${options.durationMs / 1_000} s measured per phase, ${options.blockTxs} tx hashes per block`,
    );
    console.log(
      `machine: ${machine.cpus} cores (nproc), ${machine.cpuModel}, node ${machine.node}, ${machine.platform}`,
    );
    const server = await startServer(children, options);
    const reports: BenchReport[] = [];
    let broken = false;
    for (let round = 1; round <= options.rounds; round += 1) {
      const phases: PhaseReport[] = [];
      for (const mode of options.phases) {
        console.log(`round ${round}/${options.rounds}: running ${mode} …`);
        await server.statsNow('reset');
        const profileDir = options.profileDir ? join(options.profileDir, `${mode}-${round}`) : undefined;
        const nodeArgs = [
          ...options.phaseNodeArgs,
          ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
        ];
        const ticksBefore = machineCpuTicks();
        const result = await runPhase(
          children,
          {
            mode,
            serverUrl: server.url,
            endpoints: options.endpoints,
            chains: options.chains,
            intervalMs: options.intervalMs,
            agreement: options.agreement,
            warmupMs: options.warmupMs,
            durationMs: options.durationMs,
            dataDir,
          },
          nodeArgs,
        );
        const machineBusyCores = busyCores(ticksBefore, machineCpuTicks(), machine.cpus);
        phases.push({ result, traffic: await server.statsNow('stats'), machineBusyCores });
      }
      const report: BenchReport = {
        machine,
        options: { ...options, targetPollsPerSecond: (options.endpoints * 1_000) / options.intervalMs },
        phases,
      };
      broken = printReport(report) || broken;
      reports.push(report);
    }
    printRounds(reports);
    if (options.jsonFile) writeFileSync(options.jsonFile, `${JSON.stringify({ rounds: reports }, null, 2)}\n`);
    if (options.profileDir) {
      for (let round = 1; round <= options.rounds; round += 1) {
        for (const mode of options.phases)
          summarizeProfiles(join(options.profileDir, `${mode}-${round}`), mode, {
            skipSeconds: options.warmupMs / 1_000,
          });
      }
    }
    return broken ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (interrupted) return;
    console.error('benchmark failed:', error);
    process.exit(1);
  },
);
