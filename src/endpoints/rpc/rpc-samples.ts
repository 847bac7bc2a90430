// The RPC sample repository: prepared statements over rpc_samples and the per-minute rollups.

import type { Database, Statement } from 'better-sqlite3';
import { rpcErrorClasses, type ChainObservation, type RpcErrorClass, type RpcSample } from '../../domain/rpc.js';
import { latencyBucketsMs } from '../../domain/rpc.js';
import type { QueuedSample, SampleStore, SampleWriter } from '../sample-writer.js';
import { SampleTable, bool, fromBool, outcomeOf, outcomeRow, type OutcomeRow } from '../sample-table.js';
import {
  aggregateChainObservations,
  aggregateRpcSamples,
  type ChainRollupDelta,
  type RpcRollupDelta,
} from './rpc-rollup.js';

interface SampleRow extends OutcomeRow {
  chain_id: number | null;
  head_block: number | null;
  head_timestamp: number | null;
  head_age_seconds: number | null;
  lag_blocks: number | null;
  lag_seconds: number | null;
  syncing: number | null;
  peer_count: number | null;
  gas_used: number | null;
  gas_limit: number | null;
  base_fee_per_gas_wei: number | null;
  client_version: string | null;
  batched: number;
}

function toRow(sample: RpcSample): SampleRow {
  return {
    ...outcomeRow(sample),
    chain_id: sample.chainId,
    head_block: sample.headBlock,
    head_timestamp: sample.headTimestamp,
    head_age_seconds: sample.headAgeSeconds,
    lag_blocks: sample.lagBlocks,
    lag_seconds: sample.lagSeconds,
    syncing: bool(sample.syncing),
    peer_count: sample.peerCount,
    gas_used: sample.gasUsed,
    gas_limit: sample.gasLimit,
    base_fee_per_gas_wei: sample.baseFeePerGasWei,
    client_version: sample.clientVersion,
    batched: sample.batched ? 1 : 0,
  };
}

function fromRow(row: SampleRow): RpcSample {
  return {
    ...outcomeOf<RpcErrorClass>(row),
    chainId: row.chain_id,
    headBlock: row.head_block,
    headTimestamp: row.head_timestamp,
    // Hashes are not stored: after a restart, heads are corroborated again from new probes.
    headHash: null,
    ancestorHashes: [],
    tags: null,
    headAgeSeconds: row.head_age_seconds,
    lagBlocks: row.lag_blocks,
    lagSeconds: row.lag_seconds,
    syncing: fromBool(row.syncing),
    peerCount: row.peer_count,
    gasUsed: row.gas_used,
    gasLimit: row.gas_limit,
    baseFeePerGasWei: row.base_fee_per_gas_wei,
    clientVersion: row.client_version,
    batched: row.batched === 1,
  };
}

const bucketColumns = latencyBucketsMs.map((bound) => `ok_latency_le_${bound}_ms`);
const errorColumns = rpcErrorClasses.map((errorClass) => `errors_${errorClass}`);
const sumColumns = ['total_count', 'ok_count', 'healthy_count', 'ok_latency_sum_ms', ...bucketColumns, ...errorColumns];
const maxColumns = ['ok_latency_max_ms', 'max_lag_blocks', 'max_lag_seconds', 'max_head_age_seconds', 'max_head_block'];
/** max() of SQLite returns NULL if any argument is NULL; a missing value must not erase a known one. */
const mergeMax = (column: string) =>
  `${column} = CASE WHEN excluded.${column} IS NULL THEN ${column} ` +
  `WHEN ${column} IS NULL THEN excluded.${column} ELSE max(${column}, excluded.${column}) END`;
const mergeSum = (column: string) => `${column} = ${column} + excluded.${column}`;

/** A stored rollup row: the delta's fields, with latency buckets keyed by their bound in ms. */
export type RpcRollupRow = Omit<RpcRollupDelta, 'okLatencyLe'> & { okLatencyLe: Record<number, number> };

/** An RPC sample waits with its chain's state at that moment, null when that was not known (no chain rollup then). */
export type QueuedRpcSample = QueuedSample<RpcSample, ChainObservation | null>;
export type RpcSampleWriter = SampleWriter<RpcSample, ChainObservation | null>;

export class RpcSampleStore implements SampleStore<RpcSample, ChainObservation | null> {
  private readonly table: SampleTable<RpcSample, SampleRow>;
  private readonly upsertRollup: Statement;
  private readonly upsertChainRollup: Statement;
  private readonly selectLatest: Statement;
  private readonly selectRollups: Statement;

  constructor(private readonly db: Database) {
    this.table = new SampleTable(db, 'rpc_samples', toRow, fromRow);
    const rollupColumns = ['endpoint', 'minute_ms', 'chain', ...sumColumns, ...maxColumns];
    this.upsertRollup = db.prepare(
      `INSERT INTO rpc_rollups_1m (${rollupColumns.join(', ')}) VALUES
            (${rollupColumns.map((column) => `@${column}`).join(', ')})
       ON CONFLICT (endpoint, minute_ms) DO UPDATE SET
       ${[...sumColumns.map(mergeSum), ...maxColumns.map(mergeMax)].join(',\n')}`,
    );
    this.upsertChainRollup = db.prepare(
      `INSERT INTO chain_rollups_1m (chain, minute_ms, observations, configured_endpoints, min_healthy_endpoints,
            max_healthy_endpoints, max_head_age_seconds, max_consensus_head)
       VALUES (@chain, @minute_ms, @observations, @configured_endpoints, @min_healthy_endpoints,
       @max_healthy_endpoints, @max_head_age_seconds, @max_consensus_head)
       ON CONFLICT (chain, minute_ms) DO UPDATE SET
       observations = observations + excluded.observations,
       configured_endpoints = excluded.configured_endpoints,
       min_healthy_endpoints = min(min_healthy_endpoints, excluded.min_healthy_endpoints),
       max_healthy_endpoints = max(max_healthy_endpoints, excluded.max_healthy_endpoints),
       ${mergeMax('max_head_age_seconds')},
       ${mergeMax('max_consensus_head')}`,
    );
    // One pass over the (endpoint, at_ms) index, which holds the id: a subquery per row instead reads every
    // sample of the endpoint for each of its samples, minutes at start-up on a week of history.
    this.selectLatest = db.prepare(
      `SELECT ${this.table.columns.join(', ')} FROM rpc_samples
       WHERE id IN (SELECT max(id) FROM rpc_samples GROUP BY endpoint) ORDER BY endpoint`,
    );
    this.selectRollups = db.prepare(
      `SELECT * FROM rpc_rollups_1m WHERE endpoint = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms`,
    );
  }

  /** Writes a batch as the sample writer hands it: the samples with the rollups aggregated from them. */
  writeBatch(batch: readonly QueuedRpcSample[]): void {
    const samples = batch.map((queued) => queued.sample);
    const chains = batch.flatMap(({ sample, context }) =>
      context === null ? [] : [{ at: sample.at, health: context }],
    );
    this.write(samples, aggregateRpcSamples(samples), aggregateChainObservations(chains));
  }

  /** Writes samples and merges rollup deltas in one transaction. */
  write(
    samples: readonly RpcSample[],
    rollups: readonly RpcRollupDelta[],
    chainRollups: readonly ChainRollupDelta[],
  ): void {
    this.db.transaction(() => {
      for (const sample of samples) this.table.insert(sample);
      for (const delta of rollups) this.upsertRollup.run(rollupParams(delta));
      for (const delta of chainRollups) {
        this.upsertChainRollup.run({
          chain: delta.chain,
          minute_ms: delta.minuteMs,
          observations: delta.observations,
          configured_endpoints: delta.configuredEndpoints,
          min_healthy_endpoints: delta.minHealthy,
          max_healthy_endpoints: delta.maxHealthy,
          max_head_age_seconds: delta.maxHeadAgeSeconds,
          max_consensus_head: delta.maxConsensusHead,
        });
      }
    })();
  }

  /** Newest first. */
  samples(endpoint: string, range: { fromMs: number; toMs: number; limit: number }): RpcSample[] {
    return this.table.samples(endpoint, range);
  }

  /** The newest sample of every endpoint that has one. */
  latestPerEndpoint(): RpcSample[] {
    return this.table.read(this.selectLatest);
  }

  rollups(endpoint: string, fromMs: number, toMs: number): RpcRollupRow[] {
    return (this.selectRollups.all(endpoint, fromMs, toMs) as Record<string, number | string | null>[]).map((row) => ({
      endpoint: row.endpoint as string,
      chain: row.chain as string,
      minuteMs: row.minute_ms as number,
      total: row.total_count as number,
      ok: row.ok_count as number,
      healthy: row.healthy_count as number,
      okLatencySumMs: row.ok_latency_sum_ms as number,
      okLatencyMaxMs: row.ok_latency_max_ms as number | null,
      okLatencyLe: Object.fromEntries(
        latencyBucketsMs.map((bound) => [bound, row[`ok_latency_le_${bound}_ms`] as number]),
      ),
      errors: Object.fromEntries(
        rpcErrorClasses.map((errorClass) => [errorClass, row[`errors_${errorClass}`] as number]),
      ) as Record<RpcErrorClass, number>,
      maxLagBlocks: row.max_lag_blocks as number | null,
      maxLagSeconds: row.max_lag_seconds as number | null,
      maxHeadAgeSeconds: row.max_head_age_seconds as number | null,
      maxHeadBlock: row.max_head_block as number | null,
    }));
  }
}

function rollupParams(delta: RpcRollupDelta): Record<string, number | string | null> {
  const params: Record<string, number | string | null> = {
    endpoint: delta.endpoint,
    minute_ms: delta.minuteMs,
    chain: delta.chain,
    total_count: delta.total,
    ok_count: delta.ok,
    healthy_count: delta.healthy,
    ok_latency_sum_ms: delta.okLatencySumMs,
    ok_latency_max_ms: delta.okLatencyMaxMs,
    max_lag_blocks: delta.maxLagBlocks,
    max_lag_seconds: delta.maxLagSeconds,
    max_head_age_seconds: delta.maxHeadAgeSeconds,
    max_head_block: delta.maxHeadBlock,
  };
  bucketColumns.forEach((column, index) => {
    params[column] = delta.okLatencyLe[index]!;
  });
  for (const errorClass of rpcErrorClasses) params[`errors_${errorClass}`] = delta.errors[errorClass];
  return params;
}
