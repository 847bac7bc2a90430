// Prometheus metrics of validator monitoring, per chain and scope (`network`, `watched`, and one per label
// of the watched sets, so the cardinality is fixed by the config). Counters move with the tracker's hooks as
// each epoch is processed; gauges show the last processed epoch and are read from the tracker at scrape.
// Per-validator series exist only for the validators a set opts in for (`perValidatorMetrics`, a small set
// bounded by `validators.perValidatorLimit`), under `ere_validator_detail_*`.

import { Counter, Histogram, type Registry } from 'prom-client';
import { validatorStatuses } from '../domain/beacon.js';
import type { ValidatorTracker, ValidatorTrackerHooks } from './validator-tracker.js';
import type { ValidatorStage } from './validator-store.js';
import { scrapeGauge, type SetSeries } from '../metrics/scrape-gauge.js';

type ScopeLabels = 'chain' | 'scope';
const stages: readonly ValidatorStage[] = ['blocks', 'attestations', 'finality'];

/** Counters fed by the tracker's hooks; they exist before the tracker does. */
export function createValidatorEpochMetrics(
  registry: Registry,
  chains: readonly { chain: string; scopes: readonly string[] }[],
) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const attestations = counter(
    'ere_validator_attestations_total',
    'Attestation duties judged, by outcome: effective (correct and timely source, target and head), ' +
      'ineffective (included late or wrong), missed, unknown (the node gave no reading).',
    ['chain', 'scope', 'outcome'],
  );
  const proposals = counter(
    'ere_validator_proposals_total',
    'Proposer duties judged, by outcome (proposed, missed) and stage: head once the epoch ' +
      'is over, finalized once it is final (an orphaned block is missed there).',
    ['chain', 'scope', 'outcome', 'stage'],
  );
  const sync = counter(
    'ere_validator_sync_committee_signatures_total',
    'Sync committee signatures due in blocks, by outcome (signed, missed).',
    ['chain', 'scope', 'outcome'],
  );
  const syncUnknown = counter(
    'ere_validator_sync_committee_unknown_blocks_total',
    'Blocks whose sync committee signatures are unknown, by error class: the node did ' +
      "not give their rewards (not_found: it no longer has the block's state).",
    ['chain', 'error_class'],
  );
  const slashings = counter('ere_validator_slashings_total', 'Validators seen slashed for the first time.', [
    'chain',
    'scope',
  ]);
  const epochs = counter('ere_validator_epochs_processed_total', 'Epochs processed, by stage.', ['chain', 'stage']);
  const skipped = counter(
    'ere_validator_epochs_skipped_total',
    'Epochs a stage gave up on because no endpoint had their data.',
    ['chain', 'stage'],
  );
  const errors = counter(
    'ere_validator_stage_errors_total',
    'Failed attempts of a stage on one endpoint, by error class; the stage moves to the next endpoint.',
    ['chain', 'stage', 'error_class'],
  );
  const dutyReorgs = counter(
    'ere_validator_duty_reorgs_total',
    'Proposer duties whose dependent root changed after they were read: re-fetched and judged again.',
    ['chain'],
  );
  const duration = new Histogram<'chain' | 'stage'>({
    name: 'ere_validator_epoch_processing_seconds',
    help: 'Time to process one epoch of a stage, requests included.',
    labelNames: ['chain', 'stage'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  for (const { chain, scopes } of chains) {
    for (const stage of stages) {
      epochs.inc({ chain, stage }, 0);
      skipped.inc({ chain, stage }, 0);
    }
    dutyReorgs.inc({ chain }, 0);
    syncUnknown.inc({ chain, error_class: 'not_found' }, 0);
    for (const scope of scopes) {
      for (const outcome of ['effective', 'ineffective', 'missed', 'unknown'])
        attestations.inc({ chain, scope, outcome }, 0);
      for (const outcome of ['proposed', 'missed'])
        for (const stage of ['head', 'finalized']) proposals.inc({ chain, scope, outcome, stage }, 0);
      for (const outcome of ['signed', 'missed']) sync.inc({ chain, scope, outcome }, 0);
      slashings.inc({ chain, scope }, 0);
    }
  }
  const hooks: ValidatorTrackerHooks = {
    onAttestationEpoch: (chain, result, durationMs) => {
      epochs.inc({ chain, stage: 'attestations' });
      duration.observe({ chain, stage: 'attestations' }, durationMs / 1_000);
      for (const totals of result.scopes) {
        const labels = { chain, scope: totals.scope };
        attestations.inc({ ...labels, outcome: 'effective' }, totals.effective);
        attestations.inc({ ...labels, outcome: 'ineffective' }, totals.ineffective);
        attestations.inc({ ...labels, outcome: 'missed' }, totals.missed);
        attestations.inc({ ...labels, outcome: 'unknown' }, totals.unknown);
        slashings.inc(labels, totals.slashedNew);
      }
    },
    onBlockEpoch: (chain, result, durationMs) => {
      epochs.inc({ chain, stage: 'blocks' });
      duration.observe({ chain, stage: 'blocks' }, durationMs / 1_000);
      for (const totals of result.scopes) {
        const labels = { chain, scope: totals.scope };
        proposals.inc({ ...labels, outcome: 'proposed', stage: 'head' }, totals.proposalsDue - totals.proposalsMissed);
        proposals.inc({ ...labels, outcome: 'missed', stage: 'head' }, totals.proposalsMissed);
        sync.inc({ ...labels, outcome: 'signed' }, totals.syncDue - totals.syncMissed);
        sync.inc({ ...labels, outcome: 'missed' }, totals.syncMissed);
      }
      for (const { errorClass } of result.syncUnknown) syncUnknown.inc({ chain, error_class: errorClass });
    },
    onFinalizedEpoch: (chain, _epoch, _proposals, scopes) => {
      epochs.inc({ chain, stage: 'finality' });
      for (const totals of scopes) {
        proposals.inc(
          { chain, scope: totals.scope, outcome: 'proposed', stage: 'finalized' },
          totals.proposalsDue - totals.proposalsMissed,
        );
        proposals.inc({ chain, scope: totals.scope, outcome: 'missed', stage: 'finalized' }, totals.proposalsMissed);
      }
    },
    onDutyReorg: (chain) => dutyReorgs.inc({ chain }),
    onStageError: (chain, stage, _epoch, _endpoint, error) => {
      const errorClass = (error as { errorClass?: unknown }).errorClass;
      errors.inc({ chain, stage, error_class: typeof errorClass === 'string' ? errorClass : 'unexpected' });
    },
    onEpochSkipped: (chain, stage) => skipped.inc({ chain, stage }),
  };
  return { hooks };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Gauges of the last processed epochs, read from the tracker at scrape. */
export function createValidatorMetrics(
  registry: Registry,
  tracker: Pick<
    ValidatorTracker,
    'chains' | 'lastAttestation' | 'lastBlocks' | 'status' | 'watchList' | 'watchedValidators'
  >,
): void {
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (set: SetSeries<L>) => void,
  ) => scrapeGauge(registry, name, help, labelNames, collect);
  const perScope =
    <T>(read: (chain: string) => readonly (T & { scope: string })[] | undefined, value: (totals: T) => number | null) =>
    (set: (labels: Record<ScopeLabels, string>, value: number | null) => void) => {
      for (const chain of tracker.chains())
        for (const totals of read(chain) ?? []) set({ chain, scope: totals.scope }, value(totals));
    };
  const attestation = (chain: string) => tracker.lastAttestation(chain)?.scopes;
  const blocks = (chain: string) => tracker.lastBlocks(chain)?.scopes;

  gauge(
    'ere_validator_validators',
    'Validators by status in the last processed validator list.',
    ['chain', 'scope', 'status'],
    (set) => {
      for (const chain of tracker.chains())
        for (const totals of attestation(chain) ?? [])
          for (const status of validatorStatuses)
            set({ chain, scope: totals.scope, status }, totals.statusCounts[status]);
    },
  );
  gauge(
    'ere_validator_balance_gwei',
    'Summed balance, in gwei, in the last processed validator list.',
    ['chain', 'scope'],
    perScope(attestation, (totals) => totals.balanceGwei),
  );
  gauge(
    'ere_validator_balance_change_gwei',
    'Change of the summed balance over the last processed epoch (rewards, penalties, withdrawals, deposits), in gwei.',
    ['chain', 'scope'],
    perScope(attestation, (totals) => totals.balanceChangeGwei),
  );
  gauge(
    'ere_validator_attestation_effectiveness_ratio',
    "Share of the last processed epoch's attestation duties that were effective (correct and timely).",
    ['chain', 'scope'],
    perScope(attestation, (totals) => ratio(totals.effective, totals.attestationsDue - totals.unknown)),
  );
  gauge(
    'ere_validator_attestation_miss_ratio',
    "Share of the last processed epoch's attestation duties that were missed.",
    ['chain', 'scope'],
    perScope(attestation, (totals) => ratio(totals.missed, totals.attestationsDue - totals.unknown)),
  );
  gauge(
    'ere_validator_attestation_duties',
    'Attestation duties in the last processed epoch (active, unslashed validators).',
    ['chain', 'scope'],
    perScope(attestation, (totals) => totals.attestationsDue),
  );
  gauge(
    'ere_validator_missing_in_a_row',
    'Watched validators that missed at least the alert threshold of attestations in a row.',
    ['chain', 'scope'],
    perScope(attestation, (totals) => (totals.scope === 'network' ? null : totals.missingInARow)),
  );
  gauge(
    'ere_validator_max_missed_in_a_row',
    "The longest run of missed attestations among the scope's validators.",
    ['chain', 'scope'],
    perScope(attestation, (totals) => (totals.scope === 'network' ? null : totals.maxMissedInARow)),
  );
  gauge(
    'ere_validator_balance_decreasing',
    'Watched validators whose balance fell at least the alert threshold of epochs in a row.',
    ['chain', 'scope'],
    perScope(attestation, (totals) => (totals.scope === 'network' ? null : totals.balanceDecreasing)),
  );
  gauge(
    'ere_validator_proposal_miss_ratio',
    "Share of the last epoch's proposer duties missed at head.",
    ['chain', 'scope'],
    perScope(blocks, (totals) => ratio(totals.proposalsMissed, totals.proposalsDue)),
  );
  gauge(
    'ere_validator_sync_committee_participation_ratio',
    "Share of the last epoch's sync committee signatures given.",
    ['chain', 'scope'],
    perScope(blocks, (totals) => ratio(totals.syncDue - totals.syncMissed, totals.syncDue)),
  );
  gauge(
    'ere_validator_watched',
    'Validators watched, as configured and resolved (public keys resolve once the validator list shows them).',
    ['chain', 'scope'],
    (set) => {
      for (const chain of tracker.chains()) {
        const watch = tracker.watchList(chain)!;
        const counts = new Map<number, number>();
        for (const index of watch.indices())
          for (const scope of watch.scopesOf(index)!) counts.set(scope, (counts.get(scope) ?? 0) + 1);
        watch.scopes.forEach((scope, id) => {
          if (id > 0) set({ chain, scope }, counts.get(id) ?? 0);
        });
      }
    },
  );
  gauge(
    'ere_validator_unresolved_pubkeys',
    'Watched public keys not found in the validator list yet.',
    ['chain'],
    (set) => {
      for (const chain of tracker.chains()) set({ chain }, tracker.watchList(chain)!.unresolvedPubkeys);
    },
  );
  // Absent until the stage has processed an epoch since start, as ere_validator_epochs_processed_total is 0.
  gauge(
    'ere_validator_last_processed_epoch',
    'The last epoch each stage processed since start; absent until it has processed one.',
    ['chain', 'stage'],
    (set) => {
      for (const chain of tracker.chains()) {
        const processed = tracker.status(chain)!.lastProcessed;
        for (const stage of stages) set({ chain, stage }, processed[stage]);
      }
    },
  );
  gauge(
    'ere_validator_attestation_epochs_behind',
    'Epochs the attestation stage is behind the head allows.',
    ['chain'],
    (set) => {
      for (const chain of tracker.chains()) set({ chain }, tracker.status(chain)!.attestationEpochsBehind);
    },
  );
  gauge(
    'ere_validator_block_epochs_behind',
    'Epochs the blocks stage (proposals, sync committee) is behind the head allows.',
    ['chain'],
    (set) => {
      for (const chain of tracker.chains()) set({ chain }, tracker.status(chain)!.blockEpochsBehind);
    },
  );

  // Opt-in per-validator series: a small, configured set.
  const detail = (
    set: (labels: Record<'chain' | 'validator', string>, value: number | null) => void,
    value: (
      state: ReturnType<typeof tracker.watchedValidators> extends ReadonlyMap<number, infer S> ? S : never,
    ) => number | null,
  ) => {
    for (const chain of tracker.chains()) {
      const states = tracker.watchedValidators(chain);
      for (const index of tracker.watchList(chain)!.detailedIndices()) {
        const state = states.get(index);
        if (state) set({ chain, validator: String(index) }, value(state));
      }
    }
  };
  gauge(
    'ere_validator_detail_balance_gwei',
    'Balance of a validator opted in for per-validator series, in gwei.',
    ['chain', 'validator'],
    (set) => detail(set, (state) => state.balanceGwei),
  );
  gauge(
    'ere_validator_detail_missed_in_a_row',
    'Attestations missed in a row by a validator opted in for per-validator series.',
    ['chain', 'validator'],
    (set) => detail(set, (state) => state.missedInARow),
  );
  gauge(
    'ere_validator_detail_slashed',
    '1 when a validator opted in for per-validator series is slashed.',
    ['chain', 'validator'],
    (set) => detail(set, (state) => (state.slashed ? 1 : 0)),
  );
}
