-- Raw RPC probe samples (kept 7 days by default) and the per-minute rollups SLO reports read (400 days).

CREATE TABLE rpc_samples (
  id INTEGER PRIMARY KEY,
  chain TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  healthy INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  error_class TEXT,
  error_message TEXT,
  chain_id INTEGER,
  head_block INTEGER,
  head_timestamp INTEGER,
  head_age_seconds REAL,
  lag_blocks INTEGER,
  lag_seconds REAL,
  syncing INTEGER,
  peer_count INTEGER,
  gas_used INTEGER,
  gas_limit INTEGER,
  base_fee_per_gas_wei REAL,
  client_version TEXT,
  batched INTEGER NOT NULL
);
CREATE INDEX rpc_samples_by_endpoint ON rpc_samples (endpoint, at_ms);
CREATE INDEX rpc_samples_by_time ON rpc_samples (at_ms);

-- One row per endpoint and minute. Latency buckets are cumulative counts of successful probes with a
-- latency at or below the bound, so "good = ok and latency <= T" is one column for T on a bound.
CREATE TABLE rpc_rollups_1m (
  endpoint TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  chain TEXT NOT NULL,
  total_count INTEGER NOT NULL,
  ok_count INTEGER NOT NULL,
  healthy_count INTEGER NOT NULL,
  ok_latency_sum_ms REAL NOT NULL,
  ok_latency_max_ms REAL,
  ok_latency_le_25_ms INTEGER NOT NULL,
  ok_latency_le_50_ms INTEGER NOT NULL,
  ok_latency_le_100_ms INTEGER NOT NULL,
  ok_latency_le_250_ms INTEGER NOT NULL,
  ok_latency_le_500_ms INTEGER NOT NULL,
  ok_latency_le_1000_ms INTEGER NOT NULL,
  ok_latency_le_2500_ms INTEGER NOT NULL,
  ok_latency_le_5000_ms INTEGER NOT NULL,
  ok_latency_le_10000_ms INTEGER NOT NULL,
  errors_timeout INTEGER NOT NULL,
  errors_http_status INTEGER NOT NULL,
  errors_rate_limited INTEGER NOT NULL,
  errors_jsonrpc_error INTEGER NOT NULL,
  errors_invalid_response INTEGER NOT NULL,
  errors_chain_id_mismatch INTEGER NOT NULL,
  errors_connection INTEGER NOT NULL,
  max_lag_blocks INTEGER,
  max_lag_seconds REAL,
  max_head_age_seconds REAL,
  max_head_block INTEGER,
  PRIMARY KEY (endpoint, minute_ms)
) WITHOUT ROWID;
CREATE INDEX rpc_rollups_1m_by_minute ON rpc_rollups_1m (minute_ms);

-- One row per chain and minute: what the chain looked like each time one of its endpoints was probed.
CREATE TABLE chain_rollups_1m (
  chain TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  observations INTEGER NOT NULL,
  configured_endpoints INTEGER NOT NULL,
  min_healthy_endpoints INTEGER NOT NULL,
  max_healthy_endpoints INTEGER NOT NULL,
  max_head_age_seconds REAL,
  max_consensus_head INTEGER,
  PRIMARY KEY (chain, minute_ms)
) WITHOUT ROWID;
CREATE INDEX chain_rollups_1m_by_minute ON chain_rollups_1m (minute_ms);
