// Grafana panels (JSON model of Grafana 10/11, schemaVersion 39) built from a few lines each: a title, a
// description saying what to look for, the PromQL queries and a unit. Every panel and query reads the
// dashboard's `datasource` variable, so a dashboard works against any Prometheus it is imported with.

export const datasource = { type: 'prometheus', uid: '${datasource}' } as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** A PromQL query: its expression and the legend of its series (`{{endpoint}}`). */
export interface Query {
  expr: string;
  legend?: string;
  /** One value now (tables, stats of the current state) rather than a range. */
  instant?: boolean;
}

/** A threshold step: from `value` up (null: from minus infinity), the colour. */
export type Step = [color: string, value: number | null];

export interface PanelSpec {
  title: string;
  description: string;
  queries: (Query | string)[];
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: Step[];
  mappings?: Json[];
  overrides?: Json[];
  /** Grid width (of 24) and height; the dashboard flows panels left to right. */
  w?: number;
  h?: number;
  links?: { title: string; url: string }[];
}

/** A panel before layout: what `dashboard()` places on the grid. */
export interface Panel {
  type: string;
  w: number;
  h: number;
  body: { [key: string]: Json | undefined };
}

export interface Row {
  type: 'row';
  title: string;
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: (Query | string)[], format: 'time_series' | 'table', instantByDefault: boolean): Json[] {
  return queries.map((raw, index) => {
    const query = typeof raw === 'string' ? { expr: raw } : raw;
    const instant = query.instant ?? instantByDefault;
    return {
      datasource,
      refId: refIds[index]!,
      expr: query.expr,
      legendFormat: query.legend ?? '__auto',
      range: !instant,
      instant,
      format,
      editorMode: 'code',
    };
  });
}

function fieldDefaults(spec: PanelSpec, custom: { [key: string]: Json }): { [key: string]: Json | undefined } {
  return {
    unit: spec.unit ?? 'short',
    min: spec.min,
    max: spec.max,
    decimals: spec.decimals,
    color: { mode: spec.thresholds ? 'thresholds' : 'palette-classic' },
    thresholds: { mode: 'absolute', steps: (spec.thresholds ?? [['green', null]]).map(([color, value]) => ({ color, value })) },
    mappings: spec.mappings ?? [],
    custom,
  };
}

function base(type: string, spec: PanelSpec, size: { w: number; h: number }, custom: { [key: string]: Json }, options: { [key: string]: Json }, format: 'time_series' | 'table' = 'time_series', instant = false): Panel {
  return {
    type,
    w: spec.w ?? size.w,
    h: spec.h ?? size.h,
    body: {
      type,
      title: spec.title,
      description: spec.description,
      datasource,
      fieldConfig: { defaults: fieldDefaults(spec, custom), overrides: spec.overrides ?? [] },
      options,
      targets: targets(spec.queries, format, instant),
      links: spec.links?.map((link) => ({ title: link.title, url: link.url })),
    },
  };
}

const lastValue = { calcs: ['lastNotNull'], fields: '', values: false };

/** A time series; `stepped` for 0/1 states, `stack` for parts of a whole, `thresholdLines` to draw the thresholds. */
export function timeseries(spec: PanelSpec & { stepped?: boolean; stack?: boolean; thresholdLines?: boolean; bars?: boolean }): Panel {
  const custom: { [key: string]: Json } = {
    drawStyle: spec.bars ? 'bars' : 'line',
    lineInterpolation: spec.stepped ? 'stepAfter' : 'linear',
    lineWidth: 1,
    fillOpacity: spec.stack || spec.bars ? 60 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
    thresholdsStyle: { mode: spec.thresholdLines ? 'dashed' : 'off' },
  };
  return base('timeseries', spec, { w: 12, h: 8 }, custom, {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  });
}

/** The current value, large; `graph` adds its sparkline. */
export function stat(spec: PanelSpec & { graph?: boolean; textMode?: 'auto' | 'value' | 'name' | 'value_and_name' }): Panel {
  return base(
    'stat',
    spec,
    { w: 6, h: 4 },
    {},
    {
      reduceOptions: lastValue,
      colorMode: spec.thresholds || spec.mappings ? 'background' : 'value',
      graphMode: spec.graph ? 'area' : 'none',
      textMode: spec.textMode ?? 'auto',
      justifyMode: 'auto',
      orientation: 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  );
}

/** A dial for a ratio or a level against its thresholds. */
export function gauge(spec: PanelSpec): Panel {
  return base('gauge', spec, { w: 6, h: 6 }, {}, { reduceOptions: lastValue, showThresholdLabels: false, showThresholdMarkers: true, orientation: 'auto' });
}

/** Current values side by side, one bar per series. */
export function bargauge(spec: PanelSpec): Panel {
  return base('bargauge', spec, { w: 8, h: 6 }, {}, {
    reduceOptions: lastValue,
    orientation: 'horizontal',
    displayMode: 'gradient',
    valueMode: 'color',
    namePlacement: 'auto',
    showUnfilled: true,
    sizing: 'auto',
    minVizHeight: 16,
    minVizWidth: 8,
    maxVizHeight: 300,
  });
}

/**
 * Instant queries joined into one row per `key` labels: each query becomes a column named by `columns`
 * (in query order); other labels and the time are hidden.
 */
export function table(spec: PanelSpec & { columns: string[]; keep?: string[] }): Panel {
  const panel = base('table', spec, { w: 24, h: 8 }, { align: 'auto', cellOptions: { type: 'auto' }, inspect: false }, { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '', countRows: false } }, 'table', true);
  const renameByName: { [key: string]: string } = {};
  spec.columns.forEach((column, index) => {
    renameByName[`Value #${refIds[index]}`] = column;
  });
  panel.body.transformations = [
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName: { Time: true, __name__: true, job: true, instance: true }, renameByName } },
  ];
  return panel;
}

/** A value mapping for a 0/1 gauge: what 0 and 1 mean and their colours. */
export function booleanMapping(zero: [text: string, color: string], one: [text: string, color: string]): Json[] {
  return [{ type: 'value', options: { '0': { text: zero[0], color: zero[1], index: 0 }, '1': { text: one[0], color: one[1], index: 1 } } }];
}

/** Draws the series whose name matches `pattern` dashed (an objective, a baseline). */
export function dashedSeries(pattern: string): Json {
  return {
    matcher: { id: 'byRegexp', options: pattern },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ],
  };
}

export function row(title: string): Row {
  return { type: 'row', title };
}

function series(name: string, selector: string): string {
  return selector === '' ? name : `${name}{${selector}}`;
}

/** `histogram_quantile(q, …)` of a histogram's buckets, rated over Grafana's rate interval, kept apart by `by`. */
export function quantile(q: number, histogram: string, selector: string, by: string[]): string {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${series(`${histogram}_bucket`, selector)}[$__rate_interval])))`;
}

/** A counter's per-second rate, summed by `by`. */
export function rate(counter: string, selector: string, by: string[], perMinute = false): string {
  const expr = `sum by (${by.join(', ')}) (rate(${series(counter, selector)}[$__rate_interval]))`;
  return perMinute ? `${expr} * 60` : expr;
}
