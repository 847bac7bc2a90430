// SLO status through the API and /metrics: an endpoint that fails for an hour pages, then resolves.

import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { fixedClock } from '../../src/domain/clock.js';
import { ChainView } from '../../src/endpoints/rpc/rpc-view.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { createSloMetrics } from '../../src/slo/slo-metrics.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import { writeProbes } from '../helpers/probes.js';
import { tempDir } from '../helpers/service.js';

const minute = 60_000;
const start = Date.UTC(2026, 9, 1);
const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e.example.com" }] }]
slos:
  - { id: avail, service: rpc, objective: 99, window: 7d, description: "RPC answers", sli: { kind: availability,
      chain: c }, labels: { team: infra } }
`);

function setup() {
  const { db } = openDatabase(join(tempDir(), 'ere.db'));
  const clock = fixedClock(start);
  const writer = new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000 });
  const engine = new SloEngine(db, resolveSlos(config), { clock, settleMs: 30_000 });
  const registry = new Registry();
  createSloMetrics(registry, engine);
  const tracker = new ChainTracker(
    [{ chain: 'c', endpoints: ['e'], policy: { maxLagBlocks: 3, staleAfterMs: 45_000 } }],
    clock,
  );
  const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber() });
  const app = buildServer({
    version: 'test',
    clock,
    logger,
    registry,
    readiness: () => ({ ready: true }),
    view: new ChainView(config, tracker),
    samples: new RpcSampleStore(db),
    slos: engine,
    sloReports: new SloReports(db, engine.definitions(), () => engine.settledEnd(clock.now())),
    auth: { protectReads: false },
  });
  const get = async (url: string) => (await app.inject({ method: 'GET', url })).json();
  return { writer, clock, engine, app, get };
}

describe('SLO API and metrics', () => {
  it(
    'show no data before the first evaluation, then the SLI, ' +
      'budget, burn rates and a page while an endpoint fails',
    async () => {
      const { writer, clock, engine, app, get } = setup();
      const before = await get('/api/v1/slos');
      expect(before.slos).toEqual([
        expect.objectContaining({
          id: 'avail',
          evaluatedAt: null,
          sliRatio: null,
          alerts: { page: { state: 'inactive', since: null }, ticket: { state: 'inactive', since: null } },
        }),
      ]);

      writeProbes(writer, start, 0, 23 * 60, () => false);
      writeProbes(writer, start, 23 * 60, 24 * 60, () => true);
      clock.set(start + 24 * 60 * minute + 30_000);
      engine.evaluate();
      const slo = await get('/api/v1/slos/avail');
      expect(slo).toMatchObject({
        id: 'avail',
        service: 'rpc',
        description: 'RPC answers',
        objectivePercent: 99,
        window: '7d',
        budgeting: 'occurrences',
        labels: { team: 'infra' },
        sli: {
          kind: 'availability',
          chain: 'c',
          endpoints: ['e'],
          description: 'good = successful probe; valid = every probe',
        },
        evaluatedAt: new Date(start + 24 * 60 * minute).toISOString(),
        windowRange: { validEvents: 24 * 60 * 4, goodEvents: 23 * 60 * 4 },
        alerts: { page: { state: 'firing' } },
        data: { validEvents: 24 * 60 * 4, minValidEvents: 20, sufficient: true },
      });
      expect(slo.sliRatio).toBeCloseTo(23 / 24, 9);
      expect(slo.burnRates['1h']).toBeCloseTo(100, 6);
      expect(slo.errorBudget.remainingRatio).toBe(0);
      expect(slo.tiers[0]).toMatchObject({
        severity: 'page',
        threshold: 14.4,
        longWindowSeconds: 14 * 60,
        shortWindowSeconds: 60,
        fires: true,
        guarded: false,
      });

      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('ere_slo_alert_firing{slo="avail",service="rpc",severity="page"} 1');
      expect(
        Number(/^ere_slo_burn_rate\{slo="avail",service="rpc",window="1h"\} (\S+)$/m.exec(metrics)?.[1]),
      ).toBeCloseTo(100, 6);
      expect(metrics).toContain('ere_slo_sli_ratio{slo="avail",service="rpc",window="1h"} 0');
      expect(metrics).toContain('ere_slo_error_budget_remaining_ratio{slo="avail",service="rpc"} 0');
      // The first probes were written at the start: that minute is when the SLI's data begins.
      expect(metrics).toContain(`ere_slo_data_since_timestamp_seconds{slo="avail",service="rpc"} ${start / 1_000}`);

      writeProbes(writer, start, 24 * 60, 26 * 60, () => false);
      clock.set(start + 26 * 60 * minute + 30_000);
      engine.evaluate();
      expect((await get('/api/v1/slos/avail')).alerts.page.state).toBe('resolved');
      expect(engine.transitions('avail').map((transition) => `${transition.severity}:${transition.to}`)).toContain(
        'page:resolved',
      );
    },
  );

  it('history: the last evaluation in each step, oldest first, with burn rates and firing tiers', async () => {
    const { writer, clock, engine, get } = setup();
    writeProbes(writer, start, 0, 60, (minute) => minute >= 50);
    for (let minute = 41; minute <= 60; minute += 1) {
      clock.set(start + minute * 60_000 + 30_000);
      engine.evaluate();
    }
    const from = new Date(start + 40 * minute).toISOString();
    const to = new Date(start + 60 * minute).toISOString();
    const history = await get(`/api/v1/slos/avail/history?from=${from}&to=${to}&step=5m`);
    expect(history).toMatchObject({ slo: 'avail', from, to, stepSeconds: 300 });
    expect(history.points.map((point: { at: string }) => point.at)).toEqual(
      [45, 50, 55, 60].map((m) => new Date(start + m * minute).toISOString()),
    );
    expect(history.points[1]).toMatchObject({
      evaluatedAt: new Date(start + 50 * minute).toISOString(),
      sliRatio: 1,
      windowValidEvents: 200,
      firing: { page: false },
    });
    expect(history.points[3]).toMatchObject({ windowValidEvents: 240, windowGoodEvents: 200, firing: { page: true } });
    expect(history.points[3].burnRates['5m']).toBeCloseTo(100, 6);

    const everyMinute = await get(`/api/v1/slos/avail/history?from=${from}&to=${to}`);
    expect(everyMinute.stepSeconds).toBe(60);
    expect(everyMinute.points).toHaveLength(20);
  });

  it('report: a range or a calendar month, from the rollups, with incidents, days and alert transitions', async () => {
    const { writer, clock, engine, get } = setup();
    writeProbes(writer, start, 0, 3 * 60, (minute) => minute >= 60 && minute < 90);
    for (const at of [91, 181]) {
      clock.set(start + at * minute + 30_000);
      engine.evaluate();
    }
    const report = await get(`/api/v1/slos/avail/report?from=${start}&to=${start + 3 * 60 * minute}`);
    expect(report).toMatchObject({
      slo: {
        id: 'avail',
        service: 'rpc',
        objectivePercent: 99,
        window: '7d',
        budgeting: 'occurrences',
        labels: { team: 'infra' },
      },
      period: {
        from: new Date(start).toISOString(),
        to: new Date(start + 3 * 60 * minute).toISOString(),
        partial: false,
      },
      goodEvents: 150 * 4,
      validEvents: 180 * 4,
      objectiveMet: false,
      errorBudget: { consumedEvents: 120, remainingRatio: 0 },
      dataCoverageRatio: 1,
      incidents: [
        {
          start: new Date(start + 60 * minute).toISOString(),
          end: new Date(start + 90 * minute).toISOString(),
          durationSeconds: 1_800,
          goodEvents: 0,
          validEvents: 120,
        },
      ],
      days: [{ date: '2026-10-01', goodEvents: 600, validEvents: 720, objectiveMet: false }],
      alerts: [
        // 91 minutes of data cover less than half of the ticket tiers' long windows (5.6 h and 16.8 h): no ticket.
        { severity: 'page', from: 'inactive', to: 'firing', at: new Date(start + 91 * minute).toISOString() },
      ],
    });
    expect(report.sliRatio).toBeCloseTo(600 / 720, 12);

    const october = await get('/api/v1/slos/avail/report?period=2026-10&incidents=0');
    expect(october).toMatchObject({
      period: { label: '2026-10', partial: true },
      goodEvents: 600,
      validEvents: 720,
      incidents: [],
    });
    expect(october.alerts.map((alert: { severity: string; to: string }) => `${alert.severity}:${alert.to}`)).toEqual([
      'page:firing',
      'page:resolved',
    ]);
    expect(october.period.to).toBe(new Date(start + 181 * minute).toISOString());
    expect(october.days).toHaveLength(1); // only the days covered so far
  });

  it('history and report reject bad parameters by name', async () => {
    const { app } = setup();
    const status = async (url: string) => {
      const response = await app.inject({ method: 'GET', url });
      return [response.statusCode, response.json().field];
    };
    expect(await status('/api/v1/slos/avail/report?period=2026-13')).toEqual([400, 'query.period']);
    expect(await status('/api/v1/slos/avail/report?period=2026-10&from=1')).toEqual([400, 'query.period']);
    expect(await status('/api/v1/slos/avail/report?incidents=51')).toEqual([400, 'query.incidents']);
    expect(await status('/api/v1/slos/avail/history?step=90s')).toEqual([400, 'query.step']);
    expect(await status('/api/v1/slos/avail/history?from=0&step=1m')).toEqual([400, 'query.step']);
    expect(await status('/api/v1/slos/avail/history?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z')).toEqual([
      400,
      'query.from',
    ]);
    expect(await status('/api/v1/slos/nope/report')).toEqual([404, undefined]);
  });

  it('an unknown SLO is a 404', async () => {
    const { app } = setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/slos/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'no SLO "nope"' });
  });
});
