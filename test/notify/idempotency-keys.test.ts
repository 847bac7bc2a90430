// Receivers drop a notification whose idempotency key they have already seen, as the docs advise. So a key
// must never name two different notifications: not after a restore from a backup (transition ids then
// repeat those the live database went on to use), and not in a fresh database (ids start again at 1).
// Real SQLite files, a real online backup, and the engine's own notifications.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/backup/online-backup.js';
import { fixedClock } from '../../src/domain/clock.js';
import { defaultInhibitRules } from '../../src/alerting/inhibition.js';
import { AlertEngine, type AlertRouting } from '../../src/alerting/alert-engine.js';
import type { AlertRule, AlertSignal } from '../../src/alerting/alert-rule.js';
import { parseTemplate } from '../../src/alerting/template.js';
import { openDatabase } from '../../src/store/database.js';
import { idempotencyKey, Outbox } from '../../src/notify/outbox.js';
import { tempDir } from '../helpers/service.js';

type FixedClock = ReturnType<typeof fixedClock>;

const minute = 60_000;
const routing: AlertRouting = {
  root: {
    receiver: 'hook',
    matchers: [],
    groupWaitMs: 0,
    groupIntervalMs: minute,
    repeatIntervalMs: 3_600_000,
    continue: false,
    routes: [],
  },
  inhibitRules: defaultInhibitRules,
  receivers: new Map([['hook', { sendResolved: true }]]),
};

/** One endpoint whose value the test sets; above 5 fires at once. */
function downRule(value: { current: number }): AlertRule {
  return {
    name: 'EndpointDown',
    severity: 'critical',
    source: 'test',
    timing: { forMs: 0, keepFiringForMs: 0 },
    labels: {},
    annotations: { summary: parseTemplate('down') },
    signals: (): AlertSignal[] => [
      {
        labels: { scope: 'endpoint', chain: 'demo', endpoint: 'a' },
        value: value.current,
        condition: () => value.current > 5,
      },
    ],
  };
}

interface Instance {
  clock: FixedClock;
  outbox: Outbox;
  /** One incident: the alert fires, then resolves a minute later. */
  incident(): void;
  keys(): string[];
  close(): void;
}

function instance(path: string, clock: FixedClock): Instance {
  const { db } = openDatabase(path);
  const value = { current: 0 };
  const engine = new AlertEngine(db, [downRule(value)], { clock, routing, externalUrl: 'http://ere.test' });
  const outbox = new Outbox(db);
  return {
    clock,
    outbox,
    incident() {
      value.current = 9;
      engine.evaluate();
      clock.advance(minute);
      value.current = 0;
      engine.evaluate();
      clock.advance(minute);
    },
    keys: () => outbox.list({ limit: 1000 }).map(idempotencyKey),
    close: () => db.close(),
  };
}

describe('idempotency keys', () => {
  it('never repeat across a restore from a backup or a fresh database', async () => {
    const dir = tempDir();
    const clock = fixedClock(Date.UTC(2026, 10, 1, 12, 0, 0));
    const live = instance(join(dir, 'live.db'), clock);
    live.incident();
    const backupPath = join(dir, 'backup.db');
    await backupDatabase(join(dir, 'live.db'), backupPath);
    // The live database goes on: these keys reach the receivers.
    live.incident();
    live.incident();
    const seen = new Set(live.keys());
    expect(seen.size).toBe(6);
    live.close();

    // Restored from the backup: the next incidents reuse the transition ids the live database used.
    const restored = instance(backupPath, clock);
    const before = new Set(restored.keys());
    restored.incident();
    restored.incident();
    const afterRestore = restored.keys().filter((key) => !before.has(key));
    expect(afterRestore).toHaveLength(4);
    expect(afterRestore.filter((key) => seen.has(key))).toEqual([]);
    restored.close();

    const fresh = instance(join(dir, 'fresh.db'), clock);
    fresh.incident();
    expect(fresh.keys()).toHaveLength(2);
    expect(fresh.keys().filter((key) => seen.has(key) || afterRestore.includes(key))).toEqual([]);
    fresh.close();
  });

  it('are the same on every attempt of a notification', () => {
    const clock = fixedClock(Date.UTC(2026, 10, 1, 12, 0, 0));
    const one = instance(join(tempDir(), 'ere.db'), clock);
    one.incident();
    const [first] = one.outbox.list({ limit: 1 });
    const again = one.outbox.get(first!.id)!;
    expect(idempotencyKey(again)).toBe(idempotencyKey(first!));
    expect(idempotencyKey(first!)).toMatch(/^[0-9a-f]+:\d+@\d+$/);
    one.close();
  });
});
