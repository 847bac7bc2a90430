-- Alerting: the alerts that are pending or firing, every transition of every alert, silences, and the
-- notification outbox with each delivery attempt. A notification row is written in the same transaction
-- as the transition that caused it, and is only marked delivered after the receiver said so.

CREATE TABLE alerts (
  fingerprint TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  -- JSON objects, labels sorted by name.
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing')),
  value REAL,
  active_since_ms INTEGER NOT NULL,
  firing_since_ms INTEGER,
  last_active_ms INTEGER NOT NULL,
  -- The transition that made it fire: notifications of this firing episode refer to it.
  firing_transition_id INTEGER,
  acked_by TEXT,
  acked_at_ms INTEGER,
  ack_comment TEXT,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE alert_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  value REAL,
  -- When the firing episode began (for resolved transitions: when it started firing).
  starts_at_ms INTEGER
);
CREATE INDEX alert_transitions_by_time ON alert_transitions (at_ms);
CREATE INDEX alert_transitions_by_alert ON alert_transitions (fingerprint, id);

CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  -- JSON array of {name, value, isRegex, isEqual}.
  matchers TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  ends_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- The outbox. One row per notification and receiver; `seq` counts the repeats of one transition to one
-- receiver (0: the transition itself), so (transition_id, receiver, seq) is the idempotency key.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transition_id INTEGER NOT NULL REFERENCES alert_transitions (id),
  seq INTEGER NOT NULL DEFAULT 0,
  fingerprint TEXT NOT NULL,
  receiver TEXT NOT NULL,
  group_key TEXT NOT NULL,
  -- JSON object of the group_by labels.
  group_labels TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('firing', 'resolved', 'reminder')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'suppressed')),
  -- Why a suppressed notification was not sent: silenced, inhibited, acknowledged.
  reason TEXT,
  -- JSON: the alert as the notification carries it.
  alert TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  -- Not sent before this (group_wait, group_interval).
  due_at_ms INTEGER NOT NULL,
  next_attempt_at_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  first_attempt_at_ms INTEGER,
  last_attempt_at_ms INTEGER,
  delivered_at_ms INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  UNIQUE (transition_id, receiver, seq)
);
CREATE INDEX notifications_pending ON notifications (receiver, fingerprint, id) WHERE status = 'pending';
CREATE INDEX notifications_by_group ON notifications (receiver, group_key, id);
CREATE INDEX notifications_by_alert ON notifications (fingerprint, receiver, id);
CREATE INDEX notifications_by_time ON notifications (created_at_ms);

CREATE TABLE notification_attempts (
  id INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications (id),
  at_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
  status_code INTEGER,
  error TEXT,
  duration_ms REAL NOT NULL
);
CREATE INDEX notification_attempts_by_notification ON notification_attempts (notification_id, id);
CREATE INDEX notification_attempts_by_time ON notification_attempts (at_ms);
