// Large lists stream: 200,000 validators arrive in many chunks and the server's heap does not grow by the
// size of the body, which it would if the answer were built as one string.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CHUNK_ENTRIES } from '../../src/beacon-sim/index.js';
import { startTestSim, type TestSim } from './sim-fixture.js';

const VALIDATORS = 200_000;

describe('simulated beacon node streaming', () => {
  let running: TestSim;
  beforeAll(async () => {
    running = await startTestSim({ validatorCount: VALIDATORS, pendingCount: 0, syncCommitteeSize: 512 });
  });
  afterAll(async () => {
    await running.close();
  });

  it('streams 200,000 validators in chunks without holding the body in memory', async () => {
    const res = await fetch(`${running.url}/eth/v1/beacon/states/head/validators`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let chunks = 0;
    let entries = 0;
    let maxHeapGrowth = 0;
    const heapAtStart = process.memoryUsage().heapUsed;
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      bytes += value.length;
      const text = tail + decoder.decode(value, { stream: true });
      entries += text.split('"index":').length - 1;
      tail = text.slice(-12);
      entries -= tail.split('"index":').length - 1;
      if (chunks % 16 === 0) maxHeapGrowth = Math.max(maxHeapGrowth, process.memoryUsage().heapUsed - heapAtStart);
    }
    entries += tail.split('"index":').length - 1;
    expect(entries).toBe(VALIDATORS);
    expect(bytes).toBeGreaterThan(VALIDATORS * 300);
    expect(chunks).toBeGreaterThanOrEqual(VALIDATORS / STREAM_CHUNK_ENTRIES / 4);
    // Client and server share this process: a server that built the body as one string would add its size.
    expect(maxHeapGrowth).toBeLessThan(bytes / 2);
  });

  it("streams every eligible validator's rewards", async () => {
    const res = await fetch(`${running.url}/eth/v1/beacon/rewards/attestations/${running.sim.headEpoch() - 2}`, { method: 'POST' });
    const body = (await res.json()) as { data: { total_rewards: { validator_index: string }[] } };
    expect(body.data.total_rewards).toHaveLength(VALIDATORS);
    expect(body.data.total_rewards.at(-1)?.validator_index).toBe(String(VALIDATORS - 1));
  });
});
