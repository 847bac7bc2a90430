-- Governance decisions simulated on a fork before they run: one row per simulation, with the stage the
-- decision was at, what started it, the block forked at, the outcome, the findings of the target's policy,
-- and the simulation's record (success or revert, events, balance, storage, proxy and code changes).

CREATE TABLE governance_verifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target TEXT NOT NULL,
  decision_type TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  -- appeared (a new decision or stage), before_eta, or retry (after a failed simulation).
  trigger TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  fork_block INTEGER,
  -- success, revert, error (the simulation could not run), or unsupported.
  outcome TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  duration_ms INTEGER NOT NULL,
  upstream_requests INTEGER NOT NULL DEFAULT 0,
  findings TEXT NOT NULL,
  result TEXT
);

CREATE INDEX governance_verifications_decision ON governance_verifications (target, decision_type, decision_id, id);
