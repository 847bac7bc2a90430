import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cachedMatchers,
  compileMatchers,
  formatMatcher,
  MatcherError,
  matcherProblem,
  matcherSchema,
  parseMatcher,
  type Matcher,
} from '../../src/alerting/matchers.js';

const m = (name: string, op: '=' | '!=' | '=~' | '!~', value: string): Matcher => ({
  name,
  value,
  isRegex: op.endsWith('~'),
  isEqual: op.startsWith('='),
});

describe('parseMatcher', () => {
  it.each([
    { text: 'severity="page"', expected: m('severity', '=', 'page') },
    { text: 'severity!="page"', expected: m('severity', '!=', 'page') },
    { text: 'chain=~"eth|gnosis"', expected: m('chain', '=~', 'eth|gnosis') },
    { text: 'chain!~"eth.*"', expected: m('chain', '!~', 'eth.*') },
    { text: 'severity=page', expected: m('severity', '=', 'page') },
    { text: '  severity  =  "page"  ', expected: m('severity', '=', 'page') },
    { text: 'severity = page ', expected: m('severity', '=', 'page') },
    { text: 'summary="two words "', expected: m('summary', '=', 'two words ') },
    { text: 'summary=two words', expected: m('summary', '=', 'two words') },
    { text: 'a=""', expected: m('a', '=', '') },
    { text: 'a=', expected: m('a', '=', '') },
    { text: '_a1="x"', expected: m('_a1', '=', 'x') },
    { text: 'a="say \\"hi\\""', expected: m('a', '=', 'say "hi"') },
    { text: 'a="back\\\\slash"', expected: m('a', '=', 'back\\slash') },
    { text: 'a="line\\nbreak"', expected: m('a', '=', 'line\nbreak') },
    // A backslash that escapes nothing stays, so regexes need no doubling (Alertmanager's classic parser).
    { text: 'a=~"\\d+"', expected: m('a', '=~', '\\d+') },
    { text: 'a=~\\d+', expected: m('a', '=~', '\\d+') },
    { text: 'a="x="', expected: m('a', '=', 'x=') },
    { text: 'a==b', expected: m('a', '=', '=b') },
    { text: 'a=~"(?i)PAGE"', expected: m('a', '=~', '(?i)PAGE') },
  ])('$text', ({ text, expected }) => {
    expect(parseMatcher(text)).toEqual(expected);
  });

  it.each([
    { text: '', problem: 'missing label name' },
    { text: '="x"', problem: 'missing label name' },
    { text: '1a="x"', problem: 'invalid label name "1a"' },
    { text: 'foo-bar="x"', problem: 'invalid label name "foo-bar"' },
    { text: 'a:b="x"', problem: 'invalid label name "a:b"' },
    { text: '{a="x"}', problem: 'invalid label name "{a"' },
    { text: 'a', problem: 'missing operator' },
    { text: 'a ~ "x"', problem: 'unknown operator "~ "' },
    { text: 'a<"x"', problem: 'unknown operator "<\\""' },
    { text: 'a!"x"', problem: 'unknown operator "!\\""' },
    { text: 'a="x', problem: 'unterminated quoted value' },
    { text: 'a="x\\"', problem: 'unterminated quoted value' },
    { text: 'a="x"y', problem: 'text after the closing quote' },
    { text: 'a="x" "y"', problem: 'text after the closing quote' },
    { text: 'a=x"y', problem: 'an unquoted value contains "' },
    { text: 'a=~"("', problem: 'invalid regex "("' },
    { text: 'a=~"[z-a]"', problem: 'invalid regex' },
    { text: 'a=~"(x)\\1"', problem: 'invalid escape sequence' },
    { text: 'a=~"x(?=y)"', problem: 'invalid or unsupported Perl syntax' },
    { text: 'a=~"(?<!x)y"', problem: 'invalid' },
    { text: 'a=~"a**"', problem: 'invalid nested repetition operator' },
    { text: 'a=~"x{1001}"', problem: 'invalid repeat count' },
  ])('refuses $text: $problem', ({ text, problem }) => {
    expect(() => parseMatcher(text)).toThrow(MatcherError);
    expect(() => parseMatcher(text)).toThrow(problem);
  });

  it('names the matcher in its message', () => {
    expect(() => parseMatcher('1a="x"')).toThrow(`Invalid matcher '1a="x"'`);
  });
});

describe('formatMatcher', () => {
  it.each([
    { matcher: m('a', '=', 'x'), text: 'a="x"' },
    { matcher: m('a', '!=', 'x'), text: 'a!="x"' },
    { matcher: m('a', '=~', 'x|y'), text: 'a=~"x|y"' },
    { matcher: m('a', '!~', 'x.*'), text: 'a!~"x.*"' },
    { matcher: m('a', '=', 'say "hi"\n\\'), text: 'a="say \\"hi\\"\\n\\\\"' },
  ])('$text', ({ matcher, text }) => {
    expect(formatMatcher(matcher)).toBe(text);
  });

  it('round-trips with parseMatcher for any name, operator and value', () => {
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
    const operator = fc.constantFrom('=', '!=', '=~', '!~');
    const value = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', 'n', '=', '~', '!', '{', '}', 'é', '\t'),
    });
    fc.assert(
      fc.property(name, operator, value, (labelName, op, labelValue) => {
        // A regex value must compile; the literal value's characters are escaped so that it does.
        const matcher = m(
          labelName,
          op as '=',
          op.endsWith('~') ? labelValue.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&') : labelValue,
        );
        fc.pre(matcherProblem(matcher) === null);
        expect(parseMatcher(formatMatcher(matcher))).toEqual(matcher);
      }),
    );
  });
});

describe('compileMatchers', () => {
  it.each([
    { matchers: [], labels: {}, expected: true },
    { matchers: ['a="x"'], labels: { a: 'x' }, expected: true },
    { matchers: ['a="x"'], labels: { a: 'xy' }, expected: false },
    { matchers: ['a!="x"'], labels: { a: 'y' }, expected: true },
    { matchers: ['a!="x"'], labels: {}, expected: true },
    // A missing label is the empty string.
    { matchers: ['a=""'], labels: {}, expected: true },
    { matchers: ['a=""'], labels: { a: 'x' }, expected: false },
    { matchers: ['a!=""'], labels: {}, expected: false },
    { matchers: ['a=~".*"'], labels: {}, expected: true },
    { matchers: ['a=~".+"'], labels: {}, expected: false },
    // Anchored at both ends, as Alertmanager does: `^(?:re)$`.
    { matchers: ['a=~"eth"'], labels: { a: 'ethereum' }, expected: false },
    { matchers: ['a=~"eth|gnosis"'], labels: { a: 'gnosis' }, expected: true },
    { matchers: ['a=~"eth|gnosis"'], labels: { a: 'xgnosis' }, expected: false },
    { matchers: ['a=~"eth.*"'], labels: { a: 'ethereum' }, expected: true },
    { matchers: ['a!~"eth.*"'], labels: { a: 'ethereum' }, expected: false },
    { matchers: ['a!~"eth.*"'], labels: { a: 'base' }, expected: true },
    { matchers: ['a=~"(?i)page"'], labels: { a: 'PAGE' }, expected: true },
    { matchers: ['a=~"page"'], labels: { a: 'PAGE' }, expected: false },
    { matchers: ['a=~"x.y"'], labels: { a: 'x\ny' }, expected: false },
    { matchers: ['a=~"(?s)x.y"'], labels: { a: 'x\ny' }, expected: true },
    // Every matcher must match.
    { matchers: ['a="x"', 'b="y"'], labels: { a: 'x', b: 'y' }, expected: true },
    { matchers: ['a="x"', 'b="y"'], labels: { a: 'x', b: 'z' }, expected: false },
    { matchers: ['a="x"', 'b!~"z|w"'], labels: { a: 'x' }, expected: true },
  ] as { matchers: string[]; labels: Record<string, string>; expected: boolean }[])(
    '$matchers on $labels → $expected',
    ({ matchers, labels, expected }) => {
      const parsed = matchers.map(parseMatcher);
      expect(compileMatchers(parsed)(labels)).toBe(expected);
      expect(cachedMatchers(parsed)(labels)).toBe(expected);
    },
  );

  it('refuses a matcher whose regex does not compile', () => {
    expect(() => compileMatchers([m('a', '=~', '(')])).toThrow(MatcherError);
  });

  it('finds a list read again by its text', () => {
    const first = cachedMatchers([m('a', '=~', 'x|y')]);
    expect(cachedMatchers([m('a', '=~', 'x|y')])).toBe(first);
    expect(cachedMatchers([m('a', '!~', 'x|y')])).not.toBe(first);
  });
});

describe('matcherSchema', () => {
  it.each([
    { input: { name: 'a', value: 'x', isRegex: false }, expected: m('a', '=', 'x') },
    { input: { name: 'a', value: 'x', isRegex: false, isEqual: false }, expected: m('a', '!=', 'x') },
    { input: { name: 'a', value: 'x|y', isRegex: true, isEqual: true }, expected: m('a', '=~', 'x|y') },
  ])('accepts $input', ({ input, expected }) => {
    expect(matcherSchema.parse(input)).toEqual(expected);
  });

  it.each([
    { input: { name: '1a', value: 'x', isRegex: false }, path: ['name'] },
    { input: { name: 'a', value: '(', isRegex: true }, path: ['value'] },
    { input: { name: 'a', value: 3, isRegex: false }, path: ['value'] },
    { input: { name: 'a', value: 'x' }, path: ['isRegex'] },
  ])('refuses $input at $path', ({ input, path }) => {
    const result = matcherSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([path]);
  });
});
