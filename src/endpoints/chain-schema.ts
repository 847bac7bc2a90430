// A chain in the config (`chains[]`): its id, the JSON-RPC endpoints probed on it and how, and its beacon
// endpoints (`beacon-schema.ts`).

import { z } from 'zod';
import { endpointConnectionFields } from './endpoint-schema.js';
import { duration, durationText, httpUrl, id, labels } from '../domain/fields.js';
import { beaconSchema } from './beacon/beacon-schema.js';
import { canarySchema } from './rpc/canary/canary-schema.js';
import { correctnessSchema } from './rpc/correctness/correctness-schema.js';

export const defaultProbeTimeoutMs = 10_000;

export const rpcEndpointSchema = z.strictObject({
  id: id.describe(
    "The endpoint's id, unique across all chains: the `endpoint` label of metrics and alerts, and the API's `:id`.",
  ),
  url: httpUrl.describe(
    'The JSON-RPC URL; credentials or a key in it are never shown. An ' +
      'endpoint that refuses batches is polled with single requests.',
  ),
  ...endpointConnectionFields,
  labels: labels.describe(
    "The endpoint's labels, such as `provider: alchemy`, merged over the chain's: " +
      "SLO selectors match them, and they go on the endpoint's alerts.",
  ),
});

export const chainSchema = z.strictObject({
  id: id.describe("The chain's id: the `chain` label of metrics and alerts."),
  chainId: z
    .number()
    .int()
    .positive()
    .describe('The chain id every endpoint must report; another one is a `chain_id_mismatch` probe failure.'),
  rpc: z
    .array(rpcEndpointSchema)
    .default([])
    .describe(
      "The chain's JSON-RPC endpoints, each probed every `pollInterval`. A chain watched only " +
        'through its beacon endpoints (validators, no execution endpoint of its own) has none.',
    ),
  pollInterval: duration('15s', { min: 100, max: 3_600_000 }).describe('Time between two probes of each endpoint.'),
  timeout: duration(durationText(defaultProbeTimeoutMs), { min: 100, max: 120_000 }).describe(
    'Timeout of each probe; must not be longer than `pollInterval`.',
  ),
  maxLagBlocks: z
    .number()
    .int()
    .nonnegative()
    .default(5)
    .describe('An endpoint further than this many blocks from the consensus head (behind or ahead) is not healthy.'),
  minBlockInterval: duration('1s', { min: 0, max: 3_600_000 }).describe(
    'The least time between two blocks of the chain. An endpoint ahead of the others counts towards ' +
      'the consensus head only if its head block is at least this much later, per block, than the ' +
      'head it was checked against; 0 for chains that make several blocks a second.',
  ),
  staleAfterIntervals: z
    .number()
    .positive()
    .default(3)
    .describe(
      'A probe older than this many poll intervals no longer counts: not ' +
        'towards the consensus head, and its endpoint is not up.',
    ),
  labels: labels.describe(
    "Labels of the chain's endpoints, which SLO selectors match; they " +
      'go on the alerts of the chain and of its endpoints.',
  ),
  correctness: correctnessSchema.describe(
    "Data checks of the chain's RPC endpoints: block hashes, `finalized` and `safe` blocks, logs, state and " +
      'transactions compared across endpoints (and with the beacon chain). An endpoint that disagrees is ' +
      'unhealthy, with error class `incorrect_data`.',
  ),
  canary: canarySchema
    .optional()
    .describe(
      'A real transaction sent on the chain every `interval` through its RPC endpoints, timed to inclusion ' +
        'and to each endpoint returning its receipt: the `tx_inclusion` SLI and the canary alerts. None when absent.',
    ),
  beacon: beaconSchema
    .optional()
    .describe(
      "The chain's consensus layer: Beacon API endpoints, probed like the RPC " +
        'endpoints, through which validators are watched. None when absent.',
    ),
});

export type ChainConfig = z.output<typeof chainSchema>;
export type RpcEndpointConfig = ChainConfig['rpc'][number];
