-- SLO evaluations (one row per SLO and minute, for burn-down charts), the current state of each SLO's
-- burn-rate alerts, and every transition of them (what the alerting delivers).

CREATE TABLE slo_status_1m (
  slo TEXT NOT NULL,
  evaluated_at_ms INTEGER NOT NULL,
  window_good REAL NOT NULL,
  window_valid REAL NOT NULL,
  sli_ratio REAL,
  budget_remaining_ratio REAL,
  budget_consumed_ratio REAL,
  burn_rate_5m REAL,
  burn_rate_30m REAL,
  burn_rate_1h REAL,
  burn_rate_2h REAL,
  burn_rate_6h REAL,
  burn_rate_1d REAL,
  burn_rate_3d REAL,
  burn_rate_window REAL,
  page_firing INTEGER NOT NULL,
  ticket_firing INTEGER NOT NULL,
  PRIMARY KEY (slo, evaluated_at_ms)
) WITHOUT ROWID;
CREATE INDEX slo_status_1m_by_time ON slo_status_1m (evaluated_at_ms);

CREATE TABLE slo_alerts (
  slo TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (slo, severity)
) WITHOUT ROWID;

CREATE TABLE slo_alert_transitions (
  id INTEGER PRIMARY KEY,
  slo TEXT NOT NULL,
  severity TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  -- JSON: the tiers of that severity with their burn rates when it happened.
  detail TEXT NOT NULL
);
CREATE INDEX slo_alert_transitions_by_slo ON slo_alert_transitions (slo, at_ms);
