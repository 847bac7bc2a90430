// A hostile JSON-RPC server on 127.0.0.1: one kind of bad answer per port, each the honest
// answer of a small fixed chain bent one way (truncated, mistyped, nested, huge, slow, reset, lying about
// its encoding or length, redirected...). Every kind names the error class a probe must end with, written
// here from what the answer is, not from what the probe happens to do. It counts the answers it served.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { RpcErrorClass } from '../../src/domain/rpc.js';
import { count, socketTimers, tallyAnswer } from './hostile-tally.js';

interface RpcCall {
  id: unknown;
  method: string;
}

export interface HostileExchange {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  /** The calls asked, and whether they came as a batch. */
  calls: RpcCall[];
  batch: boolean;
  /** Runs `fn` every `ms` until the connection closes. */
  every(ms: number, fn: () => void): void;
}

export interface HostileRpcKind {
  name: string;
  expect: RpcErrorClass;
  respond(exchange: HostileExchange): void;
}

const chainIdHex = '0x7a69';

/** The honest result of each method the probe asks: a chain at block 1 made just now. */
function honestResult(method: string): unknown {
  switch (method) {
    case 'eth_chainId':
      return chainIdHex;
    case 'eth_blockNumber':
      return '0x1';
    case 'eth_getBlockByNumber':
      return {
        number: '0x1',
        timestamp: `0x${Math.floor(Date.now() / 1_000).toString(16)}`,
        gasUsed: '0x0',
        gasLimit: '0x1c9c380',
        baseFeePerGas: '0x7',
      };
    case 'eth_syncing':
      return false;
    case 'net_peerCount':
      return '0x3';
    default:
      return 'hostile/v0';
  }
}

type Answer = Record<string, unknown>;
const answer = (call: RpcCall, fields: Answer = { result: honestResult(call.method) }): Answer => ({
  jsonrpc: '2.0',
  id: call.id,
  ...fields,
});

/** The honest answers, each passed through `bend`, shaped as asked (a batch or one object). */
function answers(
  exchange: HostileExchange,
  bend: (call: RpcCall, honest: Answer) => Answer = (_call, honest) => honest,
): unknown {
  const bent = exchange.calls.map((call) => bend(call, answer(call)));
  return exchange.batch ? bent : bent[0];
}

function sendJson(exchange: HostileExchange, value: unknown, status = 200): void {
  exchange.response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function sendText(
  exchange: HostileExchange,
  text: string | Buffer,
  headers: Record<string, string | number> = { 'content-type': 'application/json' },
  status = 200,
): void {
  exchange.response.writeHead(status, headers).end(text);
}

/** The result of `method` replaced by `value`, the others honest. */
const bendResult = (method: string, value: unknown) => (exchange: HostileExchange) =>
  sendJson(
    exchange,
    answers(exchange, (call, honest) => (call.method === method ? { ...honest, result: value } : honest)),
  );

const bendBlock = (fields: Answer) =>
  bendResult('eth_getBlockByNumber', { ...(honestResult('eth_getBlockByNumber') as Answer), ...fields });

/** The answer with an error object of this shape on eth_chainId. */
const errorShaped = (error: unknown) => (exchange: HostileExchange) =>
  sendJson(
    exchange,
    answers(exchange, (call, honest) =>
      call.method === 'eth_chainId' ? { jsonrpc: '2.0', id: call.id, error } : honest,
    ),
  );

const honestText = (exchange: HostileExchange) => JSON.stringify(answers(exchange));

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** Raw bytes on the socket instead of an HTTP answer, then the connection closed. */
const raw = (bytes: string) => (exchange: HostileExchange) => exchange.socket.end(bytes);

/** Built once, on first use: a 50 MB answer, and 100 MB of spaces gzipped to about 100 kB (a decompression bomb). */
const built = new Map<string, Buffer>();
function once(name: string, build: () => Buffer): Buffer {
  if (!built.has(name)) built.set(name, build());
  return built.get(name)!;
}
const fiftyMegabytes = () =>
  once('50mb', () =>
    Buffer.concat([
      Buffer.from('[{"jsonrpc":"2.0","id":1,"result":"'),
      Buffer.alloc(50 * 1024 * 1024, 0x61),
      Buffer.from('"}]'),
    ]),
  );
const gzipBomb = () => once('bomb', () => gzipSync(Buffer.alloc(100 * 1024 * 1024, 0x20), { level: 9 }));

export const hostileRpcKinds: HostileRpcKind[] = [
  // The body is not JSON, or not all of it.
  { name: 'truncated-json', expect: 'invalid_response', respond: (x) => sendText(x, honestText(x).slice(0, 40)) },
  { name: 'empty-body', expect: 'invalid_response', respond: (x) => sendText(x, '') },
  { name: 'empty-body-no-type', expect: 'invalid_response', respond: (x) => sendText(x, '', {}) },
  {
    name: 'plain-text',
    expect: 'invalid_response',
    respond: (x) => sendText(x, 'hello, world', { 'content-type': 'text/plain' }),
  },
  {
    name: 'html-200',
    expect: 'invalid_response',
    respond: (x) =>
      sendText(x, '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>', {
        'content-type': 'text/html',
      }),
  },
  {
    name: 'html-502',
    expect: 'http_status',
    respond: (x) => sendText(x, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' }, 502),
  },
  { name: 'trailing-garbage', expect: 'invalid_response', respond: (x) => sendText(x, `${honestText(x)}}}garbage`) },
  {
    name: 'nan-literal',
    expect: 'invalid_response',
    respond: (x) => sendText(x, honestText(x).replace('"0x3"', 'NaN')),
  },
  {
    name: 'invalid-utf8',
    expect: 'invalid_response',
    respond: (x) =>
      sendText(
        x,
        Buffer.concat([Buffer.from(honestText(x).replace(chainIdHex, '0x7a')), Buffer.from([0xff, 0xfe, 0xc3])]),
      ),
  },
  {
    name: 'invalid-utf8-in-hex',
    expect: 'invalid_response',
    respond: (x) => sendText(x, Buffer.from(honestText(x).replace(chainIdHex, '0x7a\u00ff'), 'latin1')),
  },
  { name: 'json-string-body', expect: 'invalid_response', respond: (x) => sendJson(x, 'ok') },
  { name: 'json-null-body', expect: 'invalid_response', respond: (x) => sendJson(x, null) },
  { name: 'json-number-body', expect: 'invalid_response', respond: (x) => sendJson(x, 42) },
  // Nesting and size.
  { name: 'nesting-10000', expect: 'invalid_response', respond: (x) => sendText(x, nested(10_000)) },
  {
    name: 'nesting-in-result',
    expect: 'invalid_response',
    respond: (x) => sendText(x, honestText(x).replace(`"${chainIdHex}"`, nested(10_000))),
  },
  { name: 'body-50mb', expect: 'invalid_response', respond: (x) => sendText(x, fiftyMegabytes()) },
  {
    name: 'gzip-bomb',
    expect: 'invalid_response',
    respond: (x) => sendText(x, gzipBomb(), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
  },
  { name: 'array-of-million', expect: 'invalid_response', respond: (x) => sendText(x, `[${'0,'.repeat(1_000_000)}0]`) },
  // Wrong types and values.
  {
    name: 'result-null',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (call) => answer(call, { result: null })),
      ),
  },
  {
    name: 'result-missing',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (call) => answer(call, {})),
      ),
  },
  { name: 'chain-id-number', expect: 'invalid_response', respond: bendResult('eth_chainId', 31337) },
  { name: 'chain-id-decimal-string', expect: 'invalid_response', respond: bendResult('eth_chainId', '31337') },
  { name: 'head-empty-hex', expect: 'invalid_response', respond: bendResult('eth_blockNumber', '0x') },
  {
    name: 'head-huge-hex',
    expect: 'invalid_response',
    respond: bendResult('eth_blockNumber', `0x${'f'.repeat(10_000)}`),
  },
  {
    name: 'head-beyond-safe-integer',
    expect: 'invalid_response',
    respond: bendResult('eth_blockNumber', '0x20000000000001'),
  },
  // biome-ignore lint/correctness/noPrecisionLoss: a number JSON can carry and a double cannot, on purpose
  { name: 'head-exponent', expect: 'invalid_response', respond: bendResult('eth_blockNumber', 1e400) },
  { name: 'head-object', expect: 'invalid_response', respond: bendResult('eth_blockNumber', { value: '0x1' }) },
  { name: 'block-null', expect: 'invalid_response', respond: bendResult('eth_getBlockByNumber', null) },
  { name: 'block-string', expect: 'invalid_response', respond: bendResult('eth_getBlockByNumber', '0x1') },
  { name: 'block-timestamp-number', expect: 'invalid_response', respond: bendBlock({ timestamp: 1_700_000_000 }) },
  { name: 'block-gas-limit-huge', expect: 'invalid_response', respond: bendBlock({ gasLimit: `0x${'9'.repeat(40)}` }) },
  { name: 'peer-count-bool', expect: 'invalid_response', respond: bendResult('net_peerCount', true) },
  {
    name: 'proto-pollution',
    expect: 'invalid_response',
    respond: (x) =>
      sendText(
        x,
        JSON.stringify(answers(x))
          .replaceAll('"jsonrpc":"2.0",', '"__proto__":{"id":1,"result":"0x7a69"},')
          .replaceAll('"id":', '"_id":'),
      ),
  },
  { name: 'wrong-chain-id', expect: 'chain_id_mismatch', respond: bendResult('eth_chainId', '0x1') },
  // Ids and batch shape.
  {
    name: 'ids-missing',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (_call, { id: _id, ...honest }) => honest),
      ),
  },
  {
    name: 'ids-as-strings',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (call, honest) => ({ ...honest, id: String(call.id) })),
      ),
  },
  {
    name: 'ids-all-one',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (_call, honest) => ({ ...honest, id: 1 })),
      ),
  },
  {
    name: 'ids-duplicated',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(x, x.batch ? [...(answers(x) as Answer[]), { jsonrpc: '2.0', id: 2, result: '0xzz' }] : answers(x)),
  },
  {
    name: 'ids-extra',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        x.batch
          ? [...(answers(x) as Answer[]), { jsonrpc: '2.0', id: 99, result: '0x1' }]
          : { ...(answers(x) as Answer), id: 99 },
      ),
  },
  {
    name: 'batch-too-short',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(x, x.batch ? (answers(x) as Answer[]).slice(0, 2) : answer({ id: 99, method: 'eth_chainId' })),
  },
  { name: 'batch-empty', expect: 'invalid_response', respond: (x) => sendJson(x, x.batch ? [] : {}) },
  {
    name: 'batch-of-nulls',
    expect: 'invalid_response',
    respond: (x) => sendJson(x, x.batch ? x.calls.map(() => null) : null),
  },
  {
    name: 'same-answer-to-all',
    expect: 'invalid_response',
    respond: (x) => sendJson(x, { jsonrpc: '2.0', id: 1, result: chainIdHex }),
  },
  {
    name: 'jsonrpc-version-1',
    expect: 'invalid_response',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (_call, honest) => ({ ...honest, jsonrpc: '1.0' })),
      ),
  },
  // Error objects of odd shapes.
  { name: 'error-string', expect: 'jsonrpc_error', respond: errorShaped('internal error') },
  { name: 'error-number', expect: 'jsonrpc_error', respond: errorShaped(-32000) },
  { name: 'error-array', expect: 'jsonrpc_error', respond: errorShaped([]) },
  {
    name: 'error-odd-fields',
    expect: 'jsonrpc_error',
    respond: errorShaped({ code: 'boom', message: { nested: true }, data: nested(1_000) }),
  },
  {
    name: 'error-huge-message',
    expect: 'jsonrpc_error',
    respond: errorShaped({ code: -32000, message: 'x'.repeat(1_000_000) }),
  },
  {
    name: 'error-rate-limit-code',
    expect: 'rate_limited',
    respond: errorShaped({ code: -32005, message: 'limit exceeded' }),
  },
  {
    name: 'error-and-result',
    expect: 'jsonrpc_error',
    respond: (x) =>
      sendJson(
        x,
        answers(x, (call, honest) =>
          call.method === 'eth_blockNumber' ? { ...honest, error: { code: -32603, message: 'both' } } : honest,
        ),
      ),
  },
  {
    name: 'whole-body-error',
    expect: 'invalid_response',
    respond: (x) => sendJson(x, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }),
  },
  // HTTP statuses and redirects.
  { name: 'status-500-json', expect: 'http_status', respond: (x) => sendJson(x, answers(x), 500) },
  {
    name: 'status-404-text',
    expect: 'http_status',
    respond: (x) => sendText(x, 'Cannot POST /', { 'content-type': 'text/plain' }, 404),
  },
  { name: 'status-204', expect: 'invalid_response', respond: (x) => x.response.writeHead(204).end() },
  {
    name: 'status-429',
    expect: 'rate_limited',
    respond: (x) => sendText(x, 'slow down', { 'content-type': 'text/plain', 'retry-after': '1' }, 429),
  },
  { name: 'status-999', expect: 'http_status', respond: raw('HTTP/1.1 999 Whatever\r\ncontent-length: 0\r\n\r\n') },
  {
    name: 'redirect-301',
    expect: 'http_status',
    respond: (x) => x.response.writeHead(301, { location: 'http://127.0.0.1:9/elsewhere' }).end(),
  },
  {
    name: 'redirect-302-relative',
    expect: 'http_status',
    respond: (x) => x.response.writeHead(302, { location: '/rpc/control' }).end(),
  },
  {
    name: 'redirect-307-loop',
    expect: 'http_status',
    respond: (x) => x.response.writeHead(307, { location: x.request.url ?? '/' }).end(),
  },
  { name: 'redirect-308-no-location', expect: 'http_status', respond: (x) => x.response.writeHead(308).end() },
  // Lying framing and encodings.
  {
    name: 'content-length-too-long',
    expect: 'connection',
    respond: (x) =>
      raw(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n${honestText(x)}`)(x),
  },
  {
    name: 'content-length-too-short',
    expect: 'invalid_response',
    respond: (x) => sendText(x, honestText(x), { 'content-type': 'application/json', 'content-length': 10 }),
  },
  // A body that fails to decode surfaces as fetch's network error, with the decoder's code: connection.
  {
    name: 'content-encoding-gzip-lie',
    expect: 'connection',
    respond: (x) => sendText(x, honestText(x), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
  },
  {
    name: 'content-encoding-br-lie',
    expect: 'connection',
    respond: (x) => sendText(x, honestText(x), { 'content-type': 'application/json', 'content-encoding': 'br' }),
  },
  {
    name: 'content-encoding-unknown',
    expect: 'invalid_response',
    respond: (x) =>
      sendText(x, gzipSync(honestText(x)), { 'content-type': 'application/json', 'content-encoding': 'x-hostile' }),
  },
  {
    name: 'bad-chunked-framing',
    expect: 'connection',
    respond: raw(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n',
    ),
  },
  { name: 'not-http', expect: 'connection', respond: raw('SSH-2.0-OpenSSH_9.2\r\n') },
  {
    name: 'huge-headers',
    expect: 'connection',
    respond: raw(`HTTP/1.1 200 OK\r\nx-filler: ${'a'.repeat(200_000)}\r\ncontent-length: 2\r\n\r\n[]`),
  },
  // Resets and silence.
  { name: 'reset-at-once', expect: 'connection', respond: (x) => x.socket.destroy() },
  {
    name: 'reset-mid-body',
    expect: 'connection',
    respond: (x) => {
      const text = honestText(x);
      x.response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
      x.response.write(text.slice(0, 30), () => x.socket.destroy());
    },
  },
  { name: 'hang', expect: 'timeout', respond: () => undefined },
  {
    name: 'slowloris-headers',
    expect: 'timeout',
    respond: (x) => {
      x.socket.write('HTTP/1.1 200 OK\r\n');
      x.every(100, () => x.socket.write('x-drip: a\r\n'));
    },
  },
  {
    name: 'slowloris-body',
    expect: 'timeout',
    respond: (x) => {
      x.response.writeHead(200, { 'content-type': 'application/json' });
      x.response.write('[');
      x.every(100, () => x.response.write(' '));
    },
  },
];

export interface HostileRpcServer {
  /**
   * Each kind on a port of its own (so that a socket one kind leaves broken is never another's), and `control`, honest.
   */
  urls: Record<string, string>;
  /** The counts below as JSON, for a parent process. */
  figuresUrl: string;
  /** Answers begun per kind. */
  served: Map<string, number>;
  /**
   * Answers by how they ended: the HTTP status sent whole, "<status> cut short", or "no HTTP answer" (raw bytes, a
   * reset, silence).
   */
  statuses: Map<string, number>;
  close(): Promise<void>;
}

function parseCalls(text: string): { calls: RpcCall[]; batch: boolean } {
  try {
    const body = JSON.parse(text) as RpcCall | RpcCall[];
    return Array.isArray(body) ? { calls: body, batch: true } : { calls: [body], batch: false };
  } catch {
    return { calls: [{ id: 1, method: 'eth_chainId' }], batch: false };
  }
}

export async function startHostileRpcServer(
  kinds: readonly HostileRpcKind[] = hostileRpcKinds,
): Promise<HostileRpcServer> {
  const control: HostileRpcKind = {
    name: 'control',
    expect: 'invalid_response',
    respond: (x) => sendJson(x, answers(x)),
  };
  const served = new Map<string, number>();
  const statuses = new Map<string, number>();
  // Built before the first request, so that building them never delays an answer.
  fiftyMegabytes();
  gzipBomb();
  const timers = new Set<NodeJS.Timeout>();
  const handler = (kind: HostileRpcKind) => (request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      if (request.url === '/_figures')
        return void response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ served: Object.fromEntries(served), statuses: Object.fromEntries(statuses) }));
      count(served, kind.name);
      tallyAnswer(response, statuses);
      const socket = request.socket;
      const every = socketTimers(socket, timers);
      kind.respond({ request, response, socket, every, ...parseCalls(Buffer.concat(parts).toString('utf8')) });
    });
  };
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const kind of [control, ...kinds]) {
    const server = createServer(handler(kind));
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[kind.name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc/${kind.name}`;
  }
  return {
    urls,
    figuresUrl: new URL('/_figures', urls.control).toString(),
    served,
    statuses,
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
    },
  };
}
