// A scheduled evaluation (SLOs, alerts), counted and timed, with the time of its last success for the
// "evaluation stalled" alert.

import type { Clock } from '../domain/clock.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';

export function evaluationRun(
  evaluator: 'slo' | 'alerts',
  evaluate: () => void,
  metrics: SelfMetrics,
  clock: Clock,
): () => Promise<void> {
  return async () => {
    const done = metrics.evaluationDuration.startTimer({ evaluator });
    try {
      evaluate();
      metrics.evaluations.inc({ evaluator, outcome: 'success' });
      metrics.evaluationLastSuccess.set({ evaluator }, clock.now() / 1_000);
    } catch (error) {
      metrics.evaluations.inc({ evaluator, outcome: 'failure' });
      throw error;
    } finally {
      done();
    }
  };
}
