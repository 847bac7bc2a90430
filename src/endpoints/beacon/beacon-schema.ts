// A chain's consensus layer in the config (`chains[].beacon`): its Beacon API endpoints and how they are
// probed and read, and the targets the beacon collector probes.

import { z } from 'zod';
import { endpointConnectionFields } from '../endpoint-schema.js';
import type { BeaconEndpointTarget } from '../../domain/beacon.js';
import { duration, httpUrl, id, labels } from '../../domain/fields.js';

const day = 86_400_000;

export const beaconEndpointSchema = z.strictObject({
  id: id.describe(
    "The endpoint's id, unique across every RPC and beacon endpoint of " +
      'every chain: the `endpoint` label of metrics and alerts.',
  ),
  url: httpUrl.describe(
    'The Beacon API base URL; credentials, a path prefix and query ' +
      'parameters such as `?apikey=` are kept and never shown.',
  ),
  ...endpointConnectionFields,
  labels: labels.describe("The endpoint's labels, merged over the chain's, on its BeaconEndpointUnhealthy alerts."),
});

export const beaconSchema = z.strictObject({
  endpoints: z
    .array(beaconEndpointSchema)
    .min(1, 'needs at least one endpoint')
    .describe(
      "The chain's Beacon API endpoints (its consensus clients, a provider's beacon URL), " +
        'each probed every `pollInterval`; validators are read through them too.',
    ),
  pollInterval: duration('12s', { min: 100, max: 3_600_000 }).describe(
    "Time between two probes of each beacon endpoint, and between two runs of the chain's validator tracker.",
  ),
  timeout: duration('10s', { min: 100, max: 120_000 }).describe(
    "Timeout of each probe request, and of the validator tracker's small requests.",
  ),
  bulkTimeout: duration('120s', { min: 1_000, max: 900_000 }).describe(
    'Timeout of the two large requests of an epoch: every validator, and every ' +
      "validator's attestation rewards (hundreds of MB of JSON on mainnet).",
  ),
  maxLagSlots: z
    .number()
    .int()
    .nonnegative()
    .default(2)
    .describe(
      "An endpoint further behind the highest head of the chain's " +
        'beacon endpoints than this many slots is not healthy.',
    ),
  maxHeadAge: duration('60s', { min: 1_000, max: day }).describe(
    'An endpoint whose head slot started longer ago than this is not healthy.',
  ),
  staleAfterIntervals: z
    .number()
    .positive()
    .default(3)
    .describe('A probe older than this many poll intervals no longer counts: the endpoint is not up.'),
  attestations: z
    .enum(['rewards', 'liveness'])
    .default('rewards')
    .describe(
      'How a missed attestation is told: `rewards` (the attestation rewards of the epoch, one request for ' +
        'every validator: timely and correct source, target and head) or `liveness` (seen on the network ' +
        'or not: the watched indices posted in chunks, for nodes that do not serve rewards).',
    ),
  livenessChunkSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10_000)
    .describe('Watched indices per liveness request, with `attestations: liveness`.'),
  maxListEntries: z
    .number()
    .int()
    .min(1_000)
    .max(100_000_000)
    .default(10_000_000)
    .describe(
      "The most entries read of a streamed list (every validator, every validator's attestation " +
        'rewards) before the node has answered it once; afterwards at most twice its last length ' +
        '(at least 100,000 more), within this. A longer list, or one over 2 KiB an entry, fails ' +
        'as `invalid_response`: a node streaming without end cannot exhaust memory.',
    ),
});

export type BeaconConfig = z.output<typeof beaconSchema>;

interface ChainWithBeacon {
  id: string;
  labels: Record<string, string>;
  beacon?: BeaconConfig | undefined;
}

/** Every beacon endpoint of every chain, as the collector probes it. */
export function beaconTargets(chains: readonly ChainWithBeacon[]): BeaconEndpointTarget[] {
  return chains.flatMap((chain) =>
    (chain.beacon?.endpoints ?? []).map((endpoint) => ({
      chain: chain.id,
      endpoint: endpoint.id,
      url: endpoint.url,
      headers: endpoint.headers,
      showPath: endpoint.showPath,
      ...(endpoint.displayName === undefined ? {} : { displayName: endpoint.displayName }),
      timeoutMs: chain.beacon!.timeout,
      labels: { ...chain.labels, ...endpoint.labels },
    })),
  );
}
