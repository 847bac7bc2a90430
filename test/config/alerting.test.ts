import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { defaultInhibitRules } from '../../src/alerting/inhibition.js';
import { parseMatcher } from '../../src/alerting/matchers.js';
import { routeAlert } from '../../src/alerting/route-tree.js';
import { configProblems } from '../helpers/config.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://eth.example.com" }
      - { id: infura, url: "https://infura.example.com" }
  - id: base
    chainId: 8453
    rpc:
      - { id: base-public, url: "https://base.example.com" }
`;

const withAlerting = (alerting: string) => `${chains}alerting:\n${alerting}`;

const problemsOf = configProblems;

const minute = 60_000;

describe('alerting config: defaults', () => {
  it('without an alerting section: the standard rules, the default inhibit rules, no receivers and no route', () => {
    const { alerting } = parseConfig(chains, { env: {} });
    expect(
      alerting.rules.map((rule) => [
        rule.name,
        rule.source,
        rule.metric,
        rule.op,
        rule.threshold,
        rule.clear,
        rule.for,
        rule.keepFiringFor,
        rule.severity,
      ]),
    ).toEqual([
      ['EndpointDown', 'endpoint', 'up', '==', 0, undefined, 5 * minute, minute, 'warning'],
      ['EndpointLagging', 'endpoint', 'lag_blocks', '>', 5, 2, 2 * minute, 0, 'warning'],
      ['ChainHalted', 'chain', 'head_age_seconds', '>', 60, undefined, minute, 0, 'critical'],
      ['RedundancyLow', 'chain', 'healthy_endpoints', '<', 2, undefined, 5 * minute, 0, 'warning'],
    ]);
    for (const rule of alerting.rules) expect(Object.keys(rule.annotations).sort()).toEqual(['description', 'summary']);
    expect(alerting.inhibitRules).toEqual(defaultInhibitRules);
    expect(alerting.receivers).toEqual([]);
    expect(alerting.route).toBeUndefined();
    expect(alerting.routeTree).toBeNull();
    expect(alerting).toMatchObject({
      evaluationInterval: 15_000,
      sloAlerts: { labels: {}, annotations: {} },
      delivery: {
        giveUpAfter: 24 * 60 * minute,
        initialBackoff: 1_000,
        maxBackoff: 5 * minute,
        breakerFailures: 5,
        breakerCooldown: 30_000,
        maxBreakerCooldown: 10 * minute,
        pollInterval: 1_000,
      },
      historyRetention: 90 * 86_400_000,
    });
  });

  it('an empty rules list turns the standard rules off; empty inhibitRules turns the default inhibitions off', () => {
    const { alerting } = parseConfig(withAlerting('  rules: []\n  inhibitRules: []\n'), { env: {} });
    expect(alerting.rules).toEqual([]);
    expect(alerting.inhibitRules).toEqual([]);
  });

  it('receivers without a route: every receiver gets every alert', () => {
    const { alerting } = parseConfig(
      withAlerting(`  receivers:
    - { id: hook, kind: webhook, url: "https://example.com/hook" }
    - { id: chat, kind: slack, url: "https://hooks.slack.com/services/T/B/X", sendResolved: false,
        rateLimit: { perMinute: 20 } }
`),
      { env: {} },
    );
    expect(alerting.receivers).toEqual([
      {
        id: 'hook',
        kind: 'webhook',
        timeout: 10_000,
        sendResolved: true,
        rateLimit: { perMinute: 60, burst: 10 },
        settings: { kind: 'webhook', url: 'https://example.com/hook', headers: {}, maxAlerts: 0 },
      },
      {
        id: 'chat',
        kind: 'slack',
        timeout: 10_000,
        sendResolved: false,
        rateLimit: { perMinute: 20, burst: 10 },
        settings: { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
      },
    ]);
    const alerts: Record<string, string>[] = [
      { alertname: 'EndpointDown', severity: 'warning' },
      { alertname: 'SloErrorBudgetBurn', severity: 'page', slo: 'x' },
      { alertname: 'Anything', severity: 'info', team: 'other' },
    ];
    for (const labels of alerts) {
      expect(routeAlert(alerting.routeTree!, labels).map((route) => route.receiver)).toEqual(['hook', 'chat']);
    }
  });

  it('a route becomes the route tree, matchers parsed, durations in ms, unset timings inherited', () => {
    const { alerting } = parseConfig(
      withAlerting(`  receivers:
    - { id: chat, kind: slack, url: "https://hooks.slack.com/services/T/B/X" }
    - { id: pager, kind: pagerduty, routingKey: 0123456789abcdef0123456789abcdef }
  route:
    receiver: chat
    groupBy: [alertname, chain]
    repeatInterval: 2h
    routes:
      - { matchers: ['severity=~"page|critical"'], receiver: pager, groupWait: 10s }
`),
      { env: {} },
    );
    expect(alerting.routeTree).toEqual({
      receiver: 'chat',
      matchers: [],
      groupBy: ['alertname', 'chain'],
      repeatIntervalMs: 2 * 60 * minute,
      continue: false,
      routes: [
        {
          receiver: 'pager',
          matchers: [parseMatcher('severity=~"page|critical"')],
          groupWaitMs: 10_000,
          continue: false,
          routes: [],
        },
      ],
    });
    expect(routeAlert(alerting.routeTree!, { alertname: 'ChainHalted', severity: 'critical', chain: 'base' })).toEqual([
      {
        receiver: 'pager',
        groupBy: ['alertname', 'chain'],
        groupWaitMs: 10_000,
        groupIntervalMs: 5 * minute,
        repeatIntervalMs: 2 * 60 * minute,
        path: '0',
      },
    ]);
    expect(
      routeAlert(alerting.routeTree!, { alertname: 'EndpointLagging', severity: 'warning' }).map(
        (route) => route.receiver,
      ),
    ).toEqual(['chat']);
  });
});

/** An endpoint rule on `lag_blocks > 5`, with fields replaced or added (JSON is YAML). */
const rule = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'X', source: 'endpoint', metric: 'lag_blocks', op: '>', threshold: 5, ...fields });
const slack = (fields = '') =>
  `{ id: chat, kind: slack, url: "https://hooks.slack.com/services/T/B/X"${fields ? `, ${fields}` : ''} }`;

interface ProblemCase {
  name: string;
  alerting: string;
  /** Every problem expected, in any order; a message may be an asymmetric matcher (zod's own wording). */
  problems: { path: string; message: unknown }[];
}

const problemCases: ProblemCase[] = [
  {
    name: 'a metric the rule’s source does not have',
    alerting:
      `  rules:\n    - { name: X, source: chain, metric: lag_blocks, op: ">", threshold: 5 }\n    - { ` +
      `name: Y, source: endpoint, metric: healthy_endpoints, op: "<", threshold: 1 }\n`,
    problems: [
      {
        path: 'alerting.rules[0].metric',
        message: 'must be one of head_age_seconds, healthy_endpoints, up_endpoints, healthy_ratio for source "chain"',
      },
      {
        path: 'alerting.rules[1].metric',
        message:
          'must be one of up, healthy, lag_blocks, lag_seconds, ' +
          'head_age_seconds, latency_seconds for source "endpoint"',
      },
    ],
  },
  {
    name: 'a clear threshold on the wrong side, or on an equality rule',
    alerting: `  rules:
    - ${rule({ clear: 9 })}
    - { name: Y, source: chain, metric: healthy_endpoints, op: "<=", threshold: 2, clear: 1 }
    - { name: Z, source: endpoint, metric: up, op: "==", threshold: 0, clear: 1 }
    - ${rule({ clear: 5, severity: 'page' })}
`,
    problems: [
      { path: 'alerting.rules[0].clear', message: 'must not be above the threshold (5) of a ">" rule' },
      { path: 'alerting.rules[1].clear', message: 'must not be below the threshold (2) of a "<=" rule' },
      { path: 'alerting.rules[2].clear', message: 'only rules with >, >=, < or <= can have a clear threshold' },
    ],
  },
  {
    name: 'rule fields of the wrong shape',
    alerting:
      `  rules:\n    - { name: "bad-name", source: validator, metric: lag_blocks, op: ` +
      `"~", threshold: "5", for: soon, severity: urgent, colour: red }\n`,
    problems: [
      { path: 'alerting.rules[0].colour', message: 'unknown key' },
      {
        path: 'alerting.rules[0].name',
        message: 'must be an alert name: letters, digits and "_", not starting with a digit',
      },
      {
        path: 'alerting.rules[0].source',
        message: expect.stringContaining('"endpoint"|"endpoint_check"|"canary"|"chain"'),
      },
      { path: 'alerting.rules[0].op', message: expect.stringContaining('">"|">="') },
      { path: 'alerting.rules[0].threshold', message: 'Invalid input: expected number, received string' },
      {
        path: 'alerting.rules[0].for',
        message: 'must be a duration such as "500ms", "15s", "2m", "1h" or a number of seconds',
      },
      { path: 'alerting.rules[0].severity', message: expect.stringContaining('"page"') },
    ],
  },
  {
    name: 'a bad template in an annotation, of a rule or of the SLO alerts',
    alerting: `  rules:
    - ${rule({ annotations: { summary: '{{ $labels.chain ', description: '{{ $value | nope }}', 'runbook-url': 'x' } })}
  sloAlerts:
    annotations: { summary: "{{ if }}" }
`,
    problems: [
      { path: 'alerting.rules[0].annotations.summary', message: 'template error at 1:3: unclosed action: missing }}' },
      { path: 'alerting.rules[0].annotations.description', message: 'template error at 1:13: unknown function "nope"' },
      { path: 'alerting.rules[0].annotations.runbook-url', message: 'annotation names are letters, digits and "_"' },
      { path: 'alerting.sloAlerts.annotations.summary', message: expect.stringMatching(/^template error at 1:4: /) },
    ],
  },
  {
    name: 'labels ERE sets, in rule labels and SLO alert labels',
    alerting: `  rules:
    - ${rule({ labels: { team: 'rpc', chain: 'x', severity: 'y' } })}
  sloAlerts:
    labels: { slo: x, service: y, owner: sre }
`,
    problems: [
      { path: 'alerting.rules[0].labels.chain', message: '"chain" is set by ERE and cannot be set here' },
      { path: 'alerting.rules[0].labels.severity', message: '"severity" is set by ERE and cannot be set here' },
      { path: 'alerting.sloAlerts.labels.slo', message: '"slo" is set by ERE and cannot be set here' },
      { path: 'alerting.sloAlerts.labels.service', message: '"service" is set by ERE and cannot be set here' },
    ],
  },
  {
    name: 'label names that are not label names',
    alerting: `  rules:\n    - ${rule({ labels: { '1st': 'z', 'team-name': 'rpc' } })}\n`,
    problems: [
      { path: 'alerting.rules[0].labels.1st', message: 'label names are letters, digits and "_"' },
      { path: 'alerting.rules[0].labels.team-name', message: 'label names are letters, digits and "_"' },
    ],
  },
  {
    name: 'rules selecting chains and endpoints that do not exist, and a chain rule selecting endpoints',
    alerting: `  rules:
    - ${rule({ chains: ['mainnet', 'polygon'], endpoints: ['alchemy', 'ghost', 'base-public'] })}
    - { name: Y, source: chain, metric: head_age_seconds, op: ">", threshold: 60, endpoints: [alchemy] }
`,
    problems: [
      { path: 'alerting.rules[1].endpoints', message: 'only endpoint rules select endpoints' },
      { path: 'alerting.rules[0].chains[1]', message: 'no chain "polygon"' },
      { path: 'alerting.rules[0].endpoints[1]', message: 'no endpoint "ghost"' },
    ],
  },
  {
    name: 'the same rule name twice with the same severity',
    alerting: `  rules:\n    - ${rule()}\n    - ${rule({ severity: 'page' })}\n    - ${rule({ threshold: 9 })}\n`,
    problems: [
      {
        path: 'alerting.rules[2].name',
        message: 'duplicate rule "X" with severity warning (a name may repeat with another severity)',
      },
    ],
  },
  {
    name: 'bad matcher syntax in a route and in an inhibit rule',
    alerting: `  receivers: [${slack()}]
  route:
    receiver: chat
    routes:
      - { matchers: ['severity=="page"'] }
      - { matchers: ['chain="base"', '1abc="x"'] }
  inhibitRules:
    - { sourceMatchers: [], targetMatchers: ['endpoint=~"("'] }
`,
    problems: [
      {
        path: 'alerting.route.routes[0].matchers[0]',
        message: `Invalid matcher 'severity=="page"': an unquoted value contains "`,
      },
      {
        path: 'alerting.route.routes[1].matchers[1]',
        message: `Invalid matcher '1abc="x"': invalid label name "1abc"`,
      },
      { path: 'alerting.inhibitRules[0].sourceMatchers', message: 'needs at least one matcher' },
      {
        path: 'alerting.inhibitRules[0].targetMatchers[0]',
        message: expect.stringMatching(/^Invalid matcher 'endpoint=~"\("': invalid regex/),
      },
    ],
  },
  {
    name: 'routes naming receivers that do not exist',
    alerting: `  receivers: [${slack()}]
  route:
    receiver: chatops
    routes:
      - { matchers: ['severity="page"'], receiver: pager }
      - matchers: ['chain="base"']
        routes: [{ matchers: ['scope="endpoint"'], receiver: base-team }]
`,
    problems: [
      { path: 'alerting.route.receiver', message: 'unknown receiver "chatops"' },
      { path: 'alerting.route.routes[0].receiver', message: 'unknown receiver "pager"' },
      { path: 'alerting.route.routes[1].routes[0].receiver', message: 'unknown receiver "base-team"' },
    ],
  },
  {
    name: 'a root route with matchers and without a receiver, and a bad group_by',
    alerting: `  receivers: [${slack()}]
  route:
    matchers: ['severity="page"']
    routes: [{ receiver: chat, groupBy: [alertname, 1x] }]
`,
    problems: [
      {
        path: 'alerting.route.receiver',
        message: 'the root route must name a receiver: it takes every alert no other route takes',
      },
      { path: 'alerting.route.matchers', message: 'the root route must not have matchers: it matches every alert' },
      { path: 'alerting.route.routes[0].groupBy[1]', message: 'invalid label name "1x"' },
    ],
  },
  {
    name: 'a route without receivers',
    alerting: '  route: { receiver: chat }\n',
    problems: [{ path: 'alerting.route', message: 'a route needs receivers' }],
  },
  {
    name: 'a duplicate receiver id',
    alerting:
      `  receivers:\n    - ${slack()}\n    - { id: pager, kind: pagerduty, routingKey: k }\n    - { id: chat, ` +
      `kind: webhook, url: "https://example.com/hook" }\n`,
    problems: [{ path: 'alerting.receivers[2].id', message: 'duplicate receiver id "chat"' }],
  },
  {
    name: 'an unknown receiver kind',
    alerting: '  receivers:\n    - { id: mail, kind: email, to: "ops@example.com" }\n',
    problems: [
      {
        path: 'alerting.receivers[0].kind',
        message: 'must be one of alertmanager, slack, pagerduty, webhook, discord, telegram',
      },
    ],
  },
  {
    name: 'a receiver kind’s own field problems, by their path under the receiver',
    alerting: `  receivers:
    - { id: chat, kind: slack, url: "ftp://hooks.slack.com/services/T/B/X", colour: red }
    - { id: pager, kind: pagerduty }
    - { id: hook, kind: webhook, url: "https://example.com/hook", headers: { Idempotency-Key: x, X-Team: "a\\nb" },
        hmacKey: short }
`,
    problems: [
      { path: 'alerting.receivers[0].url', message: expect.any(String) },
      { path: 'alerting.receivers[0].colour', message: 'unknown key' },
      { path: 'alerting.receivers[1].routingKey', message: 'is required' },
      { path: 'alerting.receivers[2].headers.Idempotency-Key', message: 'is set by ERE itself' },
      { path: 'alerting.receivers[2].headers.X-Team', message: 'must not contain line breaks' },
      { path: 'alerting.receivers[2].hmacKey', message: 'must be at least 16 characters' },
    ],
  },
  {
    name: 'the fields every receiver shares',
    alerting:
      `  receivers:\n    - ` +
      `${slack('timeout: 5 minutes, sendResolved: "yes", rateLimit: { perMinute: 0, burst: 1.5 }')}\n    - { kind: ` +
      `slack, url: "https://hooks.slack.com/services/T/B/Y" }\n`,
    problems: [
      {
        path: 'alerting.receivers[0].timeout',
        message: 'must be a duration such as "500ms", "15s", "2m", "1h" or a number of seconds',
      },
      { path: 'alerting.receivers[0].sendResolved', message: 'Invalid input: expected boolean, received string' },
      { path: 'alerting.receivers[0].rateLimit.perMinute', message: expect.stringMatching(/>0/) },
      { path: 'alerting.receivers[0].rateLimit.burst', message: expect.stringMatching(/int/) },
      { path: 'alerting.receivers[1].id', message: 'is required' },
    ],
  },
  {
    name: 'delivery settings out of range and unknown keys',
    alerting: '  evaluationInterval: 11m\n  delivery: { initialBackoff: 1ms, breakerFailures: 0, retries: 3 }\n',
    problems: [
      { path: 'alerting.evaluationInterval', message: 'must be between 1000 ms and 600000 ms' },
      { path: 'alerting.delivery.retries', message: 'unknown key' },
      { path: 'alerting.delivery.initialBackoff', message: 'must be between 10 ms and 3600000 ms' },
      { path: 'alerting.delivery.breakerFailures', message: expect.stringMatching(/>0/) },
    ],
  },
];

describe('alerting config: every problem by its path', () => {
  it.each(problemCases)('$name', ({ alerting, problems }) => {
    const found = problemsOf(withAlerting(alerting));
    expect(found).toEqual(expect.arrayContaining(problems));
    expect(found).toHaveLength(problems.length);
  });
});
