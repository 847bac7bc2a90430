// Alerts on what a governance decision will do, from the newest simulation of each decision still to run:
// GovernanceActionWillRevert (a decision that cannot execute: a passed vote lost), GovernanceActionRisky (one
// alert per decision and check: a delegatecall, an upgrade, a role, a delay, a Safe owner or threshold, an
// outflow, destroyed code; a page for critical findings) and GovernanceActionUndecoded (a call no ABI knows,
// a ticket). Each says which action, what it changes and why it is flagged, and where the report is.

import type { Severity } from '../../domain/alert.js';
import type { GovernanceTarget } from '../../domain/governance.js';
import { targetLabels } from '../../governance/kinds/alerts.js';
import type { Finding } from '../../governance/policy/findings.js';
import type { DecisionVerifier } from '../../governance/verify/verifier.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { parseAnnotations } from './threshold-rule.js';

export const verificationAlertNames = [
  'GovernanceActionWillRevert',
  'GovernanceActionRisky',
  'GovernanceActionUndecoded',
] as const;

interface VerificationRule {
  name: (typeof verificationAlertNames)[number];
  severity: Severity;
  summary: string;
  description: string;
  selects(finding: Finding): boolean;
}

const rules: readonly VerificationRule[] = [
  {
    name: 'GovernanceActionWillRevert',
    severity: 'page',
    summary: '{{ $labels.decision_type }} {{ $labels.decision }} on {{ $labels.target }} will revert if executed',
    description: 'Simulated on a fork of {{ $labels.chain }}, the decision cannot execute as it stands.',
    selects: (finding) => finding.check === 'will_revert',
  },
  {
    name: 'GovernanceActionRisky',
    severity: 'page',
    summary: '{{ $labels.decision_type }} {{ $labels.decision }} on {{ $labels.target }}: {{ $labels.check }}',
    description: 'Simulated on a fork of {{ $labels.chain }}, the decision does what its policy flags.',
    selects: (finding) => finding.severity === 'critical' && finding.check !== 'will_revert',
  },
  {
    name: 'GovernanceActionRisky',
    severity: 'warning',
    summary: '{{ $labels.decision_type }} {{ $labels.decision }} on {{ $labels.target }}: {{ $labels.check }}',
    description: 'Simulated on a fork of {{ $labels.chain }}, the decision does what its policy flags.',
    selects: (finding) => finding.severity === 'warning' && finding.check !== 'undecoded',
  },
  {
    name: 'GovernanceActionUndecoded',
    severity: 'ticket',
    summary: '{{ $labels.decision_type }} {{ $labels.decision }} on {{ $labels.target }} has calls ERE cannot decode',
    description:
      'No ABI ERE knows decodes these calls: give their contracts’ ABIs under `abis:`, and read them by hand.',
    selects: (finding) => finding.check === 'undecoded',
  },
];

export interface VerificationAlertsConfig {
  enabled: boolean;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
  /** Where the report of a decision is: the API's base URL. */
  apiUrl(): string;
}

function reportPath(target: GovernanceTarget, type: string, id: string): string {
  return `/api/v1/governance/verifications/${encodeURIComponent(target.id)}/${type}/${encodeURIComponent(id)}`;
}

export const verificationSource = {
  source: 'governance',
  createRules(deps: {
    verifier: DecisionVerifier;
    targets(): GovernanceTarget[];
    config: VerificationAlertsConfig;
  }): AlertRule[] {
    const { verifier, config } = deps;
    if (!config.enabled || deps.targets().length === 0) return [];
    return rules.map(
      (rule): AlertRule => ({
        name: rule.name,
        severity: config.severities[rule.name] ?? rule.severity,
        source: 'governance',
        timing: { forMs: 0, keepFiringForMs: 0 },
        labels: config.labels,
        annotations: parseAnnotations({ summary: rule.summary, description: rule.description }),
        signals: () =>
          deps.targets().flatMap((target) => {
            // One series per decision and check: two findings of one check are one alert, with both lines.
            const series = new Map<string, { labels: Record<string, string>; lines: string[] }>();
            for (const { decision, finding } of verifier.currentFindings(target.id)) {
              if (!rule.selects(finding)) continue;
              const key = `${decision.type}/${decision.id}/${finding.check}`;
              const entry = series.get(key) ?? {
                labels: {
                  ...targetLabels(target),
                  decision_type: decision.type,
                  decision: decision.id,
                  check: finding.check,
                },
                lines: [],
              };
              entry.lines.push(`${finding.action ? `Action ${finding.action}: ` : ''}${finding.message}.`);
              series.set(key, entry);
            }
            return [...series.values()].map(
              ({ labels, lines }): AlertSignal => ({
                labels,
                value: null,
                condition: () => true,
                details: [
                  ...lines,
                  `Report: ${config.apiUrl()}${reportPath(target, labels.decision_type!, labels.decision!)}`,
                ],
              }),
            );
          }),
      }),
    );
  },
};
