// The execution payloads of the simulated beacon blocks: synthetic ones chained from the seed, and ones
// linked to a real anvil chain, checked against anvil's own `eth_getBlockByNumber` answers, the spec's Electra
// block schema, and what the headers and finality checkpoints routes say about head and finalized.

import { afterEach, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../src/anvil/anvil.js';
import { anvilExecutionChain } from '../../src/beacon-sim/index.js';
import { BeaconRequestError } from '../../src/endpoints/beacon/beacon-request-error.js';
import { readBeaconExecutionBlocks } from '../../src/endpoints/beacon/beacon-execution-blocks.js';
import { beaconSpec, specAvailable, validateResponse } from '../helpers/beacon-spec.js';
import { call, data, SECONDS_PER_SLOT, START_MS, SLOTS_PER_EPOCH, startTestSim, type TestSim } from './sim-fixture.js';

interface Payload {
  block_number: string;
  block_hash: string;
  parent_hash: string;
  timestamp: string;
}

const zeroHash = `0x${'0'.repeat(64)}`;
const genesisTime = START_MS / 1000 - 10 * SLOTS_PER_EPOCH * SECONDS_PER_SLOT;

async function block(sim: TestSim, id: string | number): Promise<{ slot: number; payload: Payload; text: string }> {
  const answer = await call(sim.url, 'GET', `/eth/v2/beacon/blocks/${id}`);
  expect(answer.status, `block ${id}`).toBe(200);
  if (specAvailable()) {
    expect(validateResponse('GET', answer.path, 200, answer.body)).toEqual([]);
    expect(beaconSpec().validateSchema('types/electra/block.yaml#/Electra/SignedBeaconBlock', data(answer))).toEqual(
      [],
    );
  }
  const message = data(answer).message;
  return { slot: Number(message.slot), payload: message.body.execution_payload, text: answer.text };
}

/** Anvil's own answer, asked directly: the independent truth. */
async function anvilBlock(node: AnvilNode, tag: number | 'latest'): Promise<{ number: number; hash: string }> {
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_getBlockByNumber',
      params: [tag === 'latest' ? tag : `0x${tag.toString(16)}`, false],
    }),
  });
  const { result } = (await response.json()) as { result: { number: string; hash: string } };
  return { number: Number(result.number), hash: result.hash };
}

/** The beacon blocks in (from, to]. */
function blocksBetween(sim: TestSim, from: number, to: number): number {
  let count = 0;
  for (let slot = from + 1; slot <= to; slot += 1) if (sim.sim.chain.hasBlock(slot)) count += 1;
  return count;
}

let running: TestSim | undefined;
let anvil: AnvilNode | undefined;
afterEach(async () => {
  await running?.close();
  await anvil?.stop();
  running = undefined;
  anvil = undefined;
});

describe('synthetic execution payloads', () => {
  it('chain from block to block across an empty slot, at slot times, the same for the same seed', async () => {
    running = await startTestSim();
    const head = running.sim.headSlot();
    running.sim.emptySlot(head - 2);
    const [atHead, before, afterGap] = [await block(running, head), await block(running, head - 1), head - 3];
    const beforeGap = await block(running, afterGap);
    expect((await call(running.url, 'GET', `/eth/v2/beacon/blocks/${head - 2}`)).status).toBe(404);

    expect(Number(atHead.payload.block_number) - Number(before.payload.block_number)).toBe(1);
    expect(atHead.payload.parent_hash).toBe(before.payload.block_hash);
    expect(Number(before.payload.block_number) - Number(beforeGap.payload.block_number)).toBe(1);
    expect(before.payload.parent_hash).toBe(beforeGap.payload.block_hash);
    expect(Number(atHead.payload.timestamp)).toBe(genesisTime + head * SECONDS_PER_SLOT);

    const twin = await startTestSim();
    try {
      twin.sim.emptySlot(head - 2);
      expect((await block(twin, head - 1)).text).toBe(before.text);
    } finally {
      await twin.close();
    }
  });

  it('head and finalized are the blocks the headers and finality checkpoints routes name', async () => {
    running = await startTestSim();
    running.sim.emptySlot(running.sim.headSlot());
    for (const id of ['head', 'finalized']) {
      const header = data(await call(running.url, 'GET', `/eth/v1/beacon/headers/${id}`));
      const answer = await call(running.url, 'GET', `/eth/v2/beacon/blocks/${id}`);
      expect(data(answer).message).toMatchObject({
        slot: header.header.message.slot,
        parent_root: header.header.message.parent_root,
        state_root: header.header.message.state_root,
      });
      expect((answer.body as { finalized: boolean }).finalized).toBe(id === 'finalized');
      const byRoot = await call(running.url, 'GET', `/eth/v2/beacon/blocks/${header.root}`);
      expect(byRoot.text).toBe(answer.text);
    }
    const checkpoints = data(await call(running.url, 'GET', '/eth/v1/beacon/states/head/finality_checkpoints'));
    const finalizedHeader = data(await call(running.url, 'GET', '/eth/v1/beacon/headers/finalized'));
    expect(checkpoints.finalized.root).toBe(finalizedHeader.root);
  });
});

describe('execution payloads linked to anvil', () => {
  it("the reader's finalized and head are anvil's blocks at those numbers; both move up as anvil mines", async () => {
    anvil = await startAnvil();
    await anvil.mine(40);
    running = await startTestSim({ executionChain: anvilExecutionChain(anvil.url) });
    const { url, sim } = running;

    const blocks = await readBeaconExecutionBlocks({ url });
    const latest = await anvilBlock(anvil, 'latest');
    expect(latest.number).toBe(40);
    expect(blocks.head).toEqual(latest);
    const finalizedSlot = (await block(running, 'finalized')).slot;
    const headSlot = (await block(running, 'head')).slot;
    const depth = blocksBetween(running, finalizedSlot, headSlot);
    expect(depth).toBeGreaterThan(0);
    expect(blocks.finalized).toEqual(await anvilBlock(anvil, latest.number - depth));

    // The payload's other fields are anvil's too, and the payloads chain as anvil's blocks do.
    const finalized = (await block(running, 'finalized')).payload;
    const parent = (await block(running, sim.chain.blockSlotAtOrBefore(finalizedSlot - 1))).payload;
    expect(finalized.parent_hash).toBe(parent.block_hash);
    expect(parent.block_hash).toBe((await anvilBlock(anvil, latest.number - depth - 1)).hash);

    await anvil.mine(5);
    const later = await readBeaconExecutionBlocks({ url });
    expect(later.head).toEqual(await anvilBlock(anvil, 'latest'));
    expect(later.finalized?.number).toBe((blocks.finalized?.number ?? 0) + 5);
    expect(later.finalized).toEqual(await anvilBlock(anvil, later.finalized?.number ?? -1));
  });

  it('beacon blocks older than the execution chain carry the pre-merge payload: no finalized block', async () => {
    anvil = await startAnvil();
    await anvil.mine(3);
    running = await startTestSim({ executionChain: anvilExecutionChain(anvil.url) });
    const finalized = await block(running, 'finalized');
    expect(finalized.payload).toMatchObject({ block_number: '0', block_hash: zeroHash, parent_hash: zeroHash });
    expect(await readBeaconExecutionBlocks({ url: running.url })).toEqual({
      finalized: null,
      head: await anvilBlock(anvil, 'latest'),
    });
  });

  it('an execution chain that stops answering: a 500 from the node, http_status for the reader', async () => {
    anvil = await startAnvil();
    running = await startTestSim();
    running.sim.linkExecution(anvilExecutionChain(anvil.url));
    await anvil.stop();
    const answer = await call(running.url, 'GET', '/eth/v2/beacon/blocks/head');
    expect(answer.status).toBe(500);
    const failure = await readBeaconExecutionBlocks({ url: running.url }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BeaconRequestError);
    expect(failure).toMatchObject({ errorClass: 'http_status', status: 500 });

    running.sim.linkExecution(null);
    expect((await readBeaconExecutionBlocks({ url: running.url })).head?.number).toBeGreaterThan(20_000_000);
  });
});
