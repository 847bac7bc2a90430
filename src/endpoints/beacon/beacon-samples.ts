// The beacon sample repository: prepared statements over beacon_samples (migration 005).

import type { Database, Statement } from 'better-sqlite3';
import type { BeaconErrorClass, BeaconSample } from '../../domain/beacon.js';
import type { QueuedSample, SampleStore } from '../sample-writer.js';
import { SampleTable, bool, fromBool, outcomeOf, outcomeRow, type OutcomeRow } from '../sample-table.js';

interface SampleRow extends OutcomeRow {
  head_slot: number | null;
  finalized_epoch: number | null;
  justified_epoch: number | null;
  syncing: number | null;
  sync_distance: number | null;
  optimistic: number | null;
  peer_count: number | null;
  version: string | null;
  wall_clock_slot: number | null;
  head_age_seconds: number | null;
  lag_slots: number | null;
  finality_distance_epochs: number | null;
}

function toRow(sample: BeaconSample): SampleRow {
  return {
    ...outcomeRow(sample),
    head_slot: sample.headSlot,
    finalized_epoch: sample.finalizedEpoch,
    justified_epoch: sample.justifiedEpoch,
    syncing: bool(sample.syncing),
    sync_distance: sample.syncDistance,
    optimistic: bool(sample.optimistic),
    peer_count: sample.peerCount,
    version: sample.version,
    wall_clock_slot: sample.wallClockSlot,
    head_age_seconds: sample.headAgeSeconds,
    lag_slots: sample.lagSlots,
    finality_distance_epochs: sample.finalityDistanceEpochs,
  };
}

function fromRow(row: SampleRow): BeaconSample {
  return {
    ...outcomeOf<BeaconErrorClass>(row),
    headSlot: row.head_slot,
    finalizedEpoch: row.finalized_epoch,
    justifiedEpoch: row.justified_epoch,
    syncing: fromBool(row.syncing),
    syncDistance: row.sync_distance,
    optimistic: fromBool(row.optimistic),
    peerCount: row.peer_count,
    version: row.version,
    wallClockSlot: row.wall_clock_slot,
    headAgeSeconds: row.head_age_seconds,
    lagSlots: row.lag_slots,
    finalityDistanceEpochs: row.finality_distance_epochs,
  };
}

/** Rows deleted per statement when pruning: each chunk is its own short write, so writers never wait long. */
const pruneChunk = 5_000;

export class BeaconSampleStore implements SampleStore<BeaconSample> {
  private readonly table: SampleTable<BeaconSample, SampleRow>;
  private readonly selectLatest: Statement;
  private readonly deleteChunk: Statement;

  constructor(private readonly db: Database) {
    this.table = new SampleTable(db, 'beacon_samples', toRow, fromRow);
    const columns = this.table.columns;
    // Walks the distinct endpoints through the index (one seek each) and takes the last entry of each, rather
    // than grouping every row: the table holds a week of probes.
    this.selectLatest = db.prepare(
      `WITH RECURSIVE endpoints(endpoint) AS (
         SELECT min(endpoint) FROM beacon_samples
         UNION ALL
         SELECT (SELECT min(endpoint) FROM beacon_samples WHERE endpoint > endpoints.endpoint) FROM endpoints WHERE
         endpoints.endpoint IS NOT NULL
       )
       SELECT ${columns.map((column) => `s.${column}`).join(', ')} FROM endpoints
       JOIN beacon_samples s ON s.id = (SELECT id FROM beacon_samples WHERE endpoint = endpoints.endpoint ORDER BY
       at_ms DESC, id DESC LIMIT 1)
       ORDER BY s.endpoint`,
    );
    this.deleteChunk = db.prepare(
      `DELETE FROM beacon_samples WHERE id IN (SELECT id FROM beacon_samples WHERE at_ms < ? LIMIT ${pruneChunk})`,
    );
  }

  /** Writes a batch as the sample writer hands it, in one transaction. */
  writeBatch(batch: readonly QueuedSample<BeaconSample, null>[]): void {
    this.insertMany(batch.map((queued) => queued.sample));
  }

  /** Writes the samples in one transaction. */
  insertMany(samples: readonly BeaconSample[]): void {
    if (samples.length === 0) return;
    this.db.transaction(() => {
      for (const sample of samples) this.table.insert(sample);
    })();
  }

  /** The newest sample of every endpoint that has one, by endpoint id. */
  latestPerEndpoint(): BeaconSample[] {
    return this.table.read(this.selectLatest);
  }

  /** An endpoint's samples in a time range, newest first. */
  samples(endpoint: string, range: { fromMs: number; toMs: number; limit: number }): BeaconSample[] {
    return this.table.samples(endpoint, range);
  }

  /** Deletes samples taken before `cutoffMs`, in chunks; returns how many. */
  prune(cutoffMs: number): number {
    let deleted = 0;
    for (;;) {
      const { changes } = this.deleteChunk.run(cutoffMs);
      deleted += changes;
      if (changes < pruneChunk) return deleted;
    }
  }
}
