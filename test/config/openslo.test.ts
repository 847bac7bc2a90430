import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { importOpenSlo, OpenSloError } from '../../src/config/openslo/import.js';
import type { ConfigProblem } from '../../src/config/problems.js';
import { resolveSlos } from '../../src/config/slos.js';
import { dayMs, hourMs, minuteMs } from '../../src/slo/window.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://a.example.com", labels: { tier: paid } }
      - { id: infura, url: "https://b.example.com", labels: { tier: paid } }
      - { id: own, url: "https://c.example.com", labels: { tier: self } }
`;

const sampleFile = fileURLToPath(new URL('../../docs/examples/mainnet-rpc.openslo.yaml', import.meta.url));

function problemsOf(text: string): ConfigProblem[] {
  try {
    importOpenSlo([{ name: 'slos.yaml', text }]);
  } catch (error) {
    expect(error).toBeInstanceOf(OpenSloError);
    return (error as OpenSloError).problems;
  }
  throw new Error('expected an OpenSloError');
}

// Loosely typed on purpose: the cases below write what OpenSLO files hold, valid or not.
// biome-ignore lint/suspicious/noExplicitAny: the cases rewrite OpenSLO documents freely, as YAML would hold them
type Slo = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any> };

/** One SLO with a ratio SLI, inline, that imports cleanly; the cases below break one thing each. */
const baseSlo = (): Slo => ({
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: { name: 's', labels: { team: 'infra' } },
  spec: {
    service: 'rpc',
    indicator: {
      metadata: { name: 'avail' },
      spec: {
        ratioMetric: {
          counter: true,
          good: { metricSource: { type: 'ere', spec: { kind: 'availability', chain: 'mainnet' } } },
          total: { metricSource: { type: 'ere', spec: { kind: 'availability', chain: 'mainnet' } } },
        },
      },
    },
    timeWindow: [{ duration: '30d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [{ target: 0.999 }],
    alertPolicies: [
      {
        kind: 'AlertPolicy',
        metadata: { name: 'fast' },
        spec: {
          alertWhenBreaching: true,
          conditions: [
            {
              kind: 'AlertCondition',
              metadata: { name: 'fast' },
              spec: {
                severity: 'page',
                condition: { kind: 'burnrate', op: 'gt', threshold: 14.4, lookbackWindow: '1h', alertAfter: '0m' },
              },
            },
          ],
        },
      },
    ],
  },
});

/** The base SLO, changed by `change`, followed by any other documents. */
function documents(change: (slo: Slo) => void, ...others: object[]): string {
  const slo = baseSlo() as Slo;
  change(slo);
  return [slo, ...others].map((document) => stringify(document)).join('---\n');
}

const slo = 'slos.yaml: documents[0] (SLO "s")';
const indicator = `${slo}.spec.indicator.spec`;
const condition = `${slo}.spec.alertPolicies[0].spec.conditions[0].spec`;
const ratio = (slo: Slo) => slo.spec.indicator.spec.ratioMetric;
const policy = (slo: Slo) => slo.spec.alertPolicies[0].spec;
const alertCondition = (slo: Slo) => policy(slo).conditions[0].spec.condition;

describe('OpenSLO import', () => {
  it(
    'imports the sample file: referenced and inline SLIs, policies ' +
      'and conditions, a data source, a calendar month',
    () => {
      const slos = importOpenSlo([{ name: 'sample', text: readFileSync(sampleFile, 'utf8') }]);
      expect(slos.map((slo) => slo.input)).toEqual([
        {
          id: 'mainnet-availability',
          service: 'mainnet-rpc',
          description: 'Mainnet availability — Paid providers answer 99.9 % of probes',
          objective: 99.9,
          window: '30d',
          budgeting: 'occurrences',
          sli: { kind: 'availability', chain: 'mainnet', labels: { tier: 'paid' } },
          labels: { team: 'infra' },
          alerting: {
            tiers: [
              { severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
              { severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
            ],
          },
        },
        {
          id: 'mainnet-latency',
          service: 'mainnet-rpc',
          description: 'In 95 % of the minutes of the month, 90 % of probes are answered within 500 ms',
          objective: 95,
          window: 'month',
          budgeting: 'timeslices',
          timesliceObjective: 90,
          sli: { kind: 'latency', chain: 'mainnet', labels: { tier: 'paid' }, thresholdMs: 500 },
        },
        {
          id: 'mainnet-freshness',
          service: 'mainnet-rpc',
          objective: 99.5,
          window: '28d',
          budgeting: 'occurrences',
          sli: { kind: 'freshness', chain: 'mainnet', maxLagBlocks: 2, maxHeadAgeSeconds: 60 },
        },
      ]);
    },
  );

  it('resolves through the config into what the engine runs', () => {
    const slos = importOpenSlo([{ name: 'sample', text: readFileSync(sampleFile, 'utf8') }]);
    const config = parseConfig(`${chains}\n${stringify({ slos: slos.map((slo) => slo.input) })}`);
    const [availability, latency, freshness] = resolveSlos(config);
    expect(availability).toMatchObject({
      objective: 0.999,
      window: { kind: 'rolling', durationMs: 30 * dayMs },
      sli: { kind: 'availability', selection: { chain: 'mainnet', endpoints: ['alchemy', 'infura'] } },
      labels: { team: 'infra' },
      alerting: {
        enabled: true,
        tiers: [
          { severity: 'page', burnRate: 14.4, longWindowMs: hourMs, shortWindowMs: 5 * minuteMs },
          { severity: 'ticket', burnRate: 1, longWindowMs: 3 * dayMs, shortWindowMs: 6 * hourMs },
        ],
      },
    });
    expect(latency).toMatchObject({
      window: { kind: 'calendar', unit: 'month' },
      budgeting: 'timeslices',
      timesliceObjective: 0.9,
      sli: { query: { good: 'ok_latency_le_500_ms' } },
    });
    // No alert policies: ERE's default tiers, scaled to the 28-day window.
    expect(freshness!.alerting.tiers).toHaveLength(4);
    expect(freshness!.window).toEqual({ kind: 'rolling', durationMs: 28 * dayMs });
  });

  it('reads a document that is a list of objects, as OpenSLO examples are written', () => {
    const text = stringify([
      { apiVersion: 'openslo/v1', kind: 'Service', metadata: { name: 'rpc' }, spec: { description: 'RPC' } },
      {
        ...baseSlo(),
        spec: {
          ...baseSlo().spec,
          indicator: undefined,
          indicatorRef: 'avail',
          alertPolicies: [{ alertPolicyRef: 'fast' }],
        },
      },
      {
        apiVersion: 'openslo/v1',
        kind: 'SLI',
        metadata: { name: 'avail', displayName: 'Availability' },
        spec: baseSlo().spec.indicator.spec,
      },
      {
        apiVersion: 'openslo/v1',
        kind: 'AlertPolicy',
        metadata: { name: 'fast' },
        spec: { conditions: [{ conditionRef: 'fast' }], notificationTargets: [] },
      },
      { ...baseSlo().spec.alertPolicies[0].spec.conditions[0], apiVersion: 'openslo/v1' },
    ]);
    const [imported] = importOpenSlo([{ name: 'list.yaml', text }]);
    expect(imported!.input).toMatchObject({
      id: 's',
      sli: { kind: 'availability', chain: 'mainnet' },
      alerting: { tiers: [{ severity: 'page', burnRate: 14.4 }] },
    });
    expect(imported!.locate(['sli', 'chain'])).toBe(
      'list.yaml: documents[0][2] (SLI "avail").spec.ratioMetric.good.metricSource.spec.chain',
    );
  });

  it('resolves references across files', () => {
    const [sloText, sliText] = [
      documents((slo) => {
        slo.spec.indicatorRef = 'avail';
        delete slo.spec.indicator;
      }),
      stringify({
        apiVersion: 'openslo/v1',
        kind: 'SLI',
        metadata: { name: 'avail' },
        spec: baseSlo().spec.indicator.spec,
      }),
    ];
    const slos = importOpenSlo([
      { name: 'slo.yaml', text: sloText },
      { name: 'sli.yaml', text: sliText },
    ]);
    expect(slos[0]!.locate(['sli'])).toBe(
      'sli.yaml: documents[0] (SLI "avail").spec.ratioMetric.good.metricSource.spec',
    );
  });

  it.each([
    ['1h', '1h', '5m'],
    ['6h', '6h', '30m'],
    ['1d', '1d', '2h'],
    ['90m', '90m', '8m'],
    ['2w', '14d', '28h'],
    ['5m', '5m', '1m'],
    ['1m', '1m', '1m'],
  ])('a lookbackWindow of %s is a long window of %s and a short one of %s', (lookback, longWindow, shortWindow) => {
    const [imported] = importOpenSlo([
      { name: 'slos.yaml', text: documents((slo) => (alertCondition(slo).lookbackWindow = lookback)) },
    ]);
    expect(imported!.input.alerting?.tiers?.[0]).toMatchObject({ longWindow, shortWindow });
  });

  it.each([
    ['critical', 'page'],
    ['HIGH', 'page'],
    ['sev1', 'page'],
    ['warning', 'ticket'],
    ['Ticket', 'ticket'],
  ])('severity %s is an ERE %s', (severity, expected) => {
    const [imported] = importOpenSlo([
      { name: 'slos.yaml', text: documents((slo) => (policy(slo).conditions[0].spec.severity = severity)) },
    ]);
    expect(imported!.input.alerting?.tiers?.[0]?.severity).toBe(expected);
  });

  it('maps targetPercent, the two descriptions, time slices and a week-long rolling window', () => {
    const text = documents((slo) => {
      slo.metadata.displayName = 'Availability';
      slo.spec.description = 'Probes succeed';
      slo.spec.objectives = [{ targetPercent: 99.5, timeSliceTarget: 0.95, timeSliceWindow: 1 }];
      slo.spec.budgetingMethod = 'Timeslices';
      slo.spec.timeWindow = [{ duration: '1w', isRolling: true }];
    });
    expect(importOpenSlo([{ name: 'slos.yaml', text }])[0]!.input).toMatchObject({
      description: 'Availability — Probes succeed',
      objective: 99.5,
      budgeting: 'timeslices',
      timesliceObjective: 95,
      window: '7d',
    });
  });

  it.each<[string, (slo: Slo) => void, string, string]>([
    [
      'another apiVersion',
      (slo) => (slo.apiVersion = 'openslo/v2alpha'),
      `${slo}.apiVersion`,
      '"openslo/v2alpha" is not supported',
    ],
    [
      'an unknown spec key',
      (slo) => (slo.spec.budgetMethod = 'Occurrences'),
      `${slo}.spec.budgetMethod`,
      'unknown key',
    ],
    [
      'annotations',
      (slo) => (slo.metadata.annotations = { 'openslo.com/x': 'y' }),
      `${slo}.metadata.annotations`,
      'ERE reads none',
    ],
    [
      'a list label',
      (slo) => (slo.metadata.labels = { team: ['a', 'b'] }),
      `${slo}.metadata.labels.team`,
      'a list cannot be mapped',
    ],
    [
      'a number label',
      (slo) => (slo.metadata.labels = { tier: 1 }),
      `${slo}.metadata.labels.tier`,
      'must be a string (quote it)',
    ],
    [
      'a dashed label name',
      (slo) => (slo.metadata.labels = { 'cost-centre': 'x' }),
      `${slo}.metadata.labels.cost-centre`,
      'ERE label names are letters, digits and "_"',
    ],
    [
      'several objectives',
      (slo) => slo.spec.objectives.push({ target: 0.99 }),
      `${slo}.spec.objectives[1]`,
      'exactly one objective',
    ],
    [
      'a composite objective',
      (slo) => (slo.spec.objectives[0].indicatorRef = 'x'),
      `${slo}.spec.objectives[0].indicatorRef`,
      'composite SLOs',
    ],
    [
      'target and targetPercent',
      (slo) => (slo.spec.objectives[0].targetPercent = 99.9),
      `${slo}.spec.objectives[0]`,
      'exactly one of target and targetPercent',
    ],
    [
      'a target of 1',
      (slo) => (slo.spec.objectives[0].target = 1),
      `${slo}.spec.objectives[0].target`,
      'must be above 0 and below 1',
    ],
    [
      'a rolling month',
      (slo) => (slo.spec.timeWindow[0].duration = '1M'),
      `${slo}.spec.timeWindow[0].duration`,
      "ERE's rolling windows are whole days",
    ],
    [
      'a rolling 12 hours',
      (slo) => (slo.spec.timeWindow[0].duration = '12h'),
      `${slo}.spec.timeWindow[0].duration`,
      "ERE's rolling windows are whole days",
    ],
    [
      'a long rolling window',
      (slo) => (slo.spec.timeWindow[0].duration = '500d'),
      `${slo}.spec.timeWindow[0].duration`,
      'must be a rolling window in days',
    ],
    [
      'two windows',
      (slo) => slo.spec.timeWindow.push({ duration: '7d', isRolling: true }),
      `${slo}.spec.timeWindow`,
      'exactly one window',
    ],
    [
      'a calendar week',
      (slo) =>
        (slo.spec.timeWindow = [{ duration: '1w', calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'UTC' } }]),
      `${slo}.spec.timeWindow[0].duration`,
      "ERE's only calendar window is the month",
    ],
    [
      'a calendar in New York',
      (slo) =>
        (slo.spec.timeWindow = [
          {
            duration: '1M',
            isRolling: false,
            calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'America/New_York' },
          },
        ]),
      `${slo}.spec.timeWindow[0].calendar.timeZone`,
      'UTC month',
    ],
    [
      'a month from the 15th',
      (slo) => (slo.spec.timeWindow = [{ duration: '1M', calendar: { startTime: '2024-01-15 00:00:00' } }]),
      `${slo}.spec.timeWindow[0].calendar.startTime`,
      'start on the 1st',
    ],
    [
      'a calendar window without calendar',
      (slo) => (slo.spec.timeWindow = [{ duration: '1M', isRolling: false }]),
      `${slo}.spec.timeWindow[0]`,
      'needs calendar',
    ],
    [
      'RatioTimeslices',
      (slo) => (slo.spec.budgetingMethod = 'RatioTimeslices'),
      `${slo}.spec.budgetingMethod`,
      '"RatioTimeslices" cannot be mapped',
    ],
    [
      'five-minute time slices',
      (slo) =>
        Object.assign(slo.spec, {
          budgetingMethod: 'Timeslices',
          objectives: [{ target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: '5m' }],
        }),
      `${slo}.spec.objectives[0].timeSliceWindow`,
      "ERE's time slices are one minute",
    ],
    [
      'time slices without a target',
      (slo) =>
        Object.assign(slo.spec, {
          budgetingMethod: 'Timeslices',
          objectives: [{ target: 0.99, timeSliceWindow: '1m' }],
        }),
      `${slo}.spec.objectives[0].timeSliceTarget`,
      'is required',
    ],
    [
      'a time slice target with occurrences',
      (slo) => (slo.spec.objectives[0].timeSliceTarget = 0.9),
      `${slo}.spec.objectives[0].timeSliceTarget`,
      'applies to budgetingMethod Timeslices only',
    ],
    ['no budgeting method', (slo) => delete slo.spec.budgetingMethod, `${slo}.spec.budgetingMethod`, 'is required'],
    [
      'indicator and indicatorRef',
      (slo) => (slo.spec.indicatorRef = 'avail'),
      `${slo}.spec`,
      'exactly one of indicator and indicatorRef',
    ],
    [
      'an indicatorRef to nothing',
      (slo) => Object.assign(slo.spec, { indicator: undefined, indicatorRef: 'nope' }),
      `${slo}.spec.indicatorRef`,
      'no SLI document named "nope"',
    ],
    [
      'a raw ratio',
      (slo) => (ratio(slo).raw = ratio(slo).good),
      `${indicator}.ratioMetric.raw`,
      'a precomputed ratio cannot be mapped',
    ],
    [
      'a rawType',
      (slo) => (ratio(slo).rawType = 'success'),
      `${indicator}.ratioMetric.rawType`,
      'a precomputed ratio cannot be mapped',
    ],
    ['a gauge', (slo) => (ratio(slo).counter = false), `${indicator}.ratioMetric.counter`, 'counts events'],
    [
      'a Prometheus source',
      (slo) => (ratio(slo).good.metricSource = { type: 'Prometheus', spec: { query: 'sum(up)' } }),
      `${indicator}.ratioMetric.good.metricSource.type`,
      '"Prometheus" cannot be mapped; ERE computes SLIs from its own collectors — use type "ere"',
    ],
    [
      'good and total apart',
      (slo) => (ratio(slo).total.metricSource.spec.chain = 'sepolia'),
      `${indicator}.ratioMetric.total.metricSource.spec`,
      'must name the same ERE SLI as good',
    ],
    [
      'no type and no reference',
      (slo) => delete ratio(slo).good.metricSource.type,
      `${indicator}.ratioMetric.good.metricSource.type`,
      'is required without metricSourceRef',
    ],
    [
      'a thresholdMetric of another kind',
      (slo) => (slo.spec.indicator.spec = { thresholdMetric: ratio(slo).good }),
      `${indicator}.thresholdMetric.metricSource.spec.kind`,
      'maps only to the ERE kind "latency"',
    ],
    [
      'op and value with a ratio',
      (slo) => Object.assign(slo.spec.objectives[0], { op: 'lte', value: 100 }),
      `${slo}.spec.objectives[0].op`,
      'applies to a thresholdMetric',
    ],
    [
      'no data alerts',
      (slo) => (policy(slo).alertWhenNoData = true),
      `${slo}.spec.alertPolicies[0].spec.alertWhenNoData`,
      'never alerts on missing data',
    ],
    [
      'not alerting when breaching',
      (slo) => (policy(slo).alertWhenBreaching = false),
      `${slo}.spec.alertPolicies[0].spec.alertWhenBreaching`,
      'cannot be false',
    ],
    [
      'notification targets',
      (slo) => (policy(slo).notificationTargets = [{ targetRef: 'mail' }]),
      `${slo}.spec.alertPolicies[0].spec.notificationTargets`,
      'ERE delivers no notifications',
    ],
    [
      'two conditions',
      (slo) => policy(slo).conditions.push(policy(slo).conditions[0]),
      `${slo}.spec.alertPolicies[0].spec.conditions`,
      'exactly one condition',
    ],
    [
      'a policy referred to but missing',
      (slo) => (slo.spec.alertPolicies = [{ alertPolicyRef: 'nope' }]),
      `${slo}.spec.alertPolicies[0].alertPolicyRef`,
      'no AlertPolicy document named "nope"',
    ],
    [
      'an inline policy of the wrong kind',
      (slo) => (slo.spec.alertPolicies[0].kind = 'AlertCondition'),
      `${slo}.spec.alertPolicies[0].kind`,
      'must be "AlertPolicy"',
    ],
    [
      'a severity ERE does not know',
      (slo) => (policy(slo).conditions[0].spec.severity = 'sev9'),
      `${condition}.severity`,
      '"sev9" cannot be mapped to an ERE severity',
    ],
    [
      'another condition kind',
      (slo) => (alertCondition(slo).kind = 'threshold'),
      `${condition}.condition.kind`,
      'burn rates only',
    ],
    ['a burn rate below', (slo) => (alertCondition(slo).op = 'lte'), `${condition}.condition.op`, 'so op must be "gt"'],
    ['a zero threshold', (slo) => (alertCondition(slo).threshold = 0), `${condition}.condition.threshold`, 'above 0'],
    [
      'a monthly lookback',
      (slo) => (alertCondition(slo).lookbackWindow = '1M'),
      `${condition}.condition.lookbackWindow`,
      'fixed length',
    ],
    [
      'a pending period',
      (slo) => (alertCondition(slo).alertAfter = '5m'),
      `${condition}.condition.alertAfter`,
      'without waiting',
    ],
    [
      'an id ERE rejects',
      (slo) => (slo.metadata.name = 'Availability'),
      'slos.yaml: documents[0] (SLO "Availability").metadata.name',
      'must be 1-63 characters',
    ],
    [
      'a latency threshold between buckets',
      (slo) =>
        (ratio(slo).good.metricSource.spec = ratio(slo).total.metricSource.spec =
          { kind: 'latency', chain: 'mainnet', thresholdMs: 300 }),
      `${indicator}.ratioMetric.good.metricSource.spec.thresholdMs`,
      'must be one of the rollup latency bounds',
    ],
    [
      'no ERE kind',
      (slo) =>
        [ratio(slo).good, ratio(slo).total].forEach((side) => {
          delete side.metricSource.spec.kind;
        }),
      `${indicator}.ratioMetric.good.metricSource.spec.kind`,
      'expected one of "availability"',
    ],
    [
      'an unknown ERE parameter',
      (slo) =>
        (ratio(slo).good.metricSource.spec = ratio(slo).total.metricSource.spec =
          { kind: 'availability', chain: 'mainnet', colour: 'red' }),
      `${indicator}.ratioMetric.good.metricSource.spec.colour`,
      'unknown key',
    ],
  ])('%s is a problem naming its field', (_name, change, path, message) => {
    const problems = problemsOf(documents(change));
    expect(problems).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('requires a thresholdMetric objective to be op lte with a value, which becomes thresholdMs', () => {
    const latency = (objective: object) =>
      documents((slo) => {
        slo.spec.indicator.spec = {
          thresholdMetric: { metricSource: { type: 'ERE', spec: { kind: 'latency', chain: 'mainnet' } } },
        };
        slo.spec.objectives = [{ target: 0.99, ...objective }];
      });
    const [imported] = importOpenSlo([{ name: 'slos.yaml', text: latency({ op: 'lte', value: 250 }) }]);
    expect(imported!.input.sli).toEqual({ kind: 'latency', chain: 'mainnet', thresholdMs: 250 });
    expect(imported!.locate(['sli', 'thresholdMs'])).toBe(`${slo}.spec.objectives[0].value`);
    expect(problemsOf(latency({ op: 'lt', value: 250 }))).toContainEqual({
      path: `${slo}.spec.objectives[0].op`,
      message: expect.stringContaining('op must be "lte"'),
    });
    expect(problemsOf(latency({ op: 'lte' }))).toContainEqual({
      path: `${slo}.spec.objectives[0].value`,
      message: 'is required',
    });
    expect(problemsOf(latency({ op: 'lte', value: 300 }))).toContainEqual({
      path: `${slo}.spec.objectives[0].value`,
      message: expect.stringContaining('latency bounds'),
    });
  });

  it('takes metric sources through an "ere" DataSource, and no other', () => {
    const dataSource = (spec: object) => ({
      apiVersion: 'openslo/v1',
      kind: 'DataSource',
      metadata: { name: 'src' },
      spec,
    });
    const viaReference = (slo: Slo) => {
      ratio(slo).good.metricSource = { metricSourceRef: 'src', spec: { kind: 'availability', chain: 'mainnet' } };
      ratio(slo).total.metricSource = { metricSourceRef: 'src', spec: { kind: 'availability', chain: 'mainnet' } };
    };
    expect(
      importOpenSlo([{ name: 'slos.yaml', text: documents(viaReference, dataSource({ type: 'ere' })) }]),
    ).toHaveLength(1);
    expect(problemsOf(documents(viaReference, dataSource({ type: 'Prometheus' })))).toContainEqual({
      path: `${indicator}.ratioMetric.good.metricSource.metricSourceRef`,
      message: expect.stringContaining('DataSource "src" has type "Prometheus", which cannot be mapped'),
    });
    expect(
      problemsOf(documents(viaReference, dataSource({ type: 'ere', connectionDetails: { url: 'x' } }))),
    ).toContainEqual({
      path: 'slos.yaml: documents[1] (DataSource "src").spec.connectionDetails',
      message: expect.stringContaining('connects to no data source'),
    });
  });

  it('drops no document quietly: unused ones, notification targets and duplicates are problems', () => {
    const sli = {
      apiVersion: 'openslo/v1',
      kind: 'SLI',
      metadata: { name: 'spare' },
      spec: baseSlo().spec.indicator.spec,
    };
    const target = {
      apiVersion: 'openslo/v1',
      kind: 'AlertNotificationTarget',
      metadata: { name: 'mail' },
      spec: { target: 'email' },
    };
    const problems = problemsOf(documents(() => {}, sli, target, baseSlo()));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'slos.yaml: documents[1] (SLI "spare")', message: expect.stringContaining('is used by no SLO') },
        {
          path: 'slos.yaml: documents[2] (AlertNotificationTarget "mail")',
          message: expect.stringContaining('ERE delivers no notifications'),
        },
        {
          path: 'slos.yaml: documents[3] (SLO "s").metadata.name',
          message: expect.stringContaining('duplicate SLO name (first at slos.yaml: documents[0] (SLO "s"))'),
        },
      ]),
    );
  });

  it('lists every problem of a file at once, across documents, and keeps the SLOs that imported', () => {
    const other = { ...baseSlo(), metadata: { name: 'fine' } };
    try {
      importOpenSlo([
        {
          name: 'slos.yaml',
          text: documents(
            (slo) =>
              Object.assign(slo.spec, {
                budgetingMethod: 'RatioTimeslices',
                timeWindow: [{ duration: '1Y', isRolling: true }],
              }),
            other,
          ),
        },
      ]);
      expect.unreachable();
    } catch (error) {
      const { problems, slos, message } = error as OpenSloError;
      expect(problems.map((problem) => problem.path)).toEqual([
        `${slo}.spec.timeWindow[0].duration`,
        `${slo}.spec.budgetingMethod`,
      ]);
      expect(slos.map((imported) => imported.input.id)).toEqual(['fine']);
      expect(message).toMatch(
        new RegExp(
          /^Cannot import OpenSLO slos\.yaml: 2 problems\n\nslos\.yaml: documents\[0\] \(SLO /.source +
            /"s"\)\.spec\.timeWindow\[0\]\.duration: "1Y" cannot be mapped/.source,
        ),
      );
    }
  });

  it('reports YAML errors and a file without SLOs', () => {
    expect(problemsOf('kind: [SLO')[0]).toMatchObject({ path: 'slos.yaml', message: expect.stringMatching(/^YAML: /) });
    expect(
      problemsOf(stringify({ apiVersion: 'openslo/v1', kind: 'Service', metadata: { name: 'rpc' }, spec: {} })),
    ).toEqual([{ path: 'slos.yaml', message: 'holds no SLO document (kind: SLO)' }]);
    expect(problemsOf('- 1\n')).toEqual([
      { path: 'slos.yaml: documents[0][0]', message: expect.stringContaining('must be an OpenSLO object') },
    ]);
  });

  it('writes YAML that reads back as the same SLOs', () => {
    const slos = importOpenSlo([{ name: 'sample', text: readFileSync(sampleFile, 'utf8') }]);
    expect(parse(stringify({ slos: slos.map((slo) => slo.input) })).slos).toEqual(slos.map((slo) => slo.input));
  });
});
