// The execution blocks a beacon node names as finalized and as its head, read from the payloads of its
// `finalized` and `head` blocks: what the RPC data checks take for the truth about which execution blocks
// are canonical, since it comes from consensus and not from any execution endpoint under test. Failures are
// the Beacon API client's typed `BeaconRequestError`s, naming the host and the route only.

import type { BeaconExecutionBlocks, ExecutionBlockRef } from '../../domain/beacon.js';
import { urlHost } from '../../log/redact.js';
import { BeaconClient } from './beacon-client.js';
import { BeaconRequestError } from './beacon-request-error.js';

/** A beacon endpoint: a configured `BeaconEndpointTarget` is one. */
export interface BeaconExecutionBlocksSource {
  /** The base URL; a path prefix, an `?apikey=` query and credentials are kept, and never shown. */
  url: string;
  headers?: Record<string, string>;
  /** Per request; 10 s by default. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const defaultTimeoutMs = 10_000;

/** Reads both blocks at once; a node naming a finalized block above its head is not answering the truth. */
export async function readBeaconExecutionBlocks(
  source: BeaconExecutionBlocksSource,
  signal?: AbortSignal,
): Promise<BeaconExecutionBlocks> {
  const timeoutMs = source.timeoutMs ?? defaultTimeoutMs;
  const client = new BeaconClient({
    url: source.url,
    headers: source.headers ?? {},
    timeoutMs,
    bulkTimeoutMs: timeoutMs,
    ...(source.fetch ? { fetch: source.fetch } : {}),
  });
  const options = signal ? { signal } : undefined;
  const [finalized, head] = await Promise.all([
    client.executionBlock('finalized', options),
    client.executionBlock('head', options),
  ]);
  const contradiction = contradictionOf(finalized, head);
  if (contradiction) {
    throw new BeaconRequestError(
      'invalid_response',
      'GET /eth/v2/beacon/blocks/{block_id}',
      `invalid response from ${urlHost(source.url)} on GET /eth/v2/beacon/blocks/{block_id}: ${contradiction}`,
    );
  }
  return { finalized, head };
}

/** The finalized block is the head or an ancestor of it: the two reads are moments apart, the blocks epochs. */
function contradictionOf(finalized: ExecutionBlockRef | null, head: ExecutionBlockRef | null): string | null {
  if (!finalized) return null;
  if (!head) return `finalized names execution block ${finalized.number}, head names none`;
  if (finalized.number > head.number)
    return `finalized execution block ${finalized.number} is above the head's ${head.number}`;
  if (finalized.number === head.number && finalized.hash !== head.hash)
    return `finalized and head name different execution blocks at ${head.number}`;
  return null;
}
