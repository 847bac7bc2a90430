// A node that streams plausible validators without end: each one is delivered (and, in the tracker, held),
// so only a cap on the list's entries and bytes keeps memory bounded; the timeout alone would let it grow
// for up to 15 minutes. The request must fail as invalid_response, fast, with RSS growth bounded.

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import { BeaconRequestError } from '../../../src/endpoints/beacon/beacon-request-error.js';
import type { ValidatorRecord } from '../../../src/domain/beacon.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function validatorJson(index: number): string {
  const far = '18446744073709551615';
  const pubkey = `0x${index.toString(16).padStart(96, '0')}`;
  return JSON.stringify({
    index: String(index),
    balance: String(32_000_000_000 + (index % 1_000_000)),
    status: 'active_ongoing',
    validator: {
      pubkey,
      withdrawal_credentials: `0x01${'0'.repeat(22)}${index.toString(16).padStart(40, '0')}`,
      effective_balance: '32000000000',
      slashed: false,
      activation_eligibility_epoch: '0',
      activation_epoch: '0',
      exit_epoch: far,
      withdrawable_epoch: far,
    },
  });
}

/** Writes validators from `index` on, honouring backpressure, until `count` are sent or the client leaves. */
function streamValidators(response: ServerResponse, count: number): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{"execution_optimistic":false,"finalized":false,"data":[');
  let index = 0;
  const pump = () => {
    while (!response.destroyed && index < count) {
      const batch: string[] = [];
      for (let i = 0; i < 500 && index < count; i += 1, index += 1) batch.push(validatorJson(index));
      const more = response.write((index > batch.length ? ',' : '') + batch.join(','));
      if (!more) return void response.once('drain', pump);
    }
    if (!response.destroyed) response.end(']}');
  };
  pump();
}

/** A node whose first validator list has `firstCount` entries, and every later one never ends. */
async function endlessNode(firstCount: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    requests += 1;
    streamValidators(response, requests === 1 ? firstCount : Number.POSITIVE_INFINITY);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

async function readAll(client: BeaconClient): Promise<{ held: ValidatorRecord[]; error: unknown; ms: number }> {
  // Held like the tracker's registry holds them: the worst case for memory.
  const held: ValidatorRecord[] = [];
  const started = performance.now();
  try {
    await client.validators('head', (validator) => held.push(validator));
    return { held, error: null, ms: performance.now() - started };
  } catch (error) {
    return { held, error, ms: performance.now() - started };
  }
}

describe('an endless validator list', () => {
  it('fails as invalid_response at twice the last length plus room to grow, with RSS bounded', {
    timeout: 60_000,
  }, async () => {
    const node = await endlessNode(2_000);
    const client = new BeaconClient({ url: node.url, timeoutMs: 5_000, bulkTimeoutMs: 600_000 });
    const first = await readAll(client);
    expect(first.error).toBeNull();
    expect(first.held).toHaveLength(2_000);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const endless = await readAll(client);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(endless.error).toBeInstanceOf(BeaconRequestError);
    expect((endless.error as BeaconRequestError).errorClass).toBe('invalid_response');
    expect((endless.error as BeaconRequestError).message).toContain('longer than 102000 entries');
    // max(2 × 2,000, 2,000 + 100,000) entries were delivered, then the answer was refused.
    expect(endless.held).toHaveLength(102_000);
    expect(endless.ms).toBeLessThan(45_000);
    // 102,000 held records take some tens of MB; an unbounded stream took hundreds within two minutes.
    expect(rssGrowth).toBeLessThan(250 * 1024 * 1024);
    console.log(
      `endless list refused after ${endless.held.length} entries in ` +
        `${Math.round(endless.ms)} ms, RSS +${Math.round(rssGrowth / 1024 / 1024)} MB`,
    );
  });

  it('fails at the configured maximum when the node never answered the list before', { timeout: 60_000 }, async () => {
    const node = await endlessNode(Number.POSITIVE_INFINITY);
    const client = new BeaconClient({
      url: node.url,
      timeoutMs: 5_000,
      bulkTimeoutMs: 600_000,
      maxListEntries: 50_000,
    });
    const endless = await readAll(client);
    expect((endless.error as BeaconRequestError).errorClass).toBe('invalid_response');
    expect(endless.held).toHaveLength(50_000);
    expect(node.requests()).toBe(1);
  });

  it('reads a list as long as the configured maximum', { timeout: 60_000 }, async () => {
    const node = await endlessNode(20_000);
    const client = new BeaconClient({
      url: node.url,
      timeoutMs: 5_000,
      bulkTimeoutMs: 600_000,
      maxListEntries: 20_000,
    });
    const whole = await readAll(client);
    expect(whole.error).toBeNull();
    expect(whole.held).toHaveLength(20_000);
  });

  it('fails at its byte cap when the list never ends but has no entries (whitespace without end)', {
    timeout: 60_000,
  }, async () => {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
      const blank = ' '.repeat(64 * 1024);
      const pump = () => {
        while (!response.destroyed) if (!response.write(blank)) return void response.once('drain', pump);
      };
      pump();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new BeaconClient({ url, timeoutMs: 5_000, bulkTimeoutMs: 600_000, maxListEntries: 1_000 });
    const endless = await readAll(client);
    expect((endless.error as BeaconRequestError).errorClass).toBe('invalid_response');
    expect((endless.error as BeaconRequestError).message).toMatch(/larger than \d+ bytes/);
  });
});
