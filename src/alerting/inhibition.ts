// Inhibition as Alertmanager does it: a firing alert (the source) keeps other alerts (the targets) from
// being notified while it fires, when both match a rule and agree on the rule's `equal` labels. It stops
// a symptom's alerts from paging alongside the cause's.

import type { AlertLabels } from '../domain/alert.js';
import { cachedMatchers, type Matcher } from './matchers.js';

export interface InhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  /** Labels whose values must be the same on source and target (missing on both counts as the same). */
  equal: string[];
}

export interface InhibitionCandidate {
  fingerprint: string;
  labels: AlertLabels;
}

const equalTo = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: true });

/** The rules ERE ships by default; a config's `inhibitRules` replaces them. */
export const defaultInhibitRules: InhibitRule[] = [
  // A budget burning fast enough to page makes the slower burn's ticket for the same SLO redundant.
  {
    sourceMatchers: [equalTo('alertname', 'SloErrorBudgetBurn'), equalTo('severity', 'page')],
    targetMatchers: [equalTo('alertname', 'SloErrorBudgetBurn'), equalTo('severity', 'ticket')],
    equal: ['slo'],
  },
  // A halted chain explains every one of its endpoints lagging or failing: page for the cause alone.
  {
    sourceMatchers: [equalTo('alertname', 'ChainHalted')],
    targetMatchers: [equalTo('scope', 'endpoint')],
    equal: ['chain'],
  },
];

/** The firing sources of one rule that agree on a given tuple of `equal` values. */
interface SourceBucket {
  /** Every source in the bucket. */
  all: InhibitionCandidate[];
  /** Those that do not match the rule's target matchers too (see `inhibits`). */
  sourceOnly: InhibitionCandidate[];
}

const equalKey = (equal: readonly string[], labels: AlertLabels) =>
  JSON.stringify(equal.map((name) => labels[name] ?? ''));

function bucketsOf(rule: InhibitRule, firingSources: readonly InhibitionCandidate[]): Map<string, SourceBucket> {
  const matchesSource = cachedMatchers(rule.sourceMatchers);
  const matchesTarget = cachedMatchers(rule.targetMatchers);
  const buckets = new Map<string, SourceBucket>();
  for (const source of firingSources) {
    if (!matchesSource(source.labels)) continue;
    const key = equalKey(rule.equal, source.labels);
    let bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, (bucket = { all: [], sourceOnly: [] }));
    bucket.all.push(source);
    if (!matchesTarget(source.labels)) bucket.sourceOnly.push(source);
  }
  return buckets;
}

export type Inhibitor = (target: InhibitionCandidate) => number | null;

/**
 * inhibitingRule for many targets against one set of firing sources: the sources are sorted into buckets
 * by rule and `equal` values once, so that judging each target costs a lookup per rule, not a scan.
 */
export function createInhibitor(
  rules: readonly InhibitRule[],
  firingSources: readonly InhibitionCandidate[],
): Inhibitor {
  const compiled = rules.map((rule) => ({
    rule,
    matchesSource: cachedMatchers(rule.sourceMatchers),
    matchesTarget: cachedMatchers(rule.targetMatchers),
    buckets: bucketsOf(rule, firingSources),
  }));
  return (target) => {
    for (const [index, { rule, matchesSource, matchesTarget, buckets }] of compiled.entries()) {
      if (!matchesTarget(target.labels)) continue;
      const bucket = buckets.get(equalKey(rule.equal, target.labels));
      if (bucket === undefined) continue;
      // Alertmanager's rule for alerts that match both sides: they cannot inhibit one another, or two such
      // alerts would silence each other and neither would be notified.
      const candidates = matchesSource(target.labels) ? bucket.sourceOnly : bucket.all;
      if (candidates.some((source) => source.fingerprint !== target.fingerprint)) return index;
    }
    return null;
  };
}

const inhibitorCache = new WeakMap<
  readonly InhibitionCandidate[],
  WeakMap<readonly InhibitRule[], { sourceCount: number; inhibitor: Inhibitor }>
>();

/**
 * The index of the first rule by which some firing source inhibits the target, or null. A source inhibits
 * when it matches the rule's source matchers, the target its target matchers, and they have the same value
 * (or both none) for every `equal` label; an alert never inhibits itself. The sources are indexed once per
 * `firingSources` array (by identity, re-indexed if its length changes), so judging every alert of an
 * evaluation against one snapshot of the firing alerts costs O(sources + targets): treat the array as
 * immutable and pass a new one when the firing alerts change, or use createInhibitor.
 */
export function inhibitingRule(
  rules: readonly InhibitRule[],
  target: InhibitionCandidate,
  firingSources: readonly InhibitionCandidate[],
): number | null {
  let byRules = inhibitorCache.get(firingSources);
  if (byRules === undefined) inhibitorCache.set(firingSources, (byRules = new WeakMap()));
  let cached = byRules.get(rules);
  if (cached === undefined || cached.sourceCount !== firingSources.length) {
    cached = { sourceCount: firingSources.length, inhibitor: createInhibitor(rules, firingSources) };
    byRules.set(rules, cached);
  }
  return cached.inhibitor(target);
}
