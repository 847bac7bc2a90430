// The canary of a chain (chains[].canary): its address and balance, what is in flight, and its recent
// transactions with their inclusion and propagation times.

import type { ChainConfig } from '../../endpoints/chain-schema.js';
import { chainCanary, chainCanarySchema } from '../../endpoints/rpc/canary/canary-view.js';
import type { CanaryReader } from '../../endpoints/rpc/canary/index.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';
import { chainParams } from './chains.js';

export function canaryRoutes(deps: { reader: CanaryReader; chains: readonly ChainConfig[] }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/chains/:chain/canary',
      summary: "The chain's canary: its address, balance, transaction in flight and recent transactions.",
      tag: 'chains',
      params: chainParams,
      responses: {
        200: { description: 'The canary.', schema: chainCanarySchema },
        404: { description: 'No chain with that id, or no canary on it.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const chain = deps.chains.find((candidate) => candidate.id === params.chain);
        if (!chain) throw notFound(`no chain "${params.chain}"`);
        const found = chainCanary(
          chain.id,
          chain.rpc.map((endpoint) => endpoint.id),
          deps.reader,
        );
        if (!found) throw notFound(`chain "${params.chain}" has no canary (chains[].canary)`);
        return found;
      },
    }),
  ];
}
