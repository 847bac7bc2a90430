// The demo's data checks and canary as a newcomer sees them: provider-b is made to drop a log from
// eth_getLogs (the demo's own fault, as its cycle injects it), and the logs check flags provider-b alone,
// held to its own receipts, while its probes still succeed; the demo's canary is mined and its inclusion
// time is on /metrics.

import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';
import { waitFor } from '../helpers/service.js';

let demo: Awaited<ReturnType<typeof runDemo>> | undefined;

afterAll(async () => {
  await demo?.stop();
});

interface Correctness {
  endpoints: { id: string; checks: { check: string; outcome: string | null }[] }[];
}

describe('ere demo data checks and canary', () => {
  it('catches the endpoint that drops a log, and mines its canary', { timeout: 150_000 }, async () => {
    const lines: string[] = [];
    demo = await runDemo({
      host: '127.0.0.1',
      port: 0,
      output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
      faults: 'manual',
    });
    const get = async <T>(url: string) => (await demo!.service.app.inject({ method: 'GET', url })).json() as T;
    const metrics = await waitFor(
      async () => {
        const text = (await demo!.service.app.inject({ method: 'GET', url: '/metrics' })).body;
        return /ere_canary_last_inclusion_seconds\{chain="demo",endpoint="[a-z-]+",clock="wall"\} \d/.test(text)
          ? text
          : undefined;
      },
      60_000,
      'a canary included',
    );
    expect(metrics).toMatch(/ere_canary_transactions_total\{chain="demo",endpoint="[a-z-]+",outcome="included"\} \d/);

    demo.setFault('provider-b', { kind: 'drop_log' });
    const outcomeOf = (body: Correctness, endpoint: string) =>
      body.endpoints.find((entry) => entry.id === endpoint)?.checks.find((check) => check.check === 'logs')?.outcome;
    const flagged = await waitFor(
      async () => {
        const body = await get<Correctness>('/api/v1/chains/demo/correctness');
        return outcomeOf(body, 'provider-b') === 'disagree' ? body : undefined;
      },
      90_000,
      'provider-b flagged by the logs check',
    );
    expect(outcomeOf(flagged, 'anvil-node')).toBe('agree');
    expect(outcomeOf(flagged, 'provider-a')).toBe('agree');
    const chain = await get<{
      endpoints: { id: string; healthy: boolean; up: boolean; errorClass: string | null }[];
    }>('/api/v1/chains/demo');
    expect(chain.endpoints.find((endpoint) => endpoint.id === 'provider-b')).toMatchObject({
      healthy: false,
      up: true,
      errorClass: 'incorrect_data',
    });
    expect(chain.endpoints.find((endpoint) => endpoint.id === 'provider-a')).toMatchObject({ healthy: true });
  });
});
