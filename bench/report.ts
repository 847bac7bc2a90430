// The benchmark's report: the machine, a table of both phases, the traffic the server saw, ERE's CPU as
// a ratio of the baseline's, and the goal (informational: a ratio, never a timed assertion).

import { readFileSync } from 'node:fs';
import { availableParallelism, platform, release } from 'node:os';
import type { PhaseResult } from './measure.js';
import type { ServerStats } from './rpc-server.js';

/** ERE may spend this many times the baseline's CPU per poll, at this p99 scheduling lag at most. */
export const goal = { cpuRatio: 1.5, p99LagMs: 100, minRateShare: 0.95 };

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
}

export interface PhaseReport {
  result: PhaseResult;
  /** What the JSON-RPC server received and sent during the whole phase, warm-up included. */
  traffic: ServerStats;
  /** Cores the whole machine kept busy during the phase (all processes): shows interference. */
  machineBusyCores: number | null;
}

export interface BenchReport {
  machine: MachineInfo;
  options: {
    endpoints: number;
    chains: number;
    intervalMs: number;
    durationMs: number;
    warmupMs: number;
    blockTxs: number;
    targetPollsPerSecond: number;
  };
  phases: PhaseReport[];
}

export function machineInfo(): MachineInfo {
  let cpuModel = 'unknown CPU';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: the model stays unknown.
  }
  return { cpus: availableParallelism(), cpuModel, node: process.version, platform: `${platform()} ${release()}` };
}

/** Busy and total jiffies of all cores, from /proc/stat (null where there is none). */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - fields[3]! - fields[4]!, total };
  } catch {
    return null;
  }
}

export function busyCores(
  before: { busy: number; total: number } | null,
  after: { busy: number; total: number } | null,
  cores: number,
): number | null {
  if (!before || !after || after.total === before.total) return null;
  return ((after.busy - before.busy) / (after.total - before.total)) * cores;
}

const cpuSeconds = (result: PhaseResult) => result.cpuUserSeconds + result.cpuSystemSeconds;
export const cpuPerThousandPolls = (result: PhaseResult) =>
  result.polls === 0 ? Number.NaN : (cpuSeconds(result) / result.polls) * 1_000;
export const pollsPerSecond = (result: PhaseResult) => result.polls / result.windowSeconds;
const megabytes = (bytes: number) => (bytes / 1_048_576).toFixed(1);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

function trafficLine(mode: string, traffic: ServerStats): string {
  const perRequest = (bytes: number) => (traffic.requests === 0 ? 0 : Math.round(bytes / traffic.requests));
  const methods = Object.entries(traffic.methods)
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
  return (
    `  ${mode}: ${traffic.requests} HTTP requests, ${perRequest(traffic.requestBytes)} B in / ` +
    `${perRequest(traffic.responseBytes)} B out per request, ${traffic.rejected} rejected; ${methods}`
  );
}

/** Prints the report; returns true when the run itself broke (a phase completed no polls). */
export function printReport(report: BenchReport): boolean {
  const header = [
    'phase',
    'polls',
    'polls/s',
    'errors',
    'skipped',
    'refired',
    'CPU s',
    'CPU s/1k polls',
    'ELU',
    'RSS peak MB',
    'RSS end MB',
    'heap MB',
    'lag p50 ms',
    'lag p99 ms',
    'lag max ms',
  ];
  const rows = report.phases.map(({ result }) => [
    result.mode,
    String(result.polls),
    pollsPerSecond(result).toFixed(1),
    String(result.errors),
    String(result.skipped),
    `${result.refiredSkips}+${result.refiredRuns}`,
    cpuSeconds(result).toFixed(2),
    cpuPerThousandPolls(result).toFixed(3),
    result.eventLoopUtilization.toFixed(3),
    megabytes(result.rssPeakBytes),
    megabytes(result.rssEndBytes),
    megabytes(result.heapUsedEndBytes),
    ms(result.lag.p50Ms),
    ms(result.lag.p99Ms),
    ms(result.lag.maxMs),
  ]);
  console.log(`\n${table([header, ...rows])}`);
  console.log('refired: timer fires for a slot already run, skipped + run twice (a scheduler fault when not 0+0)\n');
  console.log('traffic seen by the JSON-RPC server (whole phase, warm-up included):');
  for (const { result, traffic } of report.phases) console.log(trafficLine(result.mode, traffic));
  const busy = report.phases
    .map(({ result, machineBusyCores }) => `${result.mode} ${machineBusyCores?.toFixed(2) ?? '?'}`)
    .join(', ');
  console.log(
    `whole machine, cores busy during each phase (all processes, this ` +
      `benchmark's included): ${busy} of ${report.machine.cpus}`,
  );
  console.log(
    `CPU s per 1,000 polls, by ` +
      `${report.phases[0]?.result.cpuTimeline.sliceSeconds ?? 5} s slice from the start of the warm-up:`,
  );
  for (const { result } of report.phases)
    console.log(
      `  ${result.mode}: ${result.cpuTimeline.cpuPerThousandPolls.map((value) => value.toFixed(2)).join(' ')}`,
    );
  for (const { result } of report.phases) {
    const notes = Object.entries(result.notes);
    if (notes.length > 0) console.log(`${result.mode}: ${notes.map(([key, value]) => `${key} ${value}`).join(', ')}`);
  }

  const broken = report.phases.some(({ result }) => result.polls === 0);
  const baseline = report.phases.find(({ result }) => result.mode === 'baseline')?.result;
  const ere = report.phases.find(({ result }) => result.mode === 'ere')?.result;
  if (report.phases.some(({ result }) => result.errors > 0))
    console.log('\nWARNING: some polls failed; the phases did not do the same work.');
  if (!baseline || !ere || broken) return broken;

  const cpuRatio = cpuPerThousandPolls(ere) / cpuPerThousandPolls(baseline);
  const target = report.options.targetPollsPerSecond;
  const rateReached = pollsPerSecond(ere) >= goal.minRateShare * target;
  const checks = [
    `rate ${pollsPerSecond(ere).toFixed(1)}/${target} polls/s ${rateReached ? 'PASS' : 'FAIL'}`,
    `CPU ${cpuRatio.toFixed(2)}× baseline (goal ≤ ${goal.cpuRatio}×) ${cpuRatio <= goal.cpuRatio ? 'PASS' : 'FAIL'}`,
    `p99 lag ${ms(ere.lag.p99Ms)} ms (goal < ${goal.p99LagMs} ms) ${ere.lag.p99Ms < goal.p99LagMs ? 'PASS' : 'FAIL'}`,
  ];
  console.log(
    `\nERE / baseline: CPU per 1,000 polls ${cpuRatio.toFixed(2)}×, RSS peak ` +
      `${(ere.rssPeakBytes / baseline.rssPeakBytes).toFixed(2)}×, ELU ` +
      `${(ere.eventLoopUtilization / baseline.eventLoopUtilization).toFixed(2)}×`,
  );
  const met = rateReached && cpuRatio <= goal.cpuRatio && ere.lag.p99Ms < goal.p99LagMs;
  console.log(`goal at ${target} polls/s: ${checks.join('; ')} → ${met ? 'MET' : 'NOT MET'} (informational)`);
  return false;
}

/** The verdict over alternating rounds: the median of each round's CPU ratio, so one noisy phase cannot decide it. */
export function printRounds(reports: readonly BenchReport[]): void {
  const ratios = reports.flatMap((report) => {
    const baseline = report.phases.find(({ result }) => result.mode === 'baseline')?.result;
    const ere = report.phases.find(({ result }) => result.mode === 'ere')?.result;
    return baseline && ere && baseline.polls > 0 && ere.polls > 0
      ? [cpuPerThousandPolls(ere) / cpuPerThousandPolls(baseline)]
      : [];
  });
  if (ratios.length === 0) return;
  const sorted = [...ratios].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  console.log(
    `\nCPU per 1,000 polls, ERE / baseline, by round: ${ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}`,
  );
  console.log(
    `median over ${ratios.length} round${ratios.length === 1 ? '' : 's'}: ${median.toFixed(2)}× (goal ` +
      `≤ ${goal.cpuRatio}×) ${median <= goal.cpuRatio ? 'MET' : 'NOT MET'} (informational)`,
  );
}
