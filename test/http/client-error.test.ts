// A request Node cannot parse is answered on the socket in the API's error shape; the answer to a HEAD has
// no body, so a client on that connection never reads stray bytes as another answer.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError } from '../../src/http/framework-errors.js';

const app = Fastify({ clientErrorHandler: answerClientError });
let port: number;

beforeAll(async () => {
  app.get('/x', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

function send(request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const withRawByte = (method: string) =>
  Buffer.concat([
    Buffer.from(`${method} /x?scope=`),
    Buffer.from([0xc3, 0xa9]),
    Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
  ]);

describe('a request that is not valid HTTP', () => {
  it('is answered 400 with the error body, and without a body to a HEAD', async () => {
    const get = await send(withRawByte('GET'));
    expect(get).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(get.endsWith('{"error":"bad_request","message":"the request is not valid HTTP/1.1"}')).toBe(true);
    const head = await send(withRawByte('HEAD'));
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });
});
