-- Data checks of RPC endpoints (chains[].correctness): per endpoint, check and minute, how many times the
-- endpoint agreed, disagreed, or could not be judged (the correctness SLI reads these, kept with the
-- rollups); and every disagreement with its block and message (kept with the raw samples), from which a
-- restart restores what holds an endpoint unhealthy.

CREATE TABLE rpc_correctness_1m (
  endpoint TEXT NOT NULL,
  check_name TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  chain TEXT NOT NULL,
  agree INTEGER NOT NULL,
  disagree INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  PRIMARY KEY (endpoint, check_name, minute_ms)
) WITHOUT ROWID;
CREATE INDEX rpc_correctness_1m_by_minute ON rpc_correctness_1m (minute_ms);

CREATE TABLE rpc_correctness_disagreements (
  id INTEGER PRIMARY KEY,
  chain TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  check_name TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  block INTEGER,
  against TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX rpc_correctness_disagreements_by_endpoint ON rpc_correctness_disagreements (endpoint, check_name, at_ms);
CREATE INDEX rpc_correctness_disagreements_by_time ON rpc_correctness_disagreements (at_ms);
