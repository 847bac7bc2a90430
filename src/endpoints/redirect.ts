// Collectors never follow redirects: a followed redirect carries the configured headers (API keys) to
// another origin, turns a POST into a GET, and judges the endpoint on another server's answers. A
// redirect is reported as a failure naming only where it pointed: the host, never the full location.

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The host a redirect points to (a relative location points to the requested host). */
export function redirectHost(response: Response, requested: string | URL | Request): string {
  const location = response.headers.get('location');
  const base = typeof requested === 'string' || requested instanceof URL ? requested : requested.url;
  try {
    return location ? new URL(location, base).host || 'no host' : 'no location';
  } catch {
    return 'an invalid location';
  }
}
