// The typed failure of a Beacon API request: an error class from a closed set (a metric label), the route
// template, the HTTP status when there was one, and a short reason that names the host at most, never the
// URL: beacon URLs carry API keys in their paths, queries and credentials. And the mapping of what a
// request threw (fetch, the body stream, the decoders) onto those classes.

import type { BeaconErrorClass } from '../../domain/beacon.js';
import { EreError } from '../../domain/errors.js';
import type { SecretScrubber } from '../../log/redact.js';
import type { BeaconRoute } from './beacon-routes.js';
import { BeaconDecodeError } from './decode-fields.js';
import { JsonStreamError } from './json-array-stream.js';
import { ListLimitError } from './response-body.js';

export class BeaconRequestError extends EreError {
  override name = 'BeaconRequestError';
  readonly errorClass: BeaconErrorClass;
  readonly route: BeaconRoute;
  /** null when no HTTP answer arrived (timeout, refused connection). */
  readonly status: number | null;

  constructor(
    errorClass: BeaconErrorClass,
    route: BeaconRoute,
    shortMessage: string,
    options: { status?: number | null; details?: string | undefined; cause?: unknown } = {},
  ) {
    super(shortMessage, { details: options.details, cause: options.cause });
    this.errorClass = errorClass;
    this.route = route;
    this.status = options.status ?? null;
  }
}

/**
 * Where a request went, as errors may say it: the host only, and the URL's secrets to scrub from what the node said.
 */
export interface FailureContext {
  host: string;
  scrubber: SecretScrubber;
}

/** A non-2xx answer the route does not define as an answer; `nodeMessage` is the reason the node gave. */
export function httpFailure(
  route: BeaconRoute,
  status: number,
  context: FailureContext,
  nodeMessage: string,
): BeaconRequestError {
  const details = nodeMessage ? context.scrubber.scrub(nodeMessage) : undefined;
  const on = `from ${context.host} on ${route}`;
  if (status === 429)
    return new BeaconRequestError('rate_limited', route, `rate limited (HTTP 429) ${on}`, { status, details });
  // The Beacon API answers 503 while the node is syncing.
  if (status === 503)
    return new BeaconRequestError('syncing', route, `node is syncing (HTTP 503) ${on}`, { status, details });
  if (status === 404)
    return new BeaconRequestError('not_found', route, `not found (HTTP 404) ${on}`, { status, details });
  return new BeaconRequestError('http_status', route, `HTTP ${status} ${on}`, { status, details });
}

/** The first string `code` in an error's cause chain: ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET… */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** fetch reports refused and reset connections, DNS failures and bodies cut short as these TypeErrors. */
const fetchFailures = new Set(['fetch failed', 'terminated']);

/**
 * Maps whatever a request threw onto an error class. `status` is the HTTP status when headers had
 * arrived; `timedOutAfterMs` is set when the request's own timeout fired.
 */
export function classifyBeaconFailure(
  error: unknown,
  route: BeaconRoute,
  status: number | null,
  context: FailureContext & { timedOutAfterMs: number | null },
): BeaconRequestError {
  if (error instanceof BeaconRequestError) return error;
  const { host } = context;
  if (error instanceof BeaconDecodeError) {
    return new BeaconRequestError(
      'invalid_response',
      route,
      `invalid response from ${host} on ${route}: ${error.shortMessage}`,
      { status, cause: error },
    );
  }
  if (error instanceof ListLimitError) {
    return new BeaconRequestError(
      'invalid_response',
      route,
      `response from ${host} on ${route} is refused: ${error.message}`,
      { status, details: error.message, cause: error },
    );
  }
  if (error instanceof JsonStreamError) {
    return new BeaconRequestError('invalid_response', route, `response from ${host} on ${route} is not valid JSON`, {
      status,
      details: error.message,
      cause: error,
    });
  }
  const code = errorCode(error);
  if (context.timedOutAfterMs !== null || code?.includes('TIMEOUT')) {
    const within = context.timedOutAfterMs === null ? '' : ` within ${context.timedOutAfterMs} ms`;
    return new BeaconRequestError('timeout', route, `no complete answer from ${host}${within} on ${route}`, {
      status,
      cause: error,
    });
  }
  if (code !== undefined || (error instanceof TypeError && fetchFailures.has(error.message))) {
    return new BeaconRequestError(
      'connection',
      route,
      `connection to ${host} failed${code ? ` (${code})` : ''} on ${route}`,
      { status, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BeaconRequestError('invalid_response', route, `unexpected failure on ${route}`, {
    status,
    details: context.scrubber.scrub(message).slice(0, 200),
    cause: error,
  });
}
