// What an SLO is: an SLI counted in good and valid events, an objective, a window, and how it alerts.

/** A rolling window of fixed length, or the calendar month (UTC) the evaluation falls in. */
export type SloWindow = { kind: 'rolling'; durationMs: number } | { kind: 'calendar'; unit: 'month' };

export type Budgeting = 'occurrences' | 'timeslices';

export interface EventCounts {
  good: number;
  valid: number;
}

export type AlertSeverity = 'page' | 'ticket';

/** One tier of multi-window, multi-burn-rate alerting (SRE Workbook, "Alerting on SLOs"). */
export interface BurnRateTier {
  severity: AlertSeverity;
  /** Burn rate both windows must exceed. */
  burnRate: number;
  longWindowMs: number;
  shortWindowMs: number;
}

export type SloAlertState = 'inactive' | 'firing' | 'resolved';
