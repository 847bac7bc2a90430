// `nextAttemptAt` in /api/v1/notifications must say when the next attempt really happens. A receiver that
// fails opens its circuit breaker, which holds it for longer than the notification's own retry backoff:
// the API must show the breaker's time, and the receiver must indeed hear nothing before it.
// The real service (bin/ere.js), a real endpoint that is down, and a real webhook receiver answering 500.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ereBin } from '../helpers/ere-cli.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { tempDir, waitFor } from '../helpers/service.js';
import { freePort } from '../helpers/loopback-tool.js';

const cooldownMs = 6_000;
let child: ChildProcess | undefined;
let hook: HttpReceiver | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await hook?.close();
});

interface NotificationView {
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
}

describe('nextAttemptAt', () => {
  it('is when the open circuit lets the next attempt through, and nothing is sent before it', {
    timeout: 90_000,
  }, async () => {
    const requestTimes: number[] = [];
    hook = await startHttpReceiver({
      respond: () => {
        requestTimes.push(Date.now());
        return { status: 500, body: 'down' };
      },
    });
    const dir = tempDir();
    const configPath = join(dir, 'ere.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: join(dir, 'ere.db'), flushInterval: '100ms' },
        chains: [
          {
            id: 'local',
            chainId: 31337,
            pollInterval: '300ms',
            timeout: '250ms',
            rpc: [{ id: 'gone', url: `http://127.0.0.1:${await freePort()}` }],
          },
        ],
        alerting: {
          evaluationInterval: '1s',
          rules: [
            {
              name: 'EndpointDown',
              source: 'endpoint',
              metric: 'up',
              op: '==',
              threshold: 0,
              severity: 'critical',
              annotations: { summary: 'down' },
            },
          ],
          receivers: [{ id: 'hook', kind: 'webhook', url: hook.url }],
          route: { receiver: 'hook', groupWait: '0s' },
          delivery: {
            initialBackoff: '100ms',
            maxBackoff: '200ms',
            breakerFailures: 1,
            breakerCooldown: `${cooldownMs}ms`,
            pollInterval: '50ms',
          },
        },
      }),
    );
    child = spawn(process.execPath, [ereBin, 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n')));
    const url = await waitFor(
      () => output.map((line) => /"url":"(http:\/\/[^"]+)".*"msg":"ERE Monitor started"/.exec(line)?.[1]).find(Boolean),
      30_000,
      'the service to start',
    );

    const shown = await waitFor(
      async () => {
        const body = (await (await fetch(`${url}/api/v1/notifications?receiver=hook`)).json()) as {
          notifications: NotificationView[];
        };
        const failed = body.notifications.find(
          (notification) => notification.status === 'pending' && notification.attempts === 1,
        );
        return failed?.nextAttemptAt ?? undefined;
      },
      30_000,
      'a failed attempt',
    );
    const firstAttemptMs = requestTimes[0]!;
    const shownMs = Date.parse(shown);
    // The row's own backoff is at most 200 ms; the breaker holds the receiver for the whole cooldown.
    expect(shownMs - firstAttemptMs).toBeGreaterThan(cooldownMs - 1_000);
    expect(shownMs - firstAttemptMs).toBeLessThan(cooldownMs + 1_000);

    await waitFor(() => requestTimes.length >= 2, cooldownMs + 20_000, 'the second attempt');
    expect(requestTimes[1]!).toBeGreaterThanOrEqual(shownMs - 50);
  });
});
