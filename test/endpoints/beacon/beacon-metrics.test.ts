// Beacon metrics read from a tracker at scrape time: each gauge's value, the probe and request counters with
// route labels from the client's closed list, promtool's lint, and no label carrying a URL, a slot or free text.

import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/domain/clock.js';
import { createBeaconMetrics } from '../../../src/endpoints/beacon/beacon-metrics.js';
import { BeaconTracker } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { epoch, now, observation, slot, timing } from './fixtures.js';

const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 };

function setup() {
  const clock = fixedClock(now);
  const tracker = new BeaconTracker([{ chain: 'mainnet', endpoints: ['lighthouse', 'teku', 'prysm'], policy }], clock);
  const registry = new Registry();
  const metrics = createBeaconMetrics(registry, tracker);
  const feed = (item: Parameters<BeaconTracker['observe']>[0]) => metrics.recordSample(tracker.observe(item));
  feed({ ...observation('lighthouse', { version: 'Lighthouse/v5.3.0-d6ba8c3/x86_64-linux' }), timing });
  feed(
    observation('teku', {
      headSlot: slot - 5,
      syncing: true,
      syncDistance: 5,
      peerCount: null,
      finalizedEpoch: epoch - 3,
      latencyMs: 900,
    }),
  );
  feed(
    observation('prysm', {
      ok: false,
      errorClass: 'timeout',
      errorMessage: 'syncing: no answer within 10000 ms',
      latencyMs: 10_000,
    }),
  );
  return { clock, registry, metrics };
}

/** `name{labels} value` lines of the exposition, without comments. */
async function series(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics())
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('beacon metrics', () => {
  it('exposes each endpoint’s state as the tracker derives it at scrape time', async () => {
    const { registry, clock } = setup();
    expect(await series(registry, 'ere_beacon_up')).toEqual([
      'ere_beacon_up{chain="mainnet",endpoint="lighthouse"} 1',
      'ere_beacon_up{chain="mainnet",endpoint="teku"} 1',
      'ere_beacon_up{chain="mainnet",endpoint="prysm"} 0',
    ]);
    expect(await series(registry, 'ere_beacon_healthy')).toEqual([
      'ere_beacon_healthy{chain="mainnet",endpoint="lighthouse"} 1',
      'ere_beacon_healthy{chain="mainnet",endpoint="teku"} 0',
      'ere_beacon_healthy{chain="mainnet",endpoint="prysm"} 0',
    ]);
    expect(await series(registry, 'ere_beacon_head_slot')).toEqual([
      'ere_beacon_head_slot{chain="mainnet",endpoint="lighthouse"} 1000000',
      'ere_beacon_head_slot{chain="mainnet",endpoint="teku"} 999995',
    ]);
    expect(await series(registry, 'ere_beacon_lag_slots')).toEqual([
      'ere_beacon_lag_slots{chain="mainnet",endpoint="lighthouse"} 0',
      'ere_beacon_lag_slots{chain="mainnet",endpoint="teku"} 5',
    ]);
    expect(await series(registry, 'ere_beacon_finalized_epoch')).toContain(
      'ere_beacon_finalized_epoch{chain="mainnet",endpoint="teku"} 31247',
    );
    expect(await series(registry, 'ere_beacon_finality_distance_epochs')).toEqual([
      'ere_beacon_finality_distance_epochs{chain="mainnet",endpoint="lighthouse"} 2',
      'ere_beacon_finality_distance_epochs{chain="mainnet",endpoint="teku"} 3',
    ]);
    expect(await series(registry, 'ere_beacon_syncing')).toEqual([
      'ere_beacon_syncing{chain="mainnet",endpoint="lighthouse"} 0',
      'ere_beacon_syncing{chain="mainnet",endpoint="teku"} 1',
    ]);
    expect(await series(registry, 'ere_beacon_sync_distance_slots')).toContain(
      'ere_beacon_sync_distance_slots{chain="mainnet",endpoint="teku"} 5',
    );
    // teku refused peer_count: no series rather than a 0.
    expect(await series(registry, 'ere_beacon_peers')).toEqual([
      'ere_beacon_peers{chain="mainnet",endpoint="lighthouse"} 80',
    ]);
    expect(await series(registry, 'ere_beacon_info')).toEqual([
      'ere_beacon_info{chain="mainnet",endpoint="lighthouse",version="Lighthouse/v5.3.0-d6ba8c3/x86_64-linux"} 1',
    ]);
    expect(await series(registry, 'ere_beacon_healthy_endpoints')).toEqual([
      'ere_beacon_healthy_endpoints{chain="mainnet"} 1',
    ]);
    expect(await series(registry, 'ere_beacon_configured_endpoints')).toEqual([
      'ere_beacon_configured_endpoints{chain="mainnet"} 3',
    ]);

    // A node stuck at its head: the head age grows between probes.
    expect(await series(registry, 'ere_beacon_head_age_seconds')).toContain(
      'ere_beacon_head_age_seconds{chain="mainnet",endpoint="lighthouse"} 3',
    );
    clock.advance(20_000);
    // One health derivation serves a whole scrape: the next one comes 100 ms later at the soonest.
    await new Promise((resolve) => setTimeout(resolve, 110));
    expect(await series(registry, 'ere_beacon_head_age_seconds')).toContain(
      'ere_beacon_head_age_seconds{chain="mainnet",endpoint="lighthouse"} 23',
    );
  });

  it('counts probes and their errors', async () => {
    const { registry } = setup();
    expect(await series(registry, 'ere_beacon_probe_errors_total')).toEqual([
      'ere_beacon_probe_errors_total{chain="mainnet",endpoint="prysm",error_class="timeout"} 1',
    ]);
    expect(await series(registry, 'ere_beacon_probe_duration_seconds_count')).toEqual([
      'ere_beacon_probe_duration_seconds_count{chain="mainnet",endpoint="lighthouse"} 1',
      'ere_beacon_probe_duration_seconds_count{chain="mainnet",endpoint="teku"} 1',
      'ere_beacon_probe_duration_seconds_count{chain="mainnet",endpoint="prysm"} 1',
    ]);
  });

  it('counts requests by route template and outcome, with their durations and bytes', async () => {
    const { registry, metrics } = setup();
    const target = { chain: 'mainnet', endpoint: 'lighthouse' };
    metrics.recordRequest(target, {
      route: 'GET /eth/v1/beacon/states/{state_id}/validators',
      outcome: 'ok',
      status: 200,
      durationMs: 4_200,
      bytes: 350_000_000,
    });
    metrics.recordRequest(target, {
      route: 'GET /eth/v1/node/syncing',
      outcome: 'rate_limited',
      status: 429,
      durationMs: 12,
      bytes: 40,
    });
    // Outside the client's closed sets (a path, an outcome it never reports): bounded all the same.
    metrics.recordRequest(target, {
      route: '/eth/v1/beacon/headers/1234567' as never,
      outcome: 'something new' as never,
      status: null,
      durationMs: 5,
      bytes: 0,
    });
    expect(await series(registry, 'ere_beacon_requests_total')).toEqual([
      'ere_beacon_requests_total{chain="mainnet",endpoint="lighthouse",route="GET /eth/v1/beacon/states/' +
        '{state_id}/validators",outcome="ok"} 1',
      'ere_beacon_requests_total{chain="mainnet",endpoint="lighthouse",route="GET /eth/v1/node/syncing",' +
        'outcome="rate_limited"} 1',
      'ere_beacon_requests_total{chain="mainnet",endpoint="lighthouse",route="other",outcome="other"} 1',
    ]);
    expect(await series(registry, 'ere_beacon_request_duration_seconds_sum')).toContain(
      'ere_beacon_request_duration_seconds_sum{chain="mainnet",endpoint="lighthouse",route="GET /eth/v1/beacon/' +
        'states/{state_id}/validators"} 4.2',
    );
    expect(await series(registry, 'ere_beacon_response_bytes_total')).toEqual([
      'ere_beacon_response_bytes_total{chain="mainnet",endpoint="lighthouse",route="GET /eth/v1/beacon/states/' +
        '{state_id}/validators"} 350000000',
      'ere_beacon_response_bytes_total{chain="mainnet",endpoint="lighthouse",route="GET /eth/v1/node/syncing"} 40',
    ]);
  });

  it('passes promtool, and its labels are only chain, endpoint, error_class, route, outcome and version', async () => {
    const { registry, metrics } = setup();
    metrics.recordRequest(
      { chain: 'mainnet', endpoint: 'teku' },
      { route: 'GET /eth/v1/beacon/headers/{block_id}', outcome: 'not_found', status: 404, durationMs: 30, bytes: 60 },
    );
    const text = await registry.metrics();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (lint.error) return void console.warn('promtool not installed: lint skipped');
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
    const labelNames = new Set(lines.flatMap((line) => [...line.matchAll(/([a-z_]+)="/g)].map((match) => match[1]!)));
    expect([...labelNames].sort()).toEqual(['chain', 'endpoint', 'error_class', 'le', 'outcome', 'route', 'version']);
    for (const line of lines) expect(line).not.toMatch(/1234567|http|10000 ms/);
  });
});
