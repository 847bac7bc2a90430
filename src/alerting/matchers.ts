// Label matchers as Alertmanager writes and applies them (`severity="page"`, `chain=~"eth|gnosis"`), shared
// by routes, inhibition rules and silences, so one alert is judged the same way by all three.
//
// Regexes run on RE2 (re2js), Alertmanager's own engine: the same syntax (`\pL`, `(?i)` anywhere, POSIX
// classes; no backreferences or lookaround) and the same answers, in linear time, so that a silence typed
// in a hurry can never stall the service that evaluates it.
//
// One deliberate difference: label names are `[a-zA-Z_][a-zA-Z0-9_]*` (Prometheus' rule; Alertmanager's
// classic parser also takes `:`).

import { RE2JS } from 're2js';
import { z } from 'zod';
import type { AlertLabels } from '../domain/alert.js';
import { EreError } from '../domain/errors.js';

/** Alertmanager's API v2 shape: `isEqual: false` negates, `isRegex` makes `value` an anchored regex. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export class MatcherError extends EreError {
  override name = 'MatcherError';
}

const quote = (text: string) => `'${text}'`;

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isLabelName(name: string): boolean {
  return labelNamePattern.test(name);
}

function operatorOf(matcher: Pick<Matcher, 'isRegex' | 'isEqual'>): string {
  return (matcher.isEqual ? '=' : '!') + (matcher.isRegex ? '~' : matcher.isEqual ? '' : '=');
}

const operators: Record<string, Pick<Matcher, 'isRegex' | 'isEqual'>> = {
  '=~': { isRegex: true, isEqual: true },
  '!~': { isRegex: true, isEqual: false },
  '!=': { isRegex: false, isEqual: false },
  '=': { isRegex: false, isEqual: true },
};

/** OpenMetrics' escaping, as Alertmanager prints a matcher value and Prometheus a label value. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

/**
 * Alertmanager's classic unescaping: `\"`, `\\` and `\n` are escapes; any other backslash is kept as it is
 * (so a regex's `\d` needs no doubling); an unescaped `"` is an error unless it closes a quoted value.
 */
function unescapeValue(raw: string, text: string): string {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let value = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (char === '\\' && index < body.length - 1) {
      const next = body[++index]!;
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
    } else if (char === '"') {
      if (quoted && index === body.length - 1) return value;
      throw new MatcherError(
        `Invalid matcher ${text}: ` +
          `${quoted ? 'text after the closing quote, or an unescaped "' : 'an unquoted value contains "'}`,
        {
          details: 'write a " inside a value as \\"',
        },
      );
    } else {
      value += char;
    }
  }
  if (quoted)
    throw new MatcherError(`Invalid matcher ${text}: unterminated quoted value`, {
      details: 'a value that starts with " must end with "',
    });
  return value;
}

/**
 * Parses one matcher in Alertmanager's syntax: `name="value"`, `name!="value"`, `name=~"regex"`,
 * `name!~"regex"`, the value quoted or not, spaces allowed around the operator. Throws MatcherError.
 */
export function parseMatcher(text: string): Matcher {
  const trimmed = text.trim();
  const nameEnd = trimmed.search(/[\s=!~<>]|$/);
  const name = trimmed.slice(0, nameEnd);
  if (name === '')
    throw new MatcherError(`Invalid matcher ${quote(text)}: missing label name`, { details: 'expected name="value"' });
  if (!isLabelName(name)) {
    throw new MatcherError(`Invalid matcher ${quote(text)}: invalid label name ${JSON.stringify(name)}`, {
      details: 'a label name is a letter or _ followed by letters, digits or _',
    });
  }
  const rest = trimmed.slice(nameEnd).trimStart();
  const operator = ['=~', '!~', '!=', '='].find((candidate) => rest.startsWith(candidate));
  if (operator === undefined) {
    const found = rest === '' ? 'missing operator' : `unknown operator ${JSON.stringify(rest.slice(0, 2))}`;
    throw new MatcherError(`Invalid matcher ${quote(text)}: ${found}`, {
      details: 'the operator is one of =, !=, =~, !~',
    });
  }
  const matcher: Matcher = {
    name,
    value: unescapeValue(rest.slice(operator.length).trim(), quote(text)),
    ...operators[operator]!,
  };
  const problem = matcherProblem(matcher);
  if (problem !== null) throw new MatcherError(`Invalid matcher ${quote(text)}: ${problem}`);
  return matcher;
}

/** Alertmanager's own rendering (value always quoted), which parseMatcher reads back to the same matcher. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${operatorOf(matcher)}"${escapeLabelValue(matcher.value)}"`;
}

/** A compiled matcher regex: whether a whole label value matches it. */
export interface MatcherRegex {
  test(value: string): boolean;
}

/**
 * The anchored regex a matcher value stands for, or the reason it has none. Compiled as Alertmanager
 * compiles it (`^(?:value)$` under RE2), so it accepts the same syntax, gives the same answers, and matches
 * in time linear in the label value whatever its author wrote.
 */
export function compileMatcherRegex(value: string): MatcherRegex | string {
  try {
    const anchored = `^(?:${value})$`;
    const regex = RE2JS.compile(anchored);
    return { test: (text) => regex.testExact(text) };
  } catch (error) {
    // RE2 may quote the anchored source, which is ours, not what the author wrote: quote theirs instead.
    return (error as Error).message.replace(/^error parsing regexp: /, '').replace(`^(?:${value})$`, value);
  }
}

/** What is wrong with a matcher built by hand (a bad name, a regex that does not compile), or null. */
export function matcherProblem(matcher: Matcher): string | null {
  if (!isLabelName(matcher.name)) return `invalid label name ${JSON.stringify(matcher.name)}`;
  if (!matcher.isRegex) return null;
  const regex = compileMatcherRegex(matcher.value);
  return typeof regex === 'string' ? `invalid regex ${JSON.stringify(matcher.value)}: ${regex}` : null;
}

export type LabelPredicate = (labels: AlertLabels) => boolean;

function compileOne(matcher: Matcher): LabelPredicate {
  const { name, value, isEqual } = matcher;
  if (!matcher.isRegex) return (labels) => ((labels[name] ?? '') === value) === isEqual;
  const regex = compileMatcherRegex(value);
  if (typeof regex === 'string')
    throw new MatcherError(`Invalid matcher ${formatMatcher(matcher)}: invalid regex: ${regex}`);
  return (labels) => regex.test(labels[name] ?? '') === isEqual;
}

/**
 * One predicate, true when every matcher matches (an empty list matches everything). A missing label is
 * matched as the empty string, as in Alertmanager, so `severity!="page"` matches an alert without one.
 * Throws MatcherError for a matcher that matcherProblem would refuse.
 */
export function compileMatchers(matchers: readonly Matcher[]): LabelPredicate {
  const predicates = matchers.map(compileOne);
  if (predicates.length === 1) return predicates[0]!;
  return (labels) => predicates.every((predicate) => predicate(labels));
}

const compiledByList = new WeakMap<readonly Matcher[], LabelPredicate>();
const compiledByText = new Map<string, LabelPredicate>();
/** Distinct matcher lists in a config and its silences are few; past this many, start again. */
const maxCompiledByText = 10_000;

/**
 * compileMatchers, memoised: routes, rules and silences judge many alerts with one list, so each list is
 * compiled once, found by identity, or by its text when it was read again (a silence loaded afresh from
 * the store). Callers must not mutate a list once used.
 */
export function cachedMatchers(matchers: readonly Matcher[]): LabelPredicate {
  let predicate = compiledByList.get(matchers);
  if (predicate !== undefined) return predicate;
  const text = matchers.map(formatMatcher).join(',');
  predicate = compiledByText.get(text);
  if (predicate === undefined) {
    predicate = compileMatchers(matchers);
    if (compiledByText.size >= maxCompiledByText) compiledByText.clear();
    compiledByText.set(text, predicate);
  }
  compiledByList.set(matchers, predicate);
  return predicate;
}

/** The API's object form; `isEqual` defaults to true as in Alertmanager's API v2. */
export const matcherSchema = z
  .object({
    name: z.string().regex(labelNamePattern, 'must be a label name: a letter or _ followed by letters, digits or _'),
    value: z.string(),
    isRegex: z.boolean(),
    isEqual: z.boolean().default(true),
  })
  .superRefine((matcher, ctx) => {
    if (!matcher.isRegex) return;
    const regex = compileMatcherRegex(matcher.value);
    if (typeof regex === 'string')
      ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regex: ${regex}` });
  });
