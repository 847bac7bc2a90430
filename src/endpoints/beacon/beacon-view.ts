// The API's view of beacon endpoints: each chain's consensus-layer state (wall-clock slot, highest head,
// finality) and each endpoint's health, joined with the endpoint's configuration (URL redacted).

import { z } from 'zod';
import {
  beaconErrorClasses,
  type BeaconChainHealth,
  type BeaconEndpointHealth,
  type BeaconEndpointTarget,
  type BeaconObservation,
  type BeaconTiming,
} from '../../domain/beacon.js';
import { endpointStateOf, endpointStateShape, iso } from '../endpoint-view.js';

/** What the view reads of the beacon tracker. */
export interface BeaconStateReader {
  chainIds(): string[];
  health(chain: string): BeaconChainHealth | undefined;
  timing(chain: string): BeaconTiming | undefined;
  latestObservation(endpoint: string): BeaconObservation | undefined;
}

export const beaconChainStatusSchema = z
  .enum(['ok', 'degraded', 'single_point_of_failure', 'down'])
  .describe(
    'ok: every beacon endpoint healthy; degraded: some not; single_point_of_failure: one healthy left; down: none.',
  );

export const beaconChainSummarySchema = z.object({
  id: z.string(),
  status: beaconChainStatusSchema,
  wallClockSlot: z
    .number()
    .int()
    .nullable()
    .describe('The slot the wall clock is in; null until the chain’s genesis is known.'),
  headSlot: z.number().int().nullable().describe('Highest head slot among the chain’s beacon endpoints that answered.'),
  finalizedEpoch: z
    .number()
    .int()
    .nullable()
    .describe('Highest finalized epoch among the chain’s beacon endpoints that answered.'),
  finalityDistanceEpochs: z
    .number()
    .int()
    .nullable()
    .describe('Wall-clock epoch minus the finalized epoch: 2 on a healthy network.'),
  configuredEndpoints: z.number().int(),
  healthyEndpoints: z.number().int(),
});

export const beaconEndpointStateSchema = z.object({
  id: z.string(),
  ...endpointStateShape,
  headSlot: z.number().int().nullable(),
  headAgeSeconds: z.number().nullable(),
  lagSlots: z.number().int().nullable().describe('Slots behind the highest head among the chain’s beacon endpoints.'),
  finalizedEpoch: z.number().int().nullable(),
  finalityDistanceEpochs: z.number().int().nullable(),
  syncing: z.boolean().nullable(),
  syncDistance: z.number().int().nullable(),
  optimistic: z.boolean().nullable(),
  peerCount: z.number().int().nullable().describe('null when the node refuses /eth/v1/node/peer_count.'),
  version: z.string().nullable(),
  latencyMs: z.number().nullable(),
  errorClass: z.enum(beaconErrorClasses).nullable().describe('Error class of the last probe; null when it succeeded.'),
  errorMessage: z.string().nullable(),
  failingRoutes: z
    .array(
      z.object({
        route: z.string().describe('The route template, as the Beacon API spec writes it.'),
        errorClass: z.enum(beaconErrorClasses),
        message: z.string(),
      }),
    )
    .describe(
      'Routes of the last probe that failed. Genesis, spec, syncing and the head header are ' +
        'required: one failing makes the endpoint down. Finality checkpoints, peer count and ' +
        'version are not: the endpoint stays up and healthy, with the route listed here.',
    ),
  lastProbeAt: z.string().nullable(),
});

export const beaconChainDetailSchema = beaconChainSummarySchema.extend({
  timing: z
    .object({ genesisTime: z.number().int(), secondsPerSlot: z.number(), slotsPerEpoch: z.number().int() })
    .nullable()
    .describe('The chain’s clock, once an endpoint has been probed.'),
  endpoints: z.array(beaconEndpointStateSchema),
});

export type BeaconChainSummary = z.infer<typeof beaconChainSummarySchema>;
export type BeaconChainDetail = z.infer<typeof beaconChainDetailSchema>;
export type BeaconEndpointState = z.infer<typeof beaconEndpointStateSchema>;

function status(health: BeaconChainHealth): BeaconChainSummary['status'] {
  if (health.healthyEndpoints === 0) return 'down';
  if (health.healthyEndpoints === 1) return 'single_point_of_failure';
  return health.healthyEndpoints < health.configuredEndpoints ? 'degraded' : 'ok';
}

export class BeaconView {
  private readonly targets: Map<string, BeaconEndpointTarget>;

  constructor(
    private readonly tracker: BeaconStateReader,
    targets: readonly BeaconEndpointTarget[],
  ) {
    this.targets = new Map(targets.map((target) => [target.endpoint, target]));
  }

  chains(): BeaconChainSummary[] {
    return this.tracker.chainIds().map((id) => summary(id, this.tracker.health(id)!));
  }

  chain(id: string): BeaconChainDetail | undefined {
    const health = this.tracker.health(id);
    if (!health) return undefined;
    const timing = this.tracker.timing(id);
    return {
      ...summary(id, health),
      timing: timing
        ? {
            genesisTime: timing.genesisTime,
            secondsPerSlot: timing.secondsPerSlot,
            slotsPerEpoch: timing.slotsPerEpoch,
          }
        : null,
      endpoints: health.endpoints.map((state) => this.endpointState(state)),
    };
  }

  private endpointState(state: BeaconEndpointHealth): BeaconEndpointState {
    const target = this.targets.get(state.endpoint);
    const observation = this.tracker.latestObservation(state.endpoint);
    const answered = state.up ? observation : undefined;
    return {
      id: state.endpoint,
      ...endpointStateOf(target, state),
      headSlot: state.headSlot,
      headAgeSeconds: state.headAgeSeconds,
      lagSlots: state.lagSlots,
      finalizedEpoch: state.finalizedEpoch,
      finalityDistanceEpochs: state.finalityDistanceEpochs,
      syncing: state.syncing,
      syncDistance: answered?.syncDistance ?? null,
      optimistic: answered?.optimistic ?? null,
      peerCount: state.peerCount,
      version: state.version,
      latencyMs: state.latencyMs,
      errorClass: state.errorClass,
      errorMessage: observation?.errorMessage ?? null,
      failingRoutes: state.failingRoutes.map((failure) => ({ ...failure })),
      lastProbeAt: iso(state.lastObservedAt),
    };
  }
}

function summary(id: string, health: BeaconChainHealth): BeaconChainSummary {
  return {
    id,
    status: status(health),
    wallClockSlot: health.wallClockSlot,
    headSlot: health.headSlot,
    finalizedEpoch: health.finalizedEpoch,
    finalityDistanceEpochs: health.finalityDistanceEpochs,
    configuredEndpoints: health.configuredEndpoints,
    healthyEndpoints: health.healthyEndpoints,
  };
}
