// Reports from the rollups agree with the reference: the same report computed from every minute in memory.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { buildReport, minuteSource, resolvePeriod } from '../../src/slo/report.js';
import { sloEvents } from '../../src/slo/status.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import { SliCounter } from '../../src/slo/sli-counts.js';
import { writeProbes } from '../helpers/probes.js';
import { tempDir } from '../helpers/service.js';

const minute = 60_000;
const start = Date.UTC(2026, 9, 30, 20);

const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }, { id: f, url: "http://f" }] }]
slos:
  - { id: both, service: rpc, objective: 99, window: 7d, sli: { kind: availability, chain: c } }
  - { id: both-slices, service: rpc, objective: 99, window: 7d, budgeting: timeslices, timesliceObjective: 60,
      sli: { kind: availability, chain: c } }
  - { id: fast, service: rpc, objective: 95, window: month, sli: { kind: latency, chain: c, endpoints: [f],
      thresholdMs: 100 } }
  - { id: fresh, service: rpc, objective: 99.5, window: 7d, sli: { kind: freshness, chain: c, maxLagBlocks: 2,
      maxHeadAgeSeconds: 30 } }
`);

describe('SloReports', () => {
  it('from the rollups, every SLO kind and budgeting gives the report the minutes in memory give', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const writer = new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000 });
    // Eight hours across midnight: outages on each endpoint, some together, some apart, some bridged.
    writeProbes(
      writer,
      start,
      0,
      480,
      (index) => index % 17 === 0 || (index >= 100 && index < 130) || (index >= 300 && index < 303),
      'e',
    );
    writeProbes(
      writer,
      start,
      0,
      480,
      (index) => index % 23 === 0 || (index >= 120 && index < 160) || index === 305,
      'f',
    );
    const settledEnd = start + 480 * minute;
    const reports = new SloReports(db, resolveSlos(config), () => settledEnd);
    for (const definition of resolveSlos(config)) {
      const request = { fromMs: start, toMs: settledEnd };
      const fromStore = reports.report(definition, request, 50);
      const counter = new SliCounter(db, definition.sli.selection, definition.sli.query);
      const minutes = counter
        .perMinute(start, settledEnd)
        .map((counts) => ({ minuteMs: counts.minuteMs, ...sloEvents(definition, counts) }));
      const reference = buildReport(
        definition,
        resolvePeriod(request, definition.window, settledEnd),
        minuteSource(minutes),
        50,
      );
      const { alerts: _alerts, ...report } = fromStore;
      expect(report, definition.id).toEqual(reference);
      expect(report.incidents.length, definition.id).toBeGreaterThan(3);
      expect(report.days, definition.id).toHaveLength(2);
    }
  });
});
