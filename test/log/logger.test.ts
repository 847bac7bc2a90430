// The service's log as people and collectors read it: JSON lines, or pino-pretty's lines at a terminal,
// scrubbed of secrets either way; errors as one short message with what their causes add in `detail`.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EreError } from '../../src/domain/errors.js';
import { serializeError } from '../../src/log/error-serializer.js';
import { chooseLogFormat, createLogger, type LogFormat } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { ereBin } from '../helpers/ere-cli.js';
import { waitFor } from '../helpers/service.js';

function bufferLogger(format: LogFormat, scrubber = new SecretScrubber()) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    scrubber,
    format,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines };
}

let notFound: Server;
let notFoundUrl: string;
beforeAll(async () => {
  // Express's default answer to an unknown route, as a misconfigured RPC path gets it.
  notFound = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(404, { 'content-type': 'text/html' }).end('Cannot POST /rpc'));
  });
  await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
  notFoundUrl = `http://127.0.0.1:${(notFound.address() as { port: number }).port}/v2/Key0123456789secret`;
});
afterAll(() => new Promise((resolve) => notFound.close(resolve)));

/** What viem throws for a 404, wrapped twice as the governance reader and its endpoint loop wrap it. */
async function wrappedViemError(): Promise<EreError> {
  const client = createPublicClient({ transport: http(notFoundUrl, { retryCount: 0 }) });
  const viemError = await client.getChainId().then(
    () => expect.unreachable('a 404 is an error'),
    (error: unknown) => error,
  );
  const read = new EreError('eth_chainId failed: HTTP 404', { cause: viemError });
  return new EreError('no endpoint of chain "main" could serve: a: eth_chainId failed: HTTP 404', { cause: read });
}

describe('JSON lines', () => {
  it('are scrubbed of a secret that JSON escapes: quotes, backslashes, control characters', () => {
    const secrets = ['pa"ss\\word-42', 'tab\tsecret-99', 'line\nbreak-7'];
    const scrubber = new SecretScrubber();
    scrubber.add(...secrets);
    const { logger, lines } = bufferLogger('json', scrubber);
    logger.info({ header: secrets[0], note: `x ${secrets[1]} y`, other: secrets[2] }, `failed with ${secrets[0]}`);
    const line = lines.join('');
    // The line itself holds the escaped forms, not the raw ones: check both are gone.
    for (const secret of secrets) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    expect(JSON.parse(line)).toMatchObject({ header: '***', note: 'x *** y', other: '***', msg: 'failed with ***' });
  });
});

describe('chooseLogFormat', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
    ['pretty', false, 'pretty'],
  ] as const)('log.format %s, stdout a terminal: %s → %s', (format, tty, expected) => {
    expect(chooseLogFormat(format, tty)).toBe(expected);
  });
});

describe('errors in the log', () => {
  it('a viem error wrapped twice is one short message, with what the causes add in detail', async () => {
    const { logger, lines } = bufferLogger('json');
    logger.warn({ err: await wrappedViemError() }, 'governance ingestion failed');
    const line = lines.join('');
    const err = (JSON.parse(line) as { err: Record<string, unknown> }).err;
    expect(err).toEqual({
      type: 'EreError',
      message: 'no endpoint of chain "main" could serve: a: eth_chainId failed: HTTP 404',
      detail: 'HttpRequestError: HTTP request failed. ("Cannot POST /rpc")',
    });
    expect(line.split('eth_chainId failed').length - 1).toBe(1);
    expect(line).not.toMatch(/Version: viem|Request body|\\n/);
  });

  it.each([
    ['a plain value', 'not an error', 'not an error'],
    ['an error without a cause', new Error('first line\nsecond line'), { type: 'Error', message: 'first line' }],
    [
      'a typed error with details',
      new EreError('short', { details: 'longer explanation' }),
      { type: 'EreError', message: 'short', detail: 'longer explanation' },
    ],
  ])('%s', (_, value, expected) => {
    const serialized = serializeError(value);
    if (typeof expected === 'object') expect(serialized).toMatchObject(expected);
    else expect(serialized).toBe(expected);
  });

  it(
    'keeps typed fields, drops request data, survives a circular ' +
      'cause, and gives stacks only to unexpected errors',
    () => {
      const typed = Object.assign(new EreError('probe failed'), {
        errorClass: 'timeout',
        url: 'http://x/secret',
        headers: { authorization: 'k' },
      });
      expect(serializeError(typed)).toEqual({ type: 'EreError', message: 'probe failed', errorClass: 'timeout' });
      const loop = new Error('outer', { cause: new Error('inner') });
      (loop.cause as Error).cause = loop;
      const serialized = serializeError(loop) as { detail: string; stack: string };
      expect(serialized.detail).toBe('Error: inner');
      expect(serialized.stack.split('\n')[0]).toBe('Error: outer');
      expect(serialized.stack.split('\n')[1]).toMatch(/^\s+at /);
    },
  );
});

describe('pretty lines', () => {
  it('are readable lines, and scrubbed of secrets after rendering too', async () => {
    // JSON escapes the quote of this secret: only the rendered line holds it as configured.
    const quoted = 'pass"word-0123';
    const scrubber = new SecretScrubber();
    scrubber.addUrl(notFoundUrl);
    scrubber.add(quoted);
    const { logger, lines } = bufferLogger('pretty', scrubber);
    logger.warn({ err: await wrappedViemError(), url: notFoundUrl }, `login with ${quoted} refused`);
    const text = lines.join('');
    expect(text).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] WARN: login with \*\*\* refused\n/);
    expect(text).toContain('"message": "no endpoint of chain \\"main\\" could serve: a: eth_chainId failed: HTTP 404"');
    expect(text).not.toMatch(/^\{/);
    expect(text).not.toContain('Key0123456789secret');
    expect(text).not.toContain('word-0123');
  });
});

describe('ere start at a terminal and in a pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ere-log-'));
  const config = (format: string | null) => {
    const file = join(dir, `ere-${format ?? 'default'}.yaml`);
    writeFileSync(
      file,
      `server: { port: 0 }
storage: { path: ${JSON.stringify(join(dir, `${format ?? 'default'}.db`))} }
${format === null ? '' : `log: { format: ${format} }\n`}chains:
  - { id: local, chainId: 1, rpc: [{ id: gone, url: "http://127.0.0.1:1" }] }
`,
    );
    return file;
  };

  /** Runs `ere start` until it has started, under `script` (a pseudo-terminal) or with a pipe, then stops it. */
  async function startOutput(file: string, terminal: boolean): Promise<string> {
    const pidFile = join(dir, `pid-${Math.random().toString(36).slice(2)}`);
    const command = `${process.execPath} ${ereBin} start --config ${file} & echo $! > ${pidFile}; wait`;
    const child = terminal
      ? spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const closed = new Promise((resolve) => child.once('close', resolve));
    try {
      await waitFor(() => output.includes('ERE Monitor started'), 20_000, 'ere start to start');
    } finally {
      const pid = Number(await waitFor(() => readFileSync(pidFile, 'utf8').trim() || false, 5_000, 'the pid'));
      process.kill(pid, 'SIGTERM');
      await closed;
    }
    return output;
  }

  it('auto: pretty at a terminal, JSON in a pipe; log.format overrides either way', async () => {
    const auto = config(null);
    const atTerminal = await startOutput(auto, true);
    expect(atTerminal).toMatch(/INFO.*: .*ERE Monitor started/);
    expect(atTerminal).not.toContain('{"level"');
    const piped = await startOutput(auto, false);
    const started = piped.split('\n').find((line) => line.includes('ERE Monitor started'))!;
    expect(JSON.parse(started)).toMatchObject({ level: 30, msg: 'ERE Monitor started' });
    expect(await startOutput(config('json'), true)).toMatch(/^\{"level":30/m);
    expect(await startOutput(config('pretty'), false)).toMatch(/^\[[\d :.-]+\] INFO: ERE Monitor started$/m);
  }, 90_000);
});
