// Chains and their endpoints as they are now: consensus head, head age, redundancy, endpoint states.

import { z } from 'zod';
import { chainDetailSchema, chainSummarySchema, type ChainView } from '../../endpoints/rpc/rpc-view.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

/** The `:chain` of every route under a chain. */
export const chainParams = z.strictObject({ chain: z.string().min(1).describe('Chain id from the config.') });

export function chainRoutes(view: ChainView): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/chains',
      summary: 'Every configured chain with its consensus head, head age and redundancy.',
      tag: 'chains',
      responses: { 200: { description: 'Chains.', schema: z.object({ chains: z.array(chainSummarySchema) }) } },
      handler: () => ({ chains: view.chains() }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/chains/:chain',
      summary: 'One chain with the current state of each of its endpoints.',
      tag: 'chains',
      params: chainParams,
      responses: {
        200: { description: 'The chain.', schema: chainDetailSchema },
        404: { description: 'No chain with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const chain = view.chain(params.chain);
        if (!chain) throw notFound(`no chain "${params.chain}"`);
        return chain;
      },
    }),
  ];
}
