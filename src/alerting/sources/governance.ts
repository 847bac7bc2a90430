// Governance as alerts: one rule per thing a DAO's operators and security council must hear about, over
// every governance target of its kind. Each kind declares its rules and their series (kinds/ under
// governance/: proposals of a governor, a timelock's operations, every change of who controls a contract);
// this source turns them into the engine's rules, and adds one of its own for every target whose ingestion
// keeps failing.

import type { Severity } from '../../domain/alert.js';
import type { GovernanceTarget } from '../../domain/governance.js';
import { targetLabels } from '../../governance/kinds/alerts.js';
import { governanceKinds } from '../../governance/kinds/index.js';
import type { GovernanceAlertRule, TargetReading } from '../../governance/kinds/kind.js';
import type { AlertRule } from '../alert-rule.js';
import { parseAnnotations } from './threshold-rule.js';
import { verificationAlertNames } from './verification.js';

export interface GovernanceAlertsConfig {
  enabled: boolean;
  /** How long a change alert fires after the change's block. */
  changeHoldMs: number;
  /** A target whose ingestion has failed for this long fires GovernanceIngestionFailing. */
  ingestionFailingForMs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

/** What the source reads: the tracker's targets, their views as their kinds read them, and status. */
export interface GovernanceReader {
  targets(): GovernanceTarget[];
  reading(id: string): TargetReading | undefined;
  status(
    id: string,
  ): { lastError: { message: string } | null; lastSuccessMs: number | null; lastRunMs: number | null } | undefined;
}

/** Every kind's rules, in the order of the list of kinds. */
export const governanceRules: readonly GovernanceAlertRule[] = governanceKinds.flatMap((kind) => kind.alerts);

const ingestionRule: GovernanceAlertRule = {
  name: 'GovernanceIngestionFailing',
  severity: 'warning',
  summary: 'Governance target {{ $labels.target }} on {{ $labels.chain }} cannot be read',
  description: 'Ingestion has failed for a while: governance alerts about this target may be late or missing.',
};

export const governanceSource = {
  source: 'governance',
  createRules(deps: { reader: GovernanceReader; config: GovernanceAlertsConfig; now: () => number }): AlertRule[] {
    const { reader, config } = deps;
    if (!config.enabled || reader.targets().length === 0) return [];
    // One view per target and evaluation, however many rules read it.
    let cache: { atMs: number; readings: Map<string, TargetReading | undefined> } | null = null;
    const readingOf = (id: string, nowMs: number) => {
      if (cache?.atMs !== nowMs) cache = { atMs: nowMs, readings: new Map() };
      if (!cache.readings.has(id)) cache.readings.set(id, reader.reading(id));
      return cache.readings.get(id);
    };
    const rules = governanceRules.map(
      (spec): AlertRule => ({
        name: spec.name,
        severity: config.severities[spec.name] ?? spec.severity,
        source: 'governance',
        timing: { forMs: 0, keepFiringForMs: 0 },
        labels: config.labels,
        annotations: parseAnnotations({ summary: spec.summary, description: spec.description }),
        signals: () => {
          const nowMs = deps.now();
          return reader
            .targets()
            .flatMap((target) => readingOf(target.id, nowMs)?.signals(spec.name, nowMs, config) ?? []);
        },
      }),
    );
    rules.push({
      name: ingestionRule.name,
      severity: config.severities[ingestionRule.name] ?? ingestionRule.severity,
      source: 'governance',
      timing: { forMs: config.ingestionFailingForMs, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({ summary: ingestionRule.summary, description: ingestionRule.description }),
      signals: () =>
        reader.targets().map((target) => {
          const status = reader.status(target.id);
          return {
            labels: targetLabels(target),
            value: null,
            condition: () => (status?.lastRunMs === null || status === undefined ? null : status.lastError !== null),
          };
        }),
    });
    return rules;
  },
};

export const governanceAlertNames = [
  ...governanceRules.map((rule) => rule.name),
  ingestionRule.name,
  ...verificationAlertNames,
];
