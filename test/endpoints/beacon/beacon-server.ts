// A real HTTP server on 127.0.0.1 answering Beacon API requests as a test scripts it: canned bodies sent
// in chunks of a chosen size (so the client's streaming path reads them), bodies cut short, sockets reset,
// or no answer at all. It records every request with its body.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  /** An object is sent as JSON. */
  body?: string | object;
  /** Bytes per write; the whole body at once when absent. */
  chunkSize?: number;
  /** Never answer. */
  hang?: boolean;
  /** Send this many bytes of the body, then reset the socket. */
  resetAfter?: number;
  /** Send this many bytes of the body, then nothing more. */
  stallAfter?: number;
}

export interface BeaconServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startBeaconServer(
  respond: (request: RecordedRequest) => Reply | Promise<Reply>,
): Promise<BeaconServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', async () => {
      const recorded = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(parts).toString('utf8'),
      };
      requests.push(recorded);
      const reply = await respond(recorded);
      if (reply.hang) return;
      const text =
        reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const bytes = Buffer.from(text, 'utf8');
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      if (reply.stallAfter !== undefined) {
        response.write(bytes.subarray(0, reply.stallAfter));
        return;
      }
      if (reply.resetAfter !== undefined) {
        response.write(bytes.subarray(0, reply.resetAfter), () => setTimeout(() => request.socket.destroy(), 20));
        return;
      }
      const size = reply.chunkSize ?? (bytes.length || 1);
      for (let at = 0; at < bytes.length; at += size) response.write(bytes.subarray(at, at + size));
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
