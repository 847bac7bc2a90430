// The baseline's scheduler: the same policy as src/scheduler/scheduler.ts (fixed rate per task, first
// run within a second, then a random phase in the interval, single flight with skips, lag = how late a
// run started after its due time), with one difference: it counts slots with an integer, so that a
// timer firing a fraction of a millisecond early runs its slot once.
//
// Why not the service's Scheduler: it computes the next due time from `now`, so a timer that fires
// early (Node timers may, by up to ~1 ms) is re-armed for the same slot and fires again at once;
// quick runs then run twice per interval (a bare fetch on loopback did ~350 polls/s instead of 200).
// Once that is fixed in src, the baseline can use the service's Scheduler again.

export interface FixedRateTask {
  id: string;
  run(): Promise<void>;
}

export interface FixedRateHooks {
  onLag(id: string, lagMs: number): void;
  onSkip(id: string): void;
}

interface TaskState {
  task: FixedRateTask;
  phaseAt: number;
  /** The slot of the next run: due at phaseAt + slot × interval; -1 is the first run, soon after start. */
  slot: number;
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
}

export function startFixedRate(tasks: readonly FixedRateTask[], intervalMs: number, hooks: FixedRateHooks) {
  let running = true;
  const arm = (state: TaskState) => {
    if (running) state.timer = setTimeout(() => fire(state), Math.max(0, state.dueAt - performance.now()));
  };
  const fire = (state: TaskState) => {
    if (!running) return;
    const now = performance.now();
    if (state.inFlight) {
      hooks.onSkip(state.task.id);
    } else {
      hooks.onLag(state.task.id, Math.max(0, now - state.dueAt));
      state.inFlight = state.task.run().finally(() => (state.inFlight = undefined));
    }
    // The next slot after this one that is not already past: missed slots are skipped, never run late.
    state.slot = Math.max(state.slot + 1, Math.floor((now - state.phaseAt) / intervalMs) + 1);
    state.dueAt = state.phaseAt + state.slot * intervalMs;
    arm(state);
  };

  const states = tasks.map((task): TaskState => {
    const now = performance.now();
    return { task, phaseAt: now + Math.random() * intervalMs, slot: -1, dueAt: now + Math.random() * Math.min(intervalMs, 1_000), timer: undefined, inFlight: undefined };
  });
  for (const state of states) arm(state);

  return {
    async stop(): Promise<void> {
      running = false;
      for (const state of states) clearTimeout(state.timer);
      await Promise.allSettled(states.map((state) => state.inFlight));
    },
  };
}
