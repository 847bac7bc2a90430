// How an error reads in a log line: one short message, what its causes add in `detail`, and its typed
// fields. pino's own serializer joins every message of the cause chain, and viem's messages are long
// (request body, URL, docs link, version) and repeat their wrapper's, so a wrapped error said the same
// thing two or three times over a dozen lines.

import { EreError } from '../domain/errors.js';

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  shortMessage?: unknown;
  details?: unknown;
  stack?: unknown;
  cause?: unknown;
}

/** Fields that are the message in other words, or that carry request data (URL, body, headers). */
const omitted = new Set([
  'name',
  'message',
  'shortMessage',
  'details',
  'metaMessages',
  'docsPath',
  'docsUrl',
  'version',
  'stack',
  'cause',
  'url',
  'body',
  'headers',
]);
const maxDetail = 200;
const maxDepth = 10;

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxDetail ? `${line.slice(0, maxDetail - 1)}…` : line;
}

function shortOf(error: ErrorLike): string {
  if (typeof error.shortMessage === 'string' && error.shortMessage !== '') return error.shortMessage;
  return firstLine(typeof error.message === 'string' ? error.message : String(error));
}

function typeOf(error: ErrorLike): string {
  return typeof error.name === 'string' ? error.name : 'Error';
}

function causesOf(error: ErrorLike): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const seen = new Set<unknown>([error]);
  for (
    let cause = error.cause;
    cause !== null && typeof cause === 'object' && !seen.has(cause) && chain.length < maxDepth;
    cause = (cause as ErrorLike).cause
  ) {
    seen.add(cause);
    chain.push(cause as ErrorLike);
  }
  return chain;
}

/** What the error's own details and its causes say beyond its message, once each; undefined when nothing. */
function detailOf(error: ErrorLike, message: string): string | undefined {
  const said = [message];
  const parts: string[] = [];
  const add = (text: string) => {
    if (text !== '' && !said.some((known) => known.includes(text))) {
      parts.push(text);
      said.push(text);
    }
  };
  if (typeof error.details === 'string') add(clip(error.details));
  for (const cause of causesOf(error)) {
    const short = shortOf(cause);
    const details = typeof cause.details === 'string' ? clip(cause.details) : '';
    if (said.some((known) => known.includes(short))) add(details);
    else
      add(
        details === '' || short.includes(details)
          ? `${typeOf(cause)}: ${short}`
          : `${typeOf(cause)}: ${short} (${details})`,
      );
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** The stack frames, under a first line that is the short message (viem's first "line" runs for a dozen). */
function stackOf(error: ErrorLike, message: string): string | undefined {
  if (typeof error.stack !== 'string') return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${typeOf(error)}: ${message}`, ...frames].join('\n');
}

export function serializeError(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('message' in value)) return value;
  const error = value as ErrorLike & Record<string, unknown>;
  const message = shortOf(error);
  const fields: Record<string, unknown> = { type: typeOf(error), message };
  for (const [key, field] of Object.entries(error)) {
    if (omitted.has(key) || field === undefined) continue;
    if (field === null || typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean')
      fields[key] = field;
  }
  const detail = detailOf(error, message);
  if (detail !== undefined) fields.detail = detail;
  // A typed error says what went wrong by itself; where in the code only matters for the unexpected ones.
  if (!(value instanceof EreError)) {
    const stack = stackOf(error, message);
    if (stack !== undefined) fields.stack = stack;
  }
  return fields;
}
