// What an alert is once a rule has judged it: labels that identify it (and give its fingerprint),
// annotations for people, a lifecycle state, and the notifications that tell receivers about it.

/** Label name → value. `alertname` and `severity` are always present. */
export type AlertLabels = Readonly<Record<string, string>>;

/**
 * Severities a rule may give. SLO burn-rate alerts use `page` and `ticket` (the SRE Workbook's, and Sloth's,
 * names); threshold rules may use those or PagerDuty's four.
 */
export const alertSeverities = ['page', 'ticket', 'critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof alertSeverities)[number];

/**
 * Lifecycle (Prometheus' semantics): a condition that becomes true makes the alert `pending`; true for the
 * rule's `for`, it is `firing`; false again (for longer than `keep_firing_for` once firing) it is `resolved`,
 * or `inactive` when it never fired.
 */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';

/** The alert as a notification carries it: frozen at the transition that caused the notification. */
export interface AlertSnapshot {
  fingerprint: string;
  /** The rule's name, also the `alertname` label. */
  rule: string;
  labels: AlertLabels;
  /** Templated: `summary`, `description`, `runbook_url`, and any others the rule sets. */
  annotations: Readonly<Record<string, string>>;
  severity: Severity;
  status: 'firing' | 'resolved';
  /** When it started firing. */
  startsAtMs: number;
  /** When it resolved; null while firing. */
  endsAtMs: number | null;
  /** The value that made the rule fire (or the last one seen), when the rule has one. */
  value: number | null;
  /** A link to the alert in ERE's API. */
  generatorUrl: string;
}

/** `reminder`: a repeat of `firing` for an alert that is still firing (or a re-send Alertmanager needs). */
export type NotificationKind = 'firing' | 'resolved' | 'reminder';

export interface Notification {
  /** The outbox row's id. */
  id: number;
  kind: NotificationKind;
  /**
   * The same on every attempt to deliver this notification, different for every other notification:
   * `<fingerprint>:<transition id>`, with `:<n>` for the nth repeat. Receivers deduplicate with it.
   */
  idempotencyKey: string;
  alert: AlertSnapshot;
  createdAtMs: number;
}

/** What one request to a receiver carries: notifications of one group, one per alert, in order. */
export interface NotificationBatch {
  receiver: string;
  /** Identifies the group (receiver, route and group_by values); stable across restarts. */
  groupKey: string;
  /** The group_by labels' values. */
  groupLabels: AlertLabels;
  notifications: Notification[];
  /** ERE's base URL, for links. */
  externalUrl: string;
  /** A test message sent by `ere test-notify`: receivers mark it clearly. */
  test: boolean;
}

/**
 * A receiver's answer. `retry`: worth trying again (HTTP 429 and 5xx, timeouts, refused connections);
 * `failed`: it will not succeed as it is (another 4xx: a bad key, a deleted webhook).
 */
export type DeliveryResult =
  | { outcome: 'delivered'; statusCode: number | null; detail?: string }
  | { outcome: 'retry'; statusCode: number | null; error: string; retryAfterMs?: number }
  | { outcome: 'failed'; statusCode: number | null; error: string };

/** Common label value of every alert in a batch, as Alertmanager computes `commonLabels`. */
export function commonEntries(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const [first, ...rest] = maps;
  return Object.fromEntries(Object.entries(first!).filter(([name, value]) => rest.every((map) => map[name] === value)));
}
