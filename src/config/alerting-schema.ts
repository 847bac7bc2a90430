// The `alerting:` section: threshold rules, the SLO alerts' labels and annotations, receivers (each kind
// validating its own fields), the route tree, inhibit rules and delivery settings. Without `rules`, a
// standard set watches every endpoint and chain; without `route`, every receiver gets every alert.

import { z } from 'zod';
import { alertSeverities } from '../domain/alert.js';
import { defaultInhibitRules, type InhibitRule } from '../alerting/inhibition.js';
import { parseMatcher, type Matcher } from '../alerting/matchers.js';
import { receiverKind, receiverKinds } from '../notify/receivers/index.js';
import { checkRouteTree, type RouteNode } from '../alerting/route-tree.js';
import { governanceAlertNames } from '../alerting/sources/governance.js';
import { beaconAlertNames, validatorAlertNames } from '../alerting/built-in-rules.js';
import { endpointSources } from '../alerting/sources/index.js';
import { defaultAlertRules } from '../alerting/default-rules.js';
import { duration, id, optionalDuration } from '../domain/fields.js';

const day = 86_400_000;

const matcherText = z.string().transform((text, ctx): Matcher => {
  try {
    return parseMatcher(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.split('\n')[0]! });
    return z.NEVER;
  }
});

import { alertLabelsSchema, reservedLabelsText, ruleSchema, template } from '../alerting/rule-schema.js';

export { reservedAlertLabels, type AlertRuleConfig, type AlertRuleInput } from '../alerting/rule-schema.js';

const sharedReceiverKeys = ['id', 'kind', 'timeout', 'sendResolved', 'rateLimit'];

const receiverSchema = z
  .looseObject({
    id: id.describe("The receiver's name in routes, in metrics (the `receiver` label) and in the API."),
    kind: z
      .string()
      .describe(
        `The kind of receiver: ` +
          `${receiverKinds.map((candidate) => `\`${candidate.kind}\``).join(', ')}. ` +
          'Each kind adds its own keys, listed with it below.',
      ),
    timeout: duration('10s', { min: 100, max: 120_000 }).describe('Timeout of each request to the receiver.'),
    sendResolved: z.boolean().default(true).describe('Also notify the receiver when an alert resolves.'),
    rateLimit: z
      .strictObject({
        perMinute: z
          .number()
          .positive()
          .default(60)
          .describe('The rate the token bucket refills at: requests a minute to this receiver in the long run.'),
        burst: z
          .number()
          .int()
          .positive()
          .default(10)
          .describe('Requests that may go out at once, the size of the token bucket.'),
      })
      .prefault({})
      .describe('Requests to this receiver, limited by a token bucket; notifications beyond it wait their turn.'),
  })
  .transform((value, ctx) => {
    const kind = receiverKind(value.kind);
    if (!kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `must be one of ${receiverKinds.map((candidate) => candidate.kind).join(', ')}`,
      });
      return z.NEVER;
    }
    const own = Object.fromEntries(
      Object.entries(value).filter(([key]) => !sharedReceiverKeys.includes(key) || key === 'kind'),
    );
    const parsed = kind.configSchema.safeParse(own, { reportInput: true });
    if (!parsed.success) {
      // Passed on as they are (code and input kept), so that an unknown key or a missing field of a kind
      // reads like any other: `receivers[0].colour: unknown key`, `receivers[0].routingKey: is required`.
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: issue.input } as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return {
      id: value.id,
      kind: value.kind,
      timeout: value.timeout,
      sendResolved: value.sendResolved,
      rateLimit: value.rateLimit,
      settings: parsed.data as { kind: string },
    };
  });

export type ReceiverConfig = z.output<typeof receiverSchema>;

const routeTiming = { min: 0, max: 7 * day };

// Unset timings and grouping are inherited from the parent route; the root's come from defaultRouteSettings.
const routeSchema = z.strictObject({
  receiver: id
    .optional()
    .describe(
      'The receiver id that gets the alerts this route takes; inherited ' +
        'from the parent when unset. The root must name one.',
    ),
  matchers: z
    .array(matcherText)
    .default([])
    .describe(
      "Matchers in Alertmanager syntax that must all match an alert's labels for this route to take it: " +
        '`severity="page"`, `chain=~"eth|base"`, `endpoint!="x"`. The root has none: it takes every alert.',
    ),
  groupBy: z
    .array(z.string())
    .optional()
    .describe(
      'Label names whose values make an alert\'s group, notified together; `["..."]` groups by every label ' +
        '(one alert per group). Inherited when unset; the root\'s default is `["alertname"]`.',
    ),
  groupWait: optionalDuration(routeTiming).describe(
    'How long the first alert of a new group waits for others to join it before the ' +
      "group is notified. Inherited when unset; the root's default is 30s.",
  ),
  groupInterval: optionalDuration({ min: 1_000, max: 7 * day }).describe(
    'How long a group waits after a notification before sending another with its new ' +
      "or resolved alerts. Inherited when unset; the root's default is 5m.",
  ),
  repeatInterval: optionalDuration({ min: 60_000, max: 30 * day }).describe(
    'How long before an alert still firing is notified again as a reminder (none once ' +
      "it is acknowledged). Inherited when unset; the root's default is 4h.",
  ),
  continue: z
    .boolean()
    .default(false)
    .describe(
      'After this route took an alert, try its following siblings too, so ' +
        'that the alert can reach several receivers. Not on the root.',
    ),
  get routes(): z.ZodDefault<z.ZodArray<typeof routeSchema>> {
    return z
      .array(routeSchema)
      .default([])
      .describe(
        'Child routes with the same keys, tried in order: the first that matches takes the ' +
          'alert unless it has `continue`; when none matches, this route does.',
      );
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
  sourceMatchers: z
    .array(matcherText)
    .min(1, 'needs at least one matcher')
    .describe('Matchers in Alertmanager syntax that a firing alert must all match to inhibit others.'),
  targetMatchers: z
    .array(matcherText)
    .min(1, 'needs at least one matcher')
    .describe('Matchers that an alert must all match to be inhibited.'),
  equal: z
    .array(z.string())
    .default([])
    .describe(
      'Label names whose values the source and the target alert must share ' +
        'for the target to be inhibited, such as `slo` or `chain`.',
    ),
});

export const alertingSchema = z
  .strictObject({
    evaluationInterval: duration('15s', { min: 1_000, max: 600_000 }).describe(
      'How often the alert rules are evaluated: the threshold rules and ' +
        'the SLO, governance, beacon and validator alerts.',
    ),
    rules: z
      .array(ruleSchema)
      .default(() => defaultAlertRules.map((rule) => ruleSchema.parse(rule)))
      .describe(
        'Threshold rules on what the collectors see. When absent, the standard four (EndpointDown, ' +
          'EndpointLagging, ChainHalted, RedundancyLow) watch every chain and endpoint; `[]` turns them off.',
      ),
    sloAlerts: z
      .strictObject({
        labels: alertLabelsSchema.describe(`Labels added to the SLO burn-rate alerts, ${reservedLabelsText}.`),
        annotations: z
          .record(z.string(), template)
          .default({})
          .describe(
            'Annotations added to the SLO burn-rate alerts, templates as in the rules, such as a ' +
              '`runbook_url`; a `summary` or `description` here replaces the default one.',
          ),
      })
      .prefault({})
      .describe(
        'Labels and annotations added to the SLO burn-rate alerts (`SloErrorBudgetBurn`, severity `page` or `ticket`).',
      ),
    governance: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('The governance alerts, for every governance target; `false` turns them off.'),
        changeHold: duration('1h', { min: 60_000, max: 30 * day }).describe(
          "How long an alert about a change (threshold, owners, upgrade…) fires after the change's " +
            'block. Older changes, such as history ingested on first start, never fire.',
        ),
        ingestionFailingFor: duration('10m', { min: 0, max: 7 * day }).describe(
          'A target whose ingestion keeps failing this long fires GovernanceIngestionFailing.',
        ),
        severities: z
          .partialRecord(z.enum(governanceAlertNames as [string, ...string[]]), z.enum(alertSeverities))
          .default({})
          .describe(
            'Severity by alert name, such as `{ GovernanceExecutionOverdue: ' +
              'critical }`; the alerts not named keep their default severity.',
          ),
        labels: alertLabelsSchema.describe(`Labels added to the governance alerts, ${reservedLabelsText}.`),
      })
      .prefault({})
      .describe(
        'The governance alerts: on by default for every governance target, severities overridable by alert name.',
      ),
    beacon: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('The beacon endpoint alerts, for every chain with beacon endpoints; `false` turns them off.'),
        unhealthyFor: duration('2m', { min: 0, max: 7 * day }).describe(
          'How long a beacon endpoint stays unhealthy (BeaconEndpointUnhealthy), or a chain has no ' +
            'healthy beacon endpoint (BeaconNoHealthyEndpoint), before the alert fires.',
        ),
        finalityStalledEpochs: z
          .number()
          .int()
          .min(2)
          .max(10_000)
          .default(4)
          .describe(
            'BeaconFinalityStalled fires while the finality distance (wall-clock epoch ' +
              'minus the highest finalized epoch) is above this; 2 is normal.',
          ),
        severities: z
          .partialRecord(z.enum(beaconAlertNames as [string, ...string[]]), z.enum(alertSeverities))
          .default({})
          .describe(
            'Severity by alert name, such as `{ BeaconEndpointUnhealthy: info ' +
              '}`; the alerts not named keep their default severity.',
          ),
        labels: alertLabelsSchema.describe(`Labels added to the beacon alerts, ${reservedLabelsText}.`),
      })
      .prefault({})
      .describe(
        'The beacon endpoint alerts: on by default for every chain with ' +
          'beacon endpoints, severities overridable by alert name.',
      ),
    validators: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('The validator alerts, for every chain with watched validators; `false` turns them off.'),
        missedInARow: z
          .number()
          .int()
          .min(1)
          .max(1_000)
          .default(3)
          .describe(
            'Attestations missed in a row that make a validator count in ' +
              'ValidatorAttestationsMissedInARow (and in `ere_validator_missing_in_a_row`).',
          ),
        missRate: z
          .number()
          .gt(0)
          .max(1)
          .default(0.1)
          .describe(
            "A scope's share of missed attestations in the last processed epoch above which " +
              'ValidatorAttestationMissRateHigh fires; it clears below half of it.',
          ),
        minDuties: z
          .number()
          .int()
          .min(1)
          .default(1)
          .describe('Attestation duties with a reading that a scope needs in an epoch for its miss rate to be judged.'),
        balanceDecreasingEpochs: z
          .number()
          .int()
          .min(1)
          .max(1_000)
          .default(3)
          .describe(
            'Epochs in a row of falling balance (withdrawals excepted) that make a validator count ' +
              'in ValidatorBalanceDecreasing (and in `ere_validator_balance_decreasing`).',
          ),
        eventHold: duration('1h', { min: 60_000, max: 30 * day }).describe(
          'How long ValidatorSlashed and ValidatorProposalMissed fire after ERE recorded the event.',
        ),
        processingBehindEpochs: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe(
            'ValidatorProcessingBehind fires when the attestation stage has been more epochs than this behind where ' +
              'the head allows, for 2 minutes; ValidatorBlocksProcessingBehind likewise for the blocks stage.',
          ),
        severities: z
          .partialRecord(z.enum(validatorAlertNames as [string, ...string[]]), z.enum(alertSeverities))
          .default({})
          .describe(
            'Severity by alert name, such as `{ ValidatorProposalMissed: warning ' +
              '}`; the alerts not named keep their default severity.',
          ),
        labels: alertLabelsSchema.describe(`Labels added to the validator alerts, ${reservedLabelsText}.`),
      })
      .prefault({})
      .describe(
        'The validator alerts: on by default for every chain with watched ' +
          'validators, severities overridable by alert name.',
      ),
    receivers: z
      .array(receiverSchema)
      .default([])
      .describe(
        'Where notifications go. Without `route` every receiver gets every alert; ' +
          'without receivers, alerts are shown but nobody is notified.',
      ),
    route: routeSchema
      .optional()
      .describe(
        "The root of the route tree, with Alertmanager's semantics: it takes every alert no child route takes, " +
          'names a receiver, and has no matchers nor `continue`. Without it every receiver gets every alert.',
      ),
    inhibitRules: z
      .array(inhibitRuleSchema)
      .optional()
      .describe(
        "While an alert matching a rule's source fires, alerts matching its target are not notified " +
          '(recorded as `suppressed`). When absent, a burn-rate page mutes the ticket of the same SLO ' +
          'and ChainHalted mutes the endpoint alerts of its chain; `[]` turns inhibition off.',
      ),
    delivery: z
      .strictObject({
        giveUpAfter: duration('24h', { min: 60_000, max: 30 * day }).describe(
          'A notification still undelivered this long after it was queued is marked `failed` and not tried again.',
        ),
        initialBackoff: duration('1s', { min: 10, max: 3_600_000 }).describe(
          'The wait before retrying a failed delivery the first time; it doubles with ' +
            'each further failure up to `maxBackoff`, each wait half fixed and half ' +
            'random (jitter). A longer `Retry-After` from the receiver wins.',
        ),
        maxBackoff: duration('5m', { min: 100, max: 6 * 3_600_000 }).describe(
          'The cap on the wait between two attempts at a delivery.',
        ),
        breakerFailures: z
          .number()
          .int()
          .positive()
          .default(5)
          .describe(
            "Failed attempts in a row that open a receiver's circuit: the " +
              'receiver is left alone for `breakerCooldown`.',
          ),
        breakerCooldown: duration('30s', { min: 100, max: 3_600_000 }).describe(
          'How long an open circuit leaves its receiver alone at first before a trial ' +
            'attempt; each failed trial doubles it up to `maxBreakerCooldown`.',
        ),
        maxBreakerCooldown: duration('10m', { min: 100, max: 6 * 3_600_000 }).describe(
          "The longest a receiver's circuit stays open between two trials.",
        ),
        pollInterval: duration('1s', { min: 10, max: 60_000 }).describe(
          'How often the outbox is checked when nothing new was queued.',
        ),
      })
      .prefault({})
      .describe('How the outbox delivers notifications: retries with backoff, and a circuit breaker per receiver.'),
    historyRetention: duration('90d', { min: day, max: 3_650 * day }).describe(
      'How long delivered and failed notifications, their attempts, alert transitions and ended ' +
        'silences are kept; the retention job (`storage.retentionSchedule`) deletes older ones.',
    ),
  })
  .prefault({})
  .describe(
    'What fires and who is told: threshold rules, the SLO burn-rate, governance, beacon and ' +
      'validator alerts (all on by default), receivers, routing, inhibition and delivery.',
  )
  .transform((alerting) => ({
    ...alerting,
    inhibitRules: alerting.inhibitRules ?? (defaultInhibitRules as InhibitRule[]),
    /** Without a route every receiver gets every alert. */
    routeTree: alerting.route
      ? toRouteNode(alerting.route)
      : alerting.receivers.length === 0
        ? null
        : {
            receiver: alerting.receivers[0]!.id,
            matchers: [],
            continue: false,
            routes: alerting.receivers.map(
              (receiver): RouteNode => ({ receiver: receiver.id, matchers: [], continue: true, routes: [] }),
            ),
          },
  }));

export type AlertingConfig = z.output<typeof alertingSchema>;

/** Receiver ids unique, routes naming receivers that exist, rules selecting chains and endpoints that exist. */
export function checkAlertingReferences(
  config: {
    chains: { id: string; rpc: { id: string }[]; beacon?: { endpoints: { id: string }[] } | undefined }[];
    alerting: AlertingConfig;
  },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const { alerting } = config;
  const receiverIds = new Set<string>();
  alerting.receivers.forEach((receiver, index) => {
    if (receiverIds.has(receiver.id))
      problem(['alerting', 'receivers', index, 'id'], `duplicate receiver id "${receiver.id}"`);
    receiverIds.add(receiver.id);
  });
  // routeTree is missing when a problem elsewhere in the section kept its transform from running.
  if (alerting.route && alerting.routeTree) {
    if (alerting.receivers.length === 0) problem(['alerting', 'route'], 'a route needs receivers');
    else
      for (const found of checkRouteTree(alerting.routeTree!, receiverIds))
        problem(['alerting', 'route', ...found.path], found.message);
  }
  const ruleKeys = new Set<string>();
  alerting.rules.forEach((rule, index) => {
    const key = `${rule.name}/${rule.severity}`;
    if (ruleKeys.has(key))
      problem(
        ['alerting', 'rules', index, 'name'],
        `duplicate rule "${rule.name}" with severity ${rule.severity} (a name may repeat with another severity)`,
      );
    ruleKeys.add(key);
    rule.chains?.forEach((chain, chainIndex) => {
      if (!config.chains.some((candidate) => candidate.id === chain))
        problem(['alerting', 'rules', index, 'chains', chainIndex], `no chain "${chain}"`);
    });
    // A chain rule selecting endpoints is refused by the rule's own schema.
    const endpointsOf = (chain: (typeof config.chains)[number]) =>
      rule.source === 'beacon_endpoint' ? (chain.beacon?.endpoints ?? []) : chain.rpc;
    if (!endpointSources.includes(rule.source)) return;
    rule.endpoints?.forEach((endpoint, endpointIndex) => {
      if (!config.chains.some((chain) => endpointsOf(chain).some((candidate) => candidate.id === endpoint)))
        problem(['alerting', 'rules', index, 'endpoints', endpointIndex], `no endpoint "${endpoint}"`);
    });
  });
}
