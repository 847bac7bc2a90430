// Keeps RPC credentials out of everything people see: logs, errors, API responses. Providers put API keys
// in basic auth, in the path (`/v2/<key>`) or in the query (`?apikey=`), so a URL is shown as its
// scheme, host and a masked path, and the configured secrets are scrubbed from any text.

const mask = '***';
/** Path segments short and word-like enough to be routing (`v2`, `eth`, `mainnet`), not a key. */
const plainSegment = /^(?=.{1,16}$)[a-zA-Z][a-zA-Z-]*[0-9]{0,2}$/;

/** `https://user:pw@eth.example.com/v2/abcdef0123456789?key=1` → `https://eth.example.com/v2/***?***` */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return mask;
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (segment === '' || plainSegment.test(segment) ? segment : mask))
    .join('/');
  const query = url.search ? `?${mask}` : '';
  return `${url.protocol}//${url.host}${path}${query}`;
}

/** The host of a URL, for log lines that only need to say where. */
export function urlHost(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return mask;
  }
}

/**
 * The secret fragments of a URL: credentials, masked path segments, query values, and the URL itself in
 * its usual spellings. Fragments shorter than 4 characters are not scrubbed: they would mangle ordinary text.
 */
export function urlSecrets(value: string): string[] {
  const secrets = new Set<string>([value]);
  try {
    const url = new URL(value);
    secrets.add(url.toString());
    secrets.add(`${url.protocol}//${url.host}${url.pathname}${url.search}`);
    if (url.username) secrets.add(decodeURIComponent(url.username));
    if (url.password) secrets.add(decodeURIComponent(url.password));
    for (const segment of url.pathname.split('/')) if (segment && !plainSegment.test(segment)) secrets.add(segment);
    for (const [, queryValue] of url.searchParams) secrets.add(queryValue);
  } catch {
    // Not a URL: the whole text is the secret.
  }
  return [...secrets].filter((secret) => secret.length >= 4);
}

/** Replaces every known secret in a text. Longest first, so a URL goes before the key inside it. */
export class SecretScrubber {
  private secrets: string[] = [];

  add(...secrets: string[]): void {
    const all = new Set([...this.secrets, ...secrets.filter((secret) => secret.length >= 4)]);
    this.secrets = [...all].sort((a, b) => b.length - a.length);
  }

  addUrl(url: string): void {
    this.add(...urlSecrets(url));
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(mask);
    return result;
  }
}
