// Every alert ERE can raise links to its section of a runbook ERE serves: the names come from the rule
// sources and the default threshold rules themselves, so a new rule without a section fails here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAlertRules } from '../../src/alerting/default-rules.js';
import { isShippedRule } from '../../src/service/alerting.js';
import type { AlertRule } from '../../src/alerting/alert-rule.js';
import { runbookSection, withRunbookLinks } from '../../src/alerting/runbooks.js';
import { builtInThresholdRules } from '../../src/alerting/threshold-rules.js';
import { governanceAlertNames } from '../../src/alerting/sources/governance.js';
import { sloAlertName } from '../../src/alerting/sources/slo.js';
import { validatorEventAlertNames } from '../../src/alerting/sources/validators.js';
import { parseTemplate, renderTemplate } from '../../src/alerting/template.js';
import { alertRules as prometheusAlerts, runbookAnchors, runbooksDir, runbookTarget } from '../alerts/rule-files.js';

const sections = {
  rules: [],
  beacon: { enabled: true, unhealthyFor: 120_000, finalityStalledEpochs: 4, severities: {}, labels: {} },
  validators: {
    enabled: true,
    missedInARow: 3,
    missRate: 0.1,
    minDuties: 1,
    eventHold: 3_600_000,
    processingBehindEpochs: 3,
    severities: {},
    labels: {},
  },
};

/** Every rule ERE ships, by source, as the alert engine gets it. */
const shippedRules: Pick<AlertRule, 'name' | 'source'>[] = [
  ...defaultAlertRules.map((rule) => ({ name: rule.name, source: rule.source })),
  ...builtInThresholdRules(sections).map((rule) => ({ name: rule.name, source: rule.source })),
  ...validatorEventAlertNames.map((name) => ({ name, source: 'validators' })),
  ...governanceAlertNames.map((name) => ({ name, source: 'governance' })),
  { name: sloAlertName, source: 'slo' },
];

const ruleOf = (name: string, source: string, annotations: Record<string, string> = {}): AlertRule => ({
  name,
  source,
  severity: 'warning',
  timing: { forMs: 0, keepFiringForMs: 0 },
  labels: {},
  annotations: Object.fromEntries(Object.entries(annotations).map(([key, text]) => [key, parseTemplate(text)])),
  signals: () => [],
});

const rendered = (rule: AlertRule, annotation: string) =>
  renderTemplate(rule.annotations[annotation]!, { labels: {}, value: null });

describe('runbook links of the alerts ERE raises', () => {
  it('enumerates every source', () => {
    expect(new Set(shippedRules.map((rule) => rule.source))).toEqual(
      new Set([
        'endpoint',
        'endpoint_check',
        'canary',
        'chain',
        'beacon_endpoint',
        'beacon_chain',
        'validator_scope',
        'validator_chain',
        'validators',
        'governance',
        'slo',
      ]),
    );
    expect(shippedRules.length).toBeGreaterThan(30);
  });

  it.each(shippedRules)(
    '$name ($source) carries a runbook_url to a section of a served runbook',
    ({ name, source }) => {
      expect(isShippedRule({ name, source })).toBe(true);
      const [linked] = withRunbookLinks(
        [ruleOf(name, source, { summary: 's' })],
        () => 'http://ere.example:9464/',
        isShippedRule,
      );
      const url = rendered(linked!, 'runbook_url');
      expect(url).toBe(
        `http://ere.example:9464/runbooks/${runbookSection({ name, source })!.page}#${name.toLowerCase()}`,
      );
      expect(rendered(linked!, 'summary')).toBe('s');
      const target = runbookTarget(url)!;
      expect([...runbookAnchors(readFileSync(join(runbooksDir, `${target.name}.md`), 'utf8'))]).toContain(
        target.anchor,
      );
    },
  );

  it.each([
    { case: 'a threshold rule the user named', rule: ruleOf('MyEndpointSlow', 'endpoint'), expected: undefined },
    {
      case: 'a runbook_url the config sets',
      rule: ruleOf('EndpointDown', 'endpoint', { runbook_url: 'https://wiki.example/down' }),
      expected: 'https://wiki.example/down',
    },
    {
      case: 'a shipped rule',
      rule: ruleOf('ChainHalted', 'chain'),
      expected: 'http://127.0.0.1:9464/runbooks/rpc#chainhalted',
    },
  ])('links $case as expected', ({ rule, expected }) => {
    const [linked] = withRunbookLinks([rule], () => 'http://127.0.0.1:9464', isShippedRule);
    expect(linked!.annotations.runbook_url ? rendered(linked!, 'runbook_url') : undefined).toBe(expected);
  });

  it('names a Prometheus rule on a condition ERE alerts on as ERE does, with the Ere prefix', () => {
    const shippedNames = new Set(shippedRules.map((rule) => rule.name));
    // The rules on ERE itself (ere-self) and the conditions only Prometheus judges.
    const prometheusOnly = new Set(['EreChainNoHealthyEndpoint']);
    const unmatched = prometheusAlerts()
      .filter((alert) => !alert.file.endsWith('/ere-self.rules.yml') && !prometheusOnly.has(alert.alert))
      .map((alert) => alert.alert)
      .filter((name) => !shippedNames.has(name.replace(/^Ere/, '')));
    expect(unmatched).toEqual([]);
  });

  it('reads the base URL at each evaluation, once the listen port is known', () => {
    let base = 'http://127.0.0.1:0';
    const [linked] = withRunbookLinks([ruleOf('BeaconFinalityStalled', 'beacon_chain')], () => base, isShippedRule);
    base = 'http://127.0.0.1:41234';
    expect(rendered(linked!, 'runbook_url')).toBe('http://127.0.0.1:41234/runbooks/consensus#beaconfinalitystalled');
  });
});
