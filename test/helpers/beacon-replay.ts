// Serves a recorded beacon node (a VCR cassette: `interactions[].request` and `.response`) on 127.0.0.1, so
// tests read exactly what a real client answered. A request matches a recording by method, path, query and,
// for a POST, its JSON body compared as parsed JSON; a request recorded several times gets its recordings in
// order, the last one repeated. Anything else gets 404 "not recorded". Requests to other hosts in the
// cassette (the recorder also asked an exchange for a price) are left out.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

export interface RecordedExchange {
  /** Position in the cassette's `interactions`. */
  position: number;
  method: string;
  /** Path with its query, e.g. `/eth/v1/beacon/states/7687904/committees?epoch=240247`. */
  path: string;
  /** Parsed JSON request body; undefined when none was sent. */
  requestBody: unknown;
  status: number;
  contentType: string;
  /** The response body as recorded. */
  responseText: string;
}

export interface UnmatchedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface RunningBeaconReplay {
  url: string;
  recording: readonly RecordedExchange[];
  /** The recordings served, in the order they were served. */
  served(): RecordedExchange[];
  /** Requests no recording matched. */
  unmatched(): UnmatchedRequest[];
  close(): Promise<void>;
}

interface Cassette {
  interactions?: {
    request: { method: string; uri: string; body: string | null };
    response: { status: { code: number }; headers?: Record<string, string[]>; body: { string: string } };
  }[];
}

/** The beacon exchanges of a cassette (requests whose path starts with /eth/). */
export function loadRecording(file: string): RecordedExchange[] {
  const cassette = parse(readFileSync(file, 'utf8')) as Cassette;
  const exchanges: RecordedExchange[] = [];
  (cassette.interactions ?? []).forEach((interaction, position) => {
    const uri = new URL(interaction.request.uri);
    if (!uri.pathname.startsWith('/eth/')) return;
    const headers = interaction.response.headers ?? {};
    const contentType =
      Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1]?.[0] ?? 'application/json';
    exchanges.push({
      position,
      method: interaction.request.method.toUpperCase(),
      path: uri.pathname + uri.search,
      requestBody: parseBody(interaction.request.body),
      status: interaction.response.status.code,
      contentType,
      responseText: interaction.response.body.string,
    });
  });
  return exchanges;
}

export async function startBeaconReplay({ file }: { file: string }): Promise<RunningBeaconReplay> {
  const recording = loadRecording(file);
  const served: RecordedExchange[] = [];
  const unmatched: UnmatchedRequest[] = [];
  const timesAsked = new Map<string, number>();

  const server = createServer((req, res) => {
    readText(req)
      .then((text) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const method = (req.method ?? 'GET').toUpperCase();
        const body = parseBody(text);
        const candidates = recording.filter((exchange) => matches(exchange, method, url, body));
        const first = candidates[0];
        if (!first) {
          unmatched.push({ method, path: url.pathname + url.search, body });
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 404, message: 'not recorded' }));
          return;
        }
        const key = `${first.position}`;
        const asked = timesAsked.get(key) ?? 0;
        timesAsked.set(key, asked + 1);
        const exchange = candidates[Math.min(asked, candidates.length - 1)] as RecordedExchange;
        served.push(exchange);
        res.writeHead(exchange.status, { 'content-type': exchange.contentType });
        res.end(exchange.responseText);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    recording,
    served: () => [...served],
    unmatched: () => [...unmatched],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matches(exchange: RecordedExchange, method: string, url: URL, body: unknown): boolean {
  if (exchange.method !== method) return false;
  const recorded = new URL(exchange.path, 'http://127.0.0.1');
  if (recorded.pathname !== url.pathname || !sameQuery(recorded.searchParams, url.searchParams)) return false;
  return method !== 'POST' || isDeepStrictEqual(normalizeBody(exchange.requestBody), normalizeBody(body));
}

function sameQuery(a: URLSearchParams, b: URLSearchParams): boolean {
  const sorted = (params: URLSearchParams) => [...params].sort(([x], [y]) => x.localeCompare(y));
  return isDeepStrictEqual(sorted(a), sorted(b));
}

/** No body and `[]` both ask for every validator on the routes that take a list of them. */
function normalizeBody(body: unknown): unknown {
  return Array.isArray(body) && body.length === 0 ? undefined : body;
}

function parseBody(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
