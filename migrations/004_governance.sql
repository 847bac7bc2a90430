-- Governance: the decoded events of watched contracts (the source of truth every derived view is
-- replayed from), where ingestion of each target stands, recent block hashes for reorg checks, the
-- state read from the contracts directly, proposal state transitions, and governance SLI outcomes.

-- Every block up to and including block_number is ingested for the target; written in the same
-- transaction as the events it covers.
CREATE TABLE governance_cursors (
  target TEXT PRIMARY KEY,
  chain TEXT NOT NULL,
  address TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);

-- Hashes of the blocks ingestion stopped at, newest kept, to find the fork point after a reorg.
CREATE TABLE governance_checkpoints (
  target TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  PRIMARY KEY (target, block_number)
) WITHOUT ROWID;

-- AUTOINCREMENT: ids are never reused after a reorg deletes the newest rows, so the event feed's cursor
-- (the last id seen) never skips events of the new branch.
CREATE TABLE governance_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target TEXT NOT NULL,
  chain TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  block_time_ms INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  log_index INTEGER NOT NULL,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT,
  args TEXT NOT NULL,
  ingested_ms INTEGER NOT NULL,
  UNIQUE (target, block_number, log_index)
);
CREATE INDEX governance_events_by_key ON governance_events (target, key, name);
CREATE INDEX governance_events_by_time ON governance_events (block_time_ms);

-- The latest direct read of each target (owners, threshold, implementation slot, proposal states…).
CREATE TABLE governance_snapshots (
  target TEXT PRIMARY KEY,
  block_number INTEGER NOT NULL,
  block_time_ms INTEGER NOT NULL,
  read_ms INTEGER NOT NULL,
  state TEXT NOT NULL
);

-- When each proposal was first seen in each state.
CREATE TABLE governance_proposal_states (
  target TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  state TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  PRIMARY KEY (target, proposal_id, state)
) WITHOUT ROWID;

-- Governance SLI events, one per subject and SLI, counted in the minute they were recorded so that a
-- minute the SLO engine has counted never changes.
CREATE TABLE governance_sli_outcomes (
  target TEXT NOT NULL,
  chain TEXT NOT NULL,
  sli TEXT NOT NULL,
  subject TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  decided_ms INTEGER NOT NULL,
  good INTEGER NOT NULL,
  valid INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (target, sli, subject)
) WITHOUT ROWID;
CREATE INDEX governance_sli_outcomes_by_minute ON governance_sli_outcomes (chain, sli, minute_ms);
