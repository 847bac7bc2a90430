// Large lists stream: 200,000 validators arrive in many chunks, and the first of them arrives long before
// the last, which it could not if the server built the answer as one string first. (A heap check cannot
// tell the two apart: a string handed to the socket is copied outside the measured heap.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CHUNK_ENTRIES } from '../../src/beacon-sim/index.js';
import { startTestSim, type TestSim } from './sim-fixture.js';

const VALIDATORS = 200_000;

describe('simulated beacon node streaming', () => {
  let running: TestSim;
  beforeAll(async () => {
    running = await startTestSim({ validatorCount: VALIDATORS, pendingCount: 0, syncCommitteeSize: 512 });
    // Carries balances to the head's state, so that the timed request below only encodes.
    await (await fetch(`${running.url}/eth/v1/beacon/states/head/validators?id=1`)).text();
  });
  afterAll(async () => {
    await running.close();
  });

  it('streams 200,000 validators in chunks, the first long before the last', async () => {
    const started = performance.now();
    const res = await fetch(`${running.url}/eth/v1/beacon/states/head/validators`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let firstChunkMs = 0;
    let bytes = 0;
    let chunks = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks === 0) firstChunkMs = performance.now() - started;
      chunks += 1;
      bytes += value.length;
      text += decoder.decode(value, { stream: true });
    }
    const totalMs = performance.now() - started;
    const body = JSON.parse(text) as { data: { index: string }[] };
    expect(body.data).toHaveLength(VALIDATORS);
    expect(body.data.at(-1)?.index).toBe(String(VALIDATORS - 1));
    expect(bytes).toBeGreaterThan(VALIDATORS * 300);
    expect(chunks).toBeGreaterThanOrEqual(VALIDATORS / STREAM_CHUNK_ENTRIES / 4);
    expect(firstChunkMs).toBeLessThan(totalMs / 5);
  });

  it("streams every eligible validator's rewards", async () => {
    const res = await fetch(`${running.url}/eth/v1/beacon/rewards/attestations/${running.sim.headEpoch() - 2}`, {
      method: 'POST',
    });
    const body = (await res.json()) as { data: { total_rewards: { validator_index: string }[] } };
    expect(body.data.total_rewards).toHaveLength(VALIDATORS);
    expect(body.data.total_rewards.at(-1)?.validator_index).toBe(String(VALIDATORS - 1));
  });
});
