// Multi-window, multi-burn-rate alert tiers (SRE Workbook, "Alerting on SLOs"), scaled to the SLO's window,
// and the decision whether a tier fires. Pure.

import type { AlertSeverity, BurnRateTier, SloWindow } from '../domain/slo.js';
import { dayMs, hourMs, minuteMs, nominalWindowMs } from './window.js';

/** The Workbook's defaults for a 30-day window: the share of budget each tier catches, and its windows. */
export const workbookTiers: readonly {
  severity: AlertSeverity;
  budgetShare: number;
  longWindowMs: number;
  shortWindowMs: number;
}[] = [
  { severity: 'page', budgetShare: 0.02, longWindowMs: hourMs, shortWindowMs: 5 * minuteMs },
  { severity: 'page', budgetShare: 0.05, longWindowMs: 6 * hourMs, shortWindowMs: 30 * minuteMs },
  { severity: 'ticket', budgetShare: 0.1, longWindowMs: dayMs, shortWindowMs: 2 * hourMs },
  { severity: 'ticket', budgetShare: 0.1, longWindowMs: 3 * dayMs, shortWindowMs: 6 * hourMs },
];

const referenceWindowMs = 30 * dayMs;

/** Rounds to whole minutes (the rollups' resolution), at least one. */
const toMinutes = (ms: number) => Math.max(minuteMs, Math.round(ms / minuteMs) * minuteMs);

/**
 * The default tiers for a window: windows scale with the SLO window (a 7-day SLO pages on 14 min and
 * 1 min), and each threshold is the burn rate that spends the tier's budget share in its long window,
 * so a 30-day SLO gets exactly 14.4, 6, 3 and 1.
 */
export function defaultTiers(window: SloWindow): BurnRateTier[] {
  const windowMs = nominalWindowMs(window);
  return workbookTiers.map((tier) => {
    const longWindowMs = toMinutes((tier.longWindowMs * windowMs) / referenceWindowMs);
    const shortWindowMs = toMinutes((tier.shortWindowMs * windowMs) / referenceWindowMs);
    return {
      severity: tier.severity,
      burnRate: round((tier.budgetShare * windowMs) / longWindowMs),
      longWindowMs,
      shortWindowMs,
    };
  });
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

export interface TierInput {
  longBurnRate: number | null;
  shortBurnRate: number | null;
  /** Valid events in the long window: fewer than the guard's minimum cannot page anyone. */
  longValidEvents: number;
}

/** A tier fires when both windows burn faster than its threshold and the long window has enough events. */
export function tierFires(tier: BurnRateTier, input: TierInput, minValidEvents: number): boolean {
  if (input.longValidEvents < minValidEvents) return false;
  if (input.longBurnRate === null || input.shortBurnRate === null) return false;
  return input.longBurnRate > tier.burnRate && input.shortBurnRate > tier.burnRate;
}
