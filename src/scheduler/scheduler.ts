// Runs each task at a fixed rate on its own timer. Single-flight per task: a run still in flight when the
// next one is due makes that one skip (counted), so a hung endpoint never stacks polls or delays the
// others. Each task runs once soon after start, then at a random phase within its interval, so that
// endpoints polled at the same interval do not all fire at once.

export interface ScheduledTask {
  id: string;
  /** A label for metrics (the collector kind), bounded. */
  kind: string;
  intervalMs: number;
  run(): Promise<void>;
}

export interface SchedulerHooks {
  /** How late a run started after its due time. */
  onLag?(task: ScheduledTask, lagMs: number): void;
  onSkip?(task: ScheduledTask): void;
  onError?(task: ScheduledTask, error: unknown): void;
}

interface TaskState {
  task: ScheduledTask;
  /** Runs after the first are due at phaseAt + slot × interval. */
  phaseAt: number;
  /** The slot dueAt stands for; -1 for the first run. Kept as an integer: recomputing it from times drifts. */
  slot: number;
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
}

export class Scheduler {
  private readonly states: TaskState[] = [];
  private running = false;

  constructor(
    private readonly hooks: SchedulerHooks = {},
    /** Returns [0, 1); injected so that tests can fix the phases. */
    private readonly random: () => number = Math.random,
  ) {}

  add(task: ScheduledTask): void {
    if (this.states.some((state) => state.task.id === task.id)) throw new Error(`task ${task.id} is scheduled twice`);
    const state: TaskState = { task, phaseAt: 0, slot: -1, dueAt: 0, timer: undefined, inFlight: undefined };
    this.states.push(state);
    if (this.running) this.startTask(state);
  }

  get started(): boolean {
    return this.running;
  }

  get taskCount(): number {
    return this.states.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const state of this.states) this.startTask(state);
  }

  /** Stops scheduling and waits for the runs in flight (the caller aborts them first). */
  async stop(): Promise<void> {
    this.running = false;
    for (const state of this.states) clearTimeout(state.timer);
    await Promise.allSettled(this.states.map((state) => state.inFlight).filter(Boolean));
  }

  private startTask(state: TaskState): void {
    const now = performance.now();
    // The first run comes within a second, so that a fresh start shows data quickly.
    state.dueAt = now + this.random() * Math.min(state.task.intervalMs, 1_000);
    state.phaseAt = now + this.random() * state.task.intervalMs;
    state.slot = -1;
    this.arm(state);
  }

  private arm(state: TaskState): void {
    if (!this.running) return;
    state.timer = setTimeout(() => this.fire(state), Math.max(0, state.dueAt - performance.now()));
  }

  private fire(state: TaskState): void {
    if (!this.running) return;
    const now = performance.now();
    if (state.inFlight) {
      this.hooks.onSkip?.(state.task);
    } else {
      // Timers have millisecond granularity and may fire a fraction early: that is on time.
      this.hooks.onLag?.(state.task, Math.max(0, now - state.dueAt));
      state.inFlight = state.task
        .run()
        .catch((error: unknown) => this.hooks.onError?.(state.task, error))
        .finally(() => (state.inFlight = undefined));
    }
    // Fixed rate: the next due time follows the schedule, not the end of the run; missed slots are skipped.
    // It is the slot after the one just served (even when the timer fired a fraction of a ms early), or
    // the first slot still ahead when runs were missed.
    const { intervalMs } = state.task;
    const first = state.slot === -1;
    state.slot = Math.max(state.slot + 1, Math.floor((now - state.phaseAt) / intervalMs) + 1);
    // The first run is an extra one; its phase slot must not follow it by less than half an interval.
    if (first && state.phaseAt + state.slot * intervalMs - now < intervalMs / 2) state.slot += 1;
    state.dueAt = state.phaseAt + state.slot * intervalMs;
    this.arm(state);
  }
}
