// `npm run bench:slo`: the SLO engine at scale. N SLOs (10,000 by default) over D days (90) of per-minute
// rollups of E endpoints on C chains, in a SQLite file: the time and memory of the first evaluation (which
// counts every window afresh) and of steady one-minute cycles (a new minute of rollups each), and the
// p50/p99 latency of the report endpoint for a month. Baselines from the same run: a stateless evaluator's
// least work per cycle (one SQL sum over each SLO's window) and a report's least work (one SQL sum over
// the month). See docs/benchmarks.md.
//
// Flags: --slos 10000, --chains 20, --endpoints-per-chain 5, --days 90, --cycles 10, --reports 200,
// --quick (1,000 SLOs over 14 days), --json <file>. Run with --expose-gc for memory figures.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { resolveSlos } from '../src/config/slos.js';
import { fixedClock } from '../src/domain/clock.js';
import { ChainView } from '../src/endpoints/rpc/rpc-view.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log/logger.js';
import { SecretScrubber } from '../src/log/redact.js';
import { ChainTracker } from '../src/endpoints/rpc/rpc-tracker.js';
import { SloEngine } from '../src/slo/slo-engine.js';
import { SloReports } from '../src/slo/slo-reports.js';
import { calendarMonth, dayMs, minuteMs, windowAt } from '../src/slo/window.js';
import { openDatabase } from '../src/store/database.js';
import { RpcSampleStore } from '../src/endpoints/rpc/rpc-samples.js';
import { SliCounter } from '../src/slo/sli-counts.js';
import { percentile } from './measure.js';
import { machineInfo } from './report.js';
import { fixtureConfig, random, RollupWriter, type FixtureOptions } from './slo-fixture.js';

/** The goals: an evaluation cycle of 10,000 SLOs under a second, a month's report under 50 ms at p99. */
export const sloGoal = { cycleMs: 1_000, reportP99Ms: 50 };

const { values } = parseArgs({
  options: {
    slos: { type: 'string', default: '10000' },
    chains: { type: 'string', default: '20' },
    'endpoints-per-chain': { type: 'string', default: '5' },
    days: { type: 'string', default: '90' },
    cycles: { type: 'string', default: '10' },
    reports: { type: 'string', default: '200' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const quick = values.quick;
const options: FixtureOptions = {
  slos: quick ? 1_000 : Number(values.slos),
  chains: Number(values.chains),
  endpointsPerChain: Number(values['endpoints-per-chain']),
  days: quick ? 14 : Number(values.days),
  startMs: Date.UTC(2026, 7, 1),
  seed: 42,
};
const cycles = Number(values.cycles);
const reportCount = Number(values.reports);

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => bytes / 1_048_576;
function memory() {
  gc?.();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers, rss: usage.rss };
}
const time = <T>(fn: () => T): [T, number] => {
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
};
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
};

const dir = mkdtempSync(join(tmpdir(), 'ere-bench-slo-'));
const dbPath = join(dir, 'bench.db');
try {
  const { db } = openDatabase(dbPath);
  const dataMinutes = options.days * 1_440;
  const writer = new RollupWriter(db, options);
  const [rows, writeMs] = time(() => writer.write(0, dataMinutes));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = statSync(dbPath).size;
  console.log(
    `fixture: ${rows.toLocaleString('en')} rollup rows (${options.chains} chains × ${options.endpointsPerChain} ` +
      `endpoints × ${options.days} days) in ${(writeMs / 1_000).toFixed(1)} s, ${mib(dbBytes).toFixed(0)} MiB`,
  );

  const config = fixtureConfig(options);
  const definitions = resolveSlos(config);
  const distinctSlis = new Set(
    definitions.map((definition) => JSON.stringify([definition.sli.selection, definition.sli.query])),
  ).size;
  console.log(`SLOs: ${definitions.length.toLocaleString('en')} (${distinctSlis.toLocaleString('en')} distinct SLIs)`);

  // The clock sits right after the data: the last minute of the fixture has just settled.
  const settleMs = 10_000;
  const dataEndMs = options.startMs + dataMinutes * minuteMs;
  const clock = fixedClock(dataEndMs + settleMs);

  const before = memory();
  const [engine, constructMs] = time(() => new SloEngine(db, definitions, { clock, settleMs }));
  const [, coldMs] = time(() => engine.evaluate());
  const afterCold = memory();
  console.log(
    `engine: built in ${constructMs.toFixed(0)} ms; first evaluation (every ` +
      `window counted afresh) ${(coldMs / 1_000).toFixed(1)} s`,
  );

  const cycleMs: number[] = [];
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    writer.write(dataMinutes + cycle, dataMinutes + cycle + 1);
    clock.advance(minuteMs);
    cycleMs.push(time(() => engine.evaluate())[1]);
  }
  const afterCycles = memory();
  const cycle = summary(cycleMs);
  const endMs = engine.settledEnd(clock.now());

  // Baseline: the least a stateless evaluator does each cycle, one SQL sum over each SLO's window, timed
  // for a sample of SLOs and scaled to all of them.
  const next = random(7);
  const sample = Array.from(
    { length: Math.min(reportCount, definitions.length) },
    () => definitions[Math.floor(next() * definitions.length)]!,
  );
  const baselineMs = sample.map((definition) => {
    const counter = new SliCounter(db, definition.sli.selection, definition.sli.query);
    const window = windowAt(definition.window, endMs);
    return time(() => counter.total(window.startMs, endMs))[1];
  });
  const baselineCycleMs = summary(baselineMs).mean * definitions.length;

  // Reports: the last whole calendar month when the data covers it, else the last 30 days of data, through
  // the HTTP route (inject: no socket).
  const lastMonth = calendarMonth(calendarMonth(endMs).startMs - 1);
  const monthCovered = lastMonth.startMs >= options.startMs;
  const month = monthCovered ? lastMonth : { startMs: Math.max(options.startMs, endMs - 30 * dayMs), endMs };
  const period = monthCovered
    ? new Date(month.startMs).toISOString().slice(0, 7)
    : `${new Date(month.startMs).toISOString().slice(0, 10)}/${new Date(month.endMs).toISOString().slice(0, 10)}`;
  const periodQuery = monthCovered ? `period=${period}` : `from=${month.startMs}&to=${month.endMs}`;
  const tracker = new ChainTracker(
    config.chains.map((chain) => ({
      chain: chain.id,
      endpoints: chain.rpc.map((endpoint) => endpoint.id),
      policy: { maxLagBlocks: 3, staleAfterMs: 45_000 },
    })),
    clock,
  );
  const app = buildServer({
    version: 'bench',
    clock,
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber() }),
    registry: new Registry(),
    readiness: () => ({ ready: true }),
    view: new ChainView(config, tracker),
    samples: new RpcSampleStore(db),
    slos: engine,
    sloReports: new SloReports(db, definitions, () => engine.settledEnd(clock.now())),
    auth: { protectReads: false },
  });
  await app.ready();
  const reportMs: number[] = [];
  const reportBaselineMs: number[] = [];
  for (const definition of sample) {
    const started = process.hrtime.bigint();
    const response = await app.inject({ method: 'GET', url: `/api/v1/slos/${definition.id}/report?${periodQuery}` });
    reportMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (response.statusCode !== 200)
      throw new Error(`report for ${definition.id}: HTTP ${response.statusCode} ${response.body}`);
    const counter = new SliCounter(db, definition.sli.selection, definition.sli.query);
    reportBaselineMs.push(time(() => counter.total(month.startMs, month.endMs))[1]);
  }
  await app.close();
  const report = summary(reportMs);
  const reportBaseline = summary(reportBaselineMs);
  db.close();

  const result = {
    machine: machineInfo(),
    options: { ...options, cycles, reports: sample.length },
    fixture: { rows, writeSeconds: writeMs / 1_000, dbMiB: mib(dbBytes), distinctSlis },
    engine: {
      constructMs,
      coldEvaluationMs: coldMs,
      cycleMs: cycle,
      baselineCycleMs,
      cycleRatio: cycle.p50 / baselineCycleMs,
      memoryMiB: {
        heapAfterFirstEvaluation: mib(afterCold.heapUsed - before.heapUsed),
        arrayBuffersAfterFirstEvaluation: mib(afterCold.arrayBuffers - before.arrayBuffers),
        heapAfterCycles: mib(afterCycles.heapUsed - before.heapUsed),
        rss: mib(afterCycles.rss),
      },
      memoryMeasured: gc !== undefined,
    },
    report: { period, ms: report, baselineMs: reportBaseline, p50Ratio: report.p50 / reportBaseline.p50 },
  };

  const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
  const { machine } = result;
  const cycleMet = cycle.max < sloGoal.cycleMs ? 'met' : 'NOT met';
  const reportMet = report.p99 < sloGoal.reportP99Ms ? 'met' : 'NOT met';
  const heap = mib(afterCold.heapUsed - before.heapUsed).toFixed(0);
  const buffers = mib(afterCold.arrayBuffers - before.arrayBuffers).toFixed(0);
  const exact = gc ? '' : ' (run with --expose-gc for exact figures)';
  const lines = [
    '',
    `SLO engine, ${definitions.length.toLocaleString('en')} SLOs over ${options.days} days of rollups ` +
      `(${machine.cpus} × ${machine.cpuModel}, Node ${machine.node})`,
    `  one cycle (a new minute):    p50 ${f(cycle.p50)} ms, max ${f(cycle.max)} ms over ${cycles} cycles   ` +
      `goal < ${sloGoal.cycleMs} ms: ${cycleMet}`,
    `  stateless baseline cycle:    ${f(baselineCycleMs)} ms (one SQL sum per window, from ${sample.length} SLOs); ` +
      `ERE/baseline ${(cycle.p50 / baselineCycleMs).toFixed(3)}×`,
    `  first evaluation:            ${f(coldMs)} ms (counts every window from the rollups)`,
    `  memory after the first:      heap +${heap} MiB, array buffers +${buffers} MiB, ` +
      `RSS ${mib(afterCycles.rss).toFixed(0)} MiB${exact}`,
    `  report (${period}, HTTP):     p50 ${f(report.p50)} ms, p99 ${f(report.p99)} ms over ${sample.length} SLOs   ` +
      `goal p99 < ${sloGoal.reportP99Ms} ms: ${reportMet}`,
    `  report baseline (SQL sum):   p50 ${f(reportBaseline.p50)} ms, p99 ${f(reportBaseline.p99)} ms; ` +
      `ERE/baseline p50 ${(report.p50 / reportBaseline.p50).toFixed(2)}×`,
  ];
  console.log(lines.join('\n'));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
