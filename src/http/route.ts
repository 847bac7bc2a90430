// Routes are declared as data: method, path, zod schemas for params, query and responses, and a handler.
// The same declaration validates requests (400 naming the field) and produces the OpenAPI document.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { formatPath } from '../config/load.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new HttpError(404, 'not_found', message);

export const errorBodySchema = z.object({
  error: z.string().describe('Machine-readable error code: bad_request, not_found, not_ready, internal_error.'),
  message: z.string(),
  field: z.string().optional().describe('The request field at fault, e.g. "query.limit".'),
});

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteDefinition<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** Fastify path syntax, e.g. `/api/v1/chains/:chain`. */
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  responses: Record<number, ResponseSpec>;
  handler(request: { params: z.output<P>; query: z.output<Q> }, reply: FastifyReply): unknown;
}

/** Keeps the handler's request typed by the route's own schemas. */
export function defineRoute<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>>(route: RouteDefinition<P, Q>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

function parseOrThrow<T extends z.ZodType>(schema: T | undefined, value: unknown, location: string): z.output<T> {
  if (!schema) return {} as z.output<T>;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath([location, ...issue.path]);
  throw new HttpError(400, 'bad_request', `${field}: ${issue.message}`, field);
}

export function registerRoutes(app: FastifyInstance, routes: readonly RouteDefinition[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const params = parseOrThrow(route.params, request.params, 'params');
        const query = parseOrThrow(route.query, request.query, 'query');
        return route.handler({ params, query }, reply);
      },
    });
  }
}
