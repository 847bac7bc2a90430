// One POST to a receiver, classified: 2xx delivered; 429 and 5xx, timeouts and network errors worth a
// retry (with the server's Retry-After when it gives one); any other status failed. Errors name the status
// or the network error code, never the URL: receiver URLs carry tokens.

import type { DeliveryResult } from '../domain/alert.js';

export interface PostRequest {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface PostResponse {
  result: DeliveryResult;
  /** The start of the response body (for `ere test-notify` and for error details), at most 500 chars. */
  responseBody: string;
}

const maxBodyShown = 500;

/** Retry-After in seconds or as an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** Printable text only, shortened: response bodies end up in the API and the logs. */
function excerpt(text: string): string {
  const clean = text.replace(/[^\x20-\x7e\n\t]/g, '?').trim();
  return clean.length > maxBodyShown ? `${clean.slice(0, maxBodyShown - 1)}…` : clean;
}

function networkErrorCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return 'network error';
}

export async function postJson(request: PostRequest): Promise<PostResponse> {
  const signals = [AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])];
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ere-monitor', ...request.headers },
      body: request.body,
      signal: AbortSignal.any(signals),
      redirect: 'error',
    });
  } catch (error) {
    return { result: { outcome: 'retry', statusCode: null, error: networkErrorCode(error) }, responseBody: '' };
  }
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status says enough.
  }
  const responseBody = excerpt(text);
  const status = response.status;
  if (status >= 200 && status < 300) return { result: { outcome: 'delivered', statusCode: status, ...(responseBody ? { detail: responseBody } : {}) }, responseBody };
  const error = `HTTP ${status}${responseBody ? `: ${responseBody.split('\n')[0]!.slice(0, 200)}` : ''}`;
  if (status === 429 || status >= 500) {
    const after = retryAfterMs(response.headers.get('retry-after'), Date.now());
    return { result: { outcome: 'retry', statusCode: status, error, ...(after === undefined ? {} : { retryAfterMs: after }) }, responseBody };
  }
  return { result: { outcome: 'failed', statusCode: status, error }, responseBody };
}
