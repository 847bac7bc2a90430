// Runs one collector probe: times it, records its outcome in the self-metrics, turns a failure into the
// observation that records it, and hands the observation on. The only place a collector meets metrics.

import type { Clock } from '../domain/clock.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';
import { ProbeAbortedError, type Collector, type Probe } from './collector.js';

export interface RunnerDeps<Observation> {
  clock: Clock;
  metrics: SelfMetrics;
  onObservation(observation: Observation): void;
}

function errorClassOf(error: unknown): string {
  const errorClass = (error as { errorClass?: unknown } | null)?.errorClass;
  return typeof errorClass === 'string' ? errorClass : 'unexpected';
}

export function collectorRun<Target, Observation>(
  collector: Collector<Target, Observation>,
  target: Target,
  probe: Probe<Observation>,
  deps: RunnerDeps<Observation>,
): () => Promise<void> {
  const labels = { collector: collector.kind };
  return async () => {
    const startedAt = deps.clock.now();
    const started = performance.now();
    let observation: Observation | null;
    try {
      observation = await probe.run();
      deps.metrics.collectorRuns.inc({ ...labels, outcome: 'success' });
    } catch (error) {
      const durationMs = performance.now() - started;
      if (error instanceof ProbeAbortedError) {
        deps.metrics.collectorRuns.inc({ ...labels, outcome: 'aborted' });
        return;
      }
      deps.metrics.collectorRuns.inc({ ...labels, outcome: 'failure' });
      deps.metrics.collectorErrors.inc({ ...labels, error_class: errorClassOf(error) });
      observation = collector.failure(target, error, startedAt, durationMs);
    } finally {
      deps.metrics.collectorRunDuration.observe(labels, (performance.now() - started) / 1_000);
    }
    if (observation !== null) deps.onObservation(observation);
  };
}
