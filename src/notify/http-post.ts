// One POST to a receiver, classified: 2xx delivered; 429 and 5xx, timeouts and network errors worth a
// retry (with the server's Retry-After when it gives one); any other status failed, and so is a request
// that can never succeed (one fetch refuses to make, a redirect). Errors name the status or the network
// error code and at most a short excerpt of the answer, scrubbed of every secret of the receiver and of
// every part of its URL beyond the host: receivers echo the path they were sent (`Cannot POST /<token>`).

import type { DeliveryResult } from '../domain/alert.js';
import { scrubberOf, urlHost, urlSecrets, type SecretScrubber } from '../log/redact.js';

export interface PostRequest {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The receiver's secrets (its header values, keys sent in the body such as a routing key); the URL's are added. */
  secrets: readonly string[];
}

export interface PostResponse {
  result: DeliveryResult;
  /** The start of the response body, scrubbed (for `ere test-notify`), at most 500 chars. */
  responseBody: string;
}

const maxBodyShown = 500;
/** What of an answer goes into a stored error: enough to tell `invalid_token` from `no_text`. */
const maxErrorShown = 120;

/** Retry-After in seconds or as an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

import { splitUrlCredentials } from '../domain/url-credentials.js';

export { basicAuthorization, splitUrlCredentials } from '../domain/url-credentials.js';

/** Printable text only, scrubbed, then shortened (scrubbing first, so that no cut leaves half a secret). */
function excerpt(text: string, scrubber: SecretScrubber, max: number): string {
  const clean = scrubber
    .scrub(text)
    .replace(/[^\x20-\x7e\n\t]/g, '?')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A network error worth a retry; undefined for one that no retry can change (the request itself is refused). */
function networkErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  // fetch throws "fetch failed" with a cause for what happened on the wire, and a bare TypeError for a
  // request it will not make (an invalid header, a URL it refuses).
  if (error instanceof TypeError && cause === undefined) return undefined;
  return 'network error';
}

function requestScrubber(request: PostRequest, authorization: string | undefined): SecretScrubber {
  return scrubberOf([...request.secrets, ...urlSecrets(request.url), ...(authorization ? [authorization] : [])]);
}

function answer(response: Response, text: string, scrubber: SecretScrubber): PostResponse {
  const responseBody = excerpt(text, scrubber, maxBodyShown);
  const status = response.status;
  if (status >= 200 && status < 300)
    return {
      result: {
        outcome: 'delivered',
        statusCode: status,
        ...(responseBody ? { detail: excerpt(text, scrubber, maxErrorShown) } : {}),
      },
      responseBody,
    };
  if (status >= 300 && status < 400) {
    // Followed, the request would carry the receiver's headers elsewhere; refused, it never gets better.
    const location = response.headers.get('location');
    const where =
      location === null ? 'no location' : urlHost(new URL(location, response.url || 'http://invalid').toString());
    return {
      result: {
        outcome: 'failed',
        statusCode: status,
        error: `HTTP ${status}: redirect to ${scrubber.scrub(where)} refused`,
      },
      responseBody,
    };
  }
  const firstLine = excerpt(text.split('\n')[0] ?? '', scrubber, maxErrorShown);
  const error = `HTTP ${status}${firstLine ? `: ${firstLine}` : ''}`;
  if (status === 429 || status >= 500) {
    const after = retryAfterMs(response.headers.get('retry-after'), Date.now());
    return {
      result: { outcome: 'retry', statusCode: status, error, ...(after === undefined ? {} : { retryAfterMs: after }) },
      responseBody,
    };
  }
  return { result: { outcome: 'failed', statusCode: status, error }, responseBody };
}

export async function postJson(request: PostRequest): Promise<PostResponse> {
  const signals = [AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])];
  let target: { url: string; authorization: string | undefined };
  try {
    target = splitUrlCredentials(request.url);
  } catch {
    return { result: { outcome: 'failed', statusCode: null, error: 'invalid URL' }, responseBody: '' };
  }
  const hasAuthorization = Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'ere-monitor',
    ...(target.authorization && !hasAuthorization ? { authorization: target.authorization } : {}),
    ...request.headers,
  };
  const scrubber = requestScrubber(request, target.authorization);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers,
      body: request.body,
      signal: AbortSignal.any(signals),
      redirect: 'manual',
    });
  } catch (error) {
    const code = networkErrorCode(error);
    if (code !== undefined) return { result: { outcome: 'retry', statusCode: null, error: code }, responseBody: '' };
    const reason = error instanceof Error ? excerpt(error.message, scrubber, maxErrorShown) : 'refused';
    return {
      result: { outcome: 'failed', statusCode: null, error: `request cannot be sent: ${reason}` },
      responseBody: '',
    };
  }
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status says enough.
  }
  return answer(response, text, scrubber);
}
