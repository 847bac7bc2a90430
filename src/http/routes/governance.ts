// Governance: the watched targets with how far ingestion has got, each kind's own routes (a governor's
// proposals, a timelock's operations, a Safe's configuration and history, a proxy's implementation and
// upgrades, declared by the kinds), and the feed of every ingested event.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { GovernanceTracker } from '../../governance/governance-tracker.js';
import { feedEventSchema, feedEventView, targetSchema, targetView } from '../../governance/governance-view.js';
import { GovernanceNotFoundError, iso, type GovernanceRoute } from '../../governance/kinds/api.js';
import { instant, wholeNumber } from '../query.js';
import { defineRoute, errorBodySchema, notFound, type ResponseSpec, type RouteDefinition } from '../route.js';

export const maxFeedLimit = 1_000;
const defaultFeedMs = 86_400_000;

const feedQuery = z.strictObject({
  since: instant.describe('Only events in blocks at or after this time. Default: 24 hours before now.'),
  target: z.string().min(1).optional().describe('Only the events of these targets, ids separated by commas.'),
  limit: wholeNumber(1, maxFeedLimit).describe(`Most events to return, 1 to ${maxFeedLimit}. Default 100.`),
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER).describe('The `next` of the previous page: only events after it.'),
});

const badRequest = { description: 'A bad parameter, named in `field`.', schema: errorBodySchema };

/** A route a kind declares, served as the API's: 400 and 404 in the API's error shape. */
function kindRoute(route: GovernanceRoute): RouteDefinition {
  return route.use((spec) => {
    const responses: Record<number, ResponseSpec> = {
      200: spec.ok,
      404: { description: spec.notFound, schema: errorBodySchema },
    };
    if (spec.badRequest) responses[400] = badRequest;
    return defineRoute({
      method: 'GET',
      url: spec.url,
      summary: spec.summary,
      tag: 'governance',
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      responses,
      handler: (request) => {
        try {
          return spec.handler(request);
        } catch (error) {
          throw error instanceof GovernanceNotFoundError ? notFound(error.message) : error;
        }
      },
    });
  });
}

export function governanceRoutes(deps: { tracker: GovernanceTracker; clock: Clock }): RouteDefinition[] {
  const { tracker } = deps;

  function targetOf(id: string) {
    const target = tracker.target(id);
    if (!target) throw notFound(`no governance target "${id}"`);
    return target;
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/targets',
      summary: 'Every governance target (governor, timelock, Safe, proxy) with how far its ingestion has got.',
      tag: 'governance',
      responses: {
        200: { description: 'Targets, in config order.', schema: z.object({ targets: z.array(targetSchema) }) },
      },
      handler: () => ({
        targets: tracker
          .targets()
          .map((target) => targetView(target, tracker.status(target.id), tracker.store.eventCount(target.id))),
      }),
    }),
    ...tracker.routes().map(kindRoute),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/events',
      summary: 'The feed of ingested governance events, in the order they were stored, with a cursor to follow it.',
      tag: 'governance',
      query: feedQuery,
      responses: {
        200: {
          description: 'Events after `after`, at most `limit`; `next` is the cursor for the following page.',
          schema: z.object({
            since: z.string(),
            events: z.array(feedEventSchema),
            next: z
              .number()
              .int()
              .nullable()
              .describe('Pass as `after` for what comes next: the last event’s id, or `after` itself when none came.'),
          }),
        },
        400: badRequest,
        404: { description: 'No governance target with that id.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        const targets = query.target?.split(',').map((id) => targetOf(id.trim()).id);
        const sinceMs = query.since ?? deps.clock.now() - defaultFeedMs;
        const events = tracker.store.feed({
          sinceMs,
          limit: query.limit ?? 100,
          ...(targets ? { targets } : {}),
          ...(query.after !== undefined ? { afterId: query.after } : {}),
        });
        return {
          since: iso(sinceMs)!,
          events: events.map(feedEventView),
          next: events.at(-1)?.id ?? query.after ?? null,
        };
      },
    }),
  ];
}
