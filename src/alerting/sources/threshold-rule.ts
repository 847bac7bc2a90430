// What threshold rules share, whichever source they watch: the configured rule turned into an AlertRule
// whose series each compare one value against the threshold (with hysteresis when a clear value is set),
// and `thresholdSource`, which makes a source of that from its metrics and the series it watches.

import type { Severity } from '../../domain/alert.js';
import type { BeaconChainHealth, BeaconEndpointTarget } from '../../domain/beacon.js';
import type { ChainConfig } from '../../endpoints/chain-schema.js';
import type { CanaryReader } from '../../endpoints/rpc/canary/index.js';
import type { CorrectnessReader } from '../../endpoints/rpc/correctness/index.js';
import type { ChainTracker } from '../../endpoints/rpc/rpc-tracker.js';
import type { ValidatorTracker } from '../../validators/validator-tracker.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import { thresholdCondition, type ThresholdOperator } from '../lifecycle.js';
import { parseTemplate, type Template } from '../template.js';

/** A threshold rule as the config gives it (durations in ms). */
export interface ThresholdRuleConfig {
  name: string;
  source: string;
  metric: string;
  op: ThresholdOperator;
  threshold: number;
  clear?: number | undefined;
  for: number;
  keepFiringFor: number;
  severity: Severity;
  chains?: string[] | undefined;
  endpoints?: string[] | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** false: the rule is not evaluated (with a built-in rule's name and source, it turns that one off). */
  enabled?: boolean | undefined;
}

/** What the beacon sources read: the beacon tracker's health and freshness. */
export interface BeaconHealthReader {
  health(chain: string): BeaconChainHealth | undefined;
  allHealth(): BeaconChainHealth[];
  isFresh(endpoint: string): boolean;
}

/** What the validator sources read of the validator tracker. */
export type ValidatorAlertReader = Pick<
  ValidatorTracker,
  'chains' | 'lastAttestation' | 'status' | 'watchList' | 'store'
>;

/** What the threshold sources read; a source whose part is absent makes no rules. */
export interface ThresholdSourceDeps {
  rpc?:
    | { chains: readonly ChainConfig[]; tracker: ChainTracker; correctness?: CorrectnessReader | undefined }
    | undefined;
  beacon?: { reader: BeaconHealthReader; targets: readonly BeaconEndpointTarget[] } | undefined;
  canary?: CanaryReader | undefined;
  /** `minDuties`: attestation duties with a reading a scope needs in an epoch for its miss rate to be known. */
  validators?: { reader: ValidatorAlertReader; minDuties: number } | undefined;
}

export function parseAnnotations(annotations: Readonly<Record<string, string>>): Record<string, Template> {
  return Object.fromEntries(Object.entries(annotations).map(([name, text]) => [name, parseTemplate(text)]));
}

export function thresholdSignal(
  rule: ThresholdRuleConfig,
  labels: Record<string, string>,
  value: number | null,
): AlertSignal {
  return { labels, value, condition: (wasActive) => thresholdCondition(value, rule, wasActive) };
}

export function thresholdRule(rule: ThresholdRuleConfig, signals: () => AlertSignal[]): AlertRule {
  return {
    name: rule.name,
    severity: rule.severity,
    source: rule.source,
    timing: { forMs: rule.for, keepFiringForMs: rule.keepFiringFor },
    labels: rule.labels,
    annotations: parseAnnotations(rule.annotations),
    signals,
  };
}

/** The rules of one source. */
export const rulesOf = (rules: readonly ThresholdRuleConfig[], source: string) =>
  rules.filter((rule) => rule.source === source);

export const selected = (list: readonly string[] | undefined, id: string) => list === undefined || list.includes(id);

/** One series a threshold source watches: its chain (and endpoint), its labels, and what its metrics read. */
export interface ThresholdSeries<Reading> {
  chain: string;
  /** Set on the series of an endpoint source: a rule's `endpoints:` selects among them. */
  endpoint?: string;
  /** Tells apart several series of one endpoint (one per data check). */
  key?: string;
  labels: Record<string, string>;
  /** What the metrics read now; null when unknown (no recent probe, no processed epoch). */
  read(): Reading | null;
}

export interface ThresholdSourceSpec<Source extends string, Reading, Series extends ThresholdSeries<Reading>> {
  source: Source;
  /** Each metric a rule's `metric:` may name, read from a series' reading. */
  metrics: Record<string, (reading: Reading) => number | null>;
  /** The series now, read at each evaluation; null when the service has no part this source watches. */
  watch(deps: ThresholdSourceDeps): (() => Series[]) | null;
  /**
   * With it, a rule makes one alert rule per series, whose description (unless the rule gives one) is
   * this text, read at each evaluation: a reason in a label would make a new alert of each change of wording.
   */
  describe?(series: Series | undefined): string;
}

const seriesKey = (series: ThresholdSeries<unknown>) => `${series.chain}/${series.endpoint ?? ''}/${series.key ?? ''}`;

/** A template with no actions: text the engine renders as it is. */
const literal = (text: string): Template => ({ source: text, nodes: [text] });

/** A threshold source: the rules of the config naming it, each over the series it selects. */
export function thresholdSource<Source extends string, Reading, Series extends ThresholdSeries<Reading>>(
  spec: ThresholdSourceSpec<Source, Reading, Series>,
) {
  return {
    source: spec.source,
    metrics: Object.keys(spec.metrics),
    createRules(rules: readonly ThresholdRuleConfig[], deps: ThresholdSourceDeps): AlertRule[] {
      const watch = spec.watch(deps);
      if (watch === null) return [];
      return rulesOf(rules, spec.source).flatMap((rule) => {
        const metric = spec.metrics[rule.metric]!;
        const watched = () =>
          watch().filter(
            (series) =>
              selected(rule.chains, series.chain) &&
              (series.endpoint === undefined || selected(rule.endpoints, series.endpoint)),
          );
        const signal = (series: Series) => {
          const reading = series.read();
          return thresholdSignal(rule, series.labels, reading === null ? null : metric(reading));
        };
        const { describe } = spec;
        if (describe === undefined) return [thresholdRule(rule, () => watched().map(signal))];
        return watched().map((first) => {
          const key = seriesKey(first);
          const now = () => watch().find((series) => seriesKey(series) === key);
          const built = thresholdRule(rule, () => {
            const series = now();
            return series ? [signal(series)] : [];
          });
          if ('description' in built.annotations) return built;
          const { annotations } = built;
          return Object.defineProperty(built, 'annotations', {
            get: () => ({ ...annotations, description: literal(describe(now())) }),
          });
        });
      });
    },
  };
}
