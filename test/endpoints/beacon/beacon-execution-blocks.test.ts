// The reader of the beacon chain's finalized and head execution blocks, against the simulated node and
// against a node scripted to answer badly: malformed blocks, 404s and 500s, blocks that contradict each other,
// and errors echoing the URL's and the headers' secrets.

import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconSim } from '../../../src/beacon-sim/index.js';
import { readBeaconExecutionBlocks } from '../../../src/endpoints/beacon/beacon-execution-blocks.js';
import { BeaconRequestError } from '../../../src/endpoints/beacon/beacon-request-error.js';
import { ProbeAbortedError } from '../../../src/endpoints/collector.js';
import { type BeaconServer, type RecordedRequest, type Reply, startBeaconServer } from './beacon-server.js';

const hash = (digit: string) => `0x${digit.repeat(64)}`;

/** A v2 block answer with an execution payload, or with `body` as given. */
function blockAnswer(payload: Record<string, unknown> | null, extra: Record<string, unknown> = {}) {
  return {
    version: 'electra',
    execution_optimistic: false,
    finalized: true,
    ...extra,
    data: {
      message: {
        slot: '64',
        proposer_index: '5',
        parent_root: hash('1'),
        state_root: hash('2'),
        body: payload === null ? { graffiti: hash('0') } : { execution_payload: payload },
      },
      signature: `0x${'3'.repeat(192)}`,
    },
  };
}

const finalizedPayload = { block_number: '1000', block_hash: hash('A'), parent_hash: hash('9') };
const headPayload = { block_number: '1016', block_hash: hash('b'), parent_hash: hash('8') };

const servers: BeaconServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A node whose finalized and head blocks are the replies given. */
async function node(finalized: Reply, head: Reply = { body: blockAnswer(headPayload) }): Promise<BeaconServer> {
  const server = await startBeaconServer((request: RecordedRequest) => {
    if (request.path.endsWith('/eth/v2/beacon/blocks/finalized')) return finalized;
    if (request.path.endsWith('/eth/v2/beacon/blocks/head')) return head;
    return { status: 404, body: { code: 404, message: 'Route not found' } };
  });
  servers.push(server);
  return server;
}

async function failure(run: Promise<unknown>): Promise<BeaconRequestError> {
  const error = await run.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BeaconRequestError);
  return error as BeaconRequestError;
}

describe('readBeaconExecutionBlocks', () => {
  it('reads the simulated node: the payloads of its finalized and head blocks', async () => {
    const running = await startBeaconSim({ seed: 7, slotsPerEpoch: 8 });
    try {
      const blocks = await readBeaconExecutionBlocks({ url: running.url });
      const payloadOf = async (id: string) => {
        const answer = (await (await fetch(`${running.url}/eth/v2/beacon/blocks/${id}`)).json()) as {
          data: { message: { body: { execution_payload: { block_number: string; block_hash: string } } } };
        };
        const payload = answer.data.message.body.execution_payload;
        return { number: Number(payload.block_number), hash: payload.block_hash };
      };
      expect(blocks).toEqual({ finalized: await payloadOf('finalized'), head: await payloadOf('head') });
      expect(blocks.finalized?.number).toBeLessThan(blocks.head?.number ?? 0);
    } finally {
      await running.close();
    }
  });

  it('lower-cases hashes, takes numbers as JSON numbers too, and sends the headers given', async () => {
    const server = await node({ body: blockAnswer({ ...finalizedPayload, block_number: 1000 }) });
    const blocks = await readBeaconExecutionBlocks({ url: server.url, headers: { 'X-Api-Key': 'k' } });
    expect(blocks).toEqual({ finalized: { number: 1000, hash: hash('a') }, head: { number: 1016, hash: hash('b') } });
    expect(server.requests.map((request) => request.headers['x-api-key'])).toEqual(['k', 'k']);
  });

  it('names no block for a block before the merge or of a fork without a payload', async () => {
    const preMerge = { block_number: '0', block_hash: hash('0'), parent_hash: hash('0') };
    expect(await readBeaconExecutionBlocks({ url: (await node({ body: blockAnswer(preMerge) })).url })).toEqual({
      finalized: null,
      head: { number: 1016, hash: hash('b') },
    });
    const altair = { body: blockAnswer(null, { version: 'altair' }) };
    expect(await readBeaconExecutionBlocks({ url: (await node(altair, altair)).url })).toEqual({
      finalized: null,
      head: null,
    });
  });

  it.each([
    ['a block number that is not one', blockAnswer({ ...finalizedPayload, block_number: 'x12' }), 'block_number'],
    ['a short block hash', blockAnswer({ ...finalizedPayload, block_hash: '0xabc' }), 'block_hash'],
    ['no payload in an Electra block', blockAnswer(null), 'execution_payload: required'],
    ['no data', { version: 'electra' }, 'data: required'],
    ['a list', [1, 2, 3], 'expected an object'],
    ['not JSON', '{"version":"electra","data":{', 'not valid JSON'],
  ])('refuses %s as an invalid response', async (_name, body, problem) => {
    const error = await failure(readBeaconExecutionBlocks({ url: (await node({ body })).url }));
    expect(error.errorClass).toBe('invalid_response');
    expect(error.route).toBe('GET /eth/v2/beacon/blocks/{block_id}');
    expect(error.message).toContain(problem);
  });

  it('refuses a finalized block above the head, or beside it at the same height', async () => {
    const above = await node({ body: blockAnswer({ ...finalizedPayload, block_number: '2000' }) });
    expect((await failure(readBeaconExecutionBlocks({ url: above.url }))).shortMessage).toMatch(
      /finalized execution block 2000 is above the head's 1016$/,
    );
    const beside = await node({ body: blockAnswer({ ...finalizedPayload, block_number: '1016' }) });
    expect((await failure(readBeaconExecutionBlocks({ url: beside.url }))).errorClass).toBe('invalid_response');
  });

  it('fails typed on a 404 for finalized and on a 500', async () => {
    const missing = await node({ status: 404, body: { code: 404, message: 'Block not found' } });
    expect(await failure(readBeaconExecutionBlocks({ url: missing.url }))).toMatchObject({
      errorClass: 'not_found',
      status: 404,
      details: 'Block not found',
    });
    const broken = await node({ body: blockAnswer(finalizedPayload) }, { status: 500, body: 'Internal error' });
    expect(await failure(readBeaconExecutionBlocks({ url: broken.url }))).toMatchObject({
      errorClass: 'http_status',
      status: 500,
    });
  });

  it('never shows the URL, its credentials, path and query, or a header value, even echoed back', async () => {
    const secrets = [
      's3cretUser',
      'pa55wordXYZ',
      'K3yInPath0123456789abcdef',
      'QueryKey987654321',
      'HeaderKey55667788',
    ];
    const server = await startBeaconServer((request) => ({
      status: 500,
      body: { code: 500, message: `failed ${request.path} for ${String(request.headers['x-api-key'])}` },
    }));
    servers.push(server);
    const { host } = new URL(server.url);
    const url = `http://${secrets[0]}:${secrets[1]}@${host}/${secrets[2]}/?apikey=${secrets[3]}`;
    const error = await failure(readBeaconExecutionBlocks({ url, headers: { 'x-api-key': secrets[4] as string } }));
    expect(server.requests[0]?.path).toMatch(new RegExp(`^/${secrets[2]}/eth/v2/beacon/blocks/\\w+\\?apikey=`));
    expect(error.message).toContain(`from ${host} on GET /eth/v2/beacon/blocks/{block_id}`);
    const text = `${String(error)}\n${error.stack}\n${JSON.stringify(error)}`;
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it("stops at the caller's abort", async () => {
    const server = await node({ hang: true }, { hang: true });
    const controller = new AbortController();
    const reading = readBeaconExecutionBlocks({ url: server.url }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(reading).rejects.toBeInstanceOf(ProbeAbortedError);
  });
});
