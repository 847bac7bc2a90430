import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import { parseMatcher } from '../../src/alerting/matchers.js';
import { defaultInhibitRules } from '../../src/alerting/inhibition.js';
import type { AlertRule, AlertSignal } from '../../src/alerting/alert-rule.js';
import { parseTemplate } from '../../src/alerting/template.js';
import { AlertEngine, type AlertRouting } from '../../src/alerting/alert-engine.js';
import { openDatabase } from '../../src/store/database.js';
import { Outbox } from '../../src/notify/outbox.js';
import { tempDir } from '../helpers/service.js';
import { join } from 'node:path';

const start = Date.UTC(2026, 10, 1, 12, 0, 0);

/** A rule over a mutable table of series → value (null = unknown). */
function tableRule(
  name: string,
  values: Map<string, number | null>,
  options: Partial<Pick<AlertRule, 'severity' | 'timing'>> & { threshold?: number } = {},
): AlertRule {
  return {
    name,
    severity: options.severity ?? 'warning',
    source: 'test',
    timing: options.timing ?? { forMs: 60_000, keepFiringForMs: 0 },
    labels: { team: 'rpc' },
    annotations: { summary: parseTemplate('{{ $labels.endpoint }} at {{ $value }}') },
    signals: (): AlertSignal[] =>
      [...values].map(([endpoint, value]) => ({
        labels: { scope: 'endpoint', chain: 'demo', endpoint },
        value,
        condition: () => (value === null ? null : value > (options.threshold ?? 5)),
      })),
  };
}

function routing(receivers: string[], overrides: Partial<AlertRouting> = {}): AlertRouting {
  return {
    root: {
      receiver: receivers[0]!,
      matchers: [],
      groupWaitMs: 0,
      groupIntervalMs: 60_000,
      repeatIntervalMs: 3_600_000,
      continue: false,
      routes: receivers.map((receiver) => ({ receiver, matchers: [], continue: true, routes: [] })),
    },
    inhibitRules: defaultInhibitRules,
    receivers: new Map(receivers.map((receiver) => [receiver, { sendResolved: true }])),
    ...overrides,
  };
}

function setup(values: Map<string, number | null>, options: { receivers?: string[]; dbPath?: string } = {}) {
  const dbPath = options.dbPath ?? join(tempDir(), 'ere.db');
  const { db } = openDatabase(dbPath);
  const clock = fixedClock(start);
  const engine = new AlertEngine(db, [tableRule('EndpointLagging', values)], {
    clock,
    routing: routing(options.receivers ?? ['hook']),
    externalUrl: 'http://ere.test',
  });
  return { db, clock, engine, outbox: new Outbox(db), dbPath };
}

describe('AlertEngine', () => {
  it('goes pending, fires after for, notifies once, resolves and notifies the resolve', () => {
    const values = new Map<string, number | null>([['a', 1]]);
    const { clock, engine, outbox } = setup(values);
    expect(engine.evaluate()).toEqual([]);
    values.set('a', 9);
    expect(engine.evaluate().map((t) => `${t.from}→${t.to}`)).toEqual(['inactive→pending']);
    clock.advance(30_000);
    expect(engine.evaluate()).toEqual([]);
    clock.advance(30_000);
    const fired = engine.evaluate();
    expect(fired.map((t) => `${t.from}→${t.to}`)).toEqual(['pending→firing']);
    expect(fired[0]!.annotations.summary).toBe('a at 9');
    let rows = outbox.list({ limit: 10 });
    expect(rows.map((row) => [row.kind, row.status, row.receiver])).toEqual([['firing', 'pending', 'hook']]);
    expect(rows[0]!.alert.labels).toMatchObject({
      alertname: 'EndpointLagging',
      severity: 'warning',
      endpoint: 'a',
      team: 'rpc',
    });
    clock.advance(15_000);
    engine.evaluate();
    expect(outbox.list({ limit: 10 })).toHaveLength(1);
    values.set('a', 2);
    clock.advance(15_000);
    expect(engine.evaluate().map((t) => `${t.from}→${t.to}`)).toEqual(['firing→resolved']);
    rows = outbox.list({ limit: 10 });
    expect(rows.map((row) => row.kind)).toEqual(['resolved', 'firing']);
    expect(rows[0]!.alert.endsAtMs).toBe(clock.now());
    expect(engine.active()).toEqual([]);
  });

  it('keeps a firing alert and what was sent across a restart, and does not page it again', () => {
    const values = new Map<string, number | null>([['a', 9]]);
    const first = setup(values);
    first.engine.evaluate();
    first.clock.advance(60_000);
    first.engine.evaluate();
    expect(first.outbox.list({ limit: 10 })).toHaveLength(1);
    first.db.close();

    // After the restart the value is unknown for a while: the alert holds.
    values.set('a', null);
    const second = setup(values, { dbPath: first.dbPath });
    second.clock.set(first.clock.now() + 60_000);
    expect(second.engine.evaluate()).toEqual([]);
    expect(second.engine.active().map((alert) => alert.state)).toEqual(['firing']);
    values.set('a', 9);
    second.clock.advance(60_000);
    expect(second.engine.evaluate()).toEqual([]);
    expect(second.outbox.list({ limit: 10 })).toHaveLength(1);
  });

  it(
    'sends a reminder after the repeat interval unless acknowledged, ' +
      'and suppresses silenced alerts until the silence ends',
    () => {
      const values = new Map<string, number | null>([
        ['a', 9],
        ['b', 9],
      ]);
      const { clock, engine, outbox } = setup(values);
      const silence = engine.addSilence({
        matchers: [parseMatcher('endpoint="b"')],
        endsAtMs: start + 2 * 3_600_000,
        createdBy: 'ops',
        comment: 'maintenance',
      });
      engine.evaluate();
      clock.advance(60_000);
      engine.evaluate();
      const rows = () =>
        outbox
          .list({ limit: 50 })
          .map((row) => `${row.alert.labels.endpoint}:${row.kind}:${row.status}`)
          .reverse();
      expect(rows()).toEqual(['a:firing:pending', 'b:firing:suppressed']);
      clock.advance(3_600_000);
      engine.evaluate();
      expect(rows()).toEqual(['a:firing:pending', 'b:firing:suppressed', 'a:reminder:pending']);
      engine.acknowledge(engine.active().find((alert) => alert.labels.endpoint === 'a')!.fingerprint, {
        by: 'ops',
        comment: 'on it',
      });
      clock.advance(3_600_000);
      engine.evaluate();
      // The silence has ended: b is notified now; a is acknowledged: no reminder.
      expect(rows()).toEqual(['a:firing:pending', 'b:firing:suppressed', 'a:reminder:pending', 'b:firing:pending']);
      expect(engine.expireSilence(silence.id)?.endsAtMs).toBeLessThanOrEqual(clock.now());
    },
  );

  it('resolves the alerts of a series that disappeared', () => {
    const values = new Map<string, number | null>([['a', 9]]);
    const { clock, engine } = setup(values);
    engine.evaluate();
    clock.advance(60_000);
    engine.evaluate();
    values.delete('a');
    clock.advance(15_000);
    expect(engine.evaluate().map((t) => `${t.from}→${t.to}`)).toEqual(['firing→resolved']);
  });

  it('inhibits per-endpoint alerts of a halted chain, and a ticket while the page of the same SLO fires', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const clock = fixedClock(start);
    const halted = { value: 90 };
    const signal = (labels: Record<string, string>, value: () => number, threshold: number): AlertSignal => ({
      labels,
      value: value(),
      condition: () => value() > threshold,
    });
    const rule = (name: string, severity: AlertRule['severity'], signals: () => AlertSignal[]): AlertRule => ({
      name,
      severity,
      source: 'test',
      timing: { forMs: 0, keepFiringForMs: 0 },
      labels: {},
      annotations: {},
      signals,
    });
    const rules = [
      rule('ChainHalted', 'critical', () => [signal({ scope: 'chain', chain: 'demo' }, () => halted.value, 60)]),
      rule('EndpointLagging', 'warning', () => [
        signal({ scope: 'endpoint', chain: 'demo', endpoint: 'a' }, () => 9, 5),
        signal({ scope: 'endpoint', chain: 'other', endpoint: 'b' }, () => 9, 5),
      ]),
      rule('SloErrorBudgetBurn', 'page', () => [signal({ scope: 'slo', slo: 'avail' }, () => 20, 14)]),
      rule('SloErrorBudgetBurn', 'ticket', () => [
        signal({ scope: 'slo', slo: 'avail' }, () => 20, 6),
        signal({ scope: 'slo', slo: 'latency' }, () => 20, 6),
      ]),
    ];
    const engine = new AlertEngine(db, rules, { clock, routing: routing(['hook']), externalUrl: 'http://ere.test' });
    engine.evaluate();
    const outbox = new Outbox(db);
    const told = () =>
      Object.fromEntries(
        outbox
          .list({ limit: 50 })
          .reverse()
          .map((row) => [
            `${row.alert.rule}/${row.alert.severity}/` +
              `${row.alert.labels.endpoint ?? row.alert.labels.slo ?? row.alert.labels.chain}`,
            `${row.kind}:${row.status}`,
          ]),
      );
    expect(told()).toEqual({
      'ChainHalted/critical/demo': 'firing:pending',
      'EndpointLagging/warning/a': 'firing:suppressed',
      'EndpointLagging/warning/b': 'firing:pending',
      'SloErrorBudgetBurn/page/avail': 'firing:pending',
      'SloErrorBudgetBurn/ticket/avail': 'firing:suppressed',
      'SloErrorBudgetBurn/ticket/latency': 'firing:pending',
    });
    const suppressed = outbox.list({ status: 'suppressed', limit: 10 });
    expect(
      suppressed.map((row) => [row.alert.labels.endpoint ?? row.alert.labels.slo, row.alert.severity, row.reason]),
    ).toEqual([
      ['avail', 'ticket', 'inhibited by inhibit rule 0'],
      ['a', 'warning', 'inhibited by inhibit rule 1'],
    ]);
    expect(engine.active().find((alert) => alert.labels.endpoint === 'a')?.inhibited).toBe(true);

    // The chain moves again: its lagging endpoint, still lagging, is notified now.
    halted.value = 1;
    clock.advance(15_000);
    engine.evaluate();
    expect(told()['EndpointLagging/warning/a']).toBe('firing:pending');
    expect(told()['ChainHalted/critical/demo']).toBe('resolved:pending');
  });
});
