// Annotation templates (`{{ $labels.chain }} is {{ $value | humanizeDuration }} behind`): the small, safe
// part of Prometheus' Go templates that alert annotations use, parsed once when the config is read so that
// a mistake is reported by its path, and rendered with an alert's labels and value. Nothing in a template
// can run code, loop or read anything but the labels and the value.
//
// Supported: `$labels.<name>` / `.Labels.<name>`, `$value` / `.Value`, string and number literals, pipes,
// `{{-`/`-}}` trimming, `{{/* comments */}}`, and the functions humanize, humanizeDuration,
// humanizePercentage, printf, toUpper and toLower. Numbers print as Go prints them (`{{ $value }}` of
// 1234567 is `1.234567e+06`, as in Prometheus), rounding ties to even. Deliberate differences: a null
// value renders `n/a` (and makes any function of it `n/a`); printf takes only a literal format with %d
// (the number truncated: Prometheus' values are floats, which Go's %d refuses), %f, %.Nf, %s, %v and %%,
// its verb count checked against its arguments when parsed; %d and %f read numeric label values as
// numbers; toUpper and toLower take numbers too.

import type { AlertLabels } from '../domain/alert.js';
import { EreError } from '../domain/errors.js';
import { goFixed, goFloat, humanizeDuration, parseGoFloat, withSiPrefix } from './go-format.js';

export class TemplateError extends EreError {
  override name = 'TemplateError';
  /** 1-based, in characters. */
  readonly line: number;
  readonly column: number;
  readonly problem: string;

  constructor(source: string, offset: number, problem: string) {
    const before = source.slice(0, offset).split('\n');
    const line = before.length;
    const column = before.at(-1)!.length + 1;
    super(`template error at ${line}:${column}: ${problem}`);
    this.line = line;
    this.column = column;
    this.problem = problem;
  }
}

const functionNames = ['humanize', 'humanizeDuration', 'humanizePercentage', 'printf', 'toUpper', 'toLower'] as const;
type FunctionName = (typeof functionNames)[number];
const keywords = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'nil',
  'true',
  'false',
]);

type Operand = { kind: 'label'; name: string } | { kind: 'value' } | { kind: 'literal'; value: string | number };
interface Call {
  fn: FunctionName;
  args: Operand[];
  offset: number;
}
/** `head | pipe[0] | pipe[1]…`: each call of the pipe gets the previous result as its last argument. */
interface Action {
  head: Operand | Call;
  pipe: Call[];
}
type TemplateNode = string | Action;

export interface Template {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
}

interface Token {
  kind: 'pipe' | 'string' | 'number' | 'variable' | 'field' | 'identifier';
  text: string;
  offset: number;
  value?: string | number;
}

const tokenPatterns: [Token['kind'], RegExp][] = [
  ['pipe', /\|/y],
  ['string', /"(?:[^"\\\n]|\\.)*"|`[^`]*`/y],
  ['number', /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])/y],
  ['variable', /\$\w*(?:\.\w+)*/y],
  ['field', /(?:\.[A-Za-z_]\w*)+/y],
  ['identifier', /[A-Za-z_]\w*/y],
];

/** The tokens of the action that starts at `start` (after `{{` or `{{- `), up to its closing `}}`. */
function tokenize(source: string, start: number): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let index = start;
  for (;;) {
    const spaced = /[ \t\r\n]*/y;
    spaced.lastIndex = index;
    const spaces = spaced.exec(source)![0].length;
    index += spaces;
    if (index >= source.length) throw new TemplateError(source, start, 'unclosed action: missing }}');
    if (source.startsWith('}}', index)) return { tokens, end: index + 2, trimRight: false };
    if (spaces > 0 && source.startsWith('-}}', index)) return { tokens, end: index + 3, trimRight: true };
    const match = tokenPatterns
      .map(([kind, pattern]) => {
        pattern.lastIndex = index;
        return { kind, text: pattern.exec(source)?.[0] };
      })
      .find((candidate) => candidate.text !== undefined);
    if (match === undefined) {
      const char = source[index]!;
      const problem =
        char === '"'
          ? 'unterminated string'
          : char === '(' || char === ')'
            ? 'parentheses are not supported'
            : `unexpected ${JSON.stringify(char)}`;
      throw new TemplateError(source, index, problem);
    }
    const token: Token = { kind: match.kind, text: match.text!, offset: index };
    if (token.kind === 'number') token.value = Number(token.text);
    if (token.kind === 'string')
      token.value = token.text.startsWith('`') ? token.text.slice(1, -1) : parseStringLiteral(source, token);
    tokens.push(token);
    index += token.text.length;
  }
}

function parseStringLiteral(source: string, token: Token): string {
  try {
    return JSON.parse(token.text) as string;
  } catch {
    throw new TemplateError(source, token.offset, `unsupported escape in string ${token.text}`);
  }
}

function operandOf(source: string, token: Token): Operand {
  const fail = (problem: string): never => {
    throw new TemplateError(source, token.offset, problem);
  };
  if (token.kind === 'string' || token.kind === 'number') return { kind: 'literal', value: token.value! };
  if (token.kind === 'variable' || token.kind === 'field') {
    const [root = '', ...fields] = token.text.slice(1).split('.');
    const labels = token.kind === 'variable' ? 'labels' : 'Labels';
    const value = token.kind === 'variable' ? 'value' : 'Value';
    const shown = `${token.kind === 'variable' ? '$' : '.'}${root}`;
    if (root === labels && fields.length === 1) return { kind: 'label', name: fields[0]! };
    if (root === labels) return fail(`${shown} needs one label name: ${shown}.<name>`);
    if (root === value && fields.length === 0) return { kind: 'value' };
    if (root === value) return fail(`${shown} has no fields`);
    return fail(
      `unknown ${token.kind} ${shown}: only ` +
        `${token.kind === 'variable' ? '$labels and $value' : '.Labels and .Value'} are defined`,
    );
  }
  if (token.kind === 'identifier') {
    return fail(
      keywords.has(token.text)
        ? `"${token.text}" is not supported`
        : `a function (${token.text}) cannot be an argument: pipe its result instead`,
    );
  }
  return fail('missing value');
}

type FormatPart = string | { verb: 'd' | 'f' | 's' | 'v'; decimals: number };

/** printf's format split into text and verbs, or the problem with it. */
function parseFormat(format: string): FormatPart[] | string {
  const parts: FormatPart[] = [];
  const pattern = /%(%|\.(\d+)f|[dfsv])|%.?/g;
  let last = 0;
  for (const match of format.matchAll(pattern)) {
    parts.push(format.slice(last, match.index));
    last = match.index + match[0].length;
    const [, verb, decimals] = match;
    if (verb === undefined) return `unsupported verb ${match[0]} (only %d, %f, %.Nf, %s, %v and %%)`;
    if (verb === '%') parts.push('%');
    else
      parts.push({
        verb: verb.startsWith('.') ? 'f' : (verb as 'd' | 'f' | 's' | 'v'),
        decimals: decimals === undefined ? 6 : Number(decimals),
      });
  }
  parts.push(format.slice(last));
  return parts.filter((part) => part !== '');
}

function callOf(source: string, tokens: Token[], piped: boolean): Call {
  const [head, ...rest] = tokens;
  const fn = functionNames.find((name) => name === head!.text);
  if (head!.kind !== 'identifier' || fn === undefined) {
    const problem =
      head!.kind !== 'identifier'
        ? 'only a function can follow |'
        : keywords.has(head!.text)
          ? `"${head!.text}" is not supported`
          : `unknown function "${head!.text}"`;
    throw new TemplateError(source, head!.offset, problem);
  }
  const args = rest.map((token) => operandOf(source, token));
  const count = args.length + (piped ? 1 : 0);
  const fail = (problem: string): never => {
    throw new TemplateError(source, head!.offset, problem);
  };
  if (fn !== 'printf') {
    if (count !== 1) fail(`${fn} takes one value, not ${count}`);
  } else {
    const format = args[0];
    if (format?.kind !== 'literal' || typeof format.value !== 'string')
      return fail('printf needs a format string as its first argument');
    const parts = parseFormat(format.value);
    if (typeof parts === 'string') throw new TemplateError(source, rest[0]!.offset, `printf: ${parts}`);
    const verbs = parts.filter((part) => typeof part !== 'string').length;
    if (verbs !== count - 1)
      fail(
        `printf's format has ${verbs} verb${verbs === 1 ? '' : 's'} for ${count - 1} value${count === 2 ? '' : 's'}`,
      );
  }
  return { fn, args, offset: head!.offset };
}

function actionOf(source: string, tokens: Token[], offset: number): Action {
  const commands: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'pipe') {
      if (commands.at(-1)!.length === 0) throw new TemplateError(source, token.offset, 'missing command before |');
      commands.push([]);
    } else {
      commands.at(-1)!.push(token);
    }
  }
  if (commands.at(-1)!.length === 0)
    throw new TemplateError(
      source,
      tokens.length > 0 ? tokens.at(-1)!.offset : offset,
      tokens.length > 0 ? 'missing command after |' : 'empty action',
    );
  const [first, ...piped] = commands as [Token[], ...Token[][]];
  let head: Operand | Call;
  if (first[0]!.kind === 'identifier') head = callOf(source, first, false);
  else if (first.length > 1) throw new TemplateError(source, first[1]!.offset, 'only a function takes arguments');
  else head = operandOf(source, first[0]!);
  return { head, pipe: piped.map((command) => callOf(source, command, true)) };
}

/** Parses a template once; throws TemplateError naming the line, column and problem. */
export function parseTemplate(source: string): Template {
  const nodes: TemplateNode[] = [];
  let index = 0;
  let trimNext = false;
  while (index <= source.length) {
    const open = source.indexOf('{{', index);
    const trimLeft = open !== -1 && /^-[ \t\r\n]/.test(source.slice(open + 2, open + 4));
    let text = source.slice(index, open === -1 ? undefined : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text !== '') nodes.push(text);
    if (open === -1) break;
    const start = open + (trimLeft ? 4 : 2);
    // As in Go, the first */ ends the comment, and the action with it.
    const comment = /\/\*(?:(?!\*\/)[\s\S])*\*\/( -)?\}\}/y;
    comment.lastIndex = start;
    const commentMatch = source.startsWith('/*', start) ? comment.exec(source) : null;
    if (source.startsWith('/*', start) && commentMatch === null)
      throw new TemplateError(source, start, 'unclosed comment: */ must be followed by }}');
    if (commentMatch !== null) {
      index = start + commentMatch[0].length;
      trimNext = commentMatch[1] !== undefined;
      continue;
    }
    const { tokens, end, trimRight } = tokenize(source, start);
    nodes.push(actionOf(source, tokens, open));
    index = end;
    trimNext = trimRight;
  }
  return { source, nodes };
}

/** The problem with a template, as TemplateError's message, or null when it parses. */
export function checkTemplate(source: string): string | null {
  try {
    parseTemplate(source);
    return null;
  } catch (error) {
    if (error instanceof TemplateError) return error.shortMessage;
    throw error;
  }
}

// Rendering.

type Scalar = string | number | null;

export interface TemplateData {
  labels: AlertLabels;
  value: number | null;
}

/**
 * The template's text for one alert. An error while rendering (humanize of a label that is not a number)
 * makes the whole text `<error expanding template: …>`, as Prometheus does, so that it shows where people
 * read the annotation.
 */
export function renderTemplate(template: Template, data: TemplateData): string {
  try {
    return template.nodes
      .map((node) => (typeof node === 'string' ? node : display(evaluate(template.source, node, data))))
      .join('');
  } catch (error) {
    if (error instanceof TemplateError) return `<error expanding template: ${error.shortMessage}>`;
    throw error;
  }
}

function display(value: Scalar): string {
  return value === null ? 'n/a' : typeof value === 'number' ? goFloat(value) : value;
}

function evaluate(source: string, action: Action, data: TemplateData): Scalar {
  const operandValue = (operand: Operand): Scalar =>
    operand.kind === 'label'
      ? (data.labels[operand.name] ?? '')
      : operand.kind === 'value'
        ? data.value
        : operand.value;
  const apply = (call: Call, piped: Scalar[]): Scalar => {
    const args = [...call.args.map(operandValue), ...piped];
    if (args.some((arg) => arg === null)) return null;
    const number = (arg: string | number): number => {
      const parsed = parseGoFloat(arg);
      if (parsed === null)
        throw new TemplateError(source, call.offset, `${call.fn}: ${JSON.stringify(arg)} is not a number`);
      return parsed;
    };
    return functions[call.fn](args as (string | number)[], number);
  };
  let result = 'fn' in action.head ? apply(action.head, []) : operandValue(action.head);
  for (const call of action.pipe) result = apply(call, [result]);
  return result;
}

const text = (value: string | number) => (typeof value === 'number' ? goFloat(value) : value);

const functions: Record<FunctionName, (args: (string | number)[], number: (arg: string | number) => number) => string> =
  {
    humanize: ([arg], number) => withSiPrefix(number(arg!), ''),
    humanizeDuration: ([arg], number) => humanizeDuration(number(arg!)),
    humanizePercentage: ([arg], number) => `${goFloat(number(arg!) * 100, 4)}%`,
    toUpper: ([arg]) => text(arg!).toUpperCase(),
    toLower: ([arg]) => text(arg!).toLowerCase(),
    printf: ([format, ...values], number) =>
      (parseFormat(format as string) as FormatPart[])
        .map((part) => {
          if (typeof part === 'string') return part;
          const value = values.shift()!;
          if (part.verb === 's' || part.verb === 'v') return text(value);
          const parsed = number(value);
          if (part.verb === 'f') return goFixed(parsed, part.decimals);
          return Number.isFinite(parsed) ? BigInt(Math.trunc(parsed)).toString() : goFloat(parsed);
        })
        .join(''),
  };
