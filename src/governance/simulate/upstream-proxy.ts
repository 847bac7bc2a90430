// The loopback door a fork reads its upstream through: anvil is given this proxy's URL, never the
// provider's, so that no API key shows in `ps`, in anvil's banner or in its errors. It forwards each JSON-RPC
// request to the upstream with the endpoint's headers, counts them, and refuses anything but a POST. An error
// answer has the endpoint's secrets (its URL's key, path and credentials, its header values) masked before
// anvil sees it, as a provider may echo them back; results are passed on untouched.

import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { splitUrlCredentials } from '../../domain/url-credentials.js';
import { scrubberOf, urlSecrets } from '../../log/redact.js';

export interface UpstreamProxy {
  /** The loopback URL to give anvil. */
  url: string;
  /** JSON-RPC requests forwarded so far (a batch counts its calls). */
  readonly requests: number;
  close(): Promise<void>;
}

const maxBodyBytes = 16 * 1024 * 1024;

/** Calls in a JSON-RPC body: a batch's length, else 1. */
function callsIn(body: string): number {
  const trimmed = body.trimStart();
  if (!trimmed.startsWith('[')) return 1;
  try {
    return (JSON.parse(trimmed) as unknown[]).length;
  } catch {
    return 1;
  }
}

/**
 * The secrets of an upstream, as a provider might echo them: its URL's key, path and credentials, the basic
 * auth those credentials become, and each header value with and without its scheme (`Bearer …`).
 */
export function upstreamSecrets(upstream: { url: string; headers?: Record<string, string> }): string[] {
  const { authorization } = splitUrlCredentials(upstream.url);
  const values = [...Object.values(upstream.headers ?? {}), ...(authorization ? [authorization] : [])];
  return [
    ...urlSecrets(upstream.url),
    ...values.flatMap((value) => {
      const token = /^[A-Za-z]+\s+(\S+)$/.exec(value)?.[1];
      return token ? [value, token] : [value];
    }),
  ];
}

export async function startUpstreamProxy(upstream: {
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}): Promise<UpstreamProxy> {
  let requests = 0;
  const scrubber = scrubberOf(upstreamSecrets(upstream));
  // The path anvil is given: another local process that finds the port cannot borrow the provider's key.
  const door = `/${randomBytes(16).toString('hex')}`;
  // fetch refuses a URL with `user:pass@`: those go as basic auth, unless the endpoint sets the header.
  const target = splitUrlCredentials(upstream.url);
  const hasAuthorization = Object.keys(upstream.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  const headers = {
    'content-type': 'application/json',
    ...(target.authorization && !hasAuthorization ? { authorization: target.authorization } : {}),
    ...upstream.headers,
  };
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    if (request.url !== door) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests += callsIn(body);
      try {
        const answer = await fetch(target.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(upstream.timeoutMs),
        });
        const text = await answer.text();
        const failed = !answer.ok || /"error"\s*:/.test(text);
        response
          .writeHead(answer.status, { 'content-type': 'application/json' })
          .end(failed ? scrubber.scrub(text) : text);
      } catch (error) {
        // The upstream's own error text may name it: anvil only learns that the read failed, or took too long.
        const timedOut = (error as Error).name === 'TimeoutError';
        response
          .writeHead(timedOut ? 504 : 502, { 'content-type': 'application/json' })
          .end(timedOut ? '{"error":"upstream timed out"}' : '{"error":"upstream unreachable"}');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${door}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
