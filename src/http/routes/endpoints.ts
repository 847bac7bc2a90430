// Endpoints: current state and stored samples, newest first.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { RpcSampleStore } from '../../endpoints/rpc/rpc-samples.js';
import { endpointStateSchema, sampleSchema, sampleView, type ChainView } from '../../endpoints/rpc/rpc-view.js';
import { instant, wholeNumber } from '../query.js';
import { HttpError, defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

export const maxSampleLimit = 1_000;
const defaultRangeMs = 3_600_000;

const endpointParams = z.strictObject({ id: z.string().min(1).describe('Endpoint id from the config.') });

const samplesQuery = z.strictObject({
  from: instant.describe('Start of the range (inclusive). Default: one hour before `to`.'),
  to: instant.describe('End of the range (inclusive). Default: now.'),
  limit: wholeNumber(1, maxSampleLimit).describe(`Most samples to return, 1 to ${maxSampleLimit}. Default 100.`),
});

export function endpointRoutes(deps: { view: ChainView; samples: RpcSampleStore; clock: Clock }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/endpoints/:id',
      summary: 'The current state of one RPC endpoint.',
      tag: 'endpoints',
      params: endpointParams,
      responses: {
        200: { description: 'The endpoint.', schema: endpointStateSchema },
        404: { description: 'No endpoint with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const endpoint = deps.view.endpoint(params.id);
        if (!endpoint) throw notFound(`no endpoint "${params.id}"`);
        return endpoint;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/endpoints/:id/samples',
      summary: 'Stored probe samples of one RPC endpoint, newest first.',
      tag: 'endpoints',
      params: endpointParams,
      query: samplesQuery,
      responses: {
        200: {
          description: 'Samples in the range, newest first, at most `limit`.',
          schema: z.object({ endpoint: z.string(), from: z.string(), to: z.string(), samples: z.array(sampleSchema) }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'No endpoint with that id.', schema: errorBodySchema },
      },
      handler: ({ params, query }) => {
        if (!deps.view.hasEndpoint(params.id)) throw notFound(`no endpoint "${params.id}"`);
        const toMs = query.to ?? deps.clock.now();
        const fromMs = query.from ?? toMs - defaultRangeMs;
        if (fromMs > toMs)
          throw new HttpError(400, 'bad_request', 'query.from: must not be after query.to', 'query.from');
        const samples = deps.samples.samples(params.id, { fromMs, toMs, limit: query.limit ?? 100 });
        return {
          endpoint: params.id,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          samples: samples.map(sampleView),
        };
      },
    }),
  ];
}
