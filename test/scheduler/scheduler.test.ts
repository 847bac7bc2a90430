import { describe, expect, it } from 'vitest';
import { Scheduler, type ScheduledTask } from '../../src/scheduler/scheduler.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Scheduler', () => {
  it('never overlaps runs of a hung task, and the hung task does not delay the others', async () => {
    const skipped: string[] = [];
    const lags: number[] = [];
    const scheduler = new Scheduler(
      { onSkip: (task) => skipped.push(task.id), onLag: (_task, lag) => lags.push(lag) },
      () => 0,
    );
    let hungStarts = 0;
    let hungInFlight = 0;
    let maxHungInFlight = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hung: ScheduledTask = {
      id: 'hung',
      kind: 'test',
      intervalMs: 20,
      run: async () => {
        hungStarts += 1;
        hungInFlight += 1;
        maxHungInFlight = Math.max(maxHungInFlight, hungInFlight);
        await released;
        hungInFlight -= 1;
      },
    };
    let healthyRuns = 0;
    scheduler.add(hung);
    scheduler.add({ id: 'healthy', kind: 'test', intervalMs: 20, run: async () => void (healthyRuns += 1) });
    scheduler.start();
    await sleep(300);
    expect(hungStarts).toBe(1);
    expect(maxHungInFlight).toBe(1);
    expect(skipped.filter((id) => id === 'hung').length).toBeGreaterThan(5);
    expect(healthyRuns).toBeGreaterThan(8);
    release();
    await sleep(60);
    expect(hungStarts).toBeGreaterThan(1);
    await scheduler.stop();
    expect(lags.every((lag) => lag >= 0)).toBe(true);
  });

  it('runs each task once per interval, never twice for one slot', async () => {
    const runs = new Map<string, number[]>();
    const scheduler = new Scheduler();
    const started = performance.now();
    for (let index = 0; index < 20; index += 1) {
      const id = `task-${index}`;
      scheduler.add({
        id,
        kind: 'test',
        intervalMs: 50,
        run: async () => void (runs.get(id) ?? runs.set(id, []).get(id)!).push(performance.now() - started),
      });
    }
    scheduler.start();
    await sleep(1_000);
    await scheduler.stop();
    for (const times of runs.values()) {
      // 1 s at 50 ms: 20 slots and the first run, give or take the slots cut at either end.
      expect(times.length).toBeGreaterThanOrEqual(18);
      expect(times.length).toBeLessThanOrEqual(21);
      const gaps = times.slice(1).map((time, index) => time - times[index]!);
      expect(Math.min(...gaps)).toBeGreaterThan(20);
    }
  });

  it('stop() waits for runs in flight and schedules nothing after', async () => {
    const scheduler = new Scheduler({}, () => 0);
    let finished = 0;
    let started = 0;
    scheduler.add({
      id: 'slow',
      kind: 'test',
      intervalMs: 10,
      run: async () => {
        started += 1;
        await sleep(50);
        finished += 1;
      },
    });
    scheduler.start();
    await sleep(20);
    await scheduler.stop();
    expect(finished).toBe(started);
    const after = started;
    await sleep(50);
    expect(started).toBe(after);
    expect(scheduler.started).toBe(false);
  });

  it('reports an unexpected rejection and keeps scheduling', async () => {
    const errors: unknown[] = [];
    const scheduler = new Scheduler({ onError: (_task, error) => errors.push(error) }, () => 0);
    let runs = 0;
    scheduler.add({
      id: 'broken',
      kind: 'test',
      intervalMs: 10,
      run: async () => {
        runs += 1;
        throw new Error('boom');
      },
    });
    scheduler.start();
    await sleep(80);
    await scheduler.stop();
    expect(runs).toBeGreaterThan(2);
    expect(errors.length).toBe(runs);
  });

  it('refuses the same task twice', () => {
    const scheduler = new Scheduler();
    const task = { id: 'x', kind: 'test', intervalMs: 10, run: async () => {} };
    scheduler.add(task);
    expect(() => scheduler.add(task)).toThrow(/scheduled twice/);
  });
});
