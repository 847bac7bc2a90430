// A node that sends its headers at once and then drips its body a byte at a time never stalls for long,
// so only a deadline over the whole exchange, body included, ends the request.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import { BeaconRequestError } from '../../../src/endpoints/beacon/beacon-request-error.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Answers 200 with the headers at once, then one byte of `body` every `everyMs`. */
async function drippingNode(body: string, everyMs: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= body.length || response.destroyed) return clearInterval(timer);
      response.write(body[sent++]);
    }, everyMs);
    response.on('close', () => clearInterval(timer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function validator(index: number) {
  const far = '18446744073709551615';
  return {
    index: String(index),
    balance: '32000123456',
    status: 'active_ongoing',
    validator: {
      pubkey: `0x${'a'.repeat(96)}`,
      withdrawal_credentials: `0x${'0'.repeat(64)}`,
      effective_balance: '32000000000',
      slashed: false,
      activation_eligibility_epoch: '0',
      activation_epoch: '10',
      exit_epoch: far,
      withdrawable_epoch: far,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<BeaconRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BeaconRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('beacon client deadline over a dripping body', () => {
  it('ends a small answer whose body drips at its timeout, as a timeout with the status seen', async () => {
    const url = await drippingNode(JSON.stringify({ data: { version: 'Lighthouse/v7.0.0/x86_64-linux' } }), 40);
    const started = performance.now();
    const error = await failure(new BeaconClient({ url, timeoutMs: 400, bulkTimeoutMs: 10_000 }).version());
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ errorClass: 'timeout', status: 200 });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('ends a streamed list whose body drips at the bulk timeout', async () => {
    const url = await drippingNode(
      JSON.stringify({ data: Array.from({ length: 50 }, (_, index) => validator(index)) }),
      20,
    );
    const started = performance.now();
    const error = await failure(
      new BeaconClient({ url, timeoutMs: 100, bulkTimeoutMs: 600 }).validators('head', () => undefined),
    );
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ errorClass: 'timeout', status: 200 });
    expect(elapsed).toBeGreaterThanOrEqual(580);
    expect(elapsed).toBeLessThan(4_000);
  });
});
