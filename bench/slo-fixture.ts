// The SLO benchmark's world: a SQLite database holding D days of per-minute rollups for E endpoints on C
// chains (written straight into the rollup tables, shaped as the service writes them), and N SLOs over
// them, declared through the real config schema. Deterministic for a given seed.

import type { Database } from 'better-sqlite3';
import { parseConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { minuteMs } from '../src/slo/window.js';
import { latencyBucketsMs } from '../src/domain/rpc.js';

export interface FixtureOptions {
  chains: number;
  endpointsPerChain: number;
  days: number;
  slos: number;
  /** Start of the first minute of data. */
  startMs: number;
  seed: number;
}

/** A small deterministic generator (mulberry32), so that every run sees the same data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const endpointId = (chain: number, endpoint: number) => `c${chain}-e${endpoint}`;

const objectives = [90, 95, 99, 99.5, 99.9, 99.95];
const windows = ['30d', '28d', '7d', 'month'];
const latencyThresholds = [100, 250, 500, 1_000, 2_500];
const headAges = [15, 30, 60, 120];

/** The config: chains with their endpoints, and N SLOs of every kind over subsets of them. */
export function fixtureConfig(options: FixtureOptions): Config {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const chains = Array.from({ length: options.chains }, (_, chain) => ({
    id: `c${chain}`,
    chainId: 1_000 + chain,
    rpc: Array.from({ length: options.endpointsPerChain }, (_, endpoint) => ({
      id: endpointId(chain, endpoint),
      url: `http://127.0.0.1:1/${chain}/${endpoint}`,
    })),
  }));
  const subsets = 2 ** options.endpointsPerChain - 1;
  const slos = Array.from({ length: options.slos }, (_, index) => {
    const chain = chains[index % chains.length]!;
    // A non-empty subset of the chain's endpoints.
    const mask = 1 + Math.floor(next() * subsets);
    const endpoints = chain.rpc.filter((_, bit) => mask & (1 << bit)).map((endpoint) => endpoint.id);
    const roll = next();
    const sli =
      roll < 0.4
        ? { kind: 'availability', chain: chain.id, endpoints }
        : roll < 0.7
          ? { kind: 'latency', chain: chain.id, endpoints, thresholdMs: pick(latencyThresholds) }
          : roll < 0.9
            ? {
                kind: 'freshness',
                chain: chain.id,
                endpoints,
                maxLagBlocks: 1 + Math.floor(next() * 5),
                maxHeadAgeSeconds: pick(headAges),
              }
            : {
                kind: 'redundancy',
                chain: chain.id,
                minHealthyEndpoints: 1 + Math.floor(next() * Math.min(4, options.endpointsPerChain)),
              };
    const perMinute = sli.kind === 'freshness' || sli.kind === 'redundancy';
    return {
      id: `slo-${index}`,
      service: `svc-${index % 50}`,
      objective: pick(objectives),
      window: pick(windows),
      budgeting: !perMinute && next() < 0.2 ? 'timeslices' : 'occurrences',
      sli,
    };
  });
  return parseConfig(JSON.stringify({ storage: { path: ':memory:' }, chains, slos }));
}

const rollupColumns = [
  'endpoint',
  'minute_ms',
  'chain',
  'total_count',
  'ok_count',
  'healthy_count',
  'ok_latency_sum_ms',
  'ok_latency_max_ms',
  ...latencyBucketsMs.map((bound) => `ok_latency_le_${bound}_ms`),
  'errors_timeout',
  'errors_http_status',
  'errors_rate_limited',
  'errors_jsonrpc_error',
  'errors_invalid_response',
  'errors_chain_id_mismatch',
  'errors_connection',
  'max_lag_blocks',
  'max_lag_seconds',
  'max_head_age_seconds',
  'max_head_block',
];

/**
 * Writes rollups for minutes [fromMinute, toMinute) after `startMs`: 4 probes a minute per endpoint, each
 * endpoint down now and then (about one outage of 5–60 minutes every three days), slower or lagging at
 * times, and the chain rollups that follow from it.
 */
export class RollupWriter {
  private readonly insertEndpoint;
  private readonly insertChain;
  /** Per endpoint: the minute its current outage ends (exclusive). */
  private readonly outageUntil: number[];
  private readonly next: () => number;

  constructor(
    private readonly db: Database,
    private readonly options: FixtureOptions,
  ) {
    this.insertEndpoint = db.prepare(
      `INSERT INTO rpc_rollups_1m (${rollupColumns.join(', ')}) VALUES (${rollupColumns.map(() => '?').join(', ')})`,
    );
    this.insertChain = db.prepare(
      'INSERT INTO chain_rollups_1m (chain, minute_ms, observations, configured_endpoints, min_healthy_endpoints, ' +
        'max_healthy_endpoints, max_head_age_seconds, max_consensus_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.outageUntil = Array.from({ length: options.chains * options.endpointsPerChain }, () => -1);
    this.next = random(options.seed + 1);
  }

  /** Minutes are written minute-major, as the service writes them. */
  write(fromMinute: number, toMinute: number): number {
    const { chains, endpointsPerChain, startMs } = this.options;
    let rows = 0;
    const batch = this.db.transaction((first: number, last: number) => {
      for (let minute = first; minute < last; minute += 1) {
        const minuteStart = startMs + minute * minuteMs;
        for (let chain = 0; chain < chains; chain += 1) {
          let healthy = 0;
          for (let endpoint = 0; endpoint < endpointsPerChain; endpoint += 1) {
            const index = chain * endpointsPerChain + endpoint;
            if (this.outageUntil[index]! <= minute && this.next() < 1 / (3 * 1_440))
              this.outageUntil[index] = minute + 5 + Math.floor(this.next() * 55);
            const down = this.outageUntil[index]! > minute;
            const ok = down ? 0 : 4;
            const slow = !down && this.next() < 0.02;
            const lag = down ? null : this.next() < 0.01 ? 8 : Math.floor(this.next() * 2);
            const le = latencyBucketsMs.map((bound) =>
              slow ? (bound >= 1_000 ? ok : 0) : bound >= 100 ? ok : bound >= 50 ? ok - 1 : 0,
            );
            const errors = [down ? 4 : 0, 0, 0, 0, 0, 0, 0];
            const isHealthy = !down && lag !== null && lag <= 3;
            if (isHealthy) healthy += 1;
            this.insertEndpoint.run(
              endpointId(chain, endpoint),
              minuteStart,
              `c${chain}`,
              4,
              ok,
              isHealthy ? 4 : 0,
              slow ? 4 * 1_200 : 4 * 70,
              ok ? (slow ? 1_300 : 90) : null,
              ...le,
              ...errors,
              lag,
              lag === null ? null : lag * 12,
              down ? null : 2 + this.next() * 14,
              1_000_000 + minute * 5,
            );
            rows += 1;
          }
          this.insertChain.run(
            `c${chain}`,
            minuteStart,
            4 * endpointsPerChain,
            endpointsPerChain,
            healthy,
            healthy,
            3,
            1_000_000 + minute * 5,
          );
          rows += 1;
        }
      }
    });
    // One transaction a day of data keeps the WAL small.
    for (let minute = fromMinute; minute < toMinute; minute += 1_440) batch(minute, Math.min(toMinute, minute + 1_440));
    return rows;
  }
}
