// The rules every ERE dashboard keeps, as a function returning each broken rule as a sentence naming the
// dashboard, panel and target, so that a failing test says what to fix. Applied to the committed JSON and,
// to show that each rule bites, to dashboards broken on purpose.

import { metricNames } from '../helpers/promql.js';
import {
  type JsonObject,
  panelQueries,
  panelsOf,
  panelTitle,
  variableExpr,
  variableQueries,
  variableReferences,
  variablesOf,
} from './dashboard-queries.js';

export const minSchemaVersion = 39;
export const panelTypes = new Set(['timeseries', 'stat', 'gauge', 'table', 'bargauge', 'row']);
/** Panel types Grafana has replaced: they are migrated on load, or shown as errors by newer versions. */
export const deprecatedPanelTypes = new Set([
  'graph',
  'singlestat',
  'table-old',
  'grafana-piechart-panel',
  'grafana-worldmap-panel',
]);
/** Variables Grafana defines itself. */
export const builtInVariables = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__dashboard',
  '__org',
  '__user',
  '__url_time_range',
  'timeFilter',
]);

const expectedDatasource = { type: 'prometheus', uid: '${datasource}' };

export interface LintOptions {
  /** Metric names ERE exports; without it metric names are not checked. */
  exportedMetrics?: ReadonlySet<string>;
}

function usesDatasourceVariable(value: unknown): boolean {
  const datasource = value as { type?: unknown; uid?: unknown } | null | undefined;
  return datasource?.type === expectedDatasource.type && datasource.uid === expectedDatasource.uid;
}

function checkExpr(
  expr: string,
  where: string,
  multiValued: ReadonlySet<string>,
  defined: ReadonlySet<string>,
  options: LintOptions,
  problems: string[],
): void {
  if (expr.trim() === '') {
    problems.push(`${where}: empty expression`);
    return;
  }
  // Extrapolated counts over a window read as exact numbers and mislead; rates say what they are.
  for (const banned of expr.matchAll(/\b(increase|delta)\s*\(/g))
    problems.push(`${where}: uses ${banned[1]}(), use rate() (or irate()) instead: ${expr}`);
  for (const name of variableReferences(expr)) {
    if (!defined.has(name) && !builtInVariables.has(name))
      problems.push(`${where}: uses $${name}, which the dashboard does not define`);
  }
  // A multi-value variable expands to a regex such as (a|b): only =~ and !~ match it.
  for (const match of expr.matchAll(/[A-Za-z_][A-Za-z0-9_]*\s*(!=|=)(?!~)\s*"\$\{?([A-Za-z0-9_]+)/g)) {
    if (multiValued.has(match[2]!))
      problems.push(`${where}: matches multi-value $${match[2]} with ${match[1]}, use =~ or !~`);
  }
  if (!options.exportedMetrics) return;
  let names: string[];
  try {
    names = metricNames(expr);
  } catch (error) {
    problems.push(`${where}: cannot be read: ${(error as Error).message}`);
    return;
  }
  for (const name of names) {
    if (!options.exportedMetrics.has(name)) problems.push(`${where}: selects ${name}, which ERE does not export`);
  }
}

function checkDashboardFields(dashboard: JsonObject, name: string, problems: string[]): void {
  if (typeof dashboard.uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(dashboard.uid))
    problems.push(`${name}: uid must be 1 to 40 letters, digits, - or _`);
  if (typeof dashboard.title !== 'string' || dashboard.title === '') problems.push(`${name}: no title`);
  if (!Array.isArray(dashboard.tags) || !dashboard.tags.includes('ere')) problems.push(`${name}: not tagged ere`);
  if (typeof dashboard.schemaVersion !== 'number' || dashboard.schemaVersion < minSchemaVersion)
    problems.push(`${name}: schemaVersion ${String(dashboard.schemaVersion)} is older than ${minSchemaVersion}`);
  const links = Array.isArray(dashboard.links) ? (dashboard.links as JsonObject[]) : [];
  if (!links.some((link) => link.type === 'dashboards' && Array.isArray(link.tags) && link.tags.includes('ere')))
    problems.push(`${name}: no link to the other dashboards tagged ere`);
}

function checkVariables(dashboard: JsonObject, name: string, problems: string[]): void {
  const variables = variablesOf(dashboard);
  const datasourceVariable = variables.find((variable) => variable.name === 'datasource');
  if (datasourceVariable?.type !== 'datasource' || datasourceVariable.query !== 'prometheus') {
    problems.push(`${name}: no datasource variable (name datasource, type datasource, query prometheus)`);
  }
  const seen = new Set<string>();
  for (const variable of variables) {
    const variableName = String(variable.name);
    if (seen.has(variableName)) problems.push(`${name}: variable ${variableName} defined twice`);
    seen.add(variableName);
    if (variable.type === 'query' && !usesDatasourceVariable(variable.datasource))
      problems.push(`${name}: variable ${variableName} does not read \${datasource}`);
  }
}

/** Panel ids, types, datasources, targets and grid positions (inside the 24 columns, no overlaps). */
function checkPanels(dashboard: JsonObject, name: string, problems: string[]): void {
  const ids = new Set<unknown>();
  const placed: { title: string; x: number; y: number; w: number; h: number }[] = [];
  for (const panel of panelsOf(dashboard)) {
    const title = `${name} panel "${panelTitle(panel)}"`;
    if (ids.has(panel.id)) problems.push(`${title}: id ${String(panel.id)} is not unique`);
    ids.add(panel.id);
    const type = String(panel.type);
    if (deprecatedPanelTypes.has(type)) problems.push(`${title}: type ${type} is deprecated`);
    else if (!panelTypes.has(type)) problems.push(`${title}: type ${type} is not one ERE dashboards use`);
    const grid = panel.gridPos as { x?: number; y?: number; w?: number; h?: number } | undefined;
    if (!grid || [grid.x, grid.y, grid.w, grid.h].some((value) => typeof value !== 'number'))
      problems.push(`${title}: no gridPos`);
    else if (grid.x! < 0 || grid.w! < 1 || grid.x! + grid.w! > 24)
      problems.push(`${title}: gridPos outside the 24 columns`);
    else {
      const box = { title: panelTitle(panel), x: grid.x!, y: grid.y!, w: grid.w!, h: grid.h! };
      const overlap = placed.find(
        (other) =>
          box.x < other.x + other.w && other.x < box.x + box.w && box.y < other.y + other.h && other.y < box.y + box.h,
      );
      if (overlap) problems.push(`${title}: overlaps panel "${overlap.title}"`);
      placed.push(box);
    }
    const targets = Array.isArray(panel.targets) ? (panel.targets as JsonObject[]) : [];
    if (type === 'row') {
      if (targets.length > 0) problems.push(`${title}: a row with queries`);
      continue;
    }
    if (!usesDatasourceVariable(panel.datasource))
      problems.push(`${title}: datasource is not \${datasource}: ${JSON.stringify(panel.datasource)}`);
    if (targets.length === 0) problems.push(`${title}: no queries`);
    const refIds = new Set<unknown>();
    for (const target of targets) {
      if (refIds.has(target.refId)) problems.push(`${title}: refId ${String(target.refId)} is not unique`);
      refIds.add(target.refId);
      if (!usesDatasourceVariable(target.datasource))
        problems.push(
          `${title} target ${String(target.refId)}: datasource is not ` +
            `\${datasource}: ${JSON.stringify(target.datasource)}`,
        );
    }
  }
}

/** Every rule `dashboard` breaks, one sentence each; none for a good dashboard. */
export function lintDashboard(dashboard: JsonObject, options: LintOptions = {}): string[] {
  const problems: string[] = [];
  const name = typeof dashboard.uid === 'string' ? dashboard.uid : String(dashboard.title ?? 'dashboard');
  checkDashboardFields(dashboard, name, problems);
  checkVariables(dashboard, name, problems);
  checkPanels(dashboard, name, problems);
  const defined = new Set(variablesOf(dashboard).map((variable) => String(variable.name)));
  const multiValued = new Set(
    variableQueries(dashboard)
      .filter((variable) => variable.multi || variable.includeAll)
      .map((variable) => variable.name),
  );
  for (const query of panelQueries(dashboard))
    checkExpr(
      query.expr,
      `${name} panel "${query.panel}" target ${query.refId}`,
      multiValued,
      defined,
      options,
      problems,
    );
  for (const variable of variableQueries(dashboard))
    checkExpr(
      variableExpr(variable.query),
      `${name} variable ${variable.name}`,
      multiValued,
      defined,
      options,
      problems,
    );
  return problems;
}
