// The typed failure of an RPC probe: an error class from a closed set (a metric label), a short reason
// without URLs or request bodies, and whatever the endpoint did answer before the failure was known.

import { EreError } from '../../domain/errors.js';
import type { RpcErrorClass, RpcObservation } from '../../domain/rpc.js';

export type PartialRpcAnswer = Partial<Pick<RpcObservation, 'chainId' | 'headBlock' | 'headTimestamp'>>;

export class RpcProbeError extends EreError {
  override name = 'RpcProbeError';
  readonly errorClass: RpcErrorClass;
  readonly partial: PartialRpcAnswer;

  constructor(
    errorClass: RpcErrorClass,
    shortMessage: string,
    options: { cause?: unknown; partial?: PartialRpcAnswer } = {},
  ) {
    super(shortMessage, { cause: options.cause });
    this.errorClass = errorClass;
    this.partial = options.partial ?? {};
  }
}

interface ErrorLike {
  name?: string;
  status?: number;
  code?: number | string;
  shortMessage?: string;
  cause?: unknown;
}

function chain(error: unknown): ErrorLike[] {
  const errors: ErrorLike[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && errors.length < 10) {
    errors.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return errors;
}

function truncate(text: string, max = 200): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A JSON-RPC error answer to `method`: rate limiting when the provider says so (code -32005, or an HTTP
 * 429 carrying the error object), otherwise jsonrpc_error.
 */
export function jsonRpcFailure(
  method: string,
  error: { code?: unknown; message?: unknown },
  httpStatuses: ReadonlySet<number>,
): RpcProbeError {
  const code = typeof error.code === 'number' ? error.code : 'unknown';
  const message = truncate(String(error.message ?? 'error'));
  const errorClass = code === -32005 || httpStatuses.has(429) ? 'rate_limited' : 'jsonrpc_error';
  return new RpcProbeError(errorClass, `JSON-RPC error ${code} on ${method}: ${message}`);
}

/**
 * Maps whatever viem or fetch threw onto an error class. `httpStatuses` are the statuses the probe's
 * HTTP responses had, which tell a 429 from other failures whatever the body said.
 */
export function classifyRpcFailure(
  error: unknown,
  context: { timeoutMs: number; httpStatuses: ReadonlySet<number> },
): RpcProbeError {
  if (error instanceof RpcProbeError) return error;
  const errors = chain(error);
  const named = (name: string) => errors.find((item) => item.name === name);

  if (named('TimeoutError'))
    return new RpcProbeError('timeout', `no answer within ${context.timeoutMs} ms`, { cause: error });
  if (context.httpStatuses.has(429))
    return new RpcProbeError('rate_limited', 'HTTP 429 Too Many Requests', { cause: error });

  const httpError = named('HttpRequestError');
  const status = httpError?.status ?? [...context.httpStatuses].find((code) => code < 200 || code >= 300);
  if (status === 429) return new RpcProbeError('rate_limited', 'HTTP 429 Too Many Requests', { cause: error });
  if (typeof status === 'number') return new RpcProbeError('http_status', `HTTP ${status}`, { cause: error });
  if (httpError) {
    if (errors.some((item) => item.name === 'SyntaxError'))
      return new RpcProbeError('invalid_response', 'response is not valid JSON', { cause: error });
    const code = errors.map((item) => item.code).find((value) => typeof value === 'string');
    return new RpcProbeError('connection', code ? `connection failed: ${code}` : 'connection failed', { cause: error });
  }
  if (named('ResponseBodyTooLargeError'))
    return new RpcProbeError('invalid_response', 'response body too large', { cause: error });

  const first = errors[0];
  return new RpcProbeError(
    'invalid_response',
    `unexpected response: ${truncate(first?.shortMessage ?? (error instanceof Error ? error.message : String(error)))}`,
    {
      cause: error,
    },
  );
}
