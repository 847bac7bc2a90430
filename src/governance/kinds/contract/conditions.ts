// The `where` of a contract matcher: conditions on a match's decoded arguments, such as
// `value > 1e24 and to != 0x0000000000000000000000000000000000000000`. Pure: parsed once when the config
// loads (a syntax error names its column), evaluated on each event or call. Comparisons take an argument's
// name (or `arg0`, `arg1`… by position), then `.field` or `[index]` into a tuple or an array, an operator
// (`==`, `!=`, `>`, `>=`, `<`, `<=`) and a literal: a whole number (`1e24`, `1.5e18`, `1_000`, `-3`), a hex
// value or address (`0xAb…`, compared without regard to case), a quoted string, `true` or `false`. `and` binds
// tighter than `or`; parentheses group.

import type { EventValue } from '../../../domain/governance.js';

export type Comparison = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type Literal =
  | { type: 'number'; value: string }
  | { type: 'hex'; value: string }
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean };

export type Condition =
  | { type: 'logic'; op: 'and' | 'or'; left: Condition; right: Condition }
  | { type: 'compare'; op: Comparison; path: (string | number)[]; literal: Literal };

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`${message} (column ${column})`);
    this.name = 'ConditionSyntaxError';
  }
}

type Token =
  | { kind: 'name'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'hex'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'op'; text: Comparison; at: number }
  | { kind: 'punct'; text: '(' | ')' | '.' | '[' | ']'; at: number };

const tokenPattern = new RegExp(
  [
    String.raw`\s*(?:(0x[0-9a-fA-F]+)`,
    String.raw`(-?[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][0-9]+)?)`,
    '([A-Za-z_][A-Za-z0-9_]*)',
    '"([^"]*)"',
    "'([^']*)'",
    '(==|!=|>=|<=|>|<)',
    String.raw`([().[\]]))`,
  ].join('|'),
  'y',
);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    tokenPattern.lastIndex = position;
    const match = tokenPattern.exec(text);
    if (!match) {
      const at = position + (text.slice(position).length - text.slice(position).trimStart().length) + 1;
      throw new ConditionSyntaxError(`unexpected "${text.slice(at - 1, at + 9)}"`, at);
    }
    const at = match.index + match[0].length - match[0].trimStart().length + 1;
    if (match[1] !== undefined) tokens.push({ kind: 'hex', text: match[1], at });
    else if (match[2] !== undefined) tokens.push({ kind: 'number', text: match[2], at });
    else if (match[3] !== undefined) tokens.push({ kind: 'name', text: match[3], at });
    else if (match[4] !== undefined || match[5] !== undefined)
      tokens.push({ kind: 'string', text: match[4] ?? match[5]!, at });
    else if (match[6] !== undefined) tokens.push({ kind: 'op', text: match[6] as Comparison, at });
    else tokens.push({ kind: 'punct', text: match[7] as '(' | ')' | '.' | '[' | ']', at });
    position = tokenPattern.lastIndex;
  }
  return tokens;
}

/** A number literal as an exact integer: `1.5e18` is 1500000000000000000; `1.5` is not a whole number. */
export function wholeNumber(text: string): bigint | null {
  const match = /^(-?)([0-9][0-9_]*)(?:\.([0-9][0-9_]*))?(?:[eE]([0-9]+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = `${whole!.replaceAll('_', '')}${fraction.replaceAll('_', '')}`;
  const scale = Number(exponent) - fraction.replaceAll('_', '').length;
  if (scale < 0) {
    const cut = digits.slice(digits.length + scale);
    if (!/^0*$/.test(cut)) return null;
    const kept = digits.slice(0, digits.length + scale) || '0';
    return BigInt(`${sign}${kept}`);
  }
  return BigInt(`${sign}${digits}${'0'.repeat(scale)}`);
}

/** Parses a `where`; throws ConditionSyntaxError. */
export function parseCondition(text: string): Condition {
  const tokens = tokenize(text);
  let index = 0;
  const end = text.length + 1;
  const peek = () => tokens[index];
  const next = () => tokens[index++];
  const keyword = (word: string) => {
    const token = peek();
    return token?.kind === 'name' && token.text.toLowerCase() === word;
  };

  function or(): Condition {
    let left = and();
    while (keyword('or')) {
      next();
      left = { type: 'logic', op: 'or', left, right: and() };
    }
    return left;
  }
  function and(): Condition {
    let left = primary();
    while (keyword('and')) {
      next();
      left = { type: 'logic', op: 'and', left, right: primary() };
    }
    return left;
  }
  function primary(): Condition {
    const token = peek();
    if (token?.kind === 'punct' && token.text === '(') {
      next();
      const inner = or();
      const close = next();
      if (close?.kind !== 'punct' || close.text !== ')')
        throw new ConditionSyntaxError('expected ")"', close?.at ?? end);
      return inner;
    }
    return comparison();
  }
  function comparison(): Condition {
    const first = next();
    if (first?.kind !== 'name' || ['and', 'or'].includes(first.text.toLowerCase()))
      throw new ConditionSyntaxError('expected an argument name', first?.at ?? end);
    const path: (string | number)[] = [first.text];
    for (;;) {
      const token = peek();
      if (token?.kind === 'punct' && token.text === '.') {
        next();
        const field = next();
        if (field?.kind !== 'name') throw new ConditionSyntaxError('expected a field name after "."', field?.at ?? end);
        path.push(field.text);
      } else if (token?.kind === 'punct' && token.text === '[') {
        next();
        const position = next();
        if (position?.kind !== 'number' || !/^[0-9]+$/.test(position.text))
          throw new ConditionSyntaxError('expected an index in "[]"', position?.at ?? end);
        const close = next();
        if (close?.kind !== 'punct' || close.text !== ']')
          throw new ConditionSyntaxError('expected "]"', close?.at ?? end);
        path.push(Number(position.text));
      } else break;
    }
    const op = next();
    if (op?.kind !== 'op')
      throw new ConditionSyntaxError('expected a comparison (==, !=, >, >=, <, <=)', op?.at ?? end);
    const value = next();
    if (value === undefined) throw new ConditionSyntaxError('expected a value', end);
    let literal: Literal;
    if (value.kind === 'number') {
      const exact = wholeNumber(value.text);
      if (exact === null) throw new ConditionSyntaxError(`${value.text} is not a whole number`, value.at);
      literal = { type: 'number', value: exact.toString() };
    } else if (value.kind === 'hex') literal = { type: 'hex', value: value.text.toLowerCase() };
    else if (value.kind === 'string') literal = { type: 'string', value: value.text };
    else if (value.kind === 'name' && /^(true|false)$/i.test(value.text))
      literal = { type: 'bool', value: value.text.toLowerCase() === 'true' };
    else throw new ConditionSyntaxError('expected a number, a hex value, a quoted string, true or false', value.at);
    if (literal.type !== 'number' && op.text !== '==' && op.text !== '!=')
      throw new ConditionSyntaxError(`${op.text} compares numbers only: use == or !=`, op.at);
    return { type: 'compare', op: op.text, path, literal };
  }

  const condition = or();
  const rest = peek();
  if (rest) throw new ConditionSyntaxError(`unexpected "${rest.text}"`, rest.at);
  return condition;
}

/** Every argument path a condition reads. */
export function conditionPaths(condition: Condition): (string | number)[][] {
  return condition.type === 'logic'
    ? [...conditionPaths(condition.left), ...conditionPaths(condition.right)]
    : [condition.path];
}

function lookup(args: Record<string, EventValue>, path: readonly (string | number)[]): EventValue | undefined {
  let current: EventValue | undefined = args;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current)
      ? typeof segment === 'number'
        ? current[segment]
        : undefined
      : (current as Record<string, EventValue>)[String(segment)];
  }
  return current;
}

const integer = (value: EventValue | undefined): bigint | null => {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value);
  return null;
};

const comparisons: Record<Comparison, (order: number) => boolean> = {
  '==': (order) => order === 0,
  '!=': (order) => order !== 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
};
const compare = (op: Comparison, order: number) => comparisons[op](order);

/** Whether the arguments meet the condition. An argument that is missing or not comparable meets none. */
export function meets(condition: Condition, args: Record<string, EventValue>): boolean {
  if (condition.type === 'logic')
    return condition.op === 'and'
      ? meets(condition.left, args) && meets(condition.right, args)
      : meets(condition.left, args) || meets(condition.right, args);
  const value = lookup(args, condition.path);
  const { literal, op } = condition;
  if (literal.type === 'number') {
    const actual = integer(value);
    if (actual === null) return false;
    const expected = BigInt(literal.value);
    return compare(op, actual === expected ? 0 : actual > expected ? 1 : -1);
  }
  if (literal.type === 'hex')
    return typeof value === 'string' && compare(op, value.toLowerCase() === literal.value ? 0 : 1);
  if (literal.type === 'string') return typeof value === 'string' && compare(op, value === literal.value ? 0 : 1);
  return typeof value === 'boolean' && compare(op, value === literal.value ? 0 : 1);
}
