// Prometheus metrics of the SLOs: gauges read from the engine's latest statuses at scrape time, and the
// counters of the events the engine counts, from which Prometheus can compute the same SLOs (the rules of
// `ere slo rules`). Labels: slo and service (config ids), window (a fixed set), severity (page, ticket),
// outcome (good, bad).

import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventCounts, SloDefinition } from '../domain/slo.js';
import type { SloEngine } from './slo-engine.js';
import { sloDataSinceMetric } from './prometheus-rules.js';
import { reportedWindows } from './status.js';

const windows = [...reportedWindows.map((window) => window.name), 'window'] as const;

export function createSloMetrics(registry: Registry, engine: SloEngine) {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (gauge: Gauge<L>) => void) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill(this);
      },
    });
  const each = (
    fn: (entry: ReturnType<SloEngine['statuses']>[number], labels: { slo: string; service: string }) => void,
  ) => {
    for (const entry of engine.statuses()) fn(entry, { slo: entry.definition.id, service: entry.definition.service });
  };
  const finite = (value: number | null | undefined): value is number =>
    value !== null && value !== undefined && Number.isFinite(value);

  return {
    objective: gauge(
      'ere_slo_objective_ratio',
      'The SLO objective, as a ratio (99.9 % is 0.999).',
      ['slo', 'service'],
      (metric) => each(({ definition }, labels) => metric.set(labels, definition.objective)),
    ),
    sli: gauge(
      'ere_slo_sli_ratio',
      'Good events over valid events, over each window ("window" is the whole SLO window).',
      ['slo', 'service', 'window'],
      (metric) =>
        each(({ status }, labels) => {
          if (!status) return;
          if (finite(status.sliRatio)) metric.set({ ...labels, window: 'window' }, status.sliRatio);
          for (const window of reportedWindows) {
            const rate = status.burnRates[window.name];
            // The SLI over a short window, from its burn rate: sli = 1 − burn × (1 − objective).
            if (finite(rate)) metric.set({ ...labels, window: window.name }, 1 - rate * (1 - status.objectiveRatio));
          }
        }),
    ),
    // The Prometheus rules of `ere slo rules` read it to judge a window only once the data covers half of it, as ERE
    // does.
    dataSince: gauge(
      sloDataSinceMetric,
      "When the SLI's data starts: the first minute with valid events, in Unix seconds; absent while it has none.",
      ['slo', 'service'],
      (metric) =>
        each(({ status }, labels) => {
          if (finite(status?.data.sinceMs)) metric.set(labels, status.data.sinceMs / 1_000);
        }),
    ),
    budgetRemaining: gauge(
      'ere_slo_error_budget_remaining_ratio',
      'Share of the error budget left in the SLO window, 0 to 1.',
      ['slo', 'service'],
      (metric) =>
        each(({ status }, labels) => {
          if (finite(status?.errorBudget?.remainingRatio)) metric.set(labels, status.errorBudget.remainingRatio);
        }),
    ),
    burnRate: gauge(
      'ere_slo_burn_rate',
      'How fast the error budget burns over each window; 1 spends it exactly in one SLO window.',
      ['slo', 'service', 'window'],
      (metric) =>
        each(({ status }, labels) => {
          if (!status) return;
          for (const window of windows) {
            const rate = status.burnRates[window];
            if (finite(rate)) metric.set({ ...labels, window }, rate);
          }
        }),
    ),
    alertFiring: gauge(
      'ere_slo_alert_firing',
      '1 while the SLO burn-rate alert of that severity is firing.',
      ['slo', 'service', 'severity'],
      (metric) =>
        each(({ alerts }, labels) => {
          for (const severity of ['page', 'ticket'] as const)
            metric.set({ ...labels, severity }, alerts[severity]?.state === 'firing' ? 1 : 0);
        }),
    ),
  };
}

export type SloEventOutcome = 'good' | 'bad';

/**
 * `ere_slo_events_total`: each SLO's good and bad events (minutes for time slices), added as the engine
 * counts them. Created before the engine, which reports to it; every label set starts at 0 so that rate()
 * has a first sample to start from.
 */
export function createSloEventMetrics(registry: Registry, definitions: readonly SloDefinition[]) {
  const events = new Counter<'slo' | 'service' | 'outcome'>({
    name: 'ere_slo_events_total',
    help: 'Events the SLO counts, by outcome (valid = good + bad); for time slices, minutes.',
    labelNames: ['slo', 'service', 'outcome'],
    registers: [registry],
  });
  const labels = (definition: SloDefinition, outcome: SloEventOutcome) => ({
    slo: definition.id,
    service: definition.service,
    outcome,
  });
  for (const definition of definitions)
    for (const outcome of ['good', 'bad'] as const) events.inc(labels(definition, outcome), 0);
  return {
    record(definition: SloDefinition, counts: EventCounts): void {
      events.inc(labels(definition, 'good'), counts.good);
      events.inc(labels(definition, 'bad'), counts.valid - counts.good);
    },
  };
}
