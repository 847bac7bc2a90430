// Validators: how each scope of watched validators attests, proposes and signs against the network as a
// baseline (a scope falling alone is the operator's fault, falling with the network the chain's), their
// misses in a row, slashings and balances, and whether epoch processing keeps up.

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ereDashboard, labelVariable } from './dashboard.js';
import { bargauge, dashedSeries, quantile, rate, row, stat, table, timeseries } from './panels.js';

const chain = 'chain=~"$chain"';
const scope = 'chain=~"$chain", scope=~"$scope"';
const network = 'chain=~"$chain", scope="network"';
const watched = 'chain=~"$chain", scope=~"$scope", scope!="network"';

export function validatorsDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-validators',
    title: 'ERE / Validators',
    description:
      'Attestation effectiveness per scope against the network, misses, proposals, sync committee participation, ' +
      'slashings, balances and processing lag.',
    from: 'now-12h',
    variables: [
      labelVariable({
        name: 'chain',
        label: 'Chain',
        query: 'label_values(ere_validator_epochs_processed_total, chain)',
      }),
      labelVariable({
        name: 'scope',
        label: 'Scope',
        query: 'label_values(ere_validator_attestation_duties{chain=~"$chain"}, scope)',
      }),
    ],
    panels: [
      row('Attestations'),
      stat({
        title: 'Attestation effectiveness',
        description: 'Effective attestations over duties with a reading, last processed epoch.',
        queries: [
          { expr: `ere_validator_attestation_effectiveness_ratio{${scope}}`, legend: '{{scope}}', instant: true },
        ],
        unit: 'percentunit',
        decimals: 1,
        thresholds: [
          ['red', null],
          ['orange', 0.9],
          ['green', 0.97],
        ],
        w: 12,
      }),
      stat({
        title: 'Validators missing in a row',
        description: 'Validators with at least alerting.validators.missedInARow misses in a row.',
        queries: [{ expr: `ere_validator_missing_in_a_row{${watched}}`, legend: '{{scope}}', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        w: 6,
      }),
      stat({
        title: 'Slashings',
        description: 'Validators seen slashed for the first time, per hour, over the dashboard range.',
        queries: [
          {
            expr: `sum by (scope) (rate(ere_validator_slashings_total{${scope}}[$__range])) * 3600`,
            legend: '{{scope}}',
            instant: true,
          },
        ],
        thresholds: [
          ['green', null],
          ['red', 0.000001],
        ],
        w: 6,
      }),
      timeseries({
        title: 'Attestation effectiveness vs network',
        description:
          'Each scope against the whole network (dashed): a scope falling alone is its operator; with the network, ' +
          'the chain.',
        queries: [
          { expr: `ere_validator_attestation_effectiveness_ratio{${watched}}`, legend: '{{scope}}' },
          { expr: `ere_validator_attestation_effectiveness_ratio{${network}}`, legend: 'network' },
        ],
        unit: 'percentunit',
        max: 1,
        overrides: [dashedSeries('network')],
      }),
      timeseries({
        title: 'Attestation miss ratio vs network',
        description: 'Missed over duties with a reading, last processed epoch.',
        queries: [
          { expr: `ere_validator_attestation_miss_ratio{${watched}}`, legend: '{{scope}}' },
          { expr: `ere_validator_attestation_miss_ratio{${network}}`, legend: 'network' },
        ],
        unit: 'percentunit',
        min: 0,
        overrides: [dashedSeries('network')],
      }),
      timeseries({
        title: 'Attestation duties by outcome',
        description: 'Duties judged per minute: effective, ineffective (late or wrong), missed, unknown (no reading).',
        queries: [
          {
            expr: rate('ere_validator_attestations_total', watched, ['scope', 'outcome'], true),
            legend: '{{scope}} {{outcome}}',
          },
        ],
        min: 0,
        stack: true,
      }),
      timeseries({
        title: 'Misses in a row',
        description:
          'The longest run of missed attestations in each scope, and validators at or over the alert threshold.',
        queries: [
          { expr: `ere_validator_max_missed_in_a_row{${watched}}`, legend: '{{scope}} longest run' },
          { expr: `ere_validator_missing_in_a_row{${watched}}`, legend: '{{scope}} validators missing' },
        ],
        decimals: 0,
        min: 0,
        stepped: true,
      }),
      row('Proposals and sync committee'),
      timeseries({
        title: 'Proposals by outcome',
        description:
          'Proposer duties per hour: proposed or missed, at head and at finality (an orphaned block is missed there).',
        queries: [
          {
            expr: `${rate('ere_validator_proposals_total', scope, ['scope', 'outcome', 'stage'])} * 3600`,
            legend: '{{scope}} {{outcome}} ({{stage}})',
          },
        ],
        min: 0,
      }),
      timeseries({
        title: 'Proposal miss ratio',
        description: "Share of the last blocks epoch's proposer duties missed at head; absent when none were due.",
        queries: [{ expr: `ere_validator_proposal_miss_ratio{${scope}}`, legend: '{{scope}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
      }),
      timeseries({
        title: 'Sync committee participation',
        description: "Share of the last blocks epoch's sync committee signatures given; absent when none were due.",
        queries: [{ expr: `ere_validator_sync_committee_participation_ratio{${scope}}`, legend: '{{scope}}' }],
        unit: 'percentunit',
        max: 1,
      }),
      timeseries({
        title: 'Sync committee signatures by outcome',
        description: 'Signatures due in blocks per minute, signed or missed.',
        queries: [
          {
            expr: rate('ere_validator_sync_committee_signatures_total', scope, ['scope', 'outcome'], true),
            legend: '{{scope}} {{outcome}}',
          },
        ],
        min: 0,
      }),
      row('Balances and status'),
      timeseries({
        title: 'Balance',
        description: 'Summed balance of each scope, in gwei.',
        queries: [{ expr: `ere_validator_balance_gwei{${watched}}`, legend: '{{scope}}' }],
        unit: 'short',
        w: 8,
      }),
      timeseries({
        title: 'Balance change per epoch',
        description:
          'Change of the summed balance over the last processed epoch: rewards, penalties, withdrawals, deposits.',
        queries: [{ expr: `ere_validator_balance_change_gwei{${watched}}`, legend: '{{scope}}' }],
        unit: 'short',
        w: 8,
      }),
      timeseries({
        title: 'Balance decreasing',
        description: 'Validators whose balance fell balanceDecreasingEpochs epochs in a row or more.',
        queries: [{ expr: `ere_validator_balance_decreasing{${watched}}`, legend: '{{scope}}' }],
        decimals: 0,
        min: 0,
        stepped: true,
        w: 8,
      }),
      bargauge({
        title: 'Validators by status',
        description: 'Validators of the selected scopes by Beacon API status, last processed validator list.',
        queries: [
          { expr: `sum by (status) (ere_validator_validators{${watched}})`, legend: '{{status}}', instant: true },
        ],
        decimals: 0,
        min: 0,
        w: 12,
        h: 8,
      }),
      table({
        title: 'Watched validators',
        description:
          'Validators watched (as configured and resolved) and attestation duties of the last processed epoch.',
        columns: ['Watched', 'Attestation duties'],
        queries: [
          `max by (chain, scope) (ere_validator_watched{${watched}})`,
          `max by (chain, scope) (ere_validator_attestation_duties{${watched}})`,
        ],
        w: 12,
        h: 8,
      }),
      table({
        title: 'Per-validator detail',
        description: 'Only validators of sets with perValidatorMetrics: true (at most validators.perValidatorLimit).',
        columns: ['Balance (gwei)', 'Missed in a row', 'Slashed'],
        queries: [
          `max by (chain, validator) (ere_validator_detail_balance_gwei{${chain}})`,
          `max by (chain, validator) (ere_validator_detail_missed_in_a_row{${chain}})`,
          `max by (chain, validator) (ere_validator_detail_slashed{${chain}})`,
        ],
      }),
      row('Processing'),
      timeseries({
        title: 'Last processed epoch by stage',
        description: 'blocks, attestations and finality stages.',
        queries: [{ expr: `ere_validator_last_processed_epoch{${chain}}`, legend: '{{stage}}' }],
        decimals: 0,
        w: 8,
      }),
      stat({
        title: 'Attestation epochs behind',
        description: 'Epochs the attestation stage is behind where the head allows; unresolved watched public keys.',
        queries: [
          { expr: `ere_validator_attestation_epochs_behind{${chain}}`, legend: 'epochs behind', instant: true },
          { expr: `ere_validator_unresolved_pubkeys{${chain}}`, legend: 'unresolved keys', instant: true },
        ],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['orange', 2],
          ['red', 5],
        ],
        w: 4,
        h: 8,
      }),
      timeseries({
        title: 'Epoch processing time p95',
        description: 'Time to process one epoch of a stage, requests included.',
        queries: [
          { expr: quantile(0.95, 'ere_validator_epoch_processing_seconds', chain, ['stage']), legend: '{{stage}}' },
        ],
        unit: 's',
        min: 0,
        w: 12,
      }),
      timeseries({
        title: 'Epochs processed and skipped per minute',
        description: 'Skipped: no endpoint had the epoch’s data.',
        queries: [
          { expr: rate('ere_validator_epochs_processed_total', chain, ['stage'], true), legend: '{{stage}} processed' },
          { expr: rate('ere_validator_epochs_skipped_total', chain, ['stage'], true), legend: '{{stage}} skipped' },
        ],
        min: 0,
      }),
      timeseries({
        title: 'Stage errors and duty reorgs per minute',
        description:
          'Failed attempts of a stage on one endpoint by class, and proposer duties whose dependent root changed.',
        queries: [
          {
            expr: rate('ere_validator_stage_errors_total', chain, ['stage', 'error_class'], true),
            legend: '{{stage}} {{error_class}}',
          },
          { expr: rate('ere_validator_duty_reorgs_total', chain, ['chain'], true), legend: 'duty reorgs' },
        ],
        min: 0,
      }),
    ],
  });
}
