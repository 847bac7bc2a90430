// Matchers are written by people, in a hurry, in silences, routes and inhibit rules: a regex that would
// backtrack for ever must never stall the service. The real `ere start` runs with an endpoint that is down
// (so an alert fires and is routed, inhibited and silenced at every evaluation), a route and an inhibit rule
// whose regexes are known ReDoS patterns, and then silences with more of them posted through the API. A
// probe of /healthz every 100 ms must be answered throughout, SIGTERM must stop the service, and the stored
// silences must not freeze it after a restart. Under a backtracking engine each of these patterns takes
// seconds to minutes on the alert's 26-character name.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ereBin } from '../helpers/ere-cli.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { tempDir, waitFor } from '../helpers/service.js';
import { freePort } from '../helpers/loopback-tool.js';

const token = 'redos-test-token-4e8b1f0c7a2d9356';
const alertname = 'EndpointUnreachableFromEre';
/** Catastrophic under backtracking on a 26-character word, linear under RE2. None matches the name. */
const redosPatterns = [
  '(.*.*)*y',
  '(\\w+)*y',
  '([A-Za-z]|[a-z])*y',
  '(E|En|End|\\w)*9',
  '((a|E)?\\w*)*#',
  '(.*?){1,30}\\d',
];

interface Ere {
  child: ChildProcess;
  url: string;
  output: string[];
}

async function startEre(configPath: string): Promise<Ere> {
  const child = spawn(process.execPath, [ereBin, 'start', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const url = await waitFor(
    () => output.map((line) => /"url":"(http:\/\/[^"]+)".*"msg":"ERE Monitor started"/.exec(line)?.[1]).find(Boolean),
    30_000,
    'the service to start',
  );
  return { child, url, output };
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Asks /healthz every 100 ms; the longest answer and the failures, until stopped. */
function healthProbe(url: string) {
  let running = true;
  let longestMs = 0;
  let answered = 0;
  const failures: string[] = [];
  const done = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status !== 200) failures.push(`status ${response.status}`);
        else answered += 1;
      } catch (error) {
        failures.push((error as Error).message);
      }
      longestMs = Math.max(longestMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { longestMs, answered, failures };
    },
  };
}

async function alertsEvaluated(ere: Ere, minimum: number): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(`${ere.url}/api/v1/alerts`, { signal: AbortSignal.timeout(2_000) });
      const body = (await response.json()) as { alerts: { labels: Record<string, string>; state: string }[] };
      return (
        body.alerts.filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing').length >=
        minimum
      );
    },
    30_000,
    'the alert to fire',
  );
}

let hook: HttpReceiver;
let configPath: string;

beforeAll(async () => {
  hook = await startHttpReceiver({ respond: () => ({ status: 200, body: 'ok' }) });
  const dir = tempDir();
  configPath = join(dir, 'ere.yaml');
  const port = await freePort();
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0, auth: { token } },
      storage: { path: join(dir, 'ere.db'), flushInterval: '100ms' },
      log: { level: 'info' },
      chains: [
        {
          id: 'local',
          chainId: 31337,
          pollInterval: '300ms',
          timeout: '250ms',
          rpc: [{ id: 'gone', url: `http://127.0.0.1:${port}` }],
        },
      ],
      alerting: {
        evaluationInterval: '1s',
        rules: [
          {
            name: alertname,
            source: 'endpoint',
            metric: 'up',
            op: '==',
            threshold: 0,
            severity: 'critical',
            annotations: { summary: 'down' },
          },
        ],
        receivers: [{ id: 'hook', kind: 'webhook', url: hook.url }],
        route: {
          receiver: 'hook',
          groupWait: '0s',
          routes: [{ receiver: 'hook', matchers: [`alertname=~"${redosPatterns[0]}"`] }],
        },
        inhibitRules: [
          {
            sourceMatchers: [`alertname=~"${redosPatterns[1]}"`],
            targetMatchers: [`alertname=~"${redosPatterns[2]}"`],
            equal: ['chain'],
          },
        ],
      },
    }),
  );
}, 30_000);

afterAll(async () => {
  await hook?.close();
});

describe('regex matchers cannot stall the service', () => {
  it('answers /healthz throughout, stops on SIGTERM, and starts again with the silences stored', {
    timeout: 120_000,
  }, async () => {
    const first = await startEre(configPath);
    const probe = healthProbe(first.url);
    try {
      await alertsEvaluated(first, 1);
      for (const pattern of redosPatterns) {
        const response = await fetch(`${first.url}/api/v1/silences`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers: [{ name: 'alertname', value: pattern, isRegex: true }],
            endsAt: new Date(Date.now() + 3_600_000).toISOString(),
            createdBy: 'test',
            comment: `ReDoS ${pattern}`,
          }),
          signal: AbortSignal.timeout(5_000),
        });
        expect(response.status).toBe(201);
      }
      // Every evaluation tick judges the firing alert against each silence; give it a good many ticks.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await alertsEvaluated(first, 1);
    } finally {
      const health = await probe.stop();
      console.log(
        `healthz while matching ${redosPatterns.length} ReDoS patterns: ${health.answered} answers, ` +
          `longest ${health.longestMs.toFixed(0)} ms, ${health.failures.length} failures`,
      );
      expect(health.failures).toEqual([]);
    }
    expect(await exited(first.child, 15_000)).toBe(0);

    const second = await startEre(configPath);
    const again = healthProbe(second.url);
    try {
      const silences = (await (await fetch(`${second.url}/api/v1/silences`)).json()) as { silences: unknown[] };
      expect(silences.silences).toHaveLength(redosPatterns.length);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await alertsEvaluated(second, 1);
    } finally {
      const health = await again.stop();
      expect(health.failures).toEqual([]);
    }
    expect(await exited(second.child, 15_000)).toBe(0);
  });
});
