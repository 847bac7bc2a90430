// The base of every error the service raises on purpose: a short message for people, optional
// details, structured fields, and a cause, with the full message assembled from them.

export interface EreErrorOptions {
  details?: string | undefined;
  cause?: unknown;
  metaMessages?: string[] | undefined;
}

export class EreError extends Error {
  override name = 'EreError';
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: EreErrorOptions = {}) {
    const lines = [shortMessage];
    if (options.metaMessages?.length) lines.push('', ...options.metaMessages);
    if (options.details) lines.push('', `Details: ${options.details}`);
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}
