// OpenSLO alert policies as ERE burn-rate tiers: each policy has one burn-rate condition, which becomes one
// tier. ERE tiers have two windows (SRE Workbook, "Alerting on SLOs"): the condition's lookbackWindow is
// the long one, and the short one is a twelfth of it as in the Workbook (1h/5m, 6h/30m, 1d/2h, 3d/6h),
// in whole minutes (the rollups' resolution), at least one.

import type { AlertSeverity } from '../../domain/slo.js';
import { minuteMs } from '../../slo/window.js';
import type { DocumentSet } from './documents.js';
import type { Field } from './field.js';
import { referencedOrInline } from './objects.js';
import type { Origins } from './origins.js';
import { formatDurationText, parseShorthand, shorthandMs } from './shorthand.js';

export interface TierInput {
  severity: AlertSeverity;
  burnRate: number;
  longWindow: string;
  shortWindow: string;
}

/** Severities as OpenSLO files write them (case aside); anything else is a problem, not a guess. */
const severities: Record<string, AlertSeverity> = {
  ...Object.fromEntries(['page', 'critical', 'high', 'sev1', 'p1'].map((name) => [name, 'page' as const])),
  ...Object.fromEntries(
    ['ticket', 'warning', 'medium', 'low', 'info', 'sev2', 'sev3', 'p2', 'p3', 'p4'].map((name) => [
      name,
      'ticket' as const,
    ]),
  ),
};

const namesOf = (severity: AlertSeverity) => Object.keys(severities).filter((name) => severities[name] === severity);

/** The tiers of an SLO's `alertPolicies`: undefined without policies (ERE's default tiers), null on a problem. */
export function convertAlertPolicies(
  policies: Field,
  documents: DocumentSet,
  origins: Origins,
): TierInput[] | undefined | null {
  const items = policies.items();
  if (!items) return policies.present ? null : undefined;
  if (items.length === 0) return undefined;
  const tiers = items.map((item, index) => {
    const policy = referencedOrInline(item, 'AlertPolicy', 'alertPolicyRef', documents);
    return policy && convertPolicy(policy.at('spec'), index, documents, origins);
  });
  return tiers.every((tier) => tier !== undefined) ? tiers : null;
}

function convertPolicy(spec: Field, index: number, documents: DocumentSet, origins: Origins): TierInput | undefined {
  spec.mapping([
    'description',
    'alertWhenNoData',
    'alertWhenBreaching',
    'alertWhenResolved',
    'conditions',
    'notificationTargets',
  ]);
  spec.at('description').string();
  if (spec.at('alertWhenNoData').boolean() === true) {
    spec
      .at('alertWhenNoData')
      .problem('cannot be honoured: ERE never alerts on missing data (without valid events there is no burn rate)');
  }
  if (spec.at('alertWhenBreaching').boolean() === false)
    spec.at('alertWhenBreaching').problem('cannot be false: an ERE tier alerts when its burn rate is breached');
  // ERE records every transition of an alert, resolution included; this only says whom to tell, which
  // is not ERE's to decide (see notificationTargets).
  spec.at('alertWhenResolved').boolean();
  const targets = spec.at('notificationTargets').items();
  if (targets && targets.length > 0) {
    spec
      .at('notificationTargets')
      .problem(
        'cannot be mapped: ERE delivers no notifications; its alert states are the ere_slo_alert_firing metric and ' +
          'GET /api/v1/slos — route those (e.g. with Alertmanager) and leave notificationTargets empty',
      );
  }
  const conditions = spec.at('conditions').required()?.items();
  if (!conditions) return undefined;
  if (conditions.length !== 1)
    return spec
      .at('conditions')
      .problem(
        'must hold exactly one condition (OpenSLO v1 allows one per policy); write one AlertPolicy per condition',
      );
  const condition = referencedOrInline(conditions[0]!, 'AlertCondition', 'conditionRef', documents);
  return condition && convertCondition(condition.at('spec'), ['alerting', 'tiers', index], origins);
}

function convertCondition(spec: Field, tierPath: (string | number)[], origins: Origins): TierInput | undefined {
  spec.mapping(['description', 'severity', 'condition']);
  spec.at('description').string();
  const severityText = spec.at('severity').required()?.string();
  const severity = severityText === undefined ? undefined : severities[severityText.toLowerCase()];
  if (severityText !== undefined && severity === undefined) {
    spec
      .at('severity')
      .problem(
        `"${severityText}" cannot be mapped to an ERE severity: use ` +
          `${namesOf('page').join(', ')} (ERE page) or ${namesOf('ticket').join(', ')} (ERE ticket)`,
      );
  }
  const condition = spec.at('condition');
  if (!condition.required()?.mapping(['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter'])) return undefined;
  const kind = condition.at('kind').string();
  if (kind !== undefined && kind !== 'burnrate')
    condition.at('kind').problem(`"${kind}" cannot be mapped: ERE alerts on burn rates only (kind: burnrate)`);
  const op = condition.at('op').required()?.string();
  if (op !== undefined && op !== 'gt' && op !== 'gte') {
    condition
      .at('op')
      .problem(
        `"${op}" cannot be mapped: an ERE tier fires when the burn rate is ` +
          `above the threshold, so op must be "gt" (or "gte")`,
      );
  }
  const threshold = condition.at('threshold').required()?.number();
  if (threshold !== undefined && threshold <= 0) condition.at('threshold').problem('must be a burn rate above 0');
  const longWindowMs = lookbackMs(condition.at('lookbackWindow'));
  checkAlertAfter(condition.at('alertAfter'));
  if (
    severity === undefined ||
    threshold === undefined ||
    threshold <= 0 ||
    longWindowMs === undefined ||
    (op !== 'gt' && op !== 'gte')
  )
    return undefined;
  origins.set(tierPath, condition);
  origins.set([...tierPath, 'severity'], spec.at('severity'));
  origins.set([...tierPath, 'burnRate'], condition.at('threshold'));
  origins.set([...tierPath, 'longWindow'], condition.at('lookbackWindow'));
  origins.set([...tierPath, 'shortWindow'], condition.at('lookbackWindow'));
  const shortWindowMs = Math.max(minuteMs, Math.round(longWindowMs / 12 / minuteMs) * minuteMs);
  return {
    severity,
    burnRate: threshold,
    longWindow: formatDurationText(longWindowMs),
    shortWindow: formatDurationText(shortWindowMs),
  };
}

function lookbackMs(field: Field): number | undefined {
  const text = field.required()?.string();
  if (text === undefined) return undefined;
  const shorthand = parseShorthand(text);
  const ms = shorthand && shorthandMs(shorthand);
  if (!ms)
    return field.problem(
      `"${text}" cannot be mapped: ERE alert windows are minutes, hours, ` +
        `days or weeks of a fixed length ("5m", "1h", "3d", "1w")`,
    );
  return ms;
}

/** ERE fires a tier as soon as both windows burn, with no pending period; only "fire at once" maps. */
function checkAlertAfter(field: Field): void {
  const text = field.string();
  if (text === undefined) return;
  if (parseShorthand(text)?.amount === 0) return;
  field.problem(
    `"${text}" cannot be honoured: an ERE tier fires as soon as both ` +
      `its windows burn faster than the threshold, without ` +
      `waiting; its short window (a twelfth of lookbackWindow) is what keeps a blip from firing it — use 0m`,
  );
}
