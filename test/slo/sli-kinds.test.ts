// Each SLI kind counted from real rollups written by the real writer.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChainHealth } from '../../src/domain/rpc.js';
import { sliKind, sliKinds } from '../../src/slo/sli/index.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import { SliCounter } from '../../src/slo/sli-counts.js';
import { tempDir } from '../helpers/service.js';
import { sample } from '../helpers/samples.js';

const minute = 1_700_000_040_000;
const health = (healthyEndpoints: number): ChainHealth => ({
  chain: 'c',
  consensusHead: 10,
  consensusHeadTimestamp: 1,
  headAgeSeconds: 5,
  configuredEndpoints: 2,
  healthyEndpoints,
  singlePointOfFailure: healthyEndpoints === 1,
  endpoints: [],
});

function database() {
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const writer = new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000 });
  // Minute 0: endpoint a 3 probes (one failed, one slow), endpoint b 1 probe lagging.
  writer.enqueue(sample({ endpoint: 'a', at: minute + 1, latencyMs: 40, headAgeSeconds: 5, lagBlocks: 0 }), health(2));
  writer.enqueue(sample({ endpoint: 'a', at: minute + 2, latencyMs: 900, headAgeSeconds: 6, lagBlocks: 1 }), health(2));
  writer.enqueue(
    sample({
      endpoint: 'a',
      at: minute + 3,
      ok: false,
      errorClass: 'timeout',
      latencyMs: 5_000,
      headBlock: null,
      headAgeSeconds: null,
      lagBlocks: null,
    }),
    health(1),
  );
  writer.enqueue(sample({ endpoint: 'b', at: minute + 4, latencyMs: 30, headAgeSeconds: 5, lagBlocks: 9 }), health(1));
  // Minute 1: both fine.
  writer.enqueue(
    sample({ endpoint: 'a', at: minute + 60_001, latencyMs: 20, headAgeSeconds: 4, lagBlocks: 0 }),
    health(2),
  );
  writer.enqueue(
    sample({ endpoint: 'b', at: minute + 60_002, latencyMs: 20, headAgeSeconds: 4, lagBlocks: 0 }),
    health(2),
  );
  writer.close();
  return db;
}

function counts(kind: string, params: Record<string, unknown>, endpoints = ['a', 'b']) {
  const db = database();
  const definition = sliKind(kind)!;
  const counter = new SliCounter(db, { chain: 'c', endpoints }, definition.query(definition.params.parse(params)));
  return { perMinute: counter.perMinute(minute, minute + 120_000), total: counter.total(minute, minute + 120_000) };
}

describe('SLI kinds', () => {
  it('are listed once each', () => {
    expect(sliKinds.map((kind) => kind.kind)).toEqual([
      'availability',
      'latency',
      'freshness',
      'redundancy',
      'correctness',
      'tx_inclusion',
      'governance_execution',
      'governance_participation',
      'governance_verification',
      'attestation_effectiveness',
      'proposal_success',
    ]);
  });

  it('availability: good = successful probes of the selected endpoints', () => {
    expect(counts('availability', {}).perMinute).toEqual([
      { minuteMs: minute, good: 3, valid: 4 },
      { minuteMs: minute + 60_000, good: 2, valid: 2 },
    ]);
    expect(counts('availability', {}, ['a']).total).toEqual({ good: 3, valid: 4 });
  });

  it('latency: good = successful probes within the threshold, on a bucket bound', () => {
    expect(counts('latency', { thresholdMs: 500 }).total).toEqual({ good: 4, valid: 6 });
    expect(counts('latency', { thresholdMs: 1000 }).total).toEqual({ good: 5, valid: 6 });
    expect(sliKind('latency')!.params.safeParse({ thresholdMs: 300 }).success).toBe(false);
  });

  it('freshness: endpoint-minutes within lag and head age throughout', () => {
    expect(counts('freshness', { maxLagBlocks: 2, maxHeadAgeSeconds: 10 }).perMinute).toEqual([
      { minuteMs: minute, good: 1, valid: 2 },
      { minuteMs: minute + 60_000, good: 2, valid: 2 },
    ]);
    expect(counts('freshness', { maxLagBlocks: 2, maxHeadAgeSeconds: 5.5 }).total).toEqual({ good: 2, valid: 4 });
  });

  it('redundancy: chain-minutes with enough healthy endpoints throughout', () => {
    expect(counts('redundancy', { minHealthyEndpoints: 2 }).perMinute).toEqual([
      { minuteMs: minute, good: 0, valid: 1 },
      { minuteMs: minute + 60_000, good: 1, valid: 1 },
    ]);
    expect(counts('redundancy', { minHealthyEndpoints: 1 }).total).toEqual({ good: 2, valid: 2 });
  });
});
