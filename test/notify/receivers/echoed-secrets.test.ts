// Every receiver kind against a real server that echoes what it was sent, as Express's default 404 does
// (`Cannot POST /<path>`, HTML-escaped) and as many APIs do with a key they refuse: no result, and no
// excerpt `ere test-notify` shows, may hold a secret of the config or any part of its URL beyond the host.
// Credentials in a URL go as basic auth; a redirect is a permanent failure naming the location's host only.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBatch } from '../../../src/cli/commands/test-notify.js';
import { systemClock } from '../../../src/domain/clock.js';
import { postJson } from '../../../src/notify/http-post.js';
import { receiverKind } from '../../../src/notify/receivers/index.js';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Seen {
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** Express's finalhandler 404, plus what a chatty API adds: the headers and the body it was sent. */
function express404(request: IncomingMessage, response: ServerResponse, body: string): void {
  const echoed =
    `<pre>Cannot POST ${escapeHtml(request.url ?? '')}</pre> ` +
    `headers=${JSON.stringify(request.headers)} body=${body.slice(0, 2_000)}`;
  response
    .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
    .end(`<!DOCTYPE html><html><body>${echoed}</body></html>`);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      answer(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const token = '123456789:AAEsecretBotTokenXYZ';
const kinds: { name: string; settings: () => Record<string, unknown>; secrets: string[] }[] = [
  {
    name: 'slack',
    settings: () => ({ kind: 'slack', url: `${base}/services/T0ABC/B0DEF/slackPathSecret9` }),
    secrets: ['/services/T0ABC/B0DEF/slackPathSecret9', 'slackPathSecret9', 'T0ABC'],
  },
  {
    name: 'webhook',
    settings: () => ({
      kind: 'webhook',
      url: `${base}/hook/abc?key=hunter2&x=mysecretpassword`,
      headers: { 'X-Api-Key': 'xyz' },
    }),
    secrets: ['abc', 'hunter2', 'mysecretpassword', 'xyz'],
  },
  {
    name: 'telegram',
    settings: () => ({ kind: 'telegram', botToken: token, chatId: 42, apiUrl: base }),
    secrets: [token, 'AAEsecretBotTokenXYZ'],
  },
  {
    name: 'pagerduty',
    settings: () => ({
      kind: 'pagerduty',
      routingKey: 'R0utingKey0123456789abcdef',
      url: `${base}/v2/enqueue/pdproxykey`,
    }),
    secrets: ['R0utingKey0123456789abcdef', 'pdproxykey'],
  },
  {
    name: 'discord',
    settings: () => ({ kind: 'discord', url: `${base}/api/webhooks/1122/d1sc0rdT0ken` }),
    secrets: ['d1sc0rdT0ken', '/api/webhooks/1122'],
  },
  {
    name: 'alertmanager',
    settings: () => ({
      kind: 'alertmanager',
      url: `${base}/am/0e4f3c2a-77d1-4b1e-9c3f-5a6b7c8d9e0f`,
      headers: { 'X-Scope-OrgID': 'tenant-s3cret' },
    }),
    secrets: ['0e4f3c2a-77d1-4b1e-9c3f-5a6b7c8d9e0f', 'tenant-s3cret'],
  },
];

/** A short secret counts where it stands alone: `abc` inside `abcdef` is not it. */
function holds(text: string, secret: string): boolean {
  return secret.length >= 8
    ? text.includes(secret)
    : new RegExp(`(?<![A-Za-z0-9])${secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9])`).test(text);
}

describe.each(kinds)('$name receiver against a server echoing its request', ({ name, settings, secrets }) => {
  it('fails without retry and keeps no secret in what it reports', async () => {
    answer = express404;
    seen.length = 0;
    const kind = receiverKind(name)!;
    const config = kind.configSchema.parse(settings());
    const result = await kind
      .create(config, { clock: systemClock, timeoutMs: 5_000 })
      .deliver(testBatch('r', 'http://ere.example', Date.now()), AbortSignal.timeout(10_000));
    // The server was reached and did echo the secrets: the test would prove nothing otherwise.
    expect(seen.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 404 });
    const text = JSON.stringify(result);
    expect(text).toContain('Cannot POST');
    for (const secret of [...secrets, ...kind.secrets(config).filter((each) => each.length >= 8)])
      expect(holds(text, secret), `${secret} in ${text}`).toBe(false);
    expect(text.length).toBeLessThan(300);
  });
});

describe('receiver URLs with credentials', () => {
  it.each(['slack', 'webhook', 'discord', 'pagerduty', 'alertmanager'])(
    '%s sends user:pass@ as basic auth and delivers',
    async (name) => {
      answer = (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      seen.length = 0;
      const kind = receiverKind(name)!;
      const url = `${base.replace('//', '//bob:p%40ss%20word@')}/path`;
      const config = kind.configSchema.parse(
        name === 'pagerduty' ? { kind: name, url, routingKey: 'rk' } : { kind: name, url },
      );
      const result = await kind
        .create(config, { clock: systemClock, timeoutMs: 5_000 })
        .deliver(testBatch('r', 'http://ere.example', Date.now()), AbortSignal.timeout(10_000));
      expect(result).toMatchObject({ outcome: 'delivered' });
      expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('bob:p@ss word').toString('base64')}`);
      expect(seen[0]!.url.startsWith('/path')).toBe(true);
    },
  );
});

describe('requests that can never succeed', () => {
  it('a redirect is a permanent failure naming only the host of its location', async () => {
    answer = (_request, response) =>
      response.writeHead(307, { location: 'http://other.example:9999/steal/t0kenInLocation?k=v' }).end();
    const { result } = await postJson({ url: `${base}/x`, body: '{}', timeoutMs: 5_000, secrets: [] });
    expect(result).toEqual({
      outcome: 'failed',
      statusCode: 307,
      error: 'HTTP 307: redirect to other.example:9999 refused',
    });
  });

  it('a header fetch will not send is a permanent failure, not a retry', async () => {
    const { result } = await postJson({
      url: `${base}/x`,
      body: '{}',
      headers: { 'x-key': 'bad\r\nvalue-s3cretheader' },
      timeoutMs: 5_000,
      secrets: ['bad\r\nvalue-s3cretheader'],
    });
    expect(result.outcome).toBe('failed');
    expect(JSON.stringify(result)).not.toContain('s3cretheader');
  });

  it('a refused connection is still retried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { result } = await postJson({ url: `http://127.0.0.1:${port}/`, body: '{}', timeoutMs: 5_000, secrets: [] });
    expect(result).toEqual({ outcome: 'retry', statusCode: null, error: 'ECONNREFUSED' });
  });
});
