// Complete, valid alerts, notifications and batches for receiver tests, with any fields overridden.

import type { AlertSnapshot, Notification, NotificationBatch, NotificationKind } from '../../src/domain/alert.js';

/** 2023-11-14T22:13:20Z: a fixed "now" for tests. */
export const alertNowMs = 1_700_000_000_000;

export function testAlert(overrides: Partial<AlertSnapshot> = {}): AlertSnapshot {
  const fingerprint = overrides.fingerprint ?? 'a1b2c3d4e5f60718';
  const rule = overrides.rule ?? 'SloErrorBudgetBurn';
  const severity = overrides.severity ?? 'page';
  return {
    fingerprint,
    rule,
    labels: { alertname: rule, severity, chain: 'mainnet', endpoint: 'infura', slo: 'rpc-availability' },
    annotations: {
      summary: 'RPC availability SLO is burning its error budget',
      description: 'mainnet/infura: 14.4x burn rate over 1h and 5m',
      runbook_url: 'https://runbooks.example.com/slo-burn',
    },
    severity,
    status: 'firing',
    startsAtMs: alertNowMs - 3 * 3_600_000 - 12 * 60_000,
    endsAtMs: null,
    value: 14.4,
    generatorUrl: `http://ere.example.com:9470/api/v1/alerts/${fingerprint}`,
    ...overrides,
  };
}

/** A resolved copy of `alert`, ended at `endsAtMs`. */
export function resolvedAlert(alert: AlertSnapshot, endsAtMs = alertNowMs): AlertSnapshot {
  return { ...alert, status: 'resolved', endsAtMs };
}

let nextId = 1;

/** A notification of `alert`; `kind` follows the alert's status unless given. */
export function testNotification(
  alert: AlertSnapshot = testAlert(),
  fields: Partial<Notification> & { kind?: NotificationKind } = {},
): Notification {
  const id = fields.id ?? nextId++;
  const kind = fields.kind ?? (alert.status === 'resolved' ? 'resolved' : 'firing');
  return { id, kind, idempotencyKey: `${alert.fingerprint}:${id}`, alert, createdAtMs: alertNowMs, ...fields };
}

/** A batch of `items`: alerts become notifications of their status, notifications are kept as they are. */
export function testBatch(
  items: readonly (AlertSnapshot | Notification)[],
  overrides: Partial<NotificationBatch> = {},
): NotificationBatch {
  return {
    receiver: 'team-chat',
    groupKey: '{}/{}:{alertname="SloErrorBudgetBurn"}',
    groupLabels: { alertname: 'SloErrorBudgetBurn' },
    notifications: items.map((item) => ('alert' in item ? item : testNotification(item))),
    externalUrl: 'http://ere.example.com:9470',
    test: false,
    ...overrides,
  };
}
