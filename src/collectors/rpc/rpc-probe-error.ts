// The typed failure of an RPC probe: an error class from a closed set (a metric label), a short reason
// without URLs or request bodies, and whatever the endpoint did answer before the failure was known.

import { EreError } from '../../domain/errors.js';
import type { RpcErrorClass, RpcObservation } from '../../domain/rpc.js';

export type PartialRpcAnswer = Partial<Pick<RpcObservation, 'chainId' | 'headBlock' | 'headTimestamp'>>;

export class RpcProbeError extends EreError {
  override name = 'RpcProbeError';
  readonly errorClass: RpcErrorClass;
  readonly partial: PartialRpcAnswer;

  constructor(errorClass: RpcErrorClass, shortMessage: string, options: { cause?: unknown; partial?: PartialRpcAnswer } = {}) {
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
  details?: string;
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
 * Maps whatever viem or fetch threw onto an error class. `httpStatuses` are the statuses the probe's
 * HTTP responses had: a provider may answer 429 with a JSON-RPC error body, which viem reports as an
 * RPC error, and the status is what tells it is rate limiting.
 */
export function classifyRpcFailure(error: unknown, context: { timeoutMs: number; httpStatuses: ReadonlySet<number> }): RpcProbeError {
  if (error instanceof RpcProbeError) return error;
  const errors = chain(error);
  const named = (name: string) => errors.find((item) => item.name === name);

  if (named('TimeoutError')) return new RpcProbeError('timeout', `no answer within ${context.timeoutMs} ms`, { cause: error });
  if (context.httpStatuses.has(429)) return new RpcProbeError('rate_limited', 'HTTP 429 Too Many Requests', { cause: error });

  // Only an RpcRequestError carries a provider's own error object; viem's typed wrappers around other
  // failures (UnknownRpcError around a TypeError, when a batch gets a non-array answer) are not one.
  const rpcError = errors.find((item) => item.name === 'RpcRequestError' && typeof item.code === 'number');
  if (rpcError) {
    const code = rpcError.code as number;
    const message = truncate(rpcError.details ?? rpcError.shortMessage ?? 'error');
    if (code === -32005) return new RpcProbeError('rate_limited', `JSON-RPC error ${code}: ${message}`, { cause: error });
    return new RpcProbeError('jsonrpc_error', `JSON-RPC error ${code}: ${message}`, { cause: error });
  }

  const httpError = named('HttpRequestError');
  const status = httpError?.status ?? [...context.httpStatuses].find((code) => code < 200 || code >= 300);
  if (status === 429) return new RpcProbeError('rate_limited', 'HTTP 429 Too Many Requests', { cause: error });
  if (typeof status === 'number') return new RpcProbeError('http_status', `HTTP ${status}`, { cause: error });
  if (httpError) {
    if (errors.some((item) => item.name === 'SyntaxError')) return new RpcProbeError('invalid_response', 'response is not valid JSON', { cause: error });
    const code = errors.map((item) => item.code).find((value) => typeof value === 'string');
    return new RpcProbeError('connection', code ? `connection failed: ${code}` : 'connection failed', { cause: error });
  }
  if (named('ResponseBodyTooLargeError')) return new RpcProbeError('invalid_response', 'response body too large', { cause: error });

  const first = errors[0];
  return new RpcProbeError('invalid_response', `unexpected response: ${truncate(first?.shortMessage ?? (error instanceof Error ? error.message : String(error)))}`, {
    cause: error,
  });
}
