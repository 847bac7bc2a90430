// Requests an HTTP client library would refuse to send: malformed request lines and headers, smuggling
// shapes, oversized heads, other protocols. Sent as bytes on a raw socket; the answer is read until the
// server closes the connection (every request asks it to), or for at most a few seconds.

import { connect } from 'node:net';

/** A request's head and body, sent as one. */
const withBody = (requestHead: string, body: string): string => requestHead + body;

export interface RawAnswer {
  status?: number;
  body: string;
  json?: unknown;
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

/** Named raw requests; `token` makes the write routes get as far as their body. */
export function rawRequests(token: string): [string, Buffer][] {
  const auth = `Authorization: Bearer ${token}`;
  const text: [string, string][] = [
    ['unknown method', head(['FOO /healthz HTTP/1.1', 'Host: x', 'Connection: close'])],
    ['space in the method', head(['G T /healthz HTTP/1.1', 'Host: x', 'Connection: close'])],
    ['PROPFIND', head(['PROPFIND /api/v1/chains HTTP/1.1', 'Host: x', 'Connection: close'])],
    ['TRACE', head(['TRACE /api/v1/chains HTTP/1.1', 'Host: x', 'Connection: close'])],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['HTTP/9.9', head(['GET /healthz HTTP/9.9', 'Host: x', 'Connection: close'])],
    ['HTTP/1.0 without Host', head(['GET /api/v1/chains HTTP/1.0'])],
    ['absolute-form URL', head(['GET http://evil.example/api/v1/chains HTTP/1.1', 'Host: x', 'Connection: close'])],
    ['asterisk-form URL', head(['GET * HTTP/1.1', 'Host: x', 'Connection: close'])],
    [
      'two Content-Lengths',
      withBody(
        head([
          'POST /api/v1/silences HTTP/1.1',
          'Host: x',
          auth,
          'Content-Type: application/json',
          'Content-Length: 2',
          'Content-Length: 3',
          'Connection: close',
        ]),
        '{}',
      ),
    ],
    [
      'Content-Length and chunked',
      withBody(
        head([
          'POST /api/v1/silences HTTP/1.1',
          'Host: x',
          auth,
          'Content-Type: application/json',
          'Content-Length: 5',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ]),
        '0\r\n\r\n',
      ),
    ],
    [
      'bad chunk size',
      withBody(
        head([
          'POST /api/v1/silences HTTP/1.1',
          'Host: x',
          auth,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ]),
        'ZZ\r\n{}\r\n0\r\n\r\n',
      ),
    ],
    [
      'chunked body that is not JSON',
      withBody(
        head([
          'POST /api/v1/silences HTTP/1.1',
          'Host: x',
          auth,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ]),
        '3\r\n{ba\r\n1\r\nd\r\n0\r\n\r\n',
      ),
    ],
    [
      'negative Content-Length',
      head([
        'POST /api/v1/silences HTTP/1.1',
        'Host: x',
        auth,
        'Content-Type: application/json',
        'Content-Length: -1',
        'Connection: close',
      ]),
    ],
    [
      'Content-Length beyond the body limit',
      withBody(
        head([
          'POST /api/v1/silences HTTP/1.1',
          'Host: x',
          auth,
          'Content-Type: application/json',
          'Content-Length: 99999999999',
          'Connection: close',
        ]),
        '{}',
      ),
    ],
    ['header without a colon', head(['GET /healthz HTTP/1.1', 'Host: x', 'NoColon', 'Connection: close'])],
    ['NUL in a header value', head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a\0b', 'Connection: close'])],
    ['space before the colon', head(['GET /healthz HTTP/1.1', 'Host : x', 'Connection: close'])],
    ['obs-fold header', head(['GET /healthz HTTP/1.1', 'Host: x', 'X-A: a', ' b', 'Connection: close'])],
    ['bare LF line ends', 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n'],
    [
      'headers over 16 KiB',
      head(['GET /healthz HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`, 'Connection: close']),
    ],
    [
      'request line over 16 KiB',
      head([`GET /api/v1/chains?x=${'a'.repeat(20_000)} HTTP/1.1`, 'Host: x', 'Connection: close']),
    ],
    ['control characters in the path', head(['GET /api/v1/\x01\x7f HTTP/1.1', 'Host: x', 'Connection: close'])],
    [
      'upgrade to websocket',
      head([
        'GET /api/v1/chains HTTP/1.1',
        'Host: x',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
      ]),
    ],
    [
      'Expect: 100-continue with no body sent',
      head([
        'POST /api/v1/silences HTTP/1.1',
        'Host: x',
        auth,
        'Content-Type: application/json',
        'Content-Length: 2',
        'Expect: 100-continue',
        'Connection: close',
      ]),
    ],
  ];
  return [
    ...text.map(([what, request]): [string, Buffer] => [what, Buffer.from(request, 'latin1')]),
    ['TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
    [
      'invalid UTF-8 in the path',
      Buffer.concat([
        Buffer.from('GET /api/v1/chains/'),
        Buffer.from([0xff, 0xc0, 0xaf]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ]),
    ],
    ['binary garbage', Buffer.from(Array.from({ length: 512 }, (_value, index) => (index * 131 + 7) % 256))],
  ];
}

/** Sends the bytes as they are; the first status line and its body, or no status if none came back. */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 3_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      const answer = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
      const headEnd = answer.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(answer.slice(0, headEnd))?.[1] ?? NaN);
      const body =
        headEnd < 0 ? '' : answer.slice(headEnd + 4, Number.isFinite(length) ? headEnd + 4 + length : undefined);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ ...(status ? { status: Number(status) } : {}), body, json });
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
  });
}
