// Keeps credentials out of everything people see: logs, errors, stored rows, API responses. Providers put
// API keys in basic auth, anywhere in the path (`/v2/<key>`, `/rpc/<password>`) or in the query
// (`?apikey=`), and no rule can tell a key from a routing word, so a URL is shown as its scheme and host
// only (its path only where the config says so), and every part of a configured URL beyond its host is
// scrubbed from any text by what was configured, never by guessing which part looks secret.

const mask = '***';

export interface UrlDisplay {
  /** The path is not secret: show it (the query and credentials stay hidden). */
  showPath?: boolean | undefined;
}

/** `https://user:pw@eth.example.com/v2/abc?key=1` → `https://eth.example.com/***`; with showPath `…/v2/abc?***` */
export function redactUrl(value: string, display: UrlDisplay = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return mask;
  }
  const base = `${url.protocol}//${url.host}`;
  if (display.showPath) return `${base}${url.pathname}${url.search ? `?${mask}` : ''}`;
  return url.pathname === '/' && !url.search ? `${base}/` : `${base}/${mask}`;
}

/** The host of a URL, for log lines that only need to say where. */
export function urlHost(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return mask;
  }
}

/** A path segment this long is scrubbed on its own too: no routing word (`mainnet`, `services`) is. */
const longSegment = 12;

/** The spellings a piece of a URL may be echoed in: as sent, percent-decoded, HTML- and JSON-escaped. */
function spellings(text: string): string[] {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding: only the raw form.
  }
  const html = (value: string) =>
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  const json = (value: string) => JSON.stringify(value).slice(1, -1);
  return [...new Set([text, decoded, html(text), json(text), json(decoded)])];
}

/**
 * The secret fragments of a URL: the URL in its usual spellings, its path and query as a whole, each
 * credential and query value, and each path segment long enough that it is no routing word (a server may
 * echo a key alone). Shorter segments are not taken one by one: `eth` and `mainnet` would then be masked
 * in every log line; a server echoes the path it was sent, which is scrubbed whole.
 */
export function urlSecrets(value: string, display: UrlDisplay = {}): string[] {
  const secrets = new Set<string>([value]);
  try {
    const url = new URL(value);
    const path = display.showPath ? '' : url.pathname === '/' ? '' : url.pathname;
    for (const whole of [
      url.toString(),
      `${url.protocol}//${url.host}${url.pathname}${url.search}`,
      `${url.host}${url.pathname}${url.search}`,
    ])
      secrets.add(whole);
    for (const part of [`${path}${url.search}`, path, url.search, url.search.slice(1), url.username, url.password])
      for (const spelling of spellings(part)) secrets.add(spelling);
    for (const [, queryValue] of url.searchParams) for (const spelling of spellings(queryValue)) secrets.add(spelling);
    if (path)
      for (const segment of path.split('/'))
        if (segment.length >= longSegment) for (const spelling of spellings(segment)) secrets.add(spelling);
  } catch {
    // Not a URL: the whole text is the secret.
  }
  secrets.delete('');
  secrets.delete('/');
  return [...secrets];
}

/** Below this length a secret is only masked where it stands alone, not inside a longer word. */
const shortSecret = 8;
/** Shorter than this a value is not scrubbed at all (`?x=1`): masking every `1` would say nothing. */
const minimumSecret = 3;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every known secret in a text. Longest first, so a URL goes before the key inside it. */
export class SecretScrubber {
  private secrets: string[] = [];
  private short: RegExp | null = null;

  add(...secrets: string[]): void {
    // A secret holding a quote, a backslash or a control character reaches a JSON log line escaped.
    const escaped = secrets
      .map((secret) => JSON.stringify(secret).slice(1, -1))
      .filter((secret, index) => secret !== secrets[index]);
    const all = new Set([
      ...this.secrets,
      ...[...secrets, ...escaped].filter((secret) => secret.length >= minimumSecret),
    ]);
    this.secrets = [...all].sort((a, b) => b.length - a.length);
    const short = this.secrets.filter((secret) => secret.length < shortSecret);
    this.short =
      short.length === 0
        ? null
        : new RegExp(`(?<![A-Za-z0-9])(?:${short.map(escapeRegExp).join('|')})(?![A-Za-z0-9])`, 'g');
  }

  addUrl(url: string, display: UrlDisplay = {}): void {
    this.add(...urlSecrets(url, display));
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets)
      if (secret.length >= shortSecret && result.includes(secret)) result = result.split(secret).join(mask);
    return this.short ? result.replace(this.short, mask) : result;
  }
}

/** A scrubber for a list of secrets. */
export function scrubberOf(secrets: readonly string[]): SecretScrubber {
  const scrubber = new SecretScrubber();
  scrubber.add(...secrets);
  return scrubber;
}
