// Grafana panels built from a few lines each (a title, a description saying what to look for, the PromQL
// queries and a unit) on Grafana's own typed builders (@grafana/grafana-foundation-sdk), so that a panel
// which type-checks has the shape Grafana reads. Every panel and query reads the dashboard's `datasource`
// variable, so a dashboard works against any Prometheus it is imported with.

import * as bargaugePanel from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as statPanel from '@grafana/grafana-foundation-sdk/stat';
import * as tablePanel from '@grafana/grafana-foundation-sdk/table';
import * as timeseriesPanel from '@grafana/grafana-foundation-sdk/timeseries';

export const datasource: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** A PromQL query: its expression and the legend of its series (`{{endpoint}}`). */
export interface Query {
  expr: string;
  legend?: string;
  /** One value now (tables, stats of the current state) rather than a range. */
  instant?: boolean;
}

/** A threshold step: from `value` up (null: from minus infinity), the colour. */
export type Step = [color: string, value: number | null];

/** A field override: the fields `matcher` picks get `properties` (`{ id: 'unit', value: 's' }`). */
export interface Override {
  matcher: dashboard.MatcherConfig;
  properties: dashboard.DynamicConfigValue[];
}

export interface PanelSpec {
  title: string;
  description: string;
  queries: (Query | string)[];
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: Step[];
  mappings?: dashboard.ValueMapping[];
  overrides?: Override[];
  /** Grid width (of 24) and height; the dashboard flows panels left to right. */
  w?: number;
  h?: number;
  links?: { title: string; url: string }[];
}

/** What every panel builder of the SDK offers; `dashboard()` gives each its id and place on the grid. */
export interface PanelBuilder extends cog.Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
  title(title: string): unknown;
  description(description: string): unknown;
  datasource(datasource: dashboard.DataSourceRef): unknown;
  withTarget(target: cog.Builder<cog.Dataquery>): unknown;
  unit(unit: string): unknown;
  min(min: number): unknown;
  max(max: number): unknown;
  decimals(decimals: number): unknown;
  colorScheme(color: cog.Builder<dashboard.FieldColor>): unknown;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): unknown;
  mappings(mappings: dashboard.ValueMapping[]): unknown;
  overrides(overrides: Override[]): unknown;
  links(links: cog.Builder<dashboard.DashboardLink>[]): unknown;
}

/** A panel before layout: what `dashboard()` places on the grid. */
export interface Panel {
  w: number;
  h: number;
  builder: PanelBuilder;
}

export interface Row {
  type: 'row';
  title: string;
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(raw: Query | string, index: number, format: prometheus.PromQueryFormat, instantByDefault: boolean) {
  const query = typeof raw === 'string' ? { expr: raw } : raw;
  const builder = new prometheus.DataqueryBuilder()
    .datasource(datasource)
    .refId(refIds[index]!)
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto')
    .format(format)
    .editorMode(prometheus.QueryEditorMode.Code);
  return (query.instant ?? instantByDefault) ? builder.instant() : builder.range();
}

/** Title, queries and the field defaults every panel type shares. */
function configure<B extends PanelBuilder>(builder: B, spec: PanelSpec, size: { w: number; h: number }, table = false) {
  builder.title(spec.title);
  builder.description(spec.description);
  builder.datasource(datasource);
  const format = table ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries;
  spec.queries.forEach((query, index) => {
    builder.withTarget(target(query, index, format, table));
  });
  builder.unit(spec.unit ?? 'short');
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.decimals !== undefined) builder.decimals(spec.decimals);
  const colour = spec.thresholds ? dashboard.FieldColorModeId.Thresholds : dashboard.FieldColorModeId.PaletteClassic;
  builder.colorScheme(new dashboard.FieldColorBuilder().mode(colour));
  const steps = (spec.thresholds ?? [['green', null]]).map(([color, value]) => ({ color, value }));
  builder.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps));
  builder.mappings(spec.mappings ?? []);
  builder.overrides(spec.overrides ?? []);
  if (spec.links) builder.links(spec.links.map((link) => new dashboard.DashboardLinkBuilder(link.title).url(link.url)));
  return { w: spec.w ?? size.w, h: spec.h ?? size.h, builder };
}

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);

export interface TimeseriesSpec extends PanelSpec {
  /** For 0/1 states. */
  stepped?: boolean;
  /** For parts of a whole. */
  stack?: boolean;
  /** Draws the thresholds as dashed lines. */
  thresholdLines?: boolean;
  bars?: boolean;
}

export function timeseries(spec: TimeseriesSpec): Panel {
  const builder = new timeseriesPanel.PanelBuilder()
    .drawStyle(spec.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .lineInterpolation(spec.stepped ? common.LineInterpolation.StepAfter : common.LineInterpolation.Linear)
    .lineWidth(1)
    .fillOpacity(spec.stack || spec.bars ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .stacking(
      new common.StackingConfigBuilder()
        .mode(spec.stack ? common.StackingMode.Normal : common.StackingMode.None)
        .group('A'),
    )
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        spec.thresholdLines ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
      ),
    )
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
  return configure(builder, spec, { w: 12, h: 8 });
}

/** The current value, large; `graph` adds its sparkline. */
export function stat(spec: PanelSpec & { graph?: boolean; textMode?: common.BigValueTextMode }): Panel {
  const builder = new statPanel.PanelBuilder()
    .reduceOptions(lastValue())
    .colorMode(spec.thresholds || spec.mappings ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .graphMode(spec.graph ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .textMode(spec.textMode ?? common.BigValueTextMode.Auto)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto)
    .wideLayout(true)
    .showPercentChange(false);
  return configure(builder, spec, { w: 6, h: 4 });
}

/** Current values side by side, one bar per series. */
export function bargauge(spec: PanelSpec): Panel {
  const builder = new bargaugePanel.PanelBuilder()
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Auto)
    .showUnfilled(true)
    .sizing(common.BarGaugeSizing.Auto)
    .minVizHeight(16)
    .minVizWidth(8)
    .maxVizHeight(300);
  return configure(builder, spec, { w: 8, h: 6 });
}

/**
 * Instant queries joined into one row per `key` labels: each query becomes a column named by `columns`
 * (in query order); other labels and the time are hidden.
 */
export function table(spec: PanelSpec & { columns: string[] }): Panel {
  const renameByName: { [key: string]: string } = {};
  spec.columns.forEach((column, index) => {
    renameByName[`Value #${refIds[index]}`] = column;
  });
  const excludeByName = { Time: true, __name__: true, job: true, instance: true };
  const builder = new tablePanel.PanelBuilder()
    .align(common.FieldTextAlignment.Auto)
    .cellOptions({ type: common.TableCellDisplayMode.Auto })
    .inspect(false)
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .footer(new common.TableFooterOptionsBuilder().show(false).reducer(['sum']).fields([]).countRows(false))
    .transformations([
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName, renameByName } },
    ]);
  return configure(builder, spec, { w: 24, h: 8 }, true);
}

/** A value mapping for a 0/1 gauge: what 0 and 1 mean and their colours. */
export function booleanMapping(zero: [text: string, color: string], one: [text: string, color: string]) {
  const options = { '0': { text: zero[0], color: zero[1], index: 0 }, '1': { text: one[0], color: one[1], index: 1 } };
  return [{ type: dashboard.MappingType.ValueToText, options } satisfies dashboard.ValueMap];
}

/** Draws the series whose name matches `pattern` dashed (an objective, a baseline). */
export function dashedSeries(pattern: string): Override {
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
  const buckets = series(`${histogram}_bucket`, selector);
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${buckets}[$__rate_interval])))`;
}

/** A counter's per-second rate, summed by `by`. */
export function rate(counter: string, selector: string, by: string[], perMinute = false): string {
  const expr = `sum by (${by.join(', ')}) (rate(${series(counter, selector)}[$__rate_interval]))`;
  return perMinute ? `${expr} * 60` : expr;
}
