// ERE as the oracle for its own Prometheus rules: ERE's alert decisions, minute by minute, computed with the
// engine's pure code (MinuteSeries, computeStatus), and a `promtool test rules` file whose input series are
// the `ere_slo_events_total` counters of the same minutes and whose expected alerts are exactly those
// decisions.
//
// Alignment: scenario minute i covers [i, i+1) minutes of promtool time; the counters are sampled every 30 s
// and a sample at a minute boundary includes the minute that just ended, as ERE adds a minute once it has
// ended. Prometheus 2.x range selectors are closed, [t − W, t], so at t = k minutes rate() over W sees
// exactly minutes [k − W, k), the minutes ERE sums at its evaluation ending at k, with samples on both
// edges and so no extrapolation. The counters start at 1e6, so rate()'s "never extrapolate below zero"
// limit cannot apply to one outcome and not the other. promtool's test engine loads at most 10,000 samples
// of a series into one query: at two samples a minute, a scenario longer than 83 hours fails the period
// rules (30d, 7d), so scenarios stay shorter.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AlertSeverity, EventCounts, SloDefinition } from '../../src/domain/slo.js';
import { MinuteSeries } from '../../src/slo/minute-series.js';
import { sloAlertName, type AlertingRule, type RuleGroup } from '../../src/slo/prometheus-rules.js';
import { computeStatus, seriesWindows, sloEvents, type SloStatus } from '../../src/slo/status.js';
import { minuteMs, windowAt } from '../../src/slo/window.js';

/** The SLI's raw counts of one minute, before the SLO counts them (time slices turn them into one minute). */
export type RawMinute = EventCounts;

export interface Decision {
  /** Minutes since the scenario's start: the evaluation covers minutes [0, minute). */
  minute: number;
  firing: Record<AlertSeverity, boolean>;
  status: SloStatus;
}

/** ERE's decision after each minute of the scenario, as the engine would take it. */
export function ereDecisions(definition: SloDefinition, minutes: readonly RawMinute[]): Decision[] {
  const series = new MinuteSeries(seriesWindows(definition));
  const events = minutes.map((minute) => sloEvents(definition, minute));
  const prefix = [{ good: 0, valid: 0 }];
  for (const counts of events)
    prefix.push({ good: prefix.at(-1)!.good + counts.good, valid: prefix.at(-1)!.valid + counts.valid });
  const firstWithData = firstMinuteWithData(minutes);
  return events.map((counts, index) => {
    series.push(index * minuteMs, counts);
    const dataSinceMs = firstWithData !== null && firstWithData <= index ? firstWithData * minuteMs : null;
    const endMs = (index + 1) * minuteMs;
    const window = windowAt(definition.window, endMs);
    const from = prefix[Math.max(0, Math.ceil(window.startMs / minuteMs))]!;
    const to = prefix[index + 1]!;
    const windowCounts = { good: to.good - from.good, valid: to.valid - from.valid };
    const status = computeStatus({ definition, evaluatedAtMs: endMs, window, windowCounts, series, dataSinceMs });
    return { minute: index + 1, firing: status.firing, status };
  });
}

/**
 * Where Prometheus and ERE could only disagree by rounding: a burn rate equal to a tier's threshold, which
 * ERE computes as errors / budget and the rules as errors > threshold × budget. Scenarios must avoid them.
 */
export function ties(definition: SloDefinition, decisions: readonly Decision[]): string[] {
  return decisions.flatMap((decision) =>
    decision.status.tiers.flatMap((tier) =>
      [tier.longBurnRate, tier.shortBurnRate]
        .filter((rate): rate is number => rate !== null && Math.abs(rate - tier.threshold) <= 1e-9 * tier.threshold)
        .map(
          () =>
            `${definition.id} minute ${decision.minute}: a ${tier.severity} ` +
            `tier's burn rate equals its threshold ${tier.threshold}`,
        ),
    ),
  );
}

/** The index of the first minute with valid events, as the engine finds the SLI's start; null when none has. */
export function firstMinuteWithData(minutes: readonly RawMinute[]): number | null {
  const index = minutes.findIndex((minute) => minute.valid > 0);
  return index === -1 ? null : index;
}

/**
 * The promtool `values` of `ere_slo_data_since_timestamp_seconds`: absent until the first minute with data
 * has ended and been evaluated, then that minute's start, in seconds.
 */
function dataSinceValues(minutes: readonly RawMinute[]): string | null {
  const first = firstMinuteWithData(minutes);
  if (first === null) return null;
  const samples = 2 + 2 * minutes.length;
  const absent = 2 * (first + 1);
  return `_x${absent} ${first * 60}+0x${samples - absent - 1}`;
}

export const counterOffset = 1_000_000;

/** The promtool `values` of one counter: two samples a minute, each the total of the minutes ended before it. */
function counterValues(perMinute: readonly number[]): string {
  const values: number[] = [];
  let total = counterOffset;
  values.push(total, total);
  for (const count of perMinute) {
    total += count;
    values.push(total, total);
  }
  // Runs of one value (no events) as promtool's `a+0xn`, so that quiet stretches stay short.
  const parts: string[] = [];
  for (let index = 0; index < values.length; ) {
    let end = index;
    while (end + 1 < values.length && values[end + 1] === values[index]) end += 1;
    parts.push(end > index ? `${values[index]}+0x${end - index}` : String(values[index]));
    index = end + 1;
  }
  return parts.join(' ');
}

export interface OracleSlo {
  definition: SloDefinition;
  /** The SLO's alerting rules as generated, for the labels and annotations an alert carries. */
  alerts: AlertingRule[];
}

export interface OracleScenario {
  name: string;
  /** Each SLO's raw minutes, by SLO id; every SLO's as long as the others'. */
  minutes: Record<string, readonly RawMinute[]>;
}

/** Minutes to check: every change of decision with the minutes around it, and every `every` minutes. */
export function checkedMinutes(decisions: readonly Decision[][], every: number): number[] {
  const last = decisions[0]?.length ?? 0;
  const minutes = new Set<number>([last]);
  for (let minute = every; minute <= last; minute += every) minutes.add(minute);
  for (const perSlo of decisions) {
    for (let index = 1; index < perSlo.length; index += 1) {
      const [before, now] = [perSlo[index - 1]!, perSlo[index]!];
      if (before.firing.page === now.firing.page && before.firing.ticket === now.firing.ticket) continue;
      for (const minute of [now.minute - 2, now.minute - 1, now.minute, now.minute + 1, now.minute + 2])
        if (minute >= 1 && minute <= last) minutes.add(minute);
    }
  }
  return [...minutes].sort((a, b) => a - b);
}

/** One promtool test: the counters of every SLO over the scenario, and ERE's decisions as expected alerts. */
export function promtoolTest(scenario: OracleScenario, slos: readonly OracleSlo[], every = 30) {
  const minutesOf = (definition: SloDefinition) => scenario.minutes[definition.id] ?? [];
  const decisions = slos.map((slo) => ereDecisions(slo.definition, minutesOf(slo.definition)));
  const input_series = slos.flatMap(({ definition }) => {
    const events = minutesOf(definition).map((minute) => sloEvents(definition, minute));
    const series = (outcome: 'good' | 'bad', count: (counts: EventCounts) => number) => ({
      series: `ere_slo_events_total{slo="${definition.id}",service="${definition.service}",outcome="${outcome}"}`,
      values: counterValues(events.map(count)),
    });
    const since = dataSinceValues(minutesOf(definition));
    return [
      series('good', (counts) => counts.good),
      series('bad', (counts) => counts.valid - counts.good),
      ...(since === null
        ? []
        : [
            {
              series: `ere_slo_data_since_timestamp_seconds{slo="${definition.id}",service="${definition.service}"}`,
              values: since,
            },
          ]),
    ];
  });
  const alert_rule_test = checkedMinutes(decisions, every).map((minute) => ({
    eval_time: `${minute}m`,
    alertname: sloAlertName,
    exp_alerts: slos.flatMap((slo, index) =>
      slo.alerts
        // keep_firing_for (1m): Prometheus resolves one evaluation after ERE does.
        .filter((alert) =>
          [minute - 1, minute - 2].some(
            (at) => at >= 0 && decisions[index]![at]!.firing[alert.labels.severity as AlertSeverity],
          ),
        )
        .map((alert) => ({
          exp_labels: { ...slo.definition.labels, ...alert.labels },
          exp_annotations: alert.annotations,
        })),
    ),
  }));
  return { name: scenario.name, interval: '30s', input_series, alert_rule_test };
}

/** The whole test file: the rules file, the groups in file order (recordings before the alerts that read them). */
export function promtoolTestFile(
  ruleFile: string,
  groups: readonly RuleGroup[],
  tests: ReturnType<typeof promtoolTest>[],
) {
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    group_eval_order: groups.map((group) => group.name),
    tests,
  };
}

/** Minutes of `count` raw minutes, each built by `minute(index)`. */
export function stretch(count: number, minute: (index: number) => RawMinute): RawMinute[] {
  return Array.from({ length: count }, (_, index) => minute(index));
}

const execFileAsync = promisify(execFile);

/** `promtool test rules <file>`: ok when every test passed, with what promtool printed either way. */
export async function promtoolTestRules(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('promtool', ['test', 'rules', file], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message };
  }
}
