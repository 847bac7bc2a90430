// The data checks of a chain's RPC endpoints (chains[].correctness): what each found, per endpoint.

import { chainCorrectness, chainCorrectnessSchema } from '../../endpoints/rpc/correctness/correctness-view.js';
import type { CorrectnessReader, CorrectnessStore } from '../../endpoints/rpc/correctness/index.js';
import type { ChainTracker } from '../../endpoints/rpc/rpc-tracker.js';
import { chainParams } from './chains.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

export function correctnessRoutes(deps: {
  reader: CorrectnessReader;
  store: CorrectnessStore;
  tracker: ChainTracker;
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/chains/:chain/correctness',
      summary: "The data checks of the chain's endpoints: each check's latest outcome and last disagreement.",
      tag: 'chains',
      params: chainParams,
      responses: {
        200: { description: 'The checks.', schema: chainCorrectnessSchema },
        404: { description: 'No chain with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const found = chainCorrectness(params.chain, deps);
        if (!found) throw notFound(`no chain "${params.chain}"`);
        return found;
      },
    }),
  ];
}
