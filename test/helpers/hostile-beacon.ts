// A hostile beacon node on 127.0.0.1: one kind of bad answer per port, in front of an honest simulated
// node whose answers it bends. The first path segment names the route to bend (`/validators/eth/v1/...`),
// or `all`; the other routes are passed through honest, so that a client's base path picks the route a
// test aims at. Every kind names the error class a request must end with. It counts what it served.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startBeaconSim, type RunningBeaconSim } from '../../src/beacon-sim/index.js';
import { beaconRoutes, type BeaconRoute } from '../../src/endpoints/beacon/beacon-routes.js';
import type { BeaconErrorClass } from '../../src/domain/beacon.js';
import { count, socketTimers, tallyAnswer } from './hostile-tally.js';

/** The path segment that aims a client at one route. */
export const routeKeys: Record<string, BeaconRoute> = {
  genesis: 'GET /eth/v1/beacon/genesis',
  spec: 'GET /eth/v1/config/spec',
  version: 'GET /eth/v1/node/version',
  syncing: 'GET /eth/v1/node/syncing',
  'peer-count': 'GET /eth/v1/node/peer_count',
  header: 'GET /eth/v1/beacon/headers/{block_id}',
  finality: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
  validators: 'GET /eth/v1/beacon/states/{state_id}/validators',
  'attestation-rewards': 'POST /eth/v1/beacon/rewards/attestations/{epoch}',
  liveness: 'POST /eth/v1/validator/liveness/{epoch}',
  'proposer-duties': 'GET /eth/v1/validator/duties/proposer/{epoch}',
  'sync-committees': 'GET /eth/v1/beacon/states/{state_id}/sync_committees',
  'sync-committee-rewards': 'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
};

const routePatterns = beaconRoutes.map((route) => {
  const [method, template] = route.split(' ') as [string, string];
  return { route, method, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`) };
});

export interface BeaconExchange {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  route: BeaconRoute;
  /** The honest node's answer to this request. */
  honest(): Promise<{ status: number; body: Buffer }>;
  every(ms: number, fn: () => void): void;
}

export interface HostileBeaconKind {
  name: string;
  expect: BeaconErrorClass;
  /** Routes on which the client takes this answer for "nothing there" and returns null. */
  absentOn?: readonly BeaconRoute[];
  /** Routes whose honest answer holds nothing this kind bends (a version string has no numbers): answered. */
  unbent?: readonly BeaconRoute[];
  /** Holds a request open for seconds. */
  slow?: boolean;
  respond(exchange: BeaconExchange): void | Promise<void>;
}

const json = { 'content-type': 'application/json' };
const send = (
  x: BeaconExchange,
  body: string | Buffer,
  headers: Record<string, string | number> = json,
  status = 200,
): void => void x.response.writeHead(status, headers).end(body);

/** The honest body, rewritten as text. */
const rewrite = (edit: (text: string) => string) => async (x: BeaconExchange) =>
  send(x, edit((await x.honest()).body.toString('utf8')));

/** The offset just inside the first string value after "data", where bytes can be slipped into a value. */
function insideFirstValue(body: Buffer): number {
  const data = body.indexOf('"data"');
  return body.indexOf(':"', data === -1 ? 0 : data) + 2;
}

const splice = (body: Buffer, at: number, bytes: Buffer) =>
  Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)]);
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const raw = (bytes: string) => (x: BeaconExchange) => void x.socket.end(bytes);
const forty = Buffer.alloc(40 * 1024 * 1024, 0x61);
const noNumbers: BeaconRoute[] = ['GET /eth/v1/node/version'];

export const hostileBeaconKinds: HostileBeaconKind[] = [
  {
    name: 'truncated',
    expect: 'invalid_response',
    respond: async (x) => {
      const { body } = await x.honest();
      send(x, body.subarray(0, Math.floor(body.length / 2)));
    },
  },
  { name: 'trailing-garbage', expect: 'invalid_response', respond: rewrite((text) => `${text}}]garbage`) },
  { name: 'two-documents', expect: 'invalid_response', respond: rewrite((text) => `${text}${text}`) },
  { name: 'empty-body', expect: 'invalid_response', respond: (x) => send(x, '') },
  {
    name: 'html-200',
    expect: 'invalid_response',
    respond: (x) => send(x, '<html><body><h1>It works!</h1></body></html>', { 'content-type': 'text/html' }),
  },
  {
    name: 'html-502',
    expect: 'http_status',
    respond: (x) => send(x, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' }, 502),
  },
  {
    name: 'invalid-utf8',
    expect: 'invalid_response',
    respond: async (x) => {
      const { body } = await x.honest();
      send(x, splice(body, insideFirstValue(body), Buffer.from([0xff, 0xfe, 0xc3])));
    },
  },
  { name: 'data-missing', expect: 'invalid_response', respond: (x) => send(x, '{"execution_optimistic":false}') },
  { name: 'data-null', expect: 'invalid_response', respond: (x) => send(x, '{"data":null}') },
  { name: 'data-string', expect: 'invalid_response', respond: (x) => send(x, '{"data":"yes"}') },
  {
    name: 'numbers-as-objects',
    expect: 'invalid_response',
    unbent: noNumbers,
    respond: rewrite((text) => text.replace(/"(\d+)"/g, '{"value":$1}')),
  },
  {
    name: 'numbers-unquoted-huge',
    expect: 'invalid_response',
    unbent: noNumbers,
    respond: rewrite((text) => text.replace(/"(\d+)"/g, '1e400')),
  },
  {
    name: 'numbers-400-digits',
    expect: 'invalid_response',
    unbent: noNumbers,
    respond: rewrite((text) => text.replace(/"(\d+)"/g, `"${'9'.repeat(400)}"`)),
  },
  {
    name: 'numbers-negative',
    expect: 'invalid_response',
    unbent: noNumbers,
    respond: rewrite((text) => text.replace(/"(\d+)"/g, '"-$1"')),
  },
  {
    name: 'booleans-as-strings',
    expect: 'invalid_response',
    unbent: noNumbers,
    respond: rewrite((text) =>
      text
        .replaceAll('true', '"true"')
        .replaceAll('false', '"false"')
        .replace(/"(\d+)"/g, '"0x$1"'),
    ),
  },
  {
    name: 'elements-null',
    expect: 'invalid_response',
    respond: (x) => send(x, '{"data":[null,null],"execution_optimistic":false}'),
  },
  { name: 'nesting-10000-in-data', expect: 'invalid_response', respond: (x) => send(x, `{"data":${nested(10_000)}}`) },
  {
    name: 'nesting-10000-element',
    expect: 'invalid_response',
    respond: (x) => send(x, `{"data":[${nested(10_000)}]}`),
  },
  { name: 'nesting-100000', expect: 'invalid_response', respond: (x) => send(x, `{"data":${nested(100_000)}}`) },
  {
    name: 'value-40mb',
    expect: 'invalid_response',
    respond: async (x) => {
      const { body } = await x.honest();
      const at = insideFirstValue(body);
      x.response.writeHead(200, json);
      x.response.write(body.subarray(0, at));
      x.response.write(forty);
      x.response.end(body.subarray(at));
    },
  },
  {
    name: 'status-500',
    expect: 'http_status',
    respond: (x) => send(x, '{"code":500,"message":"Internal Server Error: boom"}', json, 500),
  },
  {
    name: 'status-503',
    expect: 'syncing',
    respond: (x) => send(x, '{"code":503,"message":"Beacon node is currently syncing"}', json, 503),
  },
  {
    name: 'status-429',
    expect: 'rate_limited',
    respond: (x) => send(x, 'Too Many Requests', { 'content-type': 'text/plain' }, 429),
  },
  {
    name: 'status-404',
    expect: 'not_found',
    absentOn: ['GET /eth/v1/node/peer_count', 'POST /eth/v1/beacon/rewards/sync_committee/{block_id}'],
    respond: (x) => send(x, '{"code":404,"message":"not found"}', json, 404),
  },
  {
    name: 'redirect-307',
    expect: 'http_status',
    respond: (x) =>
      void x.response.writeHead(307, { location: 'http://127.0.0.1:9/eth/v1/node/version?key=LOCATION-SECRET' }).end(),
  },
  {
    name: 'redirect-302-relative',
    expect: 'http_status',
    respond: (x) => void x.response.writeHead(302, { location: '/elsewhere' }).end(),
  },
  { name: 'reset-at-once', expect: 'connection', respond: (x) => void x.socket.destroy() },
  {
    name: 'reset-mid-stream',
    expect: 'connection',
    respond: async (x) => {
      const { body } = await x.honest();
      x.response.writeHead(200, { ...json, 'content-length': body.length });
      x.response.write(body.subarray(0, Math.floor(body.length / 2)), () => x.socket.destroy());
    },
  },
  {
    name: 'content-length-too-long',
    expect: 'connection',
    respond: async (x) => {
      const { body } = await x.honest();
      raw(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ` +
          `${body.length + 1000}\r\n\r\n${body.toString('utf8')}`,
      )(x);
    },
  },
  {
    name: 'content-encoding-lie',
    expect: 'connection',
    respond: async (x) => send(x, (await x.honest()).body, { ...json, 'content-encoding': 'gzip' }),
  },
  { name: 'not-http', expect: 'connection', respond: raw('SSH-2.0-OpenSSH_9.2\r\n') },
  { name: 'hang', expect: 'timeout', slow: true, respond: () => undefined },
  {
    name: 'slowloris-headers',
    expect: 'timeout',
    slow: true,
    respond: (x) => {
      x.socket.write('HTTP/1.1 200 OK\r\n');
      x.every(100, () => x.socket.write('x-drip: a\r\n'));
    },
  },
  {
    name: 'slow-body',
    expect: 'timeout',
    slow: true,
    respond: async (x) => {
      const { body } = await x.honest();
      x.response.writeHead(200, json);
      let at = 0;
      x.every(100, () => at < body.length && x.response.write(body.subarray(at, ++at)));
    },
  },
];

/**
 * A list that never ends: the honest first element again and again, as fast as the client reads. Apart
 * from the other kinds: where it ends (at a cap of entries and bytes, or at the bulk timeout) is the
 * client's policy for a list, not a fixed class.
 */
export const endlessList: HostileBeaconKind = {
  name: 'endless-list',
  expect: 'invalid_response',
  slow: true,
  respond: async (x) => {
    const honest = (await x.honest()).body.toString('utf8');
    // The streamed list: data.total_rewards of the attestation rewards, data of the others.
    const rewards = honest.indexOf('"total_rewards":[');
    const start = rewards === -1 ? honest.indexOf('[', honest.indexOf('"data"')) : rewards + '"total_rewards":'.length;
    const first = honest.slice(start + 1, honest.indexOf('}', honest.indexOf('}', start) + 1) + 1);
    const chunk = Buffer.from(`,${first}`.repeat(1_000));
    x.response.writeHead(200, json);
    x.response.write(`${honest.slice(0, start + 1)}${first}`);
    const pump = () => {
      while (!x.socket.destroyed && x.response.write(chunk));
      if (!x.socket.destroyed) x.response.once('drain', pump);
    };
    pump();
  },
};

export interface HostileBeaconServer {
  /** Each kind on a port of its own, and `control`, which passes every answer through honest. */
  urls: Record<string, string>;
  figuresUrl: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of request) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export async function startHostileBeaconServer(
  kinds: readonly HostileBeaconKind[] = hostileBeaconKinds,
): Promise<HostileBeaconServer & { upstream: RunningBeaconSim }> {
  const upstream = await startBeaconSim({
    seed: 7,
    validatorCount: 64,
    slotsPerEpoch: 4,
    secondsPerSlot: 1,
    syncCommitteeSize: 16,
    genesisTime: Math.floor(Date.now() / 1_000) - 200,
  });
  const served = new Map<string, number>();
  const statuses = new Map<string, number>();
  const byRoute = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const control: HostileBeaconKind = { name: 'control', expect: 'invalid_response', respond: () => undefined };
  const handler = (kind: HostileBeaconKind) => async (request: IncomingMessage, response: ServerResponse) => {
    const requestBody = await readBody(request);
    if (request.url === '/_figures')
      return void send(
        { response } as BeaconExchange,
        JSON.stringify({
          served: Object.fromEntries(served),
          routes: Object.fromEntries(byRoute),
          statuses: Object.fromEntries(statuses),
        }),
      );
    const url = new URL(request.url ?? '/', 'http://hostile');
    const [, key, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const route = routePatterns.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(path),
    )?.route;
    const honest = async () => {
      const answer = await fetch(`${upstream.url}${path}${url.search}`, {
        method: request.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(request.method === 'POST' ? { body: requestBody } : {}),
      });
      return { status: answer.status, body: Buffer.from(await answer.arrayBuffer()) };
    };
    const aimed = route !== undefined && kind !== control && (key === 'all' || routeKeys[key ?? ''] === route);
    if (!aimed) {
      const { status, body } = await honest();
      return void response.writeHead(status, json).end(body);
    }
    count(served, kind.name);
    count(byRoute, route);
    tallyAnswer(response, statuses);
    const socket = request.socket;
    const every = socketTimers(socket, timers);
    await kind.respond({ request, response, socket, route, honest, every });
  };
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const kind of [control, ...kinds, endlessList]) {
    const serve = handler(kind);
    const server = createServer(
      (request, response) => void serve(request, response).catch(() => request.socket.destroy()),
    );
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[kind.name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    urls,
    figuresUrl: `${urls.control}/_figures`,
    upstream,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      await upstream.close();
    },
  };
}
