// The beacon and validator alerts ERE ships, as threshold rules of the beacon and validator sources,
// their parameters read from `alerting.beacon` and `alerting.validators`. They apply whatever
// `alerting.rules` says (unlike the standard RPC four, which apply only when `rules` is absent): a rule
// there with a built-in's name and source replaces that built-in, all of its severities, and one with
// `enabled: false` turns it off; `enabled: false` on the section turns all of the section's off.
//
// Default severities: no healthy beacon endpoint pages (validator duties and every consensus-layer SLI
// depend on one); stalled finality is critical (a network event, or every node seen is wrong); one
// unhealthy endpoint is a warning while others serve; the validator thresholds are warnings.

import type { Severity } from '../domain/alert.js';
import type { ThresholdRuleConfig } from './sources/threshold-rule.js';
import { validatorEventAlertNames, type ValidatorAlertsConfig } from './sources/validators.js';

export interface BeaconAlertsConfig {
  enabled: boolean;
  /** How long an endpoint stays unhealthy, or a chain without a healthy endpoint, before the alert fires. */
  unhealthyForMs: number;
  /** Finality distance (wall-clock epoch minus finalized epoch) above which finality is stalled. */
  finalityStalledEpochs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

export const beaconAlertDefaults = { unhealthyForMs: 120_000, finalityStalledEpochs: 4 } as const;

export const beaconDefaultSeverities = {
  BeaconEndpointUnhealthy: 'warning',
  BeaconNoHealthyEndpoint: 'page',
  BeaconFinalityStalled: 'critical',
} as const satisfies Record<string, Severity>;

export type BeaconAlertName = keyof typeof beaconDefaultSeverities;
export const beaconAlertNames = Object.keys(beaconDefaultSeverities) as BeaconAlertName[];

type BuiltIn = Omit<ThresholdRuleConfig, 'severity' | 'labels' | 'clear' | 'keepFiringFor'> &
  Partial<Pick<ThresholdRuleConfig, 'clear'>>;

/** The section's severity for the built-in, its labels, no keepFiringFor. */
function complete(
  builtIns: BuiltIn[],
  section: { severities: Partial<Record<string, Severity>>; labels: Record<string, string> },
  severities: Record<string, Severity>,
): ThresholdRuleConfig[] {
  return builtIns.map((rule) => ({
    ...rule,
    severity: section.severities[rule.name] ?? severities[rule.name]!,
    keepFiringFor: 0,
    labels: section.labels,
  }));
}

/** The built-in beacon rules, none when the section is disabled. */
export function beaconBuiltInRules(config: BeaconAlertsConfig): ThresholdRuleConfig[] {
  if (!config.enabled) return [];
  const stalled = config.finalityStalledEpochs;
  const builtIns: BuiltIn[] = [
    {
      name: 'BeaconEndpointUnhealthy',
      source: 'beacon_endpoint',
      metric: 'healthy',
      op: '==',
      threshold: 0,
      for: config.unhealthyForMs,
      // No description: the source's tells the endpoint's reasons.
      annotations: { summary: 'Beacon endpoint {{ $labels.endpoint }} on {{ $labels.chain }} is not healthy' },
    },
    {
      name: 'BeaconNoHealthyEndpoint',
      source: 'beacon_chain',
      metric: 'healthy_endpoints',
      op: '==',
      threshold: 0,
      for: config.unhealthyForMs,
      annotations: {
        summary: 'No healthy beacon endpoint on {{ $labels.chain }}',
        description:
          'None of the chain’s beacon endpoints is up, synced, at the head and recent: ' +
          'validator monitoring on {{ $labels.chain }} has nothing to read from.',
      },
    },
    {
      name: 'BeaconFinalityStalled',
      source: 'beacon_chain',
      metric: 'finality_distance_epochs',
      op: '>',
      threshold: stalled,
      for: 0,
      annotations: {
        summary: 'Finality on {{ $labels.chain }} is {{ $value }} epochs behind the wall clock',
        description:
          `The best finalized epoch any answering beacon endpoint of {{ $labels.chain }} ` +
          `reports trails the wall-clock epoch by more than ${stalled} epochs (2 is ` +
          `normal): the network is not finalizing, or every endpoint is stuck.`,
      },
    },
  ];
  return complete(builtIns, config, beaconDefaultSeverities);
}

export const validatorThresholdSeverities = {
  ValidatorAttestationsMissedInARow: 'warning',
  ValidatorAttestationMissRateHigh: 'warning',
  ValidatorBalanceDecreasing: 'warning',
  ValidatorProcessingBehind: 'warning',
  ValidatorBlocksProcessingBehind: 'warning',
} as const satisfies Record<string, Severity>;

/** The built-in validator threshold rules, none when the section is disabled. */
export function validatorBuiltInRules(config: ValidatorAlertsConfig): ThresholdRuleConfig[] {
  if (!config.enabled) return [];
  const behind = config.processingBehindEpochs;
  const builtIns: BuiltIn[] = [
    {
      name: 'ValidatorAttestationsMissedInARow',
      source: 'validator_scope',
      metric: 'missing_in_a_row',
      op: '>',
      threshold: 0,
      for: 0,
      annotations: {
        summary:
          '{{ $value }} {{ $labels.validator_scope }} validator(s) on {{ ' +
          '$labels.chain }} missed several attestations in a row',
        description:
          'Validators of the scope missed their attestation in ' +
          'consecutive epochs: offline, or their client is stuck. ' +
          'Compare with the network baseline (validator_scope="network") to tell your fault from the chain\'s.',
      },
    },
    {
      name: 'ValidatorAttestationMissRateHigh',
      source: 'validator_scope',
      metric: 'miss_rate',
      op: '>',
      threshold: config.missRate,
      clear: config.missRate / 2,
      for: 0,
      annotations: {
        summary:
          '{{ $labels.validator_scope }} validators on {{ $labels.chain }} missed ' +
          '{{ $value | humanizePercentage }} of their attestations',
        description:
          "The scope's share of missed attestations in the last processed " +
          'epoch is above the threshold (it clears below half of it).',
      },
    },
    {
      name: 'ValidatorBalanceDecreasing',
      source: 'validator_scope',
      metric: 'balance_decreasing',
      op: '>',
      threshold: 0,
      for: 0,
      annotations: {
        summary:
          '{{ $value }} {{ $labels.validator_scope }} validator(s) on {{ ' +
          '$labels.chain }} lose balance epoch after epoch',
        description:
          'The balance of validators of the scope fell in consecutive epochs ' +
          '(withdrawals excepted): they are penalised more than rewarded.',
      },
    },
    {
      name: 'ValidatorProcessingBehind',
      source: 'validator_chain',
      metric: 'attestation_epochs_behind',
      op: '>',
      threshold: behind,
      for: 120_000,
      annotations: {
        summary: 'Validator epochs on {{ $labels.chain }} are {{ $value }} epochs behind',
        description:
          'The attestation stage cannot keep up or keeps failing (see ' +
          'ere_validator_stage_errors_total): validator alerts on this chain are late or missing.',
      },
    },
    {
      name: 'ValidatorBlocksProcessingBehind',
      source: 'validator_chain',
      metric: 'block_epochs_behind',
      op: '>',
      threshold: behind,
      for: 120_000,
      annotations: {
        summary: 'Validator proposals and sync committee on {{ $labels.chain }} are {{ $value }} epochs behind',
        description:
          'The blocks stage (proposer duties, headers, sync committee rewards) cannot ' +
          'keep up or keeps failing (see ' +
          'ere_validator_stage_errors_total{stage="blocks"}): missed ' +
          'proposals on this chain are seen late or not at all.',
      },
    },
  ];
  return complete(builtIns, config, validatorThresholdSeverities);
}

const ruleKey = (rule: Pick<ThresholdRuleConfig, 'name' | 'source'>) => `${rule.source}/${rule.name}`;

/**
 * The threshold rules to evaluate: the configured ones, then each built-in whose name and source no
 * configured rule has; rules with `enabled: false` left out.
 */
export function withBuiltInRules(
  rules: readonly ThresholdRuleConfig[],
  builtIns: readonly ThresholdRuleConfig[],
): ThresholdRuleConfig[] {
  const configured = new Set(rules.map(ruleKey));
  return [...rules, ...builtIns.filter((rule) => !configured.has(ruleKey(rule)))].filter(
    (rule) => rule.enabled !== false,
  );
}

/**
 * The data check alert: one per endpoint and check, firing at the first disagreement and resolving when the
 * check agrees again; critical, since the endpoint answers, and its users get wrong data without an error. A
 * rule of `alerting.rules` with its name and source replaces it.
 */
export const correctnessBuiltInRules: readonly ThresholdRuleConfig[] = [
  {
    name: 'EndpointIncorrectData',
    source: 'endpoint_check',
    metric: 'disagreeing',
    op: '==',
    threshold: 1,
    for: 0,
    keepFiringFor: 0,
    severity: 'critical',
    labels: {},
    annotations: {
      summary: 'RPC endpoint {{ $labels.endpoint }} on {{ $labels.chain }} serves incorrect data ({{ $labels.check }})',
    },
  },
];

/**
 * The canary's alerts: an endpoint whose last canary was not mined before its timeout (or was dropped), an
 * endpoint that refuses canaries, and a key whose balance is running out. Off where no chain has a canary.
 */
export const canaryBuiltInRules: readonly ThresholdRuleConfig[] = [
  {
    name: 'CanaryNotIncluded',
    source: 'canary',
    metric: 'not_included',
    op: '==',
    threshold: 1,
    for: 0,
    keepFiringFor: 0,
    severity: 'critical',
    labels: {},
    annotations: {
      summary:
        'A canary transaction sent through {{ $labels.endpoint }} on {{ $labels.chain }} was not included in time',
    },
  },
  {
    name: 'CanaryEndpointRejecting',
    source: 'canary',
    metric: 'rejecting',
    op: '==',
    threshold: 1,
    for: 0,
    keepFiringFor: 0,
    severity: 'warning',
    labels: {},
    annotations: { summary: 'RPC endpoint {{ $labels.endpoint }} on {{ $labels.chain }} refuses canary transactions' },
  },
  {
    name: 'CanaryBalanceLow',
    source: 'canary',
    metric: 'balance_low',
    op: '==',
    threshold: 1,
    for: 0,
    keepFiringFor: 0,
    severity: 'warning',
    labels: {},
    annotations: { summary: 'The canary key on {{ $labels.chain }} is running out of funds for gas' },
  },
];

/** Every validator alert's name, the events' and the thresholds'. */
export const validatorAlertNames = [...validatorEventAlertNames, ...Object.keys(validatorThresholdSeverities)];
