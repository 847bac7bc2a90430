// ERE as it runs in production: `startService` with a generated config, so that every poll goes through
// the whole pipeline (scheduler → runner → viem probe → chain tracker → Prometheus metrics → batched
// SQLite writes with rollups), with the HTTP server up and the logger silent.
//
// The service does not expose its scheduler, so the benchmark listens in at two seams without changing
// what the service does: it adds itself to the scheduler's own onLag/onSkip hooks (the same values that
// feed `ere_scheduler_lag_seconds`, unbucketed), and counts the observations the tracker receives.

import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { createLogger } from '../src/log/logger.js';
import { SecretScrubber } from '../src/log/redact.js';
import { startService } from '../src/main.js';
import { Scheduler, type SchedulerHooks } from '../src/scheduler/scheduler.js';
import type { PollTargets } from './baseline-poller.js';
import type { PollRecorder } from './measure.js';

export interface EreTargets extends PollTargets {
  /** The endpoints are spread over this many chains (one chain with all of them by default). */
  chains: number;
  /** A fresh directory for the SQLite file. */
  dataDir: string;
}

/** The config a user would write for these endpoints: one chain per group, the defaults otherwise. */
export function benchConfig(targets: EreTargets) {
  const perChain = Math.ceil(targets.endpoints / targets.chains);
  const chains = Array.from({ length: targets.chains }, (_, chainIndex) => ({
    id: `bench-${chainIndex}`,
    chainId: 31_337,
    pollInterval: `${targets.intervalMs}ms`,
    // The schema wants timeout ≤ pollInterval; the default (10 s) is longer than a 1 s interval.
    timeout: `${Math.min(targets.intervalMs, 10_000)}ms`,
    rpc: Array.from({ length: Math.min(perChain, targets.endpoints - chainIndex * perChain) }, (_, offset) => {
      const index = chainIndex * perChain + offset;
      return { id: `ep-${index}`, url: `${targets.serverUrl}/ep/${index}` };
    }),
    // Block agreement as often as it may run (a round every two polls), and the other data checks off:
    // they are not part of polling, and the logs check has a benchmark of its own.
    correctness: targets.agreement
      ? {
          blocks: { interval: `${2 * targets.intervalMs}ms` },
          logs: { enabled: false },
          transactions: { enabled: false },
        }
      : { enabled: false },
  })).filter((chain) => chain.rpc.length > 0);
  return parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      // Retention runs hourly, not per poll; a schedule that cannot fire during the run keeps it out.
      storage: { path: join(targets.dataDir, 'ere.db'), retentionSchedule: '0 0 1 1 *' },
      log: { level: 'silent' },
      chains,
    }),
  );
}

/** Adds the recorder to the hooks of every scheduler started from now on. */
function listenToSchedulers(recorder: PollRecorder): void {
  const start = Scheduler.prototype.start;
  Scheduler.prototype.start = function (this: Scheduler) {
    const hooks = (this as unknown as { hooks?: SchedulerHooks }).hooks;
    if (hooks === undefined || typeof hooks !== 'object') {
      throw new Error('bench: the Scheduler no longer keeps its hooks in `hooks`; update bench/ere-poller.ts');
    }
    const { onLag, onSkip } = hooks;
    hooks.onLag = (task, lagMs) => {
      recorder.lag(task.id, lagMs);
      onLag?.call(hooks, task, lagMs);
    };
    hooks.onSkip = (task) => {
      recorder.skip(task.id);
      onSkip?.call(hooks, task);
    };
    start.call(this);
  };
}

export async function startErePoller(targets: EreTargets, recorder: PollRecorder) {
  listenToSchedulers(recorder);
  const config = benchConfig(targets);
  const service = await startService(config, {
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber() }),
  });

  const observe = service.tracker.observe.bind(service.tracker);
  service.tracker.observe = (observation) => {
    recorder.pollDone(observation.ok);
    return observe(observation);
  };

  return {
    /** Samples in the database after a final flush, against the polls completed (nothing may be lost). */
    storedSamples(): number {
      service.flush();
      return (service.db.prepare('SELECT count(*) AS count FROM rpc_samples').get() as { count: number }).count;
    },
    stop: () => service.stop(),
  };
}
