// Runs a dashboard's queries against a real Prometheus the way Grafana would: template variables resolved
// from their own label_values queries (multi-value ones as the regex of all their values, as "All" does),
// Grafana's interval variables replaced by durations, range panels as range queries over the time the
// data exists, instant ones at the end of it.

import type { RunningPrometheus } from '../helpers/prometheus.js';
import { type JsonObject, panelQueries, parseLabelValues, variableQueries } from './dashboard-queries.js';

export interface TimeRange {
  /** Unix seconds. */
  from: number;
  to: number;
}

export interface QueryOutcome {
  dashboard: string;
  /** The panel title, or `variable <name>`. */
  panel: string;
  refId: string;
  expr: string;
  error?: string;
  /** Series returned (with at least one value for a range query). */
  series: number;
}

const regexSpecial = /[.*+?^${}()|[\]]/g;

/** Grafana's own variables for a range, as the Prometheus datasource fills them in. */
export function builtInValues(range: TimeRange, rateInterval: string, interval: string): Map<string, string> {
  const seconds = Math.max(1, Math.round(range.to - range.from));
  return new Map([
    ['__rate_interval', rateInterval],
    ['__interval', interval],
    ['__range', `${seconds}s`],
    ['__range_s', String(seconds)],
    ['__range_ms', String(seconds * 1_000)],
  ]);
}

/** Replaces `$name`, `${name}` and `[[name]]`, longest names first so that `$__range_s` is not read as `$__range`. */
export function interpolate(expr: string, values: ReadonlyMap<string, string>): string {
  const names = [...values.keys()].sort((a, b) => b.length - a.length);
  let result = expr;
  for (const name of names) {
    const value = values.get(name)!;
    result = result.split(`\${${name}}`).join(value).split(`[[${name}]]`).join(value);
    result = result.replace(new RegExp(`\\$${name}(?![A-Za-z0-9_])`, 'g'), () => value);
  }
  return result;
}

function countSeries(answer: Awaited<ReturnType<RunningPrometheus['query']>>): number {
  if (answer.status !== 'success') return 0;
  const result = answer.data.result;
  if (answer.data.resultType === 'scalar' || answer.data.resultType === 'string') return 1;
  return (result as { values?: unknown[] }[]).filter(
    (series) => series.values === undefined || series.values.length > 0,
  ).length;
}

/**
 * Resolves the dashboard's query variables in order, each from its label_values query over the range, and
 * returns their values (for the panels) and one outcome per variable query.
 */
export async function resolveVariables(
  prometheus: RunningPrometheus,
  dashboard: JsonObject,
  builtIns: ReadonlyMap<string, string>,
): Promise<{ values: Map<string, string>; outcomes: QueryOutcome[]; options: Map<string, string[]> }> {
  const values = new Map(builtIns);
  const options = new Map<string, string[]>();
  const outcomes: QueryOutcome[] = [];
  for (const variable of variableQueries(dashboard)) {
    const labelValues = parseLabelValues(variable.query);
    const outcome: QueryOutcome = {
      dashboard: String(dashboard.uid),
      panel: `variable ${variable.name}`,
      refId: '-',
      expr: variable.query,
      series: 0,
    };
    outcomes.push(outcome);
    if (!labelValues) {
      outcome.error = 'not a label_values query';
      continue;
    }
    // Grafana asks for the label's values among the series the selector matches over the range.
    outcome.expr =
      `group by (${labelValues.label}) ` +
      `(last_over_time(${interpolate(labelValues.selector, values)}[${builtIns.get('__range')}]))`;
    const answer = await prometheus.query(outcome.expr);
    if (answer.status !== 'success') {
      outcome.error = answer.error;
      continue;
    }
    const found = [
      ...new Set(
        (answer.data.result as { metric: Record<string, string> }[])
          .map((series) => series.metric[labelValues.label])
          .filter((value) => value !== undefined),
      ),
    ].sort();
    outcome.series = found.length;
    options.set(variable.name, found);
    // As Grafana escapes them: a regex escape, itself escaped inside the PromQL string (`127\\.0\\.0\\.1`).
    const escaped = found.map((value) => value.replace(/\\/g, '\\\\\\\\').replace(regexSpecial, '\\\\$&'));
    values.set(variable.name, variable.multi || variable.includeAll ? `(${escaped.join('|')})` : (found[0] ?? ''));
  }
  return { values, outcomes, options };
}

/** Every panel target of the dashboard run with `values` substituted. */
export async function runPanelQueries(
  prometheus: RunningPrometheus,
  dashboard: JsonObject,
  values: ReadonlyMap<string, string>,
  range: TimeRange,
  stepSeconds: number,
): Promise<QueryOutcome[]> {
  const outcomes: QueryOutcome[] = [];
  for (const query of panelQueries(dashboard)) {
    const expr = interpolate(query.expr, values);
    const answer = query.instant
      ? await prometheus.query(expr, range.to)
      : await prometheus.queryRange(expr, range.from, range.to, stepSeconds);
    outcomes.push({
      dashboard: String(dashboard.uid),
      panel: query.panel,
      refId: query.refId,
      expr,
      ...(answer.status === 'success' ? {} : { error: `${answer.errorType}: ${answer.error}` }),
      series: countSeries(answer as Awaited<ReturnType<RunningPrometheus['query']>>),
    });
  }
  return outcomes;
}
