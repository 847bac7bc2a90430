// The SLO engine on a real database: rollups written by the real writer, time from a fixed clock.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { fixedClock } from '../../src/domain/clock.js';
import { SloEngine, type SloEngineOptions } from '../../src/slo/slo-engine.js';
import type { EventCounts } from '../../src/domain/slo.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore, type RpcSampleWriter } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import type { ChainObservation } from '../../src/domain/rpc.js';
import { sloEvents } from '../../src/slo/status.js';
import { SliCounter } from '../../src/slo/sli-counts.js';
import { tempDir } from '../helpers/service.js';
import { writeProbes as writeProbesAt } from '../helpers/probes.js';
import { sample } from '../helpers/samples.js';

const chainObservation: ChainObservation = {
  chain: 'c',
  consensusHead: 1,
  headAgeSeconds: 1,
  configuredEndpoints: 1,
  healthyEndpoints: 1,
};

const minute = 60_000;
const start = Date.UTC(2026, 9, 1);

const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
slos:
  - { id: avail, service: rpc, objective: 99, window: 7d, sli: { kind: availability, chain: c } }
  - { id: slices, service: rpc, objective: 99, window: month, budgeting: timeslices, sli: { kind: availability,
      chain: c } }
`);

const writeProbes = (writer: RpcSampleWriter, from: number, to: number, fails: (index: number) => boolean) =>
  writeProbesAt(writer, start, from, to, fails);

function setup() {
  const path = join(tempDir(), 'ere.db');
  const { db } = openDatabase(path);
  const writer = new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000 });
  const clock = fixedClock(start);
  const engine = (onEvents?: SloEngineOptions['onEvents']) =>
    new SloEngine(db, resolveSlos(config), { clock, settleMs: 30_000, onEvents });
  return { db, writer, clock, engine };
}

describe('SloEngine', () => {
  it('pages when an endpoint fails, resolves when it recovers, and persists every transition once', () => {
    const { db, writer, clock, engine } = setup();
    const slo = engine();
    writeProbes(writer, 0, 24 * 60, () => false);
    clock.set(start + 24 * 60 * minute + 30_000);
    let [avail] = slo.evaluate();
    expect(avail).toMatchObject({ slo: 'avail', sliRatio: 1, firing: { page: false, ticket: false } });
    expect(avail!.window.valid).toBe(24 * 60 * 4);

    // An hour of total failure: 100 % errors against a 1 % budget is burn rate 100.
    writeProbes(writer, 24 * 60, 25 * 60, () => true);
    clock.set(start + 25 * 60 * minute + 30_000);
    [avail] = slo.evaluate();
    expect(avail!.burnRates['1h']).toBeCloseTo(100, 9);
    expect(avail!.firing.page).toBe(true);
    expect(slo.alertsOf('avail').page).toMatchObject({ state: 'firing', sinceMs: start + 25 * 60 * minute });

    // Recovery: the short windows clear first, and the page resolves.
    writeProbes(writer, 25 * 60, 27 * 60, () => false);
    clock.set(start + 27 * 60 * minute + 30_000);
    [avail] = slo.evaluate();
    expect(avail!.firing.page).toBe(false);
    expect(slo.alertsOf('avail').page!.state).toBe('resolved');
    expect(
      slo
        .transitions('avail')
        .filter((transition) => transition.severity === 'page')
        .map((transition) => [transition.from, transition.to]),
    ).toEqual([
      ['inactive', 'firing'],
      ['firing', 'resolved'],
    ]);
    const rows = db.prepare("SELECT count(*) AS n FROM slo_status_1m WHERE slo = 'avail'").get() as { n: number };
    expect(rows.n).toBe(3);
  });

  it('a restart keeps a firing alert firing without a second transition', () => {
    const { writer, clock, engine } = setup();
    writeProbes(writer, 0, 120, (index) => index >= 60);
    clock.set(start + 120 * minute + 30_000);
    engine().evaluate();
    const restarted = engine();
    expect(restarted.alertsOf('avail').page!.state).toBe('firing');
    writeProbes(writer, 120, 125, () => true);
    clock.set(start + 125 * minute + 30_000);
    restarted.evaluate();
    expect(restarted.transitions('avail').filter((transition) => transition.severity === 'page')).toHaveLength(1);
  });

  it('incremental counts agree with counting afresh, across gaps and the window edge', () => {
    const { writer, clock, engine } = setup();
    const incremental = engine();
    const fails = (index: number) => index % 7 === 0 || (index > 300 && index < 340);
    // [minutes written up to, minutes the clock is at]: where the clock runs ahead, those minutes stay empty.
    let written = 0;
    for (const [until, now] of [
      [100, 100],
      [101, 101],
      [250, 250],
      [900, 903],
      [910, 910],
      [2_000, 2_000],
      [11_000, 11_000],
      [11_050, 11_050],
    ] as const) {
      writeProbes(writer, written, until, fails);
      written = now;
      clock.set(start + now * minute + 30_000);
      const mine = incremental.evaluate();
      const fresh = engine().evaluate();
      expect(mine.map((status) => status.window)).toEqual(fresh.map((status) => status.window));
      expect(mine.map((status) => status.burnRates)).toEqual(fresh.map((status) => status.burnRates));
    }
  });

  it('warms up in slices: SLOs not counted yet are left out of warm-only cycles, and nothing is counted twice', () => {
    const { writer, clock, engine } = setup();
    writeProbes(writer, 0, 200, (index) => index % 9 === 0);
    clock.set(start + 200 * minute + 30_000);
    const warming = engine();
    expect(warming.warmUp(0)).toBe(2);
    expect(warming.evaluate({ warmOnly: true })).toEqual([]);
    expect(warming.warmUp(Infinity)).toBe(0);
    writeProbes(writer, 200, 210, () => true);
    clock.set(start + 210 * minute + 30_000);
    const warmed = warming.evaluate({ warmOnly: true });
    expect(warmed.map((status) => status.window)).toEqual(
      engine()
        .evaluate()
        .map((status) => status.window),
    );
  });

  it('time slices summed in SQL follow the same rule as minute by minute', () => {
    const { db, writer } = setup();
    const [, slices] = resolveSlos(config);
    // Minutes with 0 to 4 failed probes of 4, against targets on and off the shares 0.25, 0.5 and 0.75.
    for (let index = 0; index < 60; index += 1) {
      for (let probe = 0; probe < 4; probe += 1) {
        const ok = probe >= index % 5;
        writer.enqueue(
          sample({
            chain: 'c',
            endpoint: 'e',
            at: start + index * minute + probe * 15_000,
            ok,
            errorClass: ok ? null : 'timeout',
          }),
          chainObservation,
        );
      }
    }
    writer.flush();
    const counter = new SliCounter(db, slices!.sli.selection, slices!.sli.query);
    for (const target of [0.25, 0.5, 0.74, 0.75, 0.76, 0.99, 1]) {
      const byMinute = counter
        .perMinute(start, start + 60 * minute)
        .map((counts) => sloEvents({ ...slices!, timesliceObjective: target }, counts))
        .reduce((sum, counts) => ({ good: sum.good + counts.good, valid: sum.valid + counts.valid }), {
          good: 0,
          valid: 0,
        });
      expect(counter.timesliceTotal(start, start + 60 * minute, target)).toEqual(byMinute);
    }
  });

  it('only counts minutes that have settled', () => {
    const { writer, clock, engine } = setup();
    writeProbes(writer, 0, 10, () => false);
    clock.set(start + 10 * minute + 10_000);
    const [avail] = engine().evaluate();
    expect(avail!.evaluatedAtMs).toBe(start + 9 * minute);
    expect(avail!.window.valid).toBe(9 * 4);
  });

  it('time slices count good and bad minutes over the calendar month', () => {
    const { writer, clock, engine } = setup();
    writeProbes(writer, 0, 100, (index) => index < 10);
    clock.set(start + 100 * minute + 30_000);
    const slices = engine().evaluate()[1]!;
    expect(slices.window).toMatchObject({ startMs: start, good: 90, valid: 100 });
    // 10 bad minutes of a 1 % budget of October's 44,640 minutes.
    expect(slices.errorBudget!.consumedRatio).toBeCloseTo(10 / 446.4, 9);
  });

  it('reports the events of each newly settled minute once, and never the history it loads at start', () => {
    const { writer, clock, engine } = setup();
    const reported: Record<string, EventCounts> = {};
    const onEvents = (definition: { id: string }, counts: EventCounts) => {
      const total = (reported[definition.id] ??= { good: 0, valid: 0 });
      total.good += counts.good;
      total.valid += counts.valid;
    };
    const fails = (index: number) => index % 5 === 0;
    writeProbes(writer, 0, 60, fails);
    clock.set(start + 60 * minute + 30_000);
    const slo = engine(onEvents);
    slo.evaluate();
    expect(reported).toEqual({});

    // Minutes 60-89 (6 of them failing), 4 probes each, settling in steps; evaluating twice adds nothing.
    // The time-slice SLO counts whole minutes.
    let written = 60;
    for (const until of [61, 62, 75, 90]) {
      writeProbes(writer, written, until, fails);
      written = until;
      clock.set(start + until * minute + 30_000);
      slo.evaluate();
      slo.evaluate();
    }
    expect(reported).toEqual({ avail: { good: 24 * 4, valid: 30 * 4 }, slices: { good: 24, valid: 30 } });

    // A restart loads all of it as history and reports nothing until new minutes settle.
    const restarted = engine(onEvents);
    restarted.evaluate();
    expect(reported).toEqual({ avail: { good: 24 * 4, valid: 30 * 4 }, slices: { good: 24, valid: 30 } });
    writeProbes(writer, 90, 91, () => true);
    clock.set(start + 91 * minute + 30_000);
    restarted.evaluate();
    expect(reported).toEqual({ avail: { good: 24 * 4, valid: 31 * 4 }, slices: { good: 24, valid: 31 } });
  });
});
