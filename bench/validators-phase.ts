// One phase of the validator benchmark, in a fresh process of its own (started by validators.ts), so that
// its peak RSS (VmHWM, which cannot be reset) is its own. The options come as JSON in argv[2]; the result
// goes back over IPC as `{ type: 'result', result }`.
//
// - ere: a ValidatorTracker watching `watched` validators (ranges over four operator scopes, five of them
//   by public key), on a fresh SQLite file, reading the simulated node through the real BeaconClient, its
//   clock at the benchmark's head slot; one `poll()` is timed. Every request the client sends is recorded,
//   for the baseline to repeat. The epoch rows it stored are read back for the checks.
// - baseline: ERE's recorded requests, repeated one after the other with a bare `fetch`, each body read to
//   its end and dropped: no parsing, no model, no storage.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRow } from '../src/validators/validator-store.js';
import type { WatchedSet } from '../src/validators/watch-list.js';
import { clockMsOf, type ValidatorBenchShape } from './validators-sim.js';

export interface ValidatorPhaseOptions {
  mode: 'baseline' | 'ere';
  url: string;
  shape: ValidatorBenchShape;
  /** Where ERE keeps its SQLite file; made and removed by the parent. */
  dataDir: string;
  /** baseline only: the requests ERE sent. */
  requests?: RecordedRequest[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  body?: string;
  /** The route template, named by the parent for the baseline's report. */
  route?: string;
}

export interface RouteTraffic {
  requests: number;
  bytes: number;
  /** Summed over the route's requests (some overlap: headers are read four at a time). */
  ms: number;
  failures: number;
}

export interface ValidatorPhaseResult {
  mode: ValidatorPhaseOptions['mode'];
  wallMs: number;
  cpuMs: number;
  /** Set-up before the timed part: modules loaded, the database opened and the tracker built with its watch list. */
  setupMs: number;
  /** VmHWM: before the timed part (modules loaded, tracker built) and at its end. */
  peakRssBeforeBytes: number;
  peakRssBytes: number;
  heapAfterBytes: number;
  traffic: Record<string, RouteTraffic>;
  /** ERE only. */
  sent: RecordedRequest[];
  ere: EreOutcome | null;
}

export interface EreOutcome {
  /** Each stage that ran: its epoch and how long it took inside the poll. */
  stages: { stage: 'blocks' | 'attestations' | 'finality'; epoch: number; ms: number }[];
  errors: string[];
  watchedResolvedByPubkey: number;
  watchedKnown: number;
  rows: { attestations: EpochRow[]; blocks: EpochRow[] };
  attestationEpoch: number | null;
  blocksEpoch: number | null;
}

export type ValidatorPhaseMessage =
  | { type: 'result'; result: ValidatorPhaseResult }
  | { type: 'error'; message: string };

/** Validators watched by public key: five, spread over the upper half of the watched range. */
export const pubkeyWatched = 5;
const operators = ['a', 'b', 'c', 'd'];

/**
 * The watched sets: indices 0…watched − 6 in four operator ranges, and the last five by public key in the last
 * operator's set.
 */
export function watchedSets(shape: ValidatorBenchShape, pubkeyOf: (index: number) => string): WatchedSet[] {
  const byIndex = shape.watched - pubkeyWatched;
  const per = Math.ceil(byIndex / operators.length);
  return operators.map((operator, position) => {
    const from = position * per;
    const to = Math.min(byIndex, from + per) - 1;
    const last = position === operators.length - 1;
    return {
      labels: { operator },
      indices: to >= from ? [[from, to] as const] : [],
      pubkeys: last ? Array.from({ length: pubkeyWatched }, (_, k) => pubkeyOf(byIndex + k)) : [],
      perValidatorMetrics: false,
    };
  });
}

/** Peak resident set size of this process (VmHWM), or Node's maxRSS where /proc is missing. */
function peakRssBytes(): number {
  try {
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kib !== undefined) return Number(kib) * 1_024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1_024;
}

function addTraffic(
  traffic: Record<string, RouteTraffic>,
  route: string,
  bytes: number,
  ms: number,
  failed: boolean,
): void {
  const entry = (traffic[route] ??= { requests: 0, bytes: 0, ms: 0, failures: 0 });
  entry.requests += 1;
  entry.bytes += bytes;
  entry.ms += ms;
  if (failed) entry.failures += 1;
}

type Traffic = Pick<ValidatorPhaseResult, 'setupMs' | 'traffic' | 'sent' | 'ere'>;

/** A phase made ready: `run` is the timed part, `report` what is read after it, untimed. */
interface PreparedPhase {
  run(): Promise<void>;
  report(): Traffic;
}

async function measured(prepare: () => Promise<PreparedPhase>): Promise<Omit<ValidatorPhaseResult, 'mode'>> {
  const phase = await prepare();
  (globalThis as { gc?: () => void }).gc?.();
  const peakRssBeforeBytes = peakRssBytes();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await phase.run();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRss = peakRssBytes();
  const heapAfterBytes = process.memoryUsage().heapUsed;
  return {
    ...phase.report(),
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    peakRssBeforeBytes,
    peakRssBytes: peakRss,
    heapAfterBytes,
  };
}

/** The recorded requests with a bare fetch, one after the other, bodies read to the end and dropped. */
async function bareRequests(options: ValidatorPhaseOptions): Promise<PreparedPhase> {
  const requests = options.requests ?? [];
  const traffic: Record<string, RouteTraffic> = {};
  return {
    async run() {
      for (const request of requests) {
        const started = performance.now();
        const response = await fetch(request.url, {
          method: request.method,
          headers:
            request.body === undefined
              ? { accept: 'application/json' }
              : { accept: 'application/json', 'content-type': 'application/json' },
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        let bytes = 0;
        if (response.body) for await (const chunk of response.body) bytes += chunk.length;
        addTraffic(
          traffic,
          request.route ?? `${request.method} ${new URL(request.url).pathname}`,
          bytes,
          performance.now() - started,
          response.status >= 400 && response.status !== 404,
        );
      }
    },
    report: () => ({ setupMs: 0, traffic, sent: [], ere: null }),
  };
}

async function trackerPoll(options: ValidatorPhaseOptions): Promise<PreparedPhase> {
  const setupStarted = performance.now();
  const [{ BeaconClient }, { ValidatorTracker }, { openDatabase }, { fixedClock }, { pubkeyOf, seedOf }] =
    await Promise.all([
      import('../src/endpoints/beacon/beacon-client.js'),
      import('../src/validators/validator-tracker.js'),
      import('../src/store/database.js'),
      import('../src/domain/clock.js'),
      import('../src/beacon-sim/hash.js'),
    ]);
  const { shape } = options;
  const { db } = openDatabase(join(options.dataDir, 'ere.db'));
  const traffic: Record<string, RouteTraffic> = {};
  const sent: RecordedRequest[] = [];
  // Records what the client sends, for the baseline to send the same; a push per request, 71 an epoch here.
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    return fetch(input, init);
  };
  const client = new BeaconClient({
    url: options.url,
    // The config's defaults (`timeout`, `bulkTimeout`).
    timeoutMs: 10_000,
    bulkTimeoutMs: 120_000,
    fetch: recordingFetch,
    onRequest: (event) => addTraffic(traffic, event.route, event.bytes, event.durationMs, event.outcome !== 'ok'),
  });
  const stages: EreOutcome['stages'] = [];
  const errors: string[] = [];
  const sets = watchedSets(shape, (index) => pubkeyOf(seedOf(shape.seed), index));
  const tracker = new ValidatorTracker(db, [{ chain: 'bench', signal: 'rewards', sets, backfillEpochs: 0 }], {
    clock: fixedClock(clockMsOf(shape)),
    beacon: { endpoints: () => ['sim'], api: () => client },
    hooks: {
      onBlockEpoch: (_chain, result, ms) => stages.push({ stage: 'blocks', epoch: result.epoch, ms }),
      onAttestationEpoch: (_chain, result, ms) => stages.push({ stage: 'attestations', epoch: result.epoch, ms }),
      onFinalizedEpoch: (_chain, epoch) => stages.push({ stage: 'finality', epoch, ms: Number.NaN }),
      onStageError: (_chain, stage, epoch, _endpoint, error) => errors.push(`${stage} ${epoch}: ${error.message}`),
      onEpochSkipped: (_chain, stage, epoch, reason) => errors.push(`${stage} ${epoch} skipped: ${reason}`),
    },
  });
  const setupMs = performance.now() - setupStarted;
  return {
    run: () => tracker.poll('bench'),
    report() {
      const watchList = tracker.watchList('bench')!;
      const attestationEpoch = stages.find((stage) => stage.stage === 'attestations')?.epoch ?? null;
      const blocksEpoch = stages.find((stage) => stage.stage === 'blocks')?.epoch ?? null;
      const rowsOf = (epoch: number | null) =>
        epoch === null ? [] : tracker.store.epochs('bench', { fromEpoch: epoch, toEpoch: epoch });
      const ere: EreOutcome = {
        stages,
        errors,
        watchedResolvedByPubkey: pubkeyWatched - watchList.unresolvedPubkeys,
        watchedKnown: tracker.watchedValidators('bench').size,
        rows: { attestations: rowsOf(attestationEpoch), blocks: rowsOf(blocksEpoch) },
        attestationEpoch,
        blocksEpoch,
      };
      db.close();
      return { setupMs, traffic, sent, ere };
    },
  };
}

async function runPhase(options: ValidatorPhaseOptions): Promise<ValidatorPhaseResult> {
  const result = await measured(() => (options.mode === 'ere' ? trackerPoll(options) : bareRequests(options)));
  return { mode: options.mode, ...result };
}

if (process.send) {
  const send = (message: ValidatorPhaseMessage) =>
    new Promise<void>((resolve) => process.send!(message, () => resolve()));
  try {
    await send({ type: 'result', result: await runPhase(JSON.parse(process.argv[2]!) as ValidatorPhaseOptions) });
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect();
}
