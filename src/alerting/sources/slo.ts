// The SLO engine's burn-rate decisions as alerts: `SloErrorBudgetBurn` with severity page or ticket, one
// series per SLO with alerting on. The engine decides (multi-window tiers, low-traffic guard); this source
// only carries the decision. An SLO not evaluated yet since start is unknown, so a restart neither
// resolves nor re-fires its alert.

import type { AlertSeverity, SloDefinition } from '../../domain/slo.js';
import type { SloStatus } from '../../slo/status.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { parseAnnotations } from './threshold-rule.js';

export const sloAlertName = 'SloErrorBudgetBurn';

const defaultAnnotations: Record<AlertSeverity, Record<string, string>> = {
  page: {
    summary: 'SLO {{ $labels.slo }} is burning its error budget {{ $value | printf "%.1f" }}× too fast',
    description:
      'At this rate the error budget of {{ $labels.slo }} ({{ ' +
      '$labels.service }}) is gone within days or hours. Act now.',
  },
  ticket: {
    summary: 'SLO {{ $labels.slo }} is burning its error budget {{ $value | printf "%.1f" }}× too fast',
    description:
      'A slow, steady burn: {{ $labels.slo }} ({{ $labels.service }}) ' +
      'will miss its objective this window if it goes on.',
  },
};

export interface SloAlertsConfig {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The burn rate to report: the highest long-window rate among the severity's firing tiers, else among all. */
function burnValue(status: SloStatus, severity: AlertSeverity): number | null {
  const tiers = status.tiers.filter((tier) => tier.severity === severity);
  const rates = (tiers.some((tier) => tier.fires) ? tiers.filter((tier) => tier.fires) : tiers)
    .map((tier) => tier.longBurnRate)
    .filter((rate) => rate !== null);
  return rates.length === 0 ? null : Math.max(...rates);
}

export const sloSource = {
  source: 'slo',
  createRules(deps: {
    definitions: readonly SloDefinition[];
    status: (slo: string) => SloStatus | null;
    config: SloAlertsConfig;
  }): AlertRule[] {
    const alerting = deps.definitions.filter(
      (definition) => definition.alerting.enabled && definition.alerting.tiers.length > 0,
    );
    if (alerting.length === 0) return [];
    return (['page', 'ticket'] as const).map((severity) => ({
      name: sloAlertName,
      severity,
      source: 'slo',
      timing: { forMs: 0, keepFiringForMs: 0 },
      labels: deps.config.labels,
      annotations: parseAnnotations({ ...defaultAnnotations[severity], ...deps.config.annotations }),
      signals: (): AlertSignal[] =>
        alerting
          .filter((definition) => definition.alerting.tiers.some((tier) => tier.severity === severity))
          .map((definition) => {
            const status = deps.status(definition.id);
            return {
              labels: {
                ...definition.labels,
                scope: 'slo',
                slo: definition.id,
                service: definition.service,
                chain: definition.sli.selection.chain,
              },
              value: status === null ? null : burnValue(status, severity),
              condition: () => (status === null ? null : status.firing[severity]),
            };
          }),
    }));
  },
};
