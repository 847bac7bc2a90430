// The committed dashboards: each parses and keeps every rule of dashboard-lint.ts (the datasource variable
// everywhere, a current schema, rates rather than increase/delta, only metrics ERE exports…), uids are
// unique, the files are exactly what `npm run dashboards` writes, and Grafana's provisioning files point
// at them. The linter itself is shown to catch each rule broken on purpose.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboards, renderDashboard } from '../../scripts/dashboards/index.js';
import type { JsonObject } from './dashboard-queries.js';
import { lintDashboard } from './dashboard-lint.js';
import { demoExportedMetrics } from './exported-metrics.js';

const directory = fileURLToPath(new URL('../../dashboards/', import.meta.url));
const jsonFiles = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .sort();
const committed = jsonFiles.map((file) => ({ file, text: readFileSync(join(directory, file), 'utf8') }));

let exportedMetrics: Set<string>;
beforeAll(async () => {
  exportedMetrics = await demoExportedMetrics();
});

describe('committed dashboards', () => {
  it('are the six the generator writes, byte for byte', () => {
    expect(jsonFiles).toEqual(dashboards.map((entry) => entry.file).sort());
    for (const { file, build } of dashboards)
      expect(
        readFileSync(join(directory, file), 'utf8'),
        `${file} differs from the generator: run npm run dashboards`,
      ).toBe(renderDashboard(build()));
  });

  it.each(committed)('$file parses and breaks no rule', ({ text }) => {
    const dashboard = JSON.parse(text) as JsonObject;
    expect(exportedMetrics.size).toBeGreaterThan(100);
    expect(lintDashboard(dashboard, { exportedMetrics })).toEqual([]);
  });

  it('have unique uids and titles, and each has panels', () => {
    const parsed = committed.map(({ text }) => JSON.parse(text) as { uid: string; title: string; panels: unknown[] });
    expect(new Set(parsed.map((dashboard) => dashboard.uid)).size).toBe(parsed.length);
    expect(new Set(parsed.map((dashboard) => dashboard.title)).size).toBe(parsed.length);
    for (const dashboard of parsed) expect(dashboard.panels.length, dashboard.uid).toBeGreaterThan(5);
  });

  it('provisioning files give Grafana the datasource and the folder the dashboards are mounted from', () => {
    const datasources = parse(readFileSync(join(directory, 'provisioning/datasources/ere.yml'), 'utf8')) as {
      apiVersion: number;
      datasources: Record<string, unknown>[];
    };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([
      expect.objectContaining({
        uid: 'prometheus',
        type: 'prometheus',
        url: 'http://prometheus:9090',
        isDefault: true,
        access: 'proxy',
      }),
    ]);
    const providers = parse(readFileSync(join(directory, 'provisioning/dashboards/ere.yml'), 'utf8')) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards/ere' }),
      }),
    ]);
    // The whole dashboards/ folder is mounted there and Grafana reads JSON recursively: only the dashboards may be
    // JSON.
    const nested = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.json') && file.includes('/'),
    );
    expect(nested).toEqual([]);
  });
});

describe('lintDashboard', () => {
  const good = (): JsonObject =>
    JSON.parse(committed.find(({ file }) => file === 'ere-chains.json')!.text) as JsonObject;
  const panels = (dashboard: JsonObject) => dashboard.panels as JsonObject[];
  const firstQueryPanel = (dashboard: JsonObject) => panels(dashboard).find((panel) => panel.type !== 'row')!;
  const firstTarget = (dashboard: JsonObject) => (firstQueryPanel(dashboard).targets as JsonObject[])[0]!;

  it('passes the dashboard it is given to break', () => {
    expect(lintDashboard(good(), { exportedMetrics })).toEqual([]);
  });

  it.each<[string, (dashboard: JsonObject) => void, RegExp]>([
    ['an old schema', (d) => void (d.schemaVersion = 27), /schemaVersion 27 is older than 39/],
    ['no ere tag', (d) => void (d.tags = ['other']), /not tagged ere/],
    ['no links', (d) => void (d.links = []), /no link to the other dashboards/],
    ['a bad uid', (d) => void (d.uid = 'has spaces'), /uid must be/],
    [
      'no datasource variable',
      (d) =>
        void ((d.templating as { list: JsonObject[] }).list = (d.templating as { list: JsonObject[] }).list.filter(
          (v) => v.name !== 'datasource',
        )),
      /no datasource variable/,
    ],
    [
      'a variable on a fixed datasource',
      (d) =>
        void ((d.templating as { list: JsonObject[] }).list[1]!.datasource = { type: 'prometheus', uid: 'prometheus' }),
      /variable chain does not read \$\{datasource\}/,
    ],
    [
      'a panel on a fixed datasource',
      (d) => void (firstQueryPanel(d).datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' }),
      /panel "Consensus head": datasource is not \$\{datasource\}/,
    ],
    [
      'a target on a fixed datasource',
      (d) => void (firstTarget(d).datasource = { type: 'prometheus', uid: 'prometheus' }),
      /panel "Consensus head" target A: datasource is not \$\{datasource\}/,
    ],
    [
      'a target with no datasource',
      (d) => void delete firstTarget(d).datasource,
      /target A: datasource is not \$\{datasource\}: undefined/,
    ],
    ['a graph panel', (d) => void (firstQueryPanel(d).type = 'graph'), /type graph is deprecated/],
    ['a singlestat panel', (d) => void (firstQueryPanel(d).type = 'singlestat'), /type singlestat is deprecated/],
    [
      'increase()',
      (d) => void (firstTarget(d).expr = 'sum(increase(ere_rpc_probes_total[5m]))'),
      /uses increase\(\), use rate\(\)/,
    ],
    [
      'delta()',
      (d) => void (firstTarget(d).expr = 'delta (ere_chain_head_age_seconds[5m])'),
      /uses delta\(\), use rate\(\)/,
    ],
    [
      'a metric ERE does not export',
      (d) => void (firstTarget(d).expr = 'ere_rpc_endpoint_up_ratio{chain=~"$chain"}'),
      /selects ere_rpc_endpoint_up_ratio, which ERE does not export/,
    ],
    [
      'a variable on a metric ERE does not export',
      (d) =>
        void ((d.templating as { list: JsonObject[] }).list[1]!.query = { query: 'label_values(ere_chains, chain)' }),
      /variable chain: selects ere_chains/,
    ],
    [
      'an undefined variable',
      (d) => void (firstTarget(d).expr = 'ere_chain_head_age_seconds{chain=~"$network"}'),
      /uses \$network, which the dashboard does not define/,
    ],
    [
      'a multi-value variable matched with =',
      (d) => void (firstTarget(d).expr = 'ere_chain_head_age_seconds{chain="$chain"}'),
      /matches multi-value \$chain with =, use =~/,
    ],
    [
      'an unreadable expression',
      (d) => void (firstTarget(d).expr = 'ere_chain_head_age_seconds{chain=~"$chain}'),
      /cannot be read: unterminated string/,
    ],
    ['a duplicate panel id', (d) => void (panels(d)[2]!.id = panels(d)[1]!.id), /id 2 is not unique/],
    [
      'overlapping panels',
      (d) => void (panels(d)[2]!.gridPos = { ...(panels(d)[1]!.gridPos as object) }),
      /overlaps panel "Consensus head"/,
    ],
    [
      'a panel wider than the grid',
      (d) => void (firstQueryPanel(d).gridPos = { x: 20, y: 1, w: 6, h: 4 }),
      /outside the 24 columns/,
    ],
    ['a panel without queries', (d) => void (firstQueryPanel(d).targets = []), /panel "Consensus head": no queries/],
  ])('fails %s', (_, breakIt, problem) => {
    const dashboard = good();
    breakIt(dashboard);
    const problems = lintDashboard(dashboard, { exportedMetrics });
    expect(problems).toContainEqual(expect.stringMatching(problem));
  });

  it('allows irate() and the built-in variables of Grafana', () => {
    const dashboard = good();
    firstTarget(dashboard).expr =
      'sum(irate(ere_rpc_probes_total{chain=~"$chain"}[$__rate_interval])) + sum(rate(ere_rpc_probes_total[$__range]))';
    expect(lintDashboard(dashboard, { exportedMetrics })).toEqual([]);
  });
});
