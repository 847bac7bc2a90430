// `ere silence add|list|expire` and `ere ack` against a real service on 127.0.0.1: what each command
// says, checked against what the service's API and engine then hold; the token never printed.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { runEre, type EreRun } from '../helpers/ere-cli.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';
import { freePort } from '../helpers/loopback-tool.js';

const token = 'tok-silence-ack-0123456789abcdef';

interface AlertBody {
  fingerprint: string;
  rule: string;
  state: string;
  silencedBy: string[];
  ack: { by: string; comment: string | null } | null;
}

let service: CapturedService;
let env: Record<string, string>;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${service.url}${path}`);
  return (await response.json()) as T;
}

/** Every run's output, to check that the token never appears in any of it. */
const runs: EreRun[] = [];
async function ere(args: string[], extraEnv: Record<string, string> = {}): Promise<EreRun> {
  const run = await runEre(args, { ...env, ...extraEnv });
  runs.push(run);
  return run;
}

beforeAll(async () => {
  const dead = await freePort();
  const config = parseConfig(`server: { host: 127.0.0.1, port: 0, auth: { token: ${token} } }
storage: { path: ${JSON.stringify(join(tempDir(), 'ere.db'))}, flushInterval: 100ms }
log: { level: warn }
chains:
  - { id: local, chainId: 31337, pollInterval: 300ms, timeout: 250ms, rpc: [{ id: gone,
      url: "http://127.0.0.1:${dead}" }] }
alerting:
  evaluationInterval: 1s
  rules:
    - { name: EndpointDown, source: endpoint, metric: up, op: "==", threshold: 0, for: 0s, severity: warning }
`);
  service = await startCapturedService(config);
  env = { ERE_URL: service.url, ERE_TOKEN: token, USER: 'operator' };
});
afterAll(async () => {
  await service?.stop();
});

describe('ere silence', () => {
  it('add, list and expire a silence, as the API then shows it', async () => {
    const firing = await waitFor(
      async () =>
        (await api<{ alerts: AlertBody[] }>('/api/v1/alerts')).alerts.find((alert) => alert.state === 'firing'),
      15_000,
      'EndpointDown to fire',
    );

    const added = await ere([
      'silence',
      'add',
      'EndpointDown',
      'chain=~"loc.*"',
      '--comment',
      'maintenance window',
      '--duration',
      '2h',
    ]);
    expect(added).toMatchObject({ status: 0, stderr: '' });
    expect(added.stdout).toMatch(
      new RegExp(
        /^created silence (\S+) active from \S+ until \S+ \{alertname="EndpointDown", chain=~"loc\.\*"\} by /.source +
          /"operator": "maintenance window"\n$/.source,
      ),
    );
    const id = /^created silence (\S+)/.exec(added.stdout)![1]!;
    const stored = (
      await api<{
        silences: { id: string; startsAt: string; endsAt: string; createdBy: string; status: { state: string } }[];
      }>('/api/v1/silences')
    ).silences;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id, createdBy: 'operator', status: { state: 'active' } });
    expect(Date.parse(stored[0]!.endsAt) - Date.parse(stored[0]!.startsAt)).toBe(2 * 3_600_000);
    await waitFor(
      async () => (await api<AlertBody>(`/api/v1/alerts/${firing.fingerprint}`)).silencedBy.includes(id),
      10_000,
      'the alert to be silenced',
    );

    const listed = await ere(['silence', 'list']);
    expect(listed).toMatchObject({ status: 0, stdout: expect.stringContaining(`${id} active from`) });

    const expired = await ere(['silence', 'expire', id]);
    expect(expired).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(new RegExp(`^expired silence ${id} expired `)),
    });
    expect(
      (await api<{ silences: { status: { state: string } }[] }>('/api/v1/silences')).silences[0]!.status.state,
    ).toBe('expired');
    expect(await ere(['silence', 'list'])).toMatchObject({
      status: 0,
      stdout: `no silences in force or to come at ${service.url}\n`,
    });
    expect((await ere(['silence', 'list', '--all'])).stdout).toContain(`${id} expired`);

    // An unknown id is reported and does not stop the others; the exit code says one failed.
    const mixed = await ere(['silence', 'expire', 'no-such-silence', id]);
    expect(mixed).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('answered HTTP 404: no silence "no-such-silence"'),
    });
    expect(mixed.stdout).toContain(`expired silence ${id}`);
  }, 60_000);

  it('refuses bad matchers and times before asking the service (exit 2)', async () => {
    expect(await ere(['silence', 'add', 'chain=~"(a"', '--comment', 'x'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('Invalid matcher'),
    });
    expect(await ere(['silence', 'add', 'EndpointDown'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--comment <text> is required'),
    });
    expect(await ere(['silence', 'add', 'EndpointDown', '--comment', 'x', '--end', 'tomorrow'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--end: must be an ISO 8601 date-time'),
    });
    expect(await ere(['silence', 'add', 'EndpointDown', '--comment', 'x', '--duration', 'soon'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--duration: must be a duration'),
    });
    expect((await api<{ silences: unknown[] }>('/api/v1/silences')).silences).toHaveLength(1);
  });

  it('a wrong or missing token, and no service, are one clear line and exit 1', async () => {
    const wrong = await ere(['silence', 'add', 'EndpointDown', '--comment', 'x'], {
      ERE_TOKEN: 'wrong-token-0123456789abcdef',
    });
    expect(wrong).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(`${service.url} answered HTTP 401: the bearer token is not valid`),
    });
    expect(wrong.stderr).not.toContain('wrong-token-0123456789abcdef');
    const missing = await ere(['silence', 'expire', 'x'], { ERE_TOKEN: '' });
    expect(missing).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('give the API token with --token or ERE_TOKEN'),
    });
    // The flag is taken as well as the variable.
    expect(await ere(['silence', 'list', '--token', token], { ERE_TOKEN: '' })).toMatchObject({ status: 0 });
    const nowhere = await ere(['silence', 'list', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(nowhere).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^no answer from ERE at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    });
  });
});

describe('ere ack', () => {
  it('acknowledges an active alert, as the API then shows it', async () => {
    const firing = await waitFor(
      async () =>
        (await api<{ alerts: AlertBody[] }>('/api/v1/alerts')).alerts.find((alert) => alert.state === 'firing'),
      15_000,
      'EndpointDown to fire',
    );
    const acked = await ere(['ack', firing.fingerprint, '--by', 'alice', '--comment', 'looking at it']);
    expect(acked).toMatchObject({
      status: 0,
      stdout: `acknowledged EndpointDown (${firing.fingerprint}, firing) by "alice"\n`,
    });
    expect((await api<AlertBody>(`/api/v1/alerts/${firing.fingerprint}`)).ack).toMatchObject({
      by: 'alice',
      comment: 'looking at it',
    });
    expect(await ere(['ack', 'f00f00f00f00'])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('answered HTTP 404: no active alert "f00f00f00f00"'),
    });
  }, 30_000);

  it('never printed the token', () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toContain(token);
  });
});
