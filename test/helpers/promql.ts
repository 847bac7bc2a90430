// Metric names in PromQL expressions and in a `/metrics` exposition, so that tests can check that every
// alert rule or dashboard panel selects series ERE really exports. Expressions are read by Prometheus' own
// PromQL grammar (@prometheus-io/lezer-promql), so an expression Prometheus would reject fails here too.
// Grafana template variables are not PromQL: each is replaced, before parsing, by a placeholder of the same
// length that PromQL accepts where it stands, so that every offset still points into the original text.

import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

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

// Grafana's own pattern for a variable: `$name`, `[[name]]`, `[[name:format]]`, `${name}`, `${name.field}`,
// `${name:format}`.
const grafanaVariable = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;
// Variables Grafana always expands to a duration, wherever they stand.
const durationVariables = new Set(['__interval', '__rate_interval', '__range']);

interface Placeholder {
  from: number;
  to: number;
}

/**
 * `expr` with every Grafana variable replaced: by a number in a duration (`[$__rate_interval]`, a subquery's
 * step, after `offset`), by an identifier elsewhere. An identifier is a label name in `by ($group)` and a
 * selector in an expression; a selector made of a placeholder is no metric ERE is asked about.
 */
function substituteVariables(expr: string): { text: string; placeholders: Placeholder[] } {
  const placeholders: Placeholder[] = [];
  const text = expr.replace(grafanaVariable, (match, dollar, brackets, _format, braces, _field, _fmt, offset) => {
    const name = (dollar ?? brackets ?? braces) as string;
    const before = expr.slice(0, offset as number).trimEnd();
    const inDuration = durationVariables.has(name) || /(\[|:|\boffset)$/i.test(before);
    placeholders.push({ from: offset as number, to: (offset as number) + match.length });
    // Leading zeros keep the length; a number alone is a duration in seconds, and a unit may follow.
    return inDuration ? `${'0'.repeat(match.length - 1)}1` : '_'.repeat(match.length);
  });
  return { text, placeholders };
}

/** The value of a PromQL string literal: quotes removed, escapes resolved. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}

// Lezer's grammar accepts an unterminated "…" or '…' string (an editor shows it while one types), Prometheus
// does not: a string is closed when it ends with its quote and that quote is not escaped.
function isTerminated(literal: string): boolean {
  const quote = literal[0]!;
  if (literal.length < 2 || !literal.endsWith(quote)) return false;
  const backslashes = /\\*$/.exec(literal.slice(0, -1))![0].length;
  return quote === '`' || backslashes % 2 === 0;
}

// Where lezer recovered from an error, the node it recovered in says which bracket was left open.
function syntaxError(expr: string, error: SyntaxNode): PromqlScanError {
  const parent = error.parent;
  if (error.from === error.to && parent) {
    if (parent.name === 'MatrixSelector' || parent.name === 'SubqueryExpr') {
      const opening = expr.indexOf('[', parent.firstChild?.to ?? parent.from);
      return new PromqlScanError('unclosed [', expr, opening);
    }
    if (parent.name === 'LabelMatchers') return new PromqlScanError('unclosed {', expr, parent.from);
    if (['FunctionCallBody', 'ParenExpr', 'GroupingLabels'].includes(parent.name)) {
      return new PromqlScanError('unclosed (', expr, parent.from);
    }
  }
  if (error.from >= expr.length) return new PromqlScanError('unexpected end of expression', expr, error.from);
  const found = expr.slice(error.from, Math.max(error.to, error.from + 1));
  return new PromqlScanError(`unexpected ${JSON.stringify(found)}`, expr, error.from);
}

/** The metric name a selector or one of its matchers names, if any: `x`, `{__name__="x"}`, `{"x"}`. */
function selectedName(node: SyntaxNode, text: string): { name: string; node: SyntaxNode } | undefined {
  const source = (n: SyntaxNode): string => text.slice(n.from, n.to);
  if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector') return { name: source(node), node };
  if (node.name === 'QuotedLabelName' && node.parent?.name === 'LabelMatchers') {
    return { name: unquote(source(node)), node };
  }
  if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
    const label = node.firstChild;
    const op = node.getChild('MatchOp');
    const value = node.lastChild;
    if (!label || !op || value?.name !== 'StringLiteral') return undefined;
    const labelName = label.name === 'LabelName' ? source(label) : unquote(source(label));
    if (labelName === '__name__' && op.firstChild?.name === 'EqlSingle') {
      return { name: unquote(source(value)), node: value };
    }
  }
  return undefined;
}

/** The metric names `expr` selects, each once, in order of first appearance. */
export function metricNames(expr: string): string[] {
  const { text, placeholders } = substituteVariables(expr);
  const fromPlaceholder = (node: SyntaxNode): boolean =>
    placeholders.some((placeholder) => node.from < placeholder.to && placeholder.from < node.to);
  const names: string[] = [];
  let problem: PromqlScanError | undefined;
  parser.parse(text).iterate({
    enter: (ref) => {
      if (problem) return false;
      const node = ref.node;
      if (node.type.isError) {
        problem = syntaxError(expr, node);
        return false;
      }
      if (node.name === 'StringLiteral' && !isTerminated(text.slice(node.from, node.to))) {
        problem = new PromqlScanError('unterminated string', expr, node.from);
        return false;
      }
      const selected = selectedName(node, text);
      // A name built from a variable (`ere_${kind}_total`) cannot be checked before Grafana expands it.
      if (selected && !fromPlaceholder(selected.node) && !names.includes(selected.name)) names.push(selected.name);
      return undefined;
    },
  });
  if (problem) throw problem;
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
