// A whole Grafana dashboard: its template variables (the datasource first, then label_values queries on ERE
// metrics), its links to the other ERE dashboards, and its panels placed on the 24-column grid in the
// order given, left to right, a row header starting a new line.

import { datasource, type Json, type Panel, type Row } from './panels.js';

export const schemaVersion = 39;

export interface Variable {
  [key: string]: Json | undefined;
}

/** The Prometheus datasource every panel reads, chosen on the dashboard (the default one unless changed). */
export function datasourceVariable(): Variable {
  return { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', current: {}, hide: 0, includeAll: false, multi: false, options: [], refresh: 1, regex: '', skipUrlSync: false };
}

/**
 * A variable filled from `label_values(<series selector>, <label>)`; with `multi` several values (and All)
 * can be picked, so queries match it with `=~"$name"`.
 */
export function labelVariable(spec: { name: string; label: string; query: string; multi?: boolean }): Variable {
  const multi = spec.multi ?? true;
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    datasource,
    definition: spec.query,
    query: { qryType: 1, query: spec.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    multi,
    includeAll: multi,
    current: {},
    hide: 0,
    options: [],
    regex: '',
    skipUrlSync: false,
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: Variable[];
  panels: (Panel | Row)[];
  /** `now-6h` unless told. */
  from?: string;
}

/** Places panels on the grid: each on the current line while it fits, else on a new line under the tallest. */
function layout(panels: (Panel | Row)[]): Json[] {
  const placed: Json[] = [];
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  panels.forEach((panel, index) => {
    const id = index + 1;
    if ('title' in panel) {
      y += lineHeight;
      placed.push({ type: 'row', title: panel.title, id, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      x = 0;
      lineHeight = 0;
      return;
    }
    const { w, h, body } = panel;
    if (x + w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    placed.push({ id, gridPos: { h, w, x, y }, ...body });
    x += w;
    lineHeight = Math.max(lineHeight, h);
  });
  return placed;
}

export function dashboard(spec: DashboardSpec): Json {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['ere'],
    schemaVersion,
    version: 1,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    liveNow: false,
    refresh: '30s',
    time: { from: spec.from ?? 'now-6h', to: 'now' },
    timepicker: {},
    timezone: '',
    weekStart: '',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    // Every ERE dashboard in one menu, carrying the time range and the variables they share (chain…).
    links: [{ type: 'dashboards', title: 'ERE dashboards', tags: ['ere'], asDropdown: true, includeVars: true, keepTime: true, targetBlank: false, icon: 'external link', tooltip: '', url: '' }],
    templating: { list: [datasourceVariable(), ...spec.variables] },
    panels: layout(spec.panels),
  };
}

/** A link to another ERE dashboard keeping the time range and the chain. */
export function dashboardUrl(uid: string, vars: string[] = []): string {
  return `/d/${uid}?\${__url_time_range}${vars.map((name) => `&\${${name}:queryparam}`).join('')}`;
}
