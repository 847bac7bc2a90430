// A whole Grafana dashboard on Grafana's typed builders: its template variables (the datasource first, then
// label_values queries on ERE metrics), its links to the other ERE dashboards, and its panels placed on the
// 24-column grid in the order given, left to right, a row header starting a new line.

import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasource, type Panel, type Row } from './panels.js';

/** The Prometheus datasource every panel reads, chosen on the dashboard (the default one unless changed). */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .hide(dashboard.VariableHide.DontHide)
    .multi(false)
    .includeAll(false)
    .regex('');
}

/**
 * A variable filled from `label_values(<series selector>, <label>)`; with `multi` several values (and All)
 * can be picked, so queries match it with `=~"$name"`.
 */
export function labelVariable(spec: { name: string; label: string; query: string; multi?: boolean }) {
  const multi = spec.multi ?? true;
  return new dashboard.QueryVariableBuilder(spec.name)
    .label(spec.label)
    .datasource(datasource)
    .query(spec.query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(multi)
    .includeAll(multi)
    .hide(dashboard.VariableHide.DontHide)
    .regex('');
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: dashboard.QueryVariableBuilder[];
  panels: (Panel | Row)[];
  /** `now-6h` unless told. */
  from?: string;
}

/**
 * Places panels on the grid: each on the current line while it fits, else on a new line under the tallest.
 * The SDK's own placement starts a new line only after a panel has overflowed the 24 columns, so each panel
 * is given its place here.
 */
function layout(builder: dashboard.DashboardBuilder, panels: (Panel | Row)[]): void {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  panels.forEach((panel, index) => {
    const id = index + 1;
    if ('title' in panel) {
      y += lineHeight;
      const gridPos = { h: 1, w: 24, x: 0, y };
      builder.withRow(new dashboard.RowBuilder(panel.title).id(id).collapsed(false).gridPos(gridPos));
      y += 1;
      x = 0;
      lineHeight = 0;
      return;
    }
    const { w, h } = panel;
    if (x + w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    panel.builder.id(id);
    panel.builder.gridPos({ h, w, x, y });
    builder.withPanel(panel.builder);
    x += w;
    lineHeight = Math.max(lineHeight, h);
  });
}

// Grafana's built-in annotations: alerts and annotations saved on the dashboard, hidden from the toolbar.
const builtInAnnotations = new dashboard.AnnotationQueryBuilder()
  .builtIn(1)
  .datasource({ type: 'grafana', uid: '-- Grafana --' })
  .enable(true)
  .hide(true)
  .iconColor('rgba(0, 211, 255, 1)')
  .name('Annotations & Alerts')
  .type('dashboard');

// Every ERE dashboard in one menu, carrying the time range and the variables they share (chain…).
const ereDashboards = new dashboard.DashboardLinkBuilder('ERE dashboards')
  .type(dashboard.DashboardLinkType.Dashboards)
  .tags(['ere'])
  .asDropdown(true)
  .includeVars(true)
  .keepTime(true)
  .targetBlank(false)
  .icon('external link')
  .tooltip('')
  .url('');

export function ereDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['ere'])
    .version(1)
    .editable()
    .fiscalYearStartMonth(0)
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .liveNow(false)
    .refresh('30s')
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    // Empty: the viewer's own time zone and first day of the week, as set in their Grafana profile.
    .timezone('')
    .weekStart('')
    .annotation(builtInAnnotations)
    .link(ereDashboards)
    .withVariable(datasourceVariable());
  for (const variable of spec.variables) builder.withVariable(variable);
  layout(builder, spec.panels);
  return builder.build();
}

/** A link to another ERE dashboard keeping the time range and the chain. */
export function dashboardUrl(uid: string, vars: string[] = []): string {
  return `/d/${uid}?\${__url_time_range}${vars.map((name) => `&\${${name}:queryparam}`).join('')}`;
}
