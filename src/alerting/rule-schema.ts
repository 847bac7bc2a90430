// A threshold alert rule as the config writes it (`alerting.rules[]`), with the labels and annotation
// templates every alert section shares.

import { z } from 'zod';
import { alertSeverities } from '../domain/alert.js';
import { duration, id, labels } from '../domain/fields.js';
import { thresholdOperators } from './lifecycle.js';
import { endpointSources, thresholdMetrics, thresholdSourceNames } from './sources/index.js';
import { checkTemplate } from './template.js';

const day = 86_400_000;

export const template = z.string().superRefine((text, ctx) => {
  const problem = checkTemplate(text);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Labels every alert gets from its source; a rule may not set them. */
export const reservedAlertLabels = ['alertname', 'severity', 'scope', 'chain', 'endpoint', 'slo', 'service'];
/** How the reserved names read in the descriptions of the alert label keys. */
const reservedNames = reservedAlertLabels.map((name) => `\`${name}\``).join(', ');
export const reservedLabelsText = `except ${reservedNames}, which ERE sets itself`;

export const alertLabelsSchema = labels.superRefine((value, ctx) => {
  for (const name of Object.keys(value))
    if (reservedAlertLabels.includes(name))
      ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is set by ERE and cannot be set here` });
});

export const ruleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be an alert name: letters, digits and "_", not starting with a digit')
      .describe("The alert's `alertname`. A name may repeat with another severity (a warning at 5, a critical at 20)."),
    source: z
      .enum(thresholdSourceNames)
      .describe(
        'What the rule watches: `endpoint` (one series per RPC endpoint), `chain` (one per chain), ' +
          '`beacon_endpoint` (one per beacon endpoint), `beacon_chain` (one per chain with beacon ' +
          'endpoints), `validator_scope` (one per watched validator scope of each chain, ' +
          '`network` aside) or `validator_chain` (one per chain with watched validators).',
      ),
    metric: z
      .string()
      .describe(
        'The value compared with `threshold`. For `endpoint`: `up` and `healthy` (0 or 1), `lag_blocks`, ' +
          '`lag_seconds`, `head_age_seconds`, `latency_seconds`; for `chain`: `head_age_seconds` (of the consensus ' +
          'head), `healthy_endpoints`, `up_endpoints`, `healthy_ratio`; for `beacon_endpoint`: `up` and `healthy` ' +
          '(0 or 1), `lag_slots`, `head_age_seconds`, `finality_distance_epochs`, `peer_count`, ' +
          '`latency_seconds`; for `beacon_chain`: `healthy_endpoints`, `up_endpoints`, `healthy_ratio`, ' +
          '`finality_distance_epochs` (wall-clock epoch minus the highest finalized epoch of its answering ' +
          'endpoints); for `validator_scope`, of the last processed epoch: `missing_in_a_row` and ' +
          '`balance_decreasing` (validators counted), `missed_attestations`, `miss_rate` (unknown below ' +
          '`alerting.validators.minDuties` duties); for `validator_chain`: ' +
          '`attestation_epochs_behind`, `block_epochs_behind`.',
      ),
    op: z.enum(thresholdOperators).describe('The comparison: the condition is `metric op threshold`.'),
    threshold: z.number().describe('The value `metric` is compared with.'),
    clear: z
      .number()
      .optional()
      .describe(
        'Hysteresis: once active, the alert stays active until the value crosses this instead of `threshold` (it ' +
          'clears at or below it for `>` and `>=`, at or above it for `<` and `<=`). Not for `==` and `!=`.',
      ),
    for: duration('0s', { min: 0, max: 7 * day }).describe(
      'How long the condition must hold before the alert fires; until then it is pending.',
    ),
    keepFiringFor: duration('0s', { min: 0, max: 7 * day }).describe(
      'How long a firing alert stays firing after its condition clears, so ' +
        'that a flapping condition does not resolve and fire again.',
    ),
    severity: z
      .enum(alertSeverities)
      .default('warning')
      .describe(
        'The `severity` label of the alert; PagerDuty receivers map `page` to critical and `ticket` to warning.',
      ),
    chains: z.array(id).optional().describe('Chain ids the rule applies to; every chain when absent.'),
    endpoints: z
      .array(id)
      .optional()
      .describe(
        'RPC endpoint ids an `endpoint` rule applies to, beacon endpoint ids a ' +
          '`beacon_endpoint` rule applies to; every endpoint of the selected chains when absent.',
      ),
    labels: alertLabelsSchema.describe(`Extra labels on the rule's alerts, ${reservedLabelsText}.`),
    annotations: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'annotation names are letters, digits and "_"'), template)
      .default({})
      .describe(
        'Annotations by name (`summary`, `description`, `runbook_url` or any other), each a template ' +
          'over the alert, such as `{{ $labels.endpoint }} is {{ $value }} blocks behind`.',
      ),
    enabled: z
      .boolean()
      .default(true)
      .describe(
        '`false`: the rule is not evaluated. With a built-in beacon or ' +
          "validator alert's `name` and `source`, it turns that alert off.",
      ),
  })
  .superRefine((rule, ctx) => {
    const metrics = thresholdMetrics[rule.source] ?? [];
    if (!metrics.includes(rule.metric))
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `must be one of ${metrics.join(', ')} for source "${rule.source}"`,
      });
    if (rule.clear !== undefined) {
      const above = rule.op === '>' || rule.op === '>=';
      const below = rule.op === '<' || rule.op === '<=';
      if (!above && !below)
        ctx.addIssue({
          code: 'custom',
          path: ['clear'],
          message: 'only rules with >, >=, < or <= can have a clear threshold',
        });
      else if (above && rule.clear > rule.threshold)
        ctx.addIssue({
          code: 'custom',
          path: ['clear'],
          message: `must not be above the threshold (${rule.threshold}) of a "${rule.op}" rule`,
        });
      else if (below && rule.clear < rule.threshold)
        ctx.addIssue({
          code: 'custom',
          path: ['clear'],
          message: `must not be below the threshold (${rule.threshold}) of a "${rule.op}" rule`,
        });
    }
    if (!endpointSources.includes(rule.source) && rule.endpoints !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'only endpoint rules select endpoints' });
    }
  });

export type AlertRuleConfig = z.output<typeof ruleSchema>;
export type AlertRuleInput = z.input<typeof ruleSchema>;
