-- Validators watched through the Beacon API: where each chain's processing stands, per-epoch aggregates per
-- scope, each watched validator's running state and misses, proposer duties with their outcomes, and the
-- validator SLI events.

-- The next epoch each stage of a chain will process: `blocks` (proposals and sync committee, once the epoch
-- is over), `attestations` (attestation rewards, balances and statuses, two epochs later), `finality`
-- (proposals checked again once the epoch is finalized).
CREATE TABLE validator_cursors (
  chain TEXT NOT NULL,
  stage TEXT NOT NULL,
  next_epoch INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (chain, stage)
) WITHOUT ROWID;

-- One row per chain, epoch and scope (`network`, `watched`, `operator:kiln`…); each stage fills its columns.
CREATE TABLE validator_epochs (
  chain TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  scope TEXT NOT NULL,
  validators INTEGER,
  active INTEGER,
  status_counts TEXT,
  balance_gwei REAL,
  balance_change_gwei REAL,
  attestations_due INTEGER,
  attestations_missed INTEGER,
  attestations_effective INTEGER,
  source_correct INTEGER,
  target_correct INTEGER,
  head_correct INTEGER,
  inactivity_leak INTEGER,
  slashed_new INTEGER,
  proposals_due INTEGER,
  proposals_missed INTEGER,
  proposals_finalized_due INTEGER,
  proposals_finalized_missed INTEGER,
  sync_due INTEGER,
  sync_missed INTEGER,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (chain, scope, epoch)
) WITHOUT ROWID;
CREATE INDEX validator_epochs_by_epoch ON validator_epochs (chain, epoch);

-- Each watched validator as last seen, with the streaks that alerts need across a restart.
CREATE TABLE validator_state (
  chain TEXT NOT NULL,
  validator_index INTEGER NOT NULL,
  pubkey TEXT NOT NULL,
  status TEXT NOT NULL,
  balance_gwei REAL NOT NULL,
  activation_epoch REAL NOT NULL,
  exit_epoch REAL NOT NULL,
  slashed INTEGER NOT NULL,
  missed_in_a_row INTEGER NOT NULL DEFAULT 0,
  balance_decreasing_epochs INTEGER NOT NULL DEFAULT 0,
  last_attestation_epoch INTEGER,
  last_outcome TEXT,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (chain, validator_index)
) WITHOUT ROWID;

-- Every miss of a watched validator (`attestation`, `proposal`, `sync`), kept for `validators.missesRetention`.
-- `slot` is -1 for an attestation; `count` is the sync committee slots missed in the epoch.
CREATE TABLE validator_misses (
  chain TEXT NOT NULL,
  validator_index INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  duty TEXT NOT NULL,
  slot INTEGER NOT NULL DEFAULT -1,
  count INTEGER NOT NULL DEFAULT 1,
  detail TEXT,
  recorded_ms INTEGER NOT NULL,
  PRIMARY KEY (chain, validator_index, epoch, duty, slot)
) WITHOUT ROWID;
CREATE INDEX validator_misses_by_time ON validator_misses (recorded_ms);

-- Proposer duties of every processed slot, the outcome at head and once finalized.
CREATE TABLE validator_proposals (
  chain TEXT NOT NULL,
  slot INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  validator_index INTEGER NOT NULL,
  watched INTEGER NOT NULL,
  dependent_root TEXT NOT NULL,
  head_outcome TEXT NOT NULL,
  finalized_outcome TEXT,
  block_root TEXT,
  recorded_ms INTEGER NOT NULL,
  PRIMARY KEY (chain, slot)
) WITHOUT ROWID;
CREATE INDEX validator_proposals_by_validator ON validator_proposals (chain, validator_index, epoch);

-- Slashings of watched validators, when ERE first saw them.
CREATE TABLE validator_slashings (
  chain TEXT NOT NULL,
  validator_index INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  seen_ms INTEGER NOT NULL,
  PRIMARY KEY (chain, validator_index)
) WITHOUT ROWID;

-- Validator SLI events per scope: one row per epoch, counted in the minute ERE processed it so that a
-- minute the SLO engine has counted never changes.
CREATE TABLE validator_sli_outcomes (
  chain TEXT NOT NULL,
  scope TEXT NOT NULL,
  sli TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  minute_ms INTEGER NOT NULL,
  good INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  PRIMARY KEY (chain, sli, scope, epoch)
) WITHOUT ROWID;
CREATE INDEX validator_sli_outcomes_by_minute ON validator_sli_outcomes (chain, sli, scope, minute_ms);
