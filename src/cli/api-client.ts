// The HTTP API of a running ERE, as the commands that change it (silences, acks) reach it: the service's
// URL from --url (else $ERE_URL, else the default listen address) and the API token from --token (else
// $ERE_TOKEN). The token goes into the Authorization header and nowhere else: every line these commands
// print is scrubbed of it, and the service is shown by its scheme and host only.

import { userInfo } from 'node:os';
import { EreError } from '../domain/errors.js';
import { SecretScrubber } from '../log/redact.js';
import { UsageError, type Output } from './args.js';

export const defaultServiceUrl = 'http://127.0.0.1:9470';

/** The flags of every command that talks to a running ERE. */
export const serviceOptions = { url: { type: 'string' }, token: { type: 'string' } } as const;

export const serviceOptionsHelp = `  --url <url>      The running ERE (default: $ERE_URL, else ${defaultServiceUrl}).
  --token <token>  The API token, server.auth.token (default: $ERE_TOKEN; prefer the variable, a flag
                   is visible to other users of the machine).`;

export class ApiRequestError extends EreError {
  override name = 'ApiRequestError';
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;

  constructor(shortMessage: string, status: number | null, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
    this.status = status;
  }
}

export interface ApiClient {
  /** The service as it may be shown: scheme and host. */
  readonly where: string;
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

const requestTimeoutMs = 10_000;

/** Who a silence or an acknowledgement is by, unless told: the user name, as amtool takes it. */
export function userName(): string {
  return process.env.USER || userInfo().username;
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'give the API token with --token or ERE_TOKEN (server.auth.token of the service)';
  if (status === 403) return 'the service has no API token: set server.auth.token in its config';
  return undefined;
}

export function apiClient(
  values: { url?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ApiClient {
  const raw = values.url ?? (env.ERE_URL || defaultServiceUrl);
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw new UsageError('--url: must be an http(s) URL such as http://127.0.0.1:9470');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--url: must be an http(s) URL such as http://127.0.0.1:9470');
  const token = values.token ?? (env.ERE_TOKEN || undefined);
  const where = `${base.protocol}//${base.host}`;
  const prefix = base.href.replace(/\/+$/, '');
  return {
    where,
    async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(`${prefix}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: 'manual',
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        const code = (error as { cause?: { code?: string } }).cause?.code;
        throw new ApiRequestError(
          `no answer from ERE at ` +
            `${where}${timedOut ? ` within ${requestTimeoutMs / 1_000} s` : code ? ` (${code})` : ''}`,
          null,
          {
            details: 'is the service running there? Give its address with --url or ERE_URL',
          },
        );
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not ERE's JSON: reported below by status.
      }
      if (response.ok && parsed !== undefined) return parsed as T;
      const message = (parsed as { message?: unknown } | undefined)?.message;
      const reason =
        typeof message === 'string'
          ? message
          : response.ok
            ? 'the answer is not JSON'
            : response.statusText || 'no reason given';
      throw new ApiRequestError(`${where} answered HTTP ${response.status}: ${reason}`, response.status, {
        details: hintFor(response.status),
      });
    },
  };
}

/** Output with the token scrubbed from every line, whatever a server or an error said. */
export function scrubbedOutput(
  output: Output,
  values: { token?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Output {
  const scrubber = new SecretScrubber();
  const token = values.token ?? env.ERE_TOKEN;
  if (token) scrubber.add(token);
  return { out: (line) => output.out(scrubber.scrub(line)), err: (line) => output.err(scrubber.scrub(line)) };
}

/**
 * Runs a command's requests against the service: its output scrubbed of the token, and a failed request
 * printed as one line (exit 1) rather than thrown.
 */
export async function withService(
  values: { url?: string | undefined; token?: string | undefined },
  output: Output,
  run: (client: ApiClient, output: Output) => Promise<number>,
): Promise<number> {
  const client = apiClient(values);
  const scrubbed = scrubbedOutput(output, values);
  try {
    return await run(client, scrubbed);
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    scrubbed.err(error.message);
    return 1;
  }
}
