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

/** What an SLI counts over: some endpoints of a chain, or the chain itself. */
export interface SliSelection {
  chain: string;
  endpoints: readonly string[];
}

/** One SQL aggregate per minute over a rollup table: `good` and `valid` expressions, summed. */
export interface SliQuery {
  /**
   * Endpoint-minutes, endpoint checks (one row per endpoint, check and minute), chain-minutes, governance
   * outcomes (one row per decided subject), or validator outcomes (one row
   * per scope and epoch).
   */
  table:
    | 'rpc_rollups_1m'
    | 'rpc_correctness_1m'
    | 'canary_1m'
    | 'chain_rollups_1m'
    | 'governance_sli_outcomes'
    | 'validator_sli_outcomes';
  /**
   * Further equality filters on the table's columns (column → accepted values), set by the kind, never by users' SQL.
   */
  filters?: Readonly<Record<string, readonly string[]>>;
  /** SQL summed per minute for good events (whole minutes for per-minute kinds). */
  good: string;
  valid: string;
}

/** An SLO as the engine runs it: resolved from the config, nothing left to look up. */
export interface SloDefinition {
  id: string;
  service: string;
  description: string;
  /** Percent, as configured (99.9). */
  objectivePercent: number;
  /** Ratio (0.999). */
  objective: number;
  window: SloWindow;
  /** As configured: "30d", "month". */
  windowText: string;
  budgeting: Budgeting;
  /** Time slices: the share of good events that makes a minute good. */
  timesliceObjective: number;
  sli: { kind: string; description: string; selection: SliSelection; query: SliQuery };
  labels: Record<string, string>;
  alerting: { enabled: boolean; minValidEvents: number; tiers: BurnRateTier[] };
}
