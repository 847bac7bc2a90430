-- The canary (chains[].canary): every transaction it sent, each attempt a row, written before it is
-- broadcast so that a restart finds what is in flight before it sends another; and per endpoint and minute,
-- the canaries sent through the endpoint and those included in time (the tx_inclusion SLI reads these,
-- kept with the rollups). No key and no endpoint's words are kept: a refusal is stored as its class.

CREATE TABLE canary_transactions (
  id INTEGER PRIMARY KEY,
  chain TEXT NOT NULL,
  address TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  hash TEXT NOT NULL,
  endpoints TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  first_sent_at_ms INTEGER NOT NULL,
  max_fee_per_gas TEXT NOT NULL,
  max_priority_fee_per_gas TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  block_number INTEGER,
  included_at_ms INTEGER,
  inclusion_seconds REAL,
  inclusion_block_seconds REAL,
  propagation TEXT,
  counted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX canary_transactions_by_chain ON canary_transactions (chain, address, id);
CREATE INDEX canary_transactions_by_status ON canary_transactions (status);
CREATE INDEX canary_transactions_by_time ON canary_transactions (sent_at_ms);

CREATE TABLE canary_1m (
  endpoint TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  chain TEXT NOT NULL,
  sent INTEGER NOT NULL,
  included_in_time INTEGER NOT NULL,
  PRIMARY KEY (endpoint, minute_ms)
) WITHOUT ROWID;
CREATE INDEX canary_1m_by_minute ON canary_1m (minute_ms);
