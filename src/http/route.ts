// Routes are declared as data: method, path, zod schemas for params, query, body and responses, whether
// they need the API token, and a handler. The same declaration validates requests (400 naming the field),
// guards them, and produces the OpenAPI document.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  error: z
    .string()
    .describe(
      'Machine-readable error code: bad_request, unauthorized, forbidden, not_found, not_ready, internal_error.',
    ),
  message: z.string(),
  field: z.string().optional().describe('The request field at fault, e.g. "query.limit".'),
});

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** Fastify path syntax, e.g. `/api/v1/chains/:chain`. */
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  /** A JSON request body. */
  body?: B;
  /** `write`: the route changes state and always needs the API token; it is off while none is configured. */
  auth?: 'write';
  responses: Record<number, ResponseSpec>;
  handler(request: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }, reply: FastifyReply): unknown;
}

// biome-ignore lint/complexity/noBannedTypes: zod's type of an object schema with no keys
type NoKeys = z.ZodObject<{}>;

/** Keeps the handler's request typed by the route's own schemas. */
export function defineRoute<P extends z.ZodType = NoKeys, Q extends z.ZodType = NoKeys, B extends z.ZodType = NoKeys>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** `server.auth` from the config. */
export interface AuthSettings {
  token?: string | undefined;
  /** The `/api/v1` GET routes need the token too. */
  protectReads: boolean;
}

/** Whether a route needs the token under these settings: mutating routes always, `/api/v1` reads when protected. */
function requiresToken(route: Pick<RouteDefinition, 'method' | 'url' | 'auth'>, settings: AuthSettings): boolean {
  return (
    route.auth === 'write' || (settings.protectReads && route.method === 'GET' && route.url.startsWith('/api/v1/'))
  );
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks `Authorization: Bearer <token>`. Both sides are hashed first, so that the comparison takes the same
 * time whatever the presented token's length. Neither the expected nor the presented token goes into an error.
 */
function bearerGuard(settings: AuthSettings) {
  const expected = settings.token === undefined ? null : digest(settings.token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected === null) throw new HttpError(403, 'forbidden', 'set server.auth.token to enable this route');
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
    void reply.header('www-authenticate', 'Bearer');
    throw new HttpError(
      401,
      'unauthorized',
      presented === undefined ? 'this route needs Authorization: Bearer <token>' : 'the bearer token is not valid',
    );
  };
}

function parseOrThrow<T extends z.ZodType>(schema: T | undefined, value: unknown, location: string): z.output<T> {
  if (!schema) return {} as z.output<T>;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named as the field at fault, not the object that holds it.
  if (issue.code === 'unrecognized_keys') {
    const field = formatPath([location, ...issue.path, issue.keys[0]!]);
    throw new HttpError(400, 'bad_request', `${field}: unknown ${location === 'body' ? 'field' : 'parameter'}`, field);
  }
  const field = formatPath([location, ...issue.path]);
  throw new HttpError(400, 'bad_request', `${field}: ${issue.message}`, field);
}

export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDefinition[],
  auth: AuthSettings = { protectReads: false },
): void {
  const guard = bearerGuard(auth);
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      // onRequest runs before the body is read: a caller without the token learns nothing about the body.
      ...(requiresToken(route, auth) ? { onRequest: guard } : {}),
      handler: async (request, reply) => {
        const params = parseOrThrow(route.params, request.params, 'params');
        const query = parseOrThrow(route.query, request.query, 'query');
        const body = parseOrThrow(route.body, request.body, 'body');
        return route.handler({ params, query, body }, reply);
      },
    });
  }
}
