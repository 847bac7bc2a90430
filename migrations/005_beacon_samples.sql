-- Raw beacon endpoint probe samples, one row per probe, kept as long as the raw RPC samples. The newest row
-- of each endpoint seeds the beacon tracker after a restart.

CREATE TABLE beacon_samples (
  id INTEGER PRIMARY KEY,
  chain TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  healthy INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  error_class TEXT,
  error_message TEXT,
  head_slot INTEGER,
  finalized_epoch INTEGER,
  justified_epoch INTEGER,
  syncing INTEGER,
  sync_distance INTEGER,
  optimistic INTEGER,
  peer_count INTEGER,
  version TEXT,
  wall_clock_slot INTEGER,
  head_age_seconds REAL,
  lag_slots INTEGER,
  finality_distance_epochs INTEGER
);
-- The newest sample of an endpoint is the last entry of its range: one index seek per endpoint.
CREATE INDEX beacon_samples_by_endpoint ON beacon_samples (endpoint, at_ms);
CREATE INDEX beacon_samples_by_time ON beacon_samples (at_ms);
