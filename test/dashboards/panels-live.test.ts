// Every dashboard against live data: the demo runs in-process (anvil behind three endpoints, the DAO, the
// simulated beacon node), provider-a rate-limits and then answers slowly while provider-b answers 503, so
// that error, latency, alert and notification panels have data; a real Prometheus scrapes the demo every
// second. Then every variable query and every panel target of every dashboard runs through Prometheus'
// query API as Grafana would run it, and each must parse and return data, but for the few listed below
// with the reason the demo leaves them empty.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboards } from '../../scripts/dashboards/index.js';
import { runDemo, type DemoRun } from '../../src/demo/demo.js';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/service.js';
import { type JsonObject, panelQueries } from './dashboard-queries.js';
import {
  builtInValues,
  type QueryOutcome,
  resolveVariables,
  runPanelQueries,
  type TimeRange,
} from './panel-queries-live.js';

/** Panel queries (dashboard uid, panel title, refId) with no data in a few minutes of the demo, and why. */
const expectedEmpty: { dashboard: string; panel: string; refId: string; reason: string }[] = [
  {
    dashboard: 'ere-chains',
    panel: 'Peers',
    refId: 'A',
    reason: 'anvil does not answer net_peerCount, so no demo endpoint reports peers',
  },
  {
    dashboard: 'ere-chains',
    panel: 'Beacon probe errors by class',
    refId: 'A',
    reason: 'the simulated beacon node never fails a probe, and the error counter has no series before the first error',
  },
  {
    dashboard: 'ere-governance',
    panel: 'Ingest errors by class',
    refId: 'A',
    reason: 'governance ingestion reads through healthy endpoints only, so the injected faults never fail a poll',
  },
  {
    dashboard: 'ere-self',
    panel: 'Skipped runs',
    refId: 'A',
    reason:
      'every demo probe ends (1.5 s timeout) before its next run is due (2 ' +
      's), and the counter has no series before the first skip',
  },
  {
    dashboard: 'ere-self',
    panel: 'Rows deleted by retention',
    refId: 'A',
    reason:
      'retention deletes nothing in the first minutes: no row is old enough, ' +
      'and the counter has no series before the first deletion',
  },
  {
    dashboard: 'ere-self',
    panel: 'Since the last successful backup',
    refId: 'A',
    reason: 'the demo schedules no backups (its config has no storage.backup), so the last-success gauge stays 0',
  },
  {
    dashboard: 'ere-self',
    panel: 'Scheduled backups by outcome',
    refId: 'A',
    reason: 'the demo schedules no backups, and the counter has no series before the first one',
  },
  {
    dashboard: 'ere-self',
    panel: 'Newest backup size',
    refId: 'A',
    reason: 'the demo schedules no backups, so the size gauge stays 0',
  },
  {
    dashboard: 'ere-slos',
    panel: 'SLOs',
    refId: 'D',
    reason:
      'burn rates stay unknown until the data covers half of their window, and ' +
      'in the first minutes of the demo not even 5 m is covered',
  },
  {
    dashboard: 'ere-slos',
    panel: 'Burn rate by window',
    refId: 'A',
    reason:
      'burn rates stay unknown until the data covers half of their window, and ' +
      'in the first minutes of the demo not even 5 m is covered',
  },
  {
    dashboard: 'ere-slos',
    panel: 'SLI by window',
    refId: 'A',
    reason:
      'burn rates stay unknown until the data covers half of their window, and ' +
      'in the first minutes of the demo not even 5 m is covered',
  },
  {
    dashboard: 'ere-slos',
    panel: 'Burn rate now, by window',
    refId: 'A',
    reason:
      'burn rates stay unknown until the data covers half of their window, and ' +
      'in the first minutes of the demo not even 5 m is covered',
  },
  {
    dashboard: 'ere-validators',
    panel: 'Stage errors and duty reorgs per minute',
    refId: 'A',
    reason:
      'the simulated beacon node answers every validator stage, and the ' +
      'error counter has no series before the first error',
  },
];

const committed = dashboards.map(
  ({ file }) => JSON.parse(readFileSync(new URL(`../../dashboards/${file}`, import.meta.url), 'utf8')) as JsonObject,
);
const isExpectedEmpty = (outcome: QueryOutcome) =>
  expectedEmpty.some(
    (entry) => entry.dashboard === outcome.dashboard && entry.panel === outcome.panel && entry.refId === outcome.refId,
  );

let demo: DemoRun | undefined;
let prometheus: RunningPrometheus | undefined;
/** When Prometheus started scraping (Unix seconds): the start of every range query. */
let startedAt = 0;
let range: TimeRange;
let slowLater: NodeJS.Timeout | undefined;
const demoLines: string[] = [];
const outcomes = new Map<string, QueryOutcome[]>();
const variableOptions = new Map<string, Map<string, string[]>>();

/** All queries of every dashboard over the data so far; those that should have data and have none. */
async function runAll(): Promise<QueryOutcome[]> {
  range = { from: startedAt, to: Date.now() / 1_000 };
  // Prometheus scrapes every second here; Grafana would use four scrape intervals for $__rate_interval.
  const builtIns = builtInValues(range, '20s', '2s');
  const missing: QueryOutcome[] = [];
  for (const dashboard of committed) {
    const uid = String(dashboard.uid);
    const variables = await resolveVariables(prometheus!, dashboard, builtIns);
    const panels = await runPanelQueries(prometheus!, dashboard, variables.values, range, 2);
    outcomes.set(uid, [...variables.outcomes, ...panels]);
    variableOptions.set(uid, variables.options);
    missing.push(
      ...[...variables.outcomes, ...panels].filter(
        (outcome) => outcome.error !== undefined || (outcome.series === 0 && !isExpectedEmpty(outcome)),
      ),
    );
  }
  return missing;
}

beforeAll(async () => {
  const output = { out: (line: string) => void demoLines.push(line), err: (line: string) => void demoLines.push(line) };
  demo = await runDemo({ host: '127.0.0.1', port: 0, output, faults: 'manual' });
  demo.setFault('provider-a', { kind: 'rate_limited' });
  demo.setFault('provider-b', { kind: 'http_status', status: 503 });
  const target = new URL(demo.service.url).host;
  prometheus = await startPrometheus({ scrapeConfigs: [{ job: 'ere', targets: [target] }] });
  startedAt = Date.now() / 1_000;
  // Slow answers after a while: successful probes with a long latency, as well as failed ones.
  slowLater = setTimeout(() => demo?.setFault('provider-a', { kind: 'slow', delayMs: 1_200 }), 30_000);
  // Until every query that should have data has it: the first SLO evaluation and the first judged
  // attestation epoch come last, a minute or two after the start.
  await waitFor(
    async () => {
      if ((await runAll()).length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return false;
    },
    150_000,
    'every panel query to return data',
  ).catch(() => undefined); // The tests below name whatever is still missing.
}, 240_000);

afterAll(async () => {
  clearTimeout(slowLater);
  await prometheus?.stop();
  await demo?.stop();
}, 60_000);

describe('dashboards against the live demo', () => {
  it('variables resolve to the demo: chain demo, its endpoints, SLOs, targets, scopes', () => {
    const chains = variableOptions.get('ere-chains')!;
    expect(chains.get('chain')).toEqual(['demo']);
    expect(chains.get('endpoint')).toEqual(['anvil-node', 'provider-a', 'provider-b']);
    expect(variableOptions.get('ere-slos')!.get('slo')).toEqual(
      expect.arrayContaining(['provider-a-availability', 'demo-redundancy', 'demo-a-attestations']),
    );
    expect(variableOptions.get('ere-governance')!.get('target')!.length).toBe(4);
    expect(variableOptions.get('ere-validators')!.get('scope')).toEqual(
      expect.arrayContaining(['network', 'watched', 'operator:demo-a', 'operator:demo-b']),
    );
    expect(variableOptions.get('ere-alerts')!.get('receiver')).toEqual(['demo-webhook']);
  });

  it.each(committed.map((dashboard) => [String(dashboard.uid)]))('%s: every query parses and returns data', (uid) => {
    const ran = outcomes.get(uid)!;
    const dashboard = committed.find((candidate) => candidate.uid === uid)!;
    expect(ran.filter((outcome) => outcome.refId !== '-').length).toBe(panelQueries(dashboard).length);
    const failed = ran
      .filter((outcome) => outcome.error !== undefined)
      .map((outcome) => `${outcome.panel} ${outcome.refId}: ${outcome.error} in ${outcome.expr}`);
    expect(failed).toEqual([]);
    const empty = ran
      .filter((outcome) => outcome.series === 0 && !isExpectedEmpty(outcome))
      .map((outcome) => `${outcome.panel} ${outcome.refId}: ${outcome.expr}`);
    expect(empty).toEqual([]);
  });

  it('lists as expected-empty only panels that exist, each with its reason', () => {
    for (const entry of expectedEmpty) {
      const dashboard = committed.find((candidate) => candidate.uid === entry.dashboard);
      expect(dashboard, entry.dashboard).toBeDefined();
      expect(
        panelQueries(dashboard!).map((query) => `${query.panel} ${query.refId}`),
        entry.dashboard,
      ).toContain(`${entry.panel} ${entry.refId}`);
      expect(entry.reason.length).toBeGreaterThan(10);
    }
  });

  it('scraped the demo all along', async () => {
    const targets = await prometheus!.targets();
    expect(targets.map((target) => target.health)).toEqual(['up']);
    expect(range.to - range.from).toBeGreaterThan(20);
  });
});
