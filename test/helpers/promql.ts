// Metric names in PromQL expressions and in a `/metrics` exposition, so that tests can check that every
// alert rule or dashboard panel selects series ERE really exports. A small tokenizer rather than a full
// PromQL parser: it only has to tell selectors apart from functions, keywords, label names, strings,
// numbers and durations. Grafana template variables (`$name`, `${name}`, `[[name]]`) are placeholders.

export class PromqlScanError extends Error {
  override readonly name = 'PromqlScanError';
  constructor(
    readonly shortMessage: string,
    readonly expr: string,
    readonly position: number,
  ) {
    super(`${shortMessage} at offset ${position} in: ${expr}`);
  }
}

// Words that are never metric names where they stand: binary and aggregation modifiers, set operators.
const keywords = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset',
  'and', 'or', 'unless', 'atan2',
]);
// Modifiers whose parenthesised list holds label names, not expressions.
const labelListKeywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const numberWords = new Set(['inf', 'nan']);
// An aggregation may put its grouping first (`sum by (le) (...)`), so the word after it is not `(`.
const groupingKeywords = new Set(['by', 'without']);

const isIdentStart = (c: string): boolean => /[A-Za-z_:]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_:]/.test(c);
const isSpace = (c: string): boolean => /\s/.test(c);

/** The metric names `expr` selects, each once, in order of first appearance. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  const add = (name: string): void => {
    if (!names.includes(name)) names.push(name);
  };
  let i = 0;

  const skipSpace = (): void => {
    for (;;) {
      while (i < expr.length && isSpace(expr[i]!)) i++;
      if (expr[i] !== '#') return;
      while (i < expr.length && expr[i] !== '\n') i++;
    }
  };
  const readString = (): string => {
    const quote = expr[i]!;
    const start = i++;
    let value = '';
    while (i < expr.length && expr[i] !== quote) {
      if (expr[i] === '\\' && quote !== '`') i++;
      value += expr[i] ?? '';
      i++;
    }
    if (i >= expr.length) throw new PromqlScanError('unterminated string', expr, start);
    i++;
    return value;
  };
  // Skips to the character closing the bracket at `i`, stepping over strings (which may hold brackets).
  const skipBalanced = (open: string, close: string): void => {
    const start = i;
    let depth = 0;
    while (i < expr.length) {
      const c = expr[i]!;
      if (c === '"' || c === "'" || c === '`') {
        readString();
        continue;
      }
      if (c === open) depth++;
      if (c === close && --depth === 0) {
        i++;
        return;
      }
      i++;
    }
    throw new PromqlScanError(`unclosed ${open}`, expr, start);
  };
  // A matcher list: only `__name__="x"` names a metric; label names and values are not.
  const readMatchers = (): void => {
    const start = i++;
    for (;;) {
      skipSpace();
      if (i >= expr.length) throw new PromqlScanError('unclosed {', expr, start);
      if (expr[i] === '}') {
        i++;
        return;
      }
      if (expr[i] === ',') {
        i++;
        continue;
      }
      let label = '';
      if (expr[i] === '"' || expr[i] === "'" || expr[i] === '`') label = readString();
      else if (expr[i] === '$') skipPlaceholder();
      else while (i < expr.length && isIdentPart(expr[i]!)) label += expr[i++];
      skipSpace();
      let op = '';
      while (i < expr.length && /[=!~]/.test(expr[i]!)) op += expr[i++];
      skipSpace();
      if (op === '') {
        // A bare quoted name inside braces (`{"metric.name"}`) selects that metric.
        if (label !== '') add(label);
        else if (i < expr.length && !/[},]/.test(expr[i]!)) i++;
        continue;
      }
      if (expr[i] === '"' || expr[i] === "'" || expr[i] === '`') {
        const value = readString();
        if (label === '__name__' && op === '=') add(value);
      } else if (expr[i] === '$') skipPlaceholder();
      else throw new PromqlScanError('matcher value must be a string', expr, i);
    }
  };
  const skipPlaceholder = (): void => {
    i++;
    if (expr[i] === '{') skipBalanced('{', '}');
    else while (i < expr.length && isIdentPart(expr[i]!)) i++;
  };
  const peekAfterSpace = (): string | undefined => {
    const saved = i;
    skipSpace();
    const c = expr[i];
    i = saved;
    return c;
  };
  const peekWord = (): string => {
    const saved = i;
    skipSpace();
    let word = '';
    while (i < expr.length && isIdentPart(expr[i]!)) word += expr[i++];
    i = saved;
    return word.toLowerCase();
  };

  while (i < expr.length) {
    skipSpace();
    if (i >= expr.length) break;
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      readString();
    } else if (c === '$') {
      skipPlaceholder();
    } else if (c === '[') {
      // A range or subquery (`[5m]`, `[1h:1m]`, `[$__rate_interval]`), or Grafana's `[[name]]`.
      skipBalanced('[', ']');
    } else if (c === '{') {
      readMatchers();
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      // Numbers and durations, hex and exponents included: no metric name starts with a digit.
      while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i]!)) i++;
    } else if (isIdentStart(c)) {
      let word = '';
      while (i < expr.length && isIdentPart(expr[i]!)) word += expr[i++];
      const next = peekAfterSpace();
      const lower = word.toLowerCase();
      if (labelListKeywords.has(lower)) {
        if (next === '(') {
          skipSpace();
          skipBalanced('(', ')');
        }
      } else if (keywords.has(lower) || numberWords.has(lower)) {
        // An operator or a number; what follows is scanned on its own.
      } else if (next === '(' || groupingKeywords.has(peekWord())) {
        // A function or an aggregation: its arguments are scanned on their own.
      } else {
        add(word);
      }
    } else {
      i++;
    }
  }
  return names;
}

/**
 * The metric names a Prometheus text exposition offers: every `# TYPE` family (with `_bucket`, `_sum`
 * and `_count` for histograms, `_sum` and `_count` for summaries) and every sample line's name.
 */
export function exportedMetricNames(metricsText: string): Set<string> {
  const names = new Set<string>();
  for (const rawLine of metricsText.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (type) {
      const [, family, kind] = type as unknown as [string, string, string];
      names.add(family);
      if (kind === 'histogram' || kind === 'gaugehistogram') {
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(family + suffix);
      } else if (kind === 'summary') {
        for (const suffix of ['_sum', '_count']) names.add(family + suffix);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
