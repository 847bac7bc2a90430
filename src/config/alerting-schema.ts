// The `alerting:` section: threshold rules, the SLO alerts' labels and annotations, receivers (each kind
// validating its own fields), the route tree, inhibit rules and delivery settings. Without `rules`, a
// standard set watches every endpoint and chain; without `route`, every receiver gets every alert.

import { z } from 'zod';
import { alertSeverities } from '../domain/alert.js';
import { defaultInhibitRules, type InhibitRule } from '../notify/inhibition.js';
import { parseMatcher, type Matcher } from '../notify/matchers.js';
import { receiverKind, receiverKinds } from '../notify/receivers/index.js';
import { checkRouteTree, type RouteNode } from '../notify/route-tree.js';
import { thresholdOperators } from '../rules/alerts/lifecycle.js';
import { governanceAlertNames } from '../rules/alerts/sources/governance.js';
import { beaconAlertNames } from '../rules/alerts/sources/beacon.js';
import { validatorAlertNames } from '../rules/alerts/sources/validators.js';
import { thresholdMetrics } from '../rules/alerts/sources/index.js';
import { checkTemplate } from '../rules/alerts/template.js';
import { duration, id, labels, optionalDuration } from './fields.js';

const day = 86_400_000;

const matcherText = z.string().transform((text, ctx): Matcher => {
  try {
    return parseMatcher(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.split('\n')[0]! });
    return z.NEVER;
  }
});

const template = z.string().superRefine((text, ctx) => {
  const problem = checkTemplate(text);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Labels every alert gets from its source; a rule may not set them. */
export const reservedAlertLabels = ['alertname', 'severity', 'scope', 'chain', 'endpoint', 'slo', 'service'];

const alertLabelsSchema = labels.superRefine((value, ctx) => {
  for (const name of Object.keys(value)) if (reservedAlertLabels.includes(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is set by ERE and cannot be set here` });
});

const ruleSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be an alert name: letters, digits and "_", not starting with a digit'),
    source: z.enum(['endpoint', 'chain']),
    metric: z.string(),
    op: z.enum(thresholdOperators),
    threshold: z.number(),
    /** Hysteresis: once active, the alert stays active until the value crosses this instead. */
    clear: z.number().optional(),
    for: duration('0s', { min: 0, max: 7 * day }),
    keepFiringFor: duration('0s', { min: 0, max: 7 * day }),
    severity: z.enum(alertSeverities).default('warning'),
    chains: z.array(id).optional(),
    endpoints: z.array(id).optional(),
    labels: alertLabelsSchema,
    annotations: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'annotation names are letters, digits and "_"'), template).default({}),
  })
  .superRefine((rule, ctx) => {
    const metrics = thresholdMetrics[rule.source] ?? [];
    if (!metrics.includes(rule.metric)) ctx.addIssue({ code: 'custom', path: ['metric'], message: `must be one of ${metrics.join(', ')} for source "${rule.source}"` });
    if (rule.clear !== undefined) {
      const above = rule.op === '>' || rule.op === '>=';
      const below = rule.op === '<' || rule.op === '<=';
      if (!above && !below) ctx.addIssue({ code: 'custom', path: ['clear'], message: 'only rules with >, >=, < or <= can have a clear threshold' });
      else if (above && rule.clear > rule.threshold) ctx.addIssue({ code: 'custom', path: ['clear'], message: `must not be above the threshold (${rule.threshold}) of a "${rule.op}" rule` });
      else if (below && rule.clear < rule.threshold) ctx.addIssue({ code: 'custom', path: ['clear'], message: `must not be below the threshold (${rule.threshold}) of a "${rule.op}" rule` });
    }
    if (rule.source === 'chain' && rule.endpoints !== undefined) ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'only endpoint rules select endpoints' });
  });

export type AlertRuleConfig = z.output<typeof ruleSchema>;

/** The rules used when the config has no `rules:` (an empty list turns them off). */
export const defaultAlertRules: z.input<typeof ruleSchema>[] = [
  {
    name: 'EndpointDown',
    source: 'endpoint',
    metric: 'up',
    op: '==',
    threshold: 0,
    for: '5m',
    keepFiringFor: '1m',
    severity: 'warning',
    annotations: {
      summary: 'RPC endpoint {{ $labels.endpoint }} on {{ $labels.chain }} is down',
      description: 'Its probes have failed for 5 minutes. The other endpoints of {{ $labels.chain }} carry its traffic.',
    },
  },
  {
    name: 'EndpointLagging',
    source: 'endpoint',
    metric: 'lag_blocks',
    op: '>',
    threshold: 5,
    clear: 2,
    for: '2m',
    severity: 'warning',
    annotations: {
      summary: '{{ $labels.endpoint }} is {{ $value }} blocks behind on {{ $labels.chain }}',
      description: 'The endpoint has been more than 5 blocks behind the consensus head for 2 minutes; it clears at 2 blocks or fewer.',
    },
  },
  {
    name: 'ChainHalted',
    source: 'chain',
    metric: 'head_age_seconds',
    op: '>',
    threshold: 60,
    for: '1m',
    severity: 'critical',
    annotations: {
      summary: 'Chain {{ $labels.chain }} has made no block for {{ $value | humanizeDuration }}',
      description: 'The consensus head of {{ $labels.chain }} is older than 60 s. Endpoint lag alerts of the chain are inhibited while this fires.',
    },
  },
  {
    name: 'RedundancyLow',
    source: 'chain',
    metric: 'healthy_endpoints',
    op: '<',
    threshold: 2,
    for: '5m',
    severity: 'warning',
    annotations: {
      summary: '{{ $labels.chain }} has {{ $value }} healthy RPC endpoint(s)',
      description: 'Fewer than two endpoints of {{ $labels.chain }} are healthy: one more failure and it is unreachable.',
    },
  },
];

const sharedReceiverKeys = ['id', 'kind', 'timeout', 'sendResolved', 'rateLimit'];

const receiverSchema = z
  .looseObject({
    id,
    kind: z.string(),
    timeout: duration('10s', { min: 100, max: 120_000 }),
    sendResolved: z.boolean().default(true),
    rateLimit: z.strictObject({ perMinute: z.number().positive().default(60), burst: z.number().int().positive().default(10) }).prefault({}),
  })
  .transform((value, ctx) => {
    const kind = receiverKind(value.kind);
    if (!kind) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `must be one of ${receiverKinds.map((candidate) => candidate.kind).join(', ')}` });
      return z.NEVER;
    }
    const own = Object.fromEntries(Object.entries(value).filter(([key]) => !sharedReceiverKeys.includes(key) || key === 'kind'));
    const parsed = kind.configSchema.safeParse(own, { reportInput: true });
    if (!parsed.success) {
      // Passed on as they are (code and input kept), so that an unknown key or a missing field of a kind
      // reads like any other: `receivers[0].colour: unknown key`, `receivers[0].routingKey: is required`.
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: issue.input } as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return { id: value.id, kind: value.kind, timeout: value.timeout, sendResolved: value.sendResolved, rateLimit: value.rateLimit, settings: parsed.data as { kind: string } };
  });

export type ReceiverConfig = z.output<typeof receiverSchema>;

const routeTiming = { min: 0, max: 7 * day };

const routeSchema = z.strictObject({
  receiver: id.optional(),
  /** Alertmanager matcher syntax: `severity="page"`, `chain=~"eth|base"`, `endpoint!="x"`. */
  matchers: z.array(matcherText).default([]),
  groupBy: z.array(z.string()).optional(),
  groupWait: optionalDuration(routeTiming),
  groupInterval: optionalDuration({ min: 1_000, max: 7 * day }),
  repeatInterval: optionalDuration({ min: 60_000, max: 30 * day }),
  continue: z.boolean().default(false),
  get routes(): z.ZodDefault<z.ZodArray<typeof routeSchema>> {
    return z.array(routeSchema).default([]);
  },
});

type RouteConfig = z.output<typeof routeSchema>;

function toRouteNode(route: RouteConfig): RouteNode {
  return {
    ...(route.receiver === undefined ? {} : { receiver: route.receiver }),
    matchers: route.matchers,
    ...(route.groupBy === undefined ? {} : { groupBy: route.groupBy }),
    ...(route.groupWait === undefined ? {} : { groupWaitMs: route.groupWait }),
    ...(route.groupInterval === undefined ? {} : { groupIntervalMs: route.groupInterval }),
    ...(route.repeatInterval === undefined ? {} : { repeatIntervalMs: route.repeatInterval }),
    continue: route.continue,
    routes: route.routes.map(toRouteNode),
  };
}

const inhibitRuleSchema = z.strictObject({
  sourceMatchers: z.array(matcherText).min(1, 'needs at least one matcher'),
  targetMatchers: z.array(matcherText).min(1, 'needs at least one matcher'),
  equal: z.array(z.string()).default([]),
});

export const alertingSchema = z
  .strictObject({
    /** How often rules are evaluated. */
    evaluationInterval: duration('15s', { min: 1_000, max: 600_000 }),
    rules: z.array(ruleSchema).default(() => defaultAlertRules.map((rule) => ruleSchema.parse(rule))),
    /** Labels and annotations (templated) added to the SLO burn-rate alerts. */
    sloAlerts: z.strictObject({ labels: alertLabelsSchema, annotations: z.record(z.string(), template).default({}) }).prefault({}),
    /** The governance alerts: on by default for every governance target, severities overridable by alert name. */
    governance: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** How long an alert about a change (threshold, owners, upgrade…) fires after the change's block. */
        changeHold: duration('1h', { min: 60_000, max: 30 * day }),
        /** A target whose ingestion keeps failing this long fires GovernanceIngestionFailing. */
        ingestionFailingFor: duration('10m', { min: 0, max: 7 * day }),
        severities: z.partialRecord(z.enum(governanceAlertNames as [string, ...string[]]), z.enum(alertSeverities)).default({}),
        labels: alertLabelsSchema,
      })
      .prefault({}),
    /** The beacon endpoint alerts: on by default for every chain with beacon endpoints. */
    beacon: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** How long an endpoint stays unhealthy, or a chain without a healthy endpoint, before its alert fires. */
        unhealthyFor: duration('2m', { min: 0, max: 7 * day }),
        /** Finality distance (wall-clock epoch minus finalized epoch) above which BeaconFinalityStalled fires. */
        finalityStalledEpochs: z.number().int().min(2).max(10_000).default(4),
        severities: z.partialRecord(z.enum(beaconAlertNames as [string, ...string[]]), z.enum(alertSeverities)).default({}),
        labels: alertLabelsSchema,
      })
      .prefault({}),
    /** The validator alerts: on by default for every chain with watched validators, severities overridable by alert name. */
    validators: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Attestations missed in a row that make a validator count in ValidatorAttestationsMissedInARow. */
        missedInARow: z.number().int().min(1).max(1_000).default(3),
        /** A scope's share of missed attestations in an epoch above this fires ValidatorAttestationMissRateHigh (clears below half). */
        missRate: z.number().gt(0).max(1).default(0.1),
        /** Attestation duties a scope needs in an epoch for its miss rate to be judged. */
        minDuties: z.number().int().min(1).default(1),
        /** Epochs in a row a validator's balance falls (withdrawals excepted) before ValidatorBalanceDecreasing counts it. */
        balanceDecreasingEpochs: z.number().int().min(1).max(1_000).default(3),
        /** How long a slashing or a missed proposal fires after it was seen. */
        eventHold: duration('1h', { min: 60_000, max: 30 * day }),
        /** Epochs the attestation stage may fall behind before ValidatorProcessingBehind. */
        processingBehindEpochs: z.number().int().min(1).default(3),
        severities: z.partialRecord(z.enum(validatorAlertNames as [string, ...string[]]), z.enum(alertSeverities)).default({}),
        labels: alertLabelsSchema,
      })
      .prefault({}),
    receivers: z.array(receiverSchema).default([]),
    route: routeSchema.optional(),
    inhibitRules: z.array(inhibitRuleSchema).optional(),
    delivery: z
      .strictObject({
        /** A notification still undelivered after this is marked failed. */
        giveUpAfter: duration('24h', { min: 60_000, max: 30 * day }),
        initialBackoff: duration('1s', { min: 10, max: 3_600_000 }),
        maxBackoff: duration('5m', { min: 100, max: 6 * 3_600_000 }),
        /** Consecutive failures that open a receiver's circuit, and how long it stays open at first. */
        breakerFailures: z.number().int().positive().default(5),
        breakerCooldown: duration('30s', { min: 100, max: 3_600_000 }),
        maxBreakerCooldown: duration('10m', { min: 100, max: 6 * 3_600_000 }),
        /** How often the outbox is checked when nothing new was queued. */
        pollInterval: duration('1s', { min: 10, max: 60_000 }),
      })
      .prefault({}),
    /** Delivered notifications, attempts, transitions and ended silences are kept this long. */
    historyRetention: duration('90d', { min: day, max: 3_650 * day }),
  })
  .prefault({})
  .transform((alerting) => ({
    ...alerting,
    inhibitRules: alerting.inhibitRules ?? (defaultInhibitRules as InhibitRule[]),
    /** Without a route every receiver gets every alert. */
    routeTree: alerting.route
      ? toRouteNode(alerting.route)
      : alerting.receivers.length === 0
        ? null
        : { receiver: alerting.receivers[0]!.id, matchers: [], continue: false, routes: alerting.receivers.map((receiver): RouteNode => ({ receiver: receiver.id, matchers: [], continue: true, routes: [] })) },
  }));

export type AlertingConfig = z.output<typeof alertingSchema>;

/** Receiver ids unique, routes naming receivers that exist, rules selecting chains and endpoints that exist. */
export function checkAlertingReferences(
  config: { chains: { id: string; rpc: { id: string }[] }[]; alerting: AlertingConfig },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const { alerting } = config;
  const receiverIds = new Set<string>();
  alerting.receivers.forEach((receiver, index) => {
    if (receiverIds.has(receiver.id)) problem(['alerting', 'receivers', index, 'id'], `duplicate receiver id "${receiver.id}"`);
    receiverIds.add(receiver.id);
  });
  if (alerting.route) {
    if (alerting.receivers.length === 0) problem(['alerting', 'route'], 'a route needs receivers');
    else for (const found of checkRouteTree(alerting.routeTree!, receiverIds)) problem(['alerting', 'route', ...found.path], found.message);
  }
  const ruleKeys = new Set<string>();
  alerting.rules.forEach((rule, index) => {
    const key = `${rule.name}/${rule.severity}`;
    if (ruleKeys.has(key)) problem(['alerting', 'rules', index, 'name'], `duplicate rule "${rule.name}" with severity ${rule.severity} (a name may repeat with another severity)`);
    ruleKeys.add(key);
    rule.chains?.forEach((chain, chainIndex) => {
      if (!config.chains.some((candidate) => candidate.id === chain)) problem(['alerting', 'rules', index, 'chains', chainIndex], `no chain "${chain}"`);
    });
    rule.endpoints?.forEach((endpoint, endpointIndex) => {
      if (!config.chains.some((chain) => chain.rpc.some((candidate) => candidate.id === endpoint))) problem(['alerting', 'rules', index, 'endpoints', endpointIndex], `no endpoint "${endpoint}"`);
    });
  });
}
