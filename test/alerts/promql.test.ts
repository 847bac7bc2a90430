import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exportedMetricNames, metricNames, PromqlScanError } from '../helpers/promql.js';
import { tempDir } from '../helpers/service.js';

/** Whether Prometheus' own `promtool check rules` accepts `expr` as a recording rule's expression. */
function promtoolAccepts(expr: string): boolean {
  const file = join(tempDir('ere-promql-'), 'rules.yml');
  writeFileSync(file, stringify({ groups: [{ name: 'g', rules: [{ record: 'ere:checked', expr }] }] }));
  return spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' }).status === 0;
}

describe('metricNames', () => {
  it.each<[string, string[]]>([
    ['up', ['up']],
    ['up{job="ere"} == 0', ['up']],
    ['absent(up{job="ere"})', ['up']],
    [
      'histogram_quantile(0.99, sum by (le, chain) (rate(ere_rpc_request_duration_seconds_bucket[5m])))',
      ['ere_rpc_request_duration_seconds_bucket'],
    ],
    ['histogram_quantile(0.99, sum(rate(x_bucket{chain=~"a|b"}[5m])) by (le))', ['x_bucket']],
    ['a / on(chain) group_left b', ['a', 'b']],
    ['a / on (chain) group_left (endpoint, scope) b', ['a', 'b']],
    ['a * ignoring(le) group_right(instance) c', ['a', 'c']],
    [
      'sum without (instance, job) (rate(ere_collector_runs_total{outcome="failure"}[15m]))',
      ['ere_collector_runs_total'],
    ],
    ['label_replace(ere_endpoint_up, "chain_id", "$1", "chain", "(.*) sum rate_total")', ['ere_endpoint_up']],
    ['count(ere_x{description="uses other_metric and rate(foo[5m])"})', ['ere_x']],
    ["ere_x{note='it\\'s another_metric'}", ['ere_x']],
    ['{__name__="ere_by_name", chain="a"}', ['ere_by_name']],
    ['{__name__=~"ere_.*"}', []],
    ['rate(ere_x[$__rate_interval])', ['ere_x']],
    ['sum by ($group) (rate(ere_x{chain="$chain"}[${__rate_interval}]))', ['ere_x']],
    ['rate(ere_x{chain=~"${chain:regex}"}[$__interval]) * $factor', ['ere_x']],
    ['rate(ere_x[[[interval]]])', ['ere_x']],
    ['ere_x offset 5m and ere_y offset -1h', ['ere_x', 'ere_y']],
    ['ere_x > bool 0.5e-3 or ere_y < Inf unless ere_z != NaN', ['ere_x', 'ere_y', 'ere_z']],
    ['max_over_time(ere_x[1h:30s]) - 0x1F', ['ere_x']],
    ['slo:sli_error:ratio_rate5m{sloth_id="a"} > (14.4 * 0.001)', ['slo:sli_error:ratio_rate5m']],
    ['ere_x @ end() + ere_x', ['ere_x']],
    ['topk(3, ere_x) # ere_commented_out', ['ere_x']],
    ['time() - ere_last_success_timestamp_seconds > 60', ['ere_last_success_timestamp_seconds']],
    ['count_values("value", ere_x)', ['ere_x']],
    ['vector(1)', []],
    ['{"ere.dotted"} + {"__name__"="ere_quoted"}', ['ere.dotted', 'ere_quoted']],
    // A name built from a variable is only known once Grafana has expanded it.
    ['ere_${kind}_total + ere_y', ['ere_y']],
    ['ere_x[2 * $__interval] offset $shift', ['ere_x']],
    ['sum by (chain, $group) (ere_x{$label="a"}[1h:$__interval]) / $__range_s', ['ere_x']],
  ])('%s', (expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });

  it('rejects an unterminated string or bracket with its position', () => {
    expect(() => metricNames('ere_x{chain="a}')).toThrow(PromqlScanError);
    expect(() => metricNames('rate(ere_x[5m)')).toThrow(/unclosed \[ at offset 10/);
    expect(() => metricNames('ere_x + "abc')).toThrow(/unterminated string at offset 8/);
    expect(() => metricNames('sum(ere_x')).toThrow(/unclosed \( at offset 3/);
  });

  // Expressions a scanner that only tells words apart reads as selectors, and Prometheus rejects.
  it.each([
    'rat(ere_x[5m])',
    'sum by (le) rate(ere_x[5m])',
    'sum(ere_x) by (le) (ere_y)',
    'rate(ere_x[5m]) by (chain)',
    'ere_x ere_y',
    'ere_x{chain="a"}}',
    'ere_x and on(chain)',
  ])('rejects %s as Prometheus does', (expr) => {
    expect(() => metricNames(expr)).toThrow(PromqlScanError);
    expect(promtoolAccepts(expr)).toBe(false);
  });

  it('accepts what Prometheus accepts', () => {
    const expr = 'sum by (le) (rate(ere_x_bucket{chain=~"a|b"}[5m])) and on(le) ere_y';
    expect(metricNames(expr)).toEqual(['ere_x_bucket', 'ere_y']);
    expect(promtoolAccepts(expr)).toBe(true);
  });
});

describe('exportedMetricNames', () => {
  const exposition = [
    '# HELP ere_endpoint_up Whether the endpoint answered.',
    '# TYPE ere_endpoint_up gauge',
    'ere_endpoint_up{chain="a",endpoint="b"} 1',
    '# HELP ere_collector_runs_total Runs.',
    '# TYPE ere_collector_runs_total counter',
    '# HELP ere_rpc_request_duration_seconds Latency.',
    '# TYPE ere_rpc_request_duration_seconds histogram',
    'ere_rpc_request_duration_seconds_bucket{le="0.1"} 1',
    '# TYPE ere_thing_seconds summary',
    'ere_thing_seconds{quantile="0.5"} 1',
    'process_cpu_seconds_total 12.5',
    '',
  ].join('\n');

  it('lists every family, with the series names of histograms and summaries', () => {
    expect([...exportedMetricNames(exposition)].sort()).toEqual([
      'ere_collector_runs_total',
      'ere_endpoint_up',
      'ere_rpc_request_duration_seconds',
      'ere_rpc_request_duration_seconds_bucket',
      'ere_rpc_request_duration_seconds_count',
      'ere_rpc_request_duration_seconds_sum',
      'ere_thing_seconds',
      'ere_thing_seconds_count',
      'ere_thing_seconds_sum',
      'process_cpu_seconds_total',
    ]);
  });

  it('does not take names from HELP text or label values', () => {
    const names = exportedMetricNames('# HELP ere_a Mentions ere_b.\n# TYPE ere_a gauge\nere_a{x="ere_c 1"} 1\n');
    expect([...names]).toEqual(['ere_a']);
  });
});
