// A real HTTP server on 127.0.0.1 standing in for a receiver (Slack, PagerDuty, a webhook…): it records
// every request as it arrived and answers as the test scripts it, so receivers are tested through real
// sockets, real status codes, real delays and real refused connections rather than a mocked fetch.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  /** 0 for the first request the server received, counting across refuse/accept. */
  index: number;
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  /** Node lower-cases header names. */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  /** Wall-clock time the body was fully read. */
  receivedAtMs: number;
}

export interface ScriptedResponse {
  /** Default 200. */
  status?: number;
  /** An object is sent as JSON; default empty. */
  body?: string | object;
  headers?: Record<string, string>;
  /** Wait this long before answering (a client timeout shorter than this sees a timeout). */
  delayMs?: number;
  /** Destroy the socket instead of answering (a connection reset mid-request). */
  destroy?: boolean;
}

export type Responder = (request: CapturedRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>;

export interface HttpReceiverOptions {
  /** Answers requests once the queue is empty. Default: 200 with an empty body. */
  respond?: Responder;
  /** Answers the next requests in order, before `respond` is asked. */
  responses?: ScriptedResponse[];
}

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  /** Replaces the responder for requests not served by the queue. */
  respondWith(respond: Responder): void;
  /** Adds answers for the next requests, served first-in first-out. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Resolves with the first `count` requests once that many have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedRequest[]>;
  /** Forgets captured requests and queued answers (the responder stays). */
  reset(): void;
  /** Stops listening and drops open connections: clients now get ECONNREFUSED on this port. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port after `refuseConnections`. */
  acceptConnections(): Promise<void>;
  /** Stops for good, dropping open (delayed) connections. */
  close(): Promise<void>;
}

const defaultResponder: Responder = () => ({ status: 200 });

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  // Clients in this process (fetch's pool) learn of the closed sockets on a later turn of the event
  // loop; until then they may reuse one and see a reset instead of a refused connection.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

export async function startHttpReceiver(options: HttpReceiverOptions = {}): Promise<HttpReceiver> {
  const requests: CapturedRequest[] = [];
  const queue: ScriptedResponse[] = [...(options.responses ?? [])];
  let respond = options.respond ?? defaultResponder;
  let received = 0;
  const waiters = new Set<() => void>();
  // Delayed answers are cancelled on close so that a test's teardown never waits for them.
  const timers = new Set<NodeJS.Timeout>();

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const answer = (response: ServerResponse, scripted: ScriptedResponse): void => {
    if (response.destroyed || response.writableEnded) return;
    const isJson = typeof scripted.body === 'object';
    const body = scripted.body === undefined ? '' : isJson ? JSON.stringify(scripted.body) : String(scripted.body);
    // One connection per request: a client then sees a refused connection, not a stale keep-alive socket.
    const headers = {
      connection: 'close',
      ...(isJson ? { 'content-type': 'application/json' } : {}),
      ...scripted.headers,
    };
    response.writeHead(scripted.status ?? 200, headers).end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const index = received;
    received += 1;
    const rawBody = await readBody(request);
    const captured: CapturedRequest = {
      index,
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      rawBody,
      json: parseJson(rawBody),
      receivedAtMs: Date.now(),
    };
    requests.push(captured);
    for (const wake of [...waiters]) wake();
    const scripted = queue.shift() ?? (await respond(captured, index));
    if (scripted.delayMs) await delay(scripted.delayMs);
    if (scripted.destroy) {
      request.socket.destroy();
      return;
    }
    answer(response, scripted);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end('test receiver error');
    });
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    respondWith(next) {
      respond = next;
    },
    enqueue(...responses) {
      queue.push(...responses);
    },
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    refuseConnections: () => stop(server),
    acceptConnections: () => listen(server, port),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await stop(server);
    },
  };
}
