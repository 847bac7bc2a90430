// A URL's `user:pass@` as an Authorization header: fetch refuses a URL that holds credentials, so an
// endpoint written that way (a receiver, a fork's upstream) would never be reached.

/** `Basic <base64>` for a user and password. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The URL without its `user:pass@`, and those credentials as an Authorization header. */
export function splitUrlCredentials(value: string): { url: string; authorization: string | undefined } {
  const url = new URL(value);
  if (!url.username && !url.password) return { url: value, authorization: undefined };
  const authorization = basicAuthorization(decodeURIComponent(url.username), decodeURIComponent(url.password));
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization };
}
