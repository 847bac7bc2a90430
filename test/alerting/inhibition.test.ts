import { describe, expect, it } from 'vitest';
import {
  createInhibitor,
  defaultInhibitRules,
  inhibitingRule,
  type InhibitionCandidate,
  type InhibitRule,
} from '../../src/alerting/inhibition.js';
import { parseMatcher } from '../../src/alerting/matchers.js';

const alert = (fingerprint: string, labels: Record<string, string>): InhibitionCandidate => ({ fingerprint, labels });

const rule = (source: string[], target: string[], equal: string[]): InhibitRule => ({
  sourceMatchers: source.map(parseMatcher),
  targetMatchers: target.map(parseMatcher),
  equal,
});

describe('defaultInhibitRules', () => {
  const burn = (fingerprint: string, severity: string, slo: string) =>
    alert(fingerprint, { alertname: 'SloErrorBudgetBurn', severity, slo, scope: 'slo' });
  const halted = (chain: string) =>
    alert(`halted-${chain}`, { alertname: 'ChainHalted', severity: 'page', scope: 'chain', chain });
  const endpointAlert = (chain: string) =>
    alert(`lag-${chain}`, {
      alertname: 'EndpointLagging',
      severity: 'warning',
      scope: 'endpoint',
      chain,
      endpoint: 'e1',
    });
  const chainAlert = (chain: string) =>
    alert(`gas-${chain}`, { alertname: 'GasHigh', severity: 'warning', scope: 'chain', chain });

  it.each([
    {
      name: 'a page suppresses the ticket of the same SLO',
      target: burn('t', 'ticket', 'a'),
      sources: [burn('p', 'page', 'a')],
      expected: 0,
    },
    {
      name: 'not the ticket of another SLO',
      target: burn('t', 'ticket', 'b'),
      sources: [burn('p', 'page', 'a')],
      expected: null,
    },
    {
      name: 'a ticket does not suppress a page',
      target: burn('p', 'page', 'a'),
      sources: [burn('t', 'ticket', 'a')],
      expected: null,
    },
    {
      name: 'nor another ticket',
      target: burn('t1', 'ticket', 'a'),
      sources: [burn('t2', 'ticket', 'a')],
      expected: null,
    },
    {
      name: 'a halted chain suppresses its endpoint alerts',
      target: endpointAlert('eth'),
      sources: [halted('eth')],
      expected: 1,
    },
    { name: "not another chain's", target: endpointAlert('gnosis'), sources: [halted('eth')], expected: null },
    {
      name: 'nor the chain-level alerts of its chain',
      target: chainAlert('eth'),
      sources: [halted('eth')],
      expected: null,
    },
    { name: 'nor the halt itself', target: halted('eth'), sources: [halted('eth')], expected: null },
    { name: 'no sources, no inhibition', target: endpointAlert('eth'), sources: [], expected: null },
    {
      name: 'the right source among others',
      target: endpointAlert('eth'),
      sources: [burn('p', 'page', 'a'), halted('base'), halted('eth')],
      expected: 1,
    },
  ])('$name', ({ target, sources, expected }) => {
    expect(inhibitingRule(defaultInhibitRules, target, sources)).toBe(expected);
  });
});

describe('inhibitingRule', () => {
  it.each([
    // `equal` labels missing on both sides count as equal, as in Alertmanager; missing on one does not.
    {
      name: 'missing on both',
      rules: [rule(['a="s"'], ['a="t"'], ['zone'])],
      target: { a: 't' },
      source: { a: 's' },
      expected: 0,
    },
    {
      name: 'missing on the target only',
      rules: [rule(['a="s"'], ['a="t"'], ['zone'])],
      target: { a: 't' },
      source: { a: 's', zone: 'z' },
      expected: null,
    },
    {
      name: 'empty is missing',
      rules: [rule(['a="s"'], ['a="t"'], ['zone'])],
      target: { a: 't', zone: '' },
      source: { a: 's' },
      expected: 0,
    },
    {
      name: 'several equal labels',
      rules: [rule(['a="s"'], ['a="t"'], ['x', 'y'])],
      target: { a: 't', x: '1', y: '2' },
      source: { a: 's', x: '1', y: '2' },
      expected: 0,
    },
    {
      name: 'one of them differs',
      rules: [rule(['a="s"'], ['a="t"'], ['x', 'y'])],
      target: { a: 't', x: '1', y: '2' },
      source: { a: 's', x: '1', y: '3' },
      expected: null,
    },
    {
      name: 'no equal labels',
      rules: [rule(['a="s"'], ['a="t"'], [])],
      target: { a: 't' },
      source: { a: 's', x: '1' },
      expected: 0,
    },
    {
      name: 'regex matchers',
      rules: [rule(['a=~"s|u"'], ['a!~"s|u"'], [])],
      target: { a: 't' },
      source: { a: 'u' },
      expected: 0,
    },
    {
      name: 'the first rule that inhibits',
      rules: [rule(['a="x"'], ['a="t"'], []), rule(['a="s"'], ['a="t"'], []), rule(['a=~".*"'], ['a="t"'], [])],
      target: { a: 't' },
      source: { a: 's' },
      expected: 1,
    },
    // Alertmanager's rule: an alert matching both sides cannot be inhibited by another that does too.
    {
      name: 'both match both sides',
      rules: [rule(['k="v"'], ['k="v"'], [])],
      target: { k: 'v', n: '1' },
      source: { k: 'v', n: '2' },
      expected: null,
    },
    {
      name: 'a one-sided source still inhibits a two-sided target',
      rules: [rule(['k=~"v|w"'], ['k="v"'], [])],
      target: { k: 'v' },
      source: { k: 'w' },
      expected: 0,
    },
  ] as {
    name: string;
    rules: InhibitRule[];
    target: Record<string, string>;
    source: Record<string, string>;
    expected: number | null;
  }[])('$name', ({ rules, target, source, expected }) => {
    expect(inhibitingRule(rules, alert('target', target), [alert('source', source)])).toBe(expected);
  });

  it('never lets an alert inhibit itself', () => {
    const rules = [rule(['a=~".*"'], ['a=~".*"'], [])];
    expect(inhibitingRule(rules, alert('same', { a: 'x' }), [alert('same', { a: 'x' })])).toBeNull();
    expect(
      inhibitingRule([rule(['a="x"'], ['b="y"'], [])], alert('same', { a: 'x', b: 'y' }), [
        alert('same', { a: 'x', b: 'y' }),
      ]),
    ).toBeNull();
  });

  it('indexes a new array of sources, or one whose length changed', () => {
    const target = alert('t', { alertname: 'SloErrorBudgetBurn', severity: 'ticket', slo: 'a' });
    const sources: InhibitionCandidate[] = [];
    expect(inhibitingRule(defaultInhibitRules, target, sources)).toBeNull();
    sources.push(alert('p', { alertname: 'SloErrorBudgetBurn', severity: 'page', slo: 'a' }));
    expect(inhibitingRule(defaultInhibitRules, target, sources)).toBe(0);
    expect(inhibitingRule(defaultInhibitRules, target, [])).toBeNull();
  });

  it('judges thousands of targets against thousands of sources quickly', () => {
    const chains = Array.from({ length: 500 }, (_, index) => `c${index}`);
    const sources = chains
      .filter((_, index) => index % 2 === 0)
      .map((chain) => alert(`h-${chain}`, { alertname: 'ChainHalted', scope: 'chain', chain }));
    const targets = chains.flatMap((chain) =>
      Array.from({ length: 10 }, (_, endpoint) =>
        alert(`${chain}-${endpoint}`, {
          alertname: 'EndpointDown',
          scope: 'endpoint',
          chain,
          endpoint: `e${endpoint}`,
        }),
      ),
    );
    const firing = [...sources, ...targets];
    const started = performance.now();
    const inhibited = targets.filter((target) => inhibitingRule(defaultInhibitRules, target, firing) !== null);
    expect(inhibited).toHaveLength(2_500);
    expect(performance.now() - started).toBeLessThan(1_000);
    const inhibitor = createInhibitor(defaultInhibitRules, firing);
    expect(targets.filter((target) => inhibitor(target) !== null)).toEqual(inhibited);
  });
});
