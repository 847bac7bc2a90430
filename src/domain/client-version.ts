// Splits a `web3_clientVersion` answer ("Geth/v1.14.8-stable/linux-amd64/go1.22.5") into name and version.

export interface ClientVersion {
  client: string;
  version: string;
}

export function parseClientVersion(text: string): ClientVersion {
  const [client = '', version = ''] = text.split('/');
  const clean = (value: string) => value.trim().slice(0, 64) || 'unknown';
  return { client: clean(client), version: clean(version) };
}
