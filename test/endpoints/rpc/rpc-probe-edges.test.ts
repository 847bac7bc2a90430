// A probe ends at its timeout however the answer is delayed (a body dripped a byte a second included),
// and never follows a redirect: the configured headers stay with the configured origin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import { BeaconRequestError } from '../../../src/endpoints/beacon/beacon-request-error.js';
import { rpcEndpointCollector } from '../../../src/endpoints/rpc/rpc-endpoint.js';
import { RpcProbeError } from '../../../src/endpoints/rpc/rpc-probe-error.js';
import { systemClock } from '../../../src/domain/clock.js';

const servers: Server[] = [];
const timers: NodeJS.Timeout[] = [];

afterAll(() => {
  for (const timer of timers) clearInterval(timer);
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; host: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const http = createServer((request, response) => {
    requests.push(request);
    request.resume();
    request.on('end', () => handler(request, response));
  });
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { url: `http://${host}/rpc/SECRETPATH`, host, requests };
}

function probe(url: string, timeoutMs = 500) {
  const target = {
    chain: 'local',
    endpoint: 'e',
    url,
    headers: { 'X-Api-Key': 'KEY-NOT-TO-LEAK' },
    expectedChainId: 31337,
    timeoutMs,
    labels: {},
  };
  return rpcEndpointCollector.createProbe(target, { clock: systemClock, shutdownSignal: new AbortController().signal });
}

async function failure(run: Promise<unknown>): Promise<RpcProbeError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RpcProbeError);
  return error as RpcProbeError;
}

/** Headers at once, then the body one byte a second, for ever. */
function dripBody(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('[');
  timers.push(setInterval(() => response.write(' '), 1_000));
}

describe('the probe deadline', () => {
  it('ends a probe whose body drips a byte a second as a timeout, at its timeout', async () => {
    const { url } = await serve(dripBody);
    const started = performance.now();
    const error = await failure(probe(url, 500).run());
    expect(error.errorClass).toBe('timeout');
    expect(error.shortMessage).toBe('no answer within 500 ms');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('ends a probe whose headers never come as a timeout', async () => {
    const { url } = await serve(() => undefined);
    const error = await failure(probe(url, 500).run());
    expect(error.errorClass).toBe('timeout');
  });
});

describe('redirects', () => {
  it.each([307, 308, 302, 301])(
    'a %i to another port is not followed, and names only the location host',
    async (status) => {
      const elsewhere = await serve((_request, response) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
      );
      const endpoint = await serve((_request, response) =>
        response.writeHead(status, { location: `${elsewhere.url}?key=LOCATIONSECRET` }).end(),
      );
      const error = await failure(probe(endpoint.url).run());
      expect(error.errorClass).toBe('http_status');
      expect(error.shortMessage).toBe(`HTTP ${status} redirect to ${elsewhere.host}, not followed`);
      expect(elsewhere.requests).toHaveLength(0);
      expect(endpoint.requests.map((request) => [request.method, request.headers['x-api-key']])).toEqual([
        ['POST', 'KEY-NOT-TO-LEAK'],
      ]);
    },
  );

  it('a redirect with a relative location names the endpoint host itself', async () => {
    const endpoint = await serve((_request, response) => response.writeHead(307, { location: '/other/path' }).end());
    const error = await failure(probe(endpoint.url).run());
    expect(error.shortMessage).toBe(`HTTP 307 redirect to ${endpoint.host}, not followed`);
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('redirects from a beacon endpoint', () => {
  it.each([307, 302])('a %i to another port is not followed, and names only the location host', async (status) => {
    const elsewhere = await serve((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'),
    );
    const endpoint = await serve((_request, response) =>
      response.writeHead(status, { location: `${elsewhere.url}?key=LOCATIONSECRET` }).end(),
    );
    const beacon = new BeaconClient({
      url: endpoint.url,
      headers: { 'X-Api-Key': 'KEY-NOT-TO-LEAK' },
      timeoutMs: 2_000,
      bulkTimeoutMs: 2_000,
    });
    const error = await beacon.version().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(BeaconRequestError);
    expect(error).toMatchObject({ errorClass: 'http_status', status });
    expect((error as BeaconRequestError).shortMessage).toMatch(
      new RegExp(`^HTTP ${status} redirect to ${elsewhere.host} from 127\\.0\\.0\\.1:\\d+ on .*, not followed$`),
    );
    expect((error as BeaconRequestError).message).not.toContain('LOCATIONSECRET');
    expect(elsewhere.requests).toHaveLength(0);
  });
});
