// SLOs, wired: the engine over the configured SLOs, its windows counted at start without stalling probes or
// HTTP, evaluated every minute; its metrics, the reports the API serves, and the burn-rate alert rules.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import { resolveSlos } from '../config/slos.js';
import type { Logger } from '../log/logger.js';
import { createSloEventMetrics, createSloMetrics } from '../slo/slo-metrics.js';
import { SloEngine } from '../slo/slo-engine.js';
import { SloReports } from '../slo/slo-reports.js';
import { pruneSloStatuses } from '../slo/slo-store.js';
import { sloAlertRules } from './alerting.js';
import type { Capability, ServiceContext } from './capability.js';
import { evaluationRun } from './evaluation.js';

export interface SloCapability extends Capability {
  engine: SloEngine;
}

/**
 * A minute is counted once every probe that started in it has been written: after the longest timeout
 * and two flushes, with a margin.
 */
export function settleMs(config: Config): number {
  return Math.max(...config.chains.map((chain) => chain.timeout)) + 2 * config.storage.flushInterval + 5_000;
}

/**
 * Counts every SLO's window in slices of 50 ms, yielding between them so that probes and HTTP keep running,
 * then evaluates once so that statuses appear without waiting for the next minute.
 */
async function warmUpSlos(slos: SloEngine, signal: AbortSignal, log: Logger): Promise<void> {
  const count = slos.definitions().length;
  if (count === 0) return;
  const started = performance.now();
  try {
    while (!signal.aborted && slos.warmUp(50) > 0) await yieldToEventLoop();
    if (signal.aborted) return;
    log.info({ slos: count, ms: Math.round(performance.now() - started) }, 'SLO windows counted');
    slos.evaluate({ warmOnly: true });
  } catch (error) {
    // The scheduled evaluations go on and count what is left themselves.
    log.error({ err: error }, 'counting SLO windows failed');
  }
}

export function createSlos(context: ServiceContext): SloCapability {
  const { config, clock, db } = context;
  const log = context.logger.child({ module: 'slo' });
  const definitions = resolveSlos(config);
  // The event counters exist before the engine, which adds each settled minute to them.
  const events = createSloEventMetrics(context.registry, definitions);
  const engine = new SloEngine(db, definitions, {
    clock,
    settleMs: settleMs(config),
    onEvents: events.record,
    onTransition: (transition) => {
      const fields = { slo: transition.slo, severity: transition.severity, from: transition.from, to: transition.to };
      if (transition.to === 'firing') log.warn(fields, 'SLO burn-rate alert firing');
      else log.info(fields, 'SLO burn-rate alert changed');
    },
  });
  createSloMetrics(context.registry, engine);
  // While the windows are being counted, cycles evaluate the SLOs already counted; after, all of them.
  let warming = true;
  const evaluate = evaluationRun('slo', () => void engine.evaluate({ warmOnly: warming }), context.selfMetrics, clock);
  let warmUp: Promise<void> | undefined;
  const reports = new SloReports(db, engine.definitions(), () => engine.settledEnd(clock.now()));
  return {
    name: 'slo',
    engine,
    tasks: definitions.length > 0 ? [{ id: 'slo/evaluate', kind: 'slo', intervalMs: 60_000, run: evaluate }] : [],
    http: { slos: engine, sloReports: reports },
    alertRules: sloAlertRules(config, engine.definitions(), (slo) => engine.statusOf(slo)),
    prune: (nowMs) => ({ slo_status_1m: pruneSloStatuses(db, nowMs - config.storage.sloStatusRetention) }),
    start: () => {
      warmUp = warmUpSlos(engine, context.shutdownSignal, log).finally(() => (warming = false));
    },
    stop: () => warmUp,
  };
}
