// Governance: the DAO's proposals through their states, turnout against quorum and deadlines, passed
// proposals nobody executes, the timelock's operations and delay, Safe signers against policy, proxy
// upgrades, and whether ingestion keeps up with the chain.

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardUrl, ereDashboard, labelVariable } from './dashboard.js';
import { bargauge, booleanMapping, rate, row, stat, table, timeseries } from './panels.js';

const target = 'chain=~"$chain", target=~"$target"';

export function governanceDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-governance',
    title: 'ERE / Governance',
    description:
      'Governor proposals, quorum and deadlines, overdue executions, timelock operations, Safe thresholds and ' +
      'owners, proxy upgrades, and ingestion health.',
    variables: [
      labelVariable({ name: 'chain', label: 'Chain', query: 'label_values(ere_governance_up, chain)' }),
      labelVariable({
        name: 'target',
        label: 'Target',
        query: 'label_values(ere_governance_up{chain=~"$chain"}, target)',
      }),
    ],
    panels: [
      row('Proposals'),
      bargauge({
        title: 'Proposals by state',
        description: "A governor's proposals in each of the eight states, now.",
        queries: [{ expr: `sum by (state) (ere_governance_proposals{${target}})`, legend: '{{state}}', instant: true }],
        decimals: 0,
        min: 0,
        h: 8,
      }),
      stat({
        title: 'Overdue executions',
        description:
          'Governor: passed proposals executable for longer than executionGrace and not executed. Timelock: ' +
          'operations ready for longer than it.',
        queries: [{ expr: `ere_governance_overdue_executions{${target}}`, legend: '{{target}}', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        w: 8,
        h: 8,
        links: [{ title: 'Alerts & notifications', url: dashboardUrl('ere-alerts') }],
      }),
      stat({
        title: 'Quorum at risk',
        description: 'Active proposals below quorum within quorumRiskWindow of their deadline.',
        queries: [{ expr: `ere_governance_quorum_at_risk_proposals{${target}}`, legend: '{{target}}', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['orange', 1],
        ],
        w: 8,
        h: 8,
      }),
      timeseries({
        title: 'Proposals by state over time',
        description:
          'Proposals moving from Pending through Active to Succeeded, Queued and Executed, or to Defeated, ' +
          'Canceled, Expired.',
        queries: [{ expr: `sum by (state) (ere_governance_proposals{${target}})`, legend: '{{state}}' }],
        decimals: 0,
        min: 0,
        stack: true,
        stepped: true,
      }),
      timeseries({
        title: 'Lowest turnout of active proposals vs quorum',
        description:
          'Votes counted towards quorum divided by the quorum, for the Active proposal furthest from it; 1 (dashed) ' +
          'is quorum reached. Absent without an Active proposal.',
        queries: [{ expr: `ere_governance_active_proposal_turnout_ratio_min{${target}}`, legend: '{{target}}' }],
        unit: 'percentunit',
        min: 0,
        thresholds: [
          ['red', null],
          ['green', 1],
        ],
        thresholdLines: true,
      }),
      timeseries({
        title: 'Soonest voting deadline',
        description: 'Seconds until the soonest deadline of an Active proposal (0 once passed).',
        queries: [{ expr: `ere_governance_active_proposal_deadline_seconds_min{${target}}`, legend: '{{target}}' }],
        unit: 's',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Overdue executions over time',
        description: 'Proposals and operations past their execution grace.',
        queries: [{ expr: `ere_governance_overdue_executions{${target}}`, legend: '{{target}}' }],
        decimals: 0,
        min: 0,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Voting power of the top delegates',
        description: 'Share of delegated voting power held by the topDelegates largest delegates: concentration.',
        queries: [{ expr: `ere_governance_voting_power_top_share_ratio{${target}}`, legend: '{{target}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 8,
      }),
      row('Timelock, Safe and proxy'),
      bargauge({
        title: 'Timelock operations by status',
        description: 'Scheduled, ready, overdue, executed, cancelled, expired.',
        queries: [
          {
            expr: `sum by (status) (ere_governance_timelock_operations{${target}})`,
            legend: '{{status}}',
            instant: true,
          },
        ],
        decimals: 0,
        min: 0,
        h: 7,
      }),
      stat({
        title: 'Timelock minimum delay',
        description: 'The delay every operation must wait; a drop is a governance change to check.',
        queries: [
          { expr: `ere_governance_timelock_min_delay_seconds{${target}}`, legend: '{{target}}', instant: true },
        ],
        unit: 's',
        w: 4,
        h: 7,
      }),
      stat({
        title: 'Safe policy',
        description: "OK when the Safe's threshold meets the target's minThreshold / minThresholdRatio.",
        queries: [{ expr: `ere_governance_safe_threshold_policy_ok{${target}}`, legend: '{{target}}', instant: true }],
        mappings: booleanMapping(['VIOLATED', 'red'], ['OK', 'green']),
        w: 4,
        h: 7,
      }),
      table({
        title: 'Safes',
        description: 'Signatures needed, owners, modules (each can execute without signatures) and nonce.',
        columns: ['Threshold', 'Owners', 'Modules', 'Nonce'],
        queries: [
          `max by (chain, target) (ere_governance_safe_threshold{${target}})`,
          `max by (chain, target) (ere_governance_safe_owners{${target}})`,
          `max by (chain, target) (ere_governance_safe_modules{${target}})`,
          `max by (chain, target) (ere_governance_safe_nonce{${target}})`,
        ],
        w: 8,
        h: 7,
      }),
      timeseries({
        title: 'Timelock operations over time',
        description: 'Operations by status.',
        queries: [{ expr: `sum by (status) (ere_governance_timelock_operations{${target}})`, legend: '{{status}}' }],
        decimals: 0,
        min: 0,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Safe threshold and owners',
        description: 'Signatures needed against owners; a falling threshold is a weaker Safe.',
        queries: [
          { expr: `ere_governance_safe_threshold{${target}}`, legend: '{{target}} threshold' },
          { expr: `ere_governance_safe_owners{${target}}`, legend: '{{target}} owners' },
        ],
        decimals: 0,
        min: 0,
        stepped: true,
        w: 8,
      }),
      timeseries({
        title: 'Time since the last proxy upgrade',
        description:
          'Seconds since the block of the newest implementation or beacon change; a drop to 0 is an upgrade.',
        queries: [
          { expr: `time() - ere_governance_proxy_last_upgrade_timestamp_seconds{${target}}`, legend: '{{target}}' },
        ],
        unit: 's',
        min: 0,
        w: 8,
      }),
      row('Ingestion'),
      stat({
        title: 'Targets up',
        description: 'The last poll of each target succeeded.',
        queries: [{ expr: `ere_governance_up{${target}}`, legend: '{{target}}', instant: true }],
        mappings: booleanMapping(['down', 'red'], ['up', 'green']),
        w: 12,
        h: 5,
      }),
      table({
        title: 'Ingestion',
        description: 'Blocks behind head − confirmations, the cursor, and seconds since the last successful poll.',
        columns: ['Lag (blocks)', 'Cursor block', 'Since last success'],
        queries: [
          `max by (chain, target) (ere_governance_ingest_lag_blocks{${target}})`,
          `max by (chain, target) (ere_governance_cursor_block{${target}})`,
          `max by (chain, target) (time() - ere_governance_last_success_timestamp_seconds{${target}})`,
        ],
        overrides: [
          { matcher: { id: 'byName', options: 'Since last success' }, properties: [{ id: 'unit', value: 's' }] },
        ],
        w: 12,
        h: 5,
      }),
      timeseries({
        title: 'Ingest lag',
        description: 'Blocks between head − confirmations and the cursor at the last step.',
        queries: [{ expr: `ere_governance_ingest_lag_blocks{${target}}`, legend: '{{target}}' }],
        decimals: 0,
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Events ingested per minute',
        description: 'Events stored for the first time.',
        queries: [
          { expr: rate('ere_governance_events_ingested_total', target, ['target'], true), legend: '{{target}}' },
        ],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Ingest errors by class',
        description: 'Failed polls per minute, by error class.',
        queries: [
          {
            expr: rate('ere_governance_ingest_errors_total', target, ['target', 'error_class'], true),
            legend: '{{target}} {{error_class}}',
          },
        ],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Logs skipped and reorgs',
        description:
          'Logs of a watched contract left out (unknown or malformed) and reorganisations rolled back, per minute.',
        queries: [
          {
            expr: rate('ere_governance_logs_skipped_total', target, ['target', 'reason'], true),
            legend: '{{target}} skipped {{reason}}',
          },
          { expr: rate('ere_governance_reorgs_total', target, ['target'], true), legend: '{{target}} reorgs' },
        ],
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Governance RPC requests by method',
        description: 'JSON-RPC requests per second sent for governance ingestion.',
        queries: [
          { expr: rate('ere_governance_rpc_requests_total', 'chain=~"$chain"', ['method']), legend: '{{method}}' },
        ],
        unit: 'reqps',
        min: 0,
        w: 8,
      }),
      timeseries({
        title: 'Seconds since the last successful poll',
        description: 'Grows while a target cannot be polled.',
        queries: [{ expr: `time() - ere_governance_last_success_timestamp_seconds{${target}}`, legend: '{{target}}' }],
        unit: 's',
        min: 0,
        w: 8,
      }),
    ],
  });
}
