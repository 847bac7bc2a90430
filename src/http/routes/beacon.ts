// Beacon endpoints as they are now: each chain's wall-clock slot, head, finality and redundancy, and the
// health of each of its beacon endpoints.

import { z } from 'zod';
import type { BeaconEndpointTarget } from '../../domain/beacon.js';
import {
  BeaconView,
  beaconChainDetailSchema,
  beaconChainSummarySchema,
  type BeaconStateReader,
} from '../../endpoints/beacon/beacon-view.js';
import { chainParams } from './chains.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

export function beaconRoutes(deps: {
  tracker: BeaconStateReader;
  targets: readonly BeaconEndpointTarget[];
}): RouteDefinition[] {
  const view = new BeaconView(deps.tracker, deps.targets);
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/beacon',
      summary: 'Every chain with beacon endpoints: wall-clock slot, head, finality and redundancy.',
      tag: 'beacon',
      responses: {
        200: {
          description: 'Chains with beacon endpoints.',
          schema: z.object({ chains: z.array(beaconChainSummarySchema) }),
        },
      },
      handler: () => ({ chains: view.chains() }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/beacon/:chain',
      summary: 'One chain’s consensus layer with the current state of each of its beacon endpoints.',
      tag: 'beacon',
      params: chainParams,
      responses: {
        200: { description: 'The chain.', schema: beaconChainDetailSchema },
        404: { description: 'No chain with beacon endpoints has that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const chain = view.chain(params.chain);
        if (!chain) throw notFound(`no chain "${params.chain}" with beacon endpoints`);
        return chain;
      },
    }),
  ];
}
