// Resolves the configured SLOs into the definitions the engine runs: endpoints selected, SQL chosen,
// window parsed, alert tiers scaled or overridden.

import type { SloDefinition, SloWindow } from '../domain/slo.js';
import { defaultTiers } from '../slo/alert-tiers.js';
import { dayMs } from '../slo/window.js';
import { sliKind } from '../slo/sli/index.js';
import { parseDurationMs } from '../domain/duration.js';
import { selectEndpoints, type Config } from './schema.js';
import type { SloConfig } from './slo-schema.js';

/** 99.9 → 0.999 exactly, not 0.9990000000000001. */
const percentToRatio = (percent: number) => Number((percent / 100).toPrecision(12));

export function parseSloWindow(text: string): SloWindow {
  return text === 'month'
    ? { kind: 'calendar', unit: 'month' }
    : { kind: 'rolling', durationMs: Number(text.slice(0, -1)) * dayMs };
}

export function resolveSlo(config: Config, slo: SloConfig): SloDefinition {
  const chain = config.chains.find((candidate) => candidate.id === slo.sli.chain)!;
  const kind = sliKind(slo.sli.kind)!;
  const { kind: _kind, chain: _chain, endpoints: _endpoints, labels: _labels, ...rawParams } = slo.sli;
  const params = kind.params.parse(rawParams);
  const window = parseSloWindow(slo.window);
  return {
    id: slo.id,
    service: slo.service,
    description: slo.description,
    objectivePercent: slo.objective,
    objective: percentToRatio(slo.objective),
    window,
    windowText: slo.window,
    budgeting: slo.budgeting,
    timesliceObjective: percentToRatio(slo.timesliceObjective ?? slo.objective),
    sli: {
      kind: kind.kind,
      description: kind.describe(params),
      selection: { chain: chain.id, endpoints: selectEndpoints(chain, slo.sli) },
      query: kind.query(params),
    },
    labels: slo.labels,
    alerting: {
      enabled: slo.alerting.enabled,
      minValidEvents: slo.alerting.minValidEvents,
      tiers:
        slo.alerting.tiers?.map((tier) => ({
          severity: tier.severity,
          burnRate: tier.burnRate,
          longWindowMs: parseDurationMs(tier.longWindow)!,
          shortWindowMs: parseDurationMs(tier.shortWindow)!,
        })) ?? defaultTiers(window),
    },
  };
}

export function resolveSlos(config: Config): SloDefinition[] {
  return config.slos.map((slo) => resolveSlo(config, slo));
}
