import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNotify } from '../../src/cli/commands/test-notify.js';
import { UsageError } from '../../src/cli/args.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';

function capture() {
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  return {
    lines,
    output: { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) },
  };
}

describe('ere test-notify', () => {
  let hook: HttpReceiver;
  let config: string;
  beforeAll(async () => {
    hook = await startHttpReceiver();
    config = join(mkdtempSync(join(tmpdir(), 'ere-test-')), 'ere.yaml');
    writeFileSync(
      config,
      `chains:
  - id: demo
    chainId: 31337
    rpc: [{ id: node, url: "http://127.0.0.1:1" }]
alerting:
  receivers:
    - id: audit
      kind: webhook
      url: ${hook.url}/hooks/secret-token-0123456789
`,
    );
  });
  afterAll(() => hook.close());

  it('sends a marked test message and reports the answer', async () => {
    hook.enqueue({ status: 200, body: 'ok' });
    const { lines, output } = capture();
    expect(await testNotify.run(['--receiver', 'audit', '--config', config], output)).toBe(0);
    const [request] = await hook.waitFor(1);
    expect(request!.headers['x-ere-test']).toBe('true');
    const body = request!.json as { alerts: { labels: Record<string, string> }[] };
    expect(body.alerts[0]!.labels).toMatchObject({ alertname: 'EreTestNotification', severity: 'info' });
    expect(lines.out.join('\n')).toMatch(
      /^receiver audit \(webhook, 127\.0\.0\.1:\d+\): delivered, HTTP 200 in \d+ ms: ok$/,
    );
    expect(lines.out.join('\n')).not.toContain('secret-token');
  });

  it('exits 1 with the receiver answer when it refuses, never showing the URL', async () => {
    hook.reset();
    hook.enqueue({ status: 404, body: 'no_service' });
    const { lines, output } = capture();
    expect(await testNotify.run(['--receiver', 'audit', '--config', config], output)).toBe(1);
    expect(lines.err.join('\n')).toMatch(
      /not delivered \(a retry cannot succeed\), HTTP 404 in \d+ ms: HTTP 404: no_service/,
    );
    expect(lines.err.join('\n')).not.toContain('secret-token');
  });

  it('names the receivers a config has when the one asked for is missing', async () => {
    await expect(testNotify.run(['--receiver', 'pager', '--config', config], capture().output)).rejects.toThrow(
      UsageError,
    );
    await expect(testNotify.run(['--receiver', 'pager', '--config', config], capture().output)).rejects.toThrow(
      /no receiver "pager" in .*\(it has audit\)/,
    );
  });
});
