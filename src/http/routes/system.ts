// Liveness, readiness, Prometheus metrics and the OpenAPI document.

import type { Registry } from 'prom-client';
import { z } from 'zod';
import { buildOpenApiDocument } from '../openapi.js';
import { defineRoute, errorBodySchema, type RouteDefinition } from '../route.js';

export interface Readiness {
  ready: boolean;
  /** Why the service is not ready. */
  reason?: string;
}

export function systemRoutes(deps: {
  registry: Registry;
  readiness: () => Readiness;
  version: string;
  allRoutes: () => readonly RouteDefinition[];
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process answers.',
      tag: 'system',
      responses: { 200: { description: 'Alive.', schema: z.object({ status: z.literal('ok') }) } },
      handler: () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: the database is open, migrations applied and collectors scheduled.',
      tag: 'system',
      responses: {
        200: { description: 'Ready.', schema: z.object({ status: z.literal('ready') }) },
        503: { description: 'Not ready, with the reason.', schema: errorBodySchema },
      },
      handler: (_request, reply) => {
        const readiness = deps.readiness();
        if (readiness.ready) return { status: 'ready' };
        return reply.code(503).send({ error: 'not_ready', message: readiness.reason ?? 'not ready' });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics.',
      tag: 'system',
      responses: {
        200: { description: 'Prometheus text exposition format.', schema: z.string(), contentType: 'text/plain' },
      },
      handler: async (_request, reply) => {
        const body = await deps.registry.metrics();
        return reply.header('content-type', deps.registry.contentType).send(body);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/openapi.json',
      summary: 'This API, as an OpenAPI 3.1 document.',
      tag: 'system',
      responses: { 200: { description: 'OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
      handler: () => buildOpenApiDocument(deps.allRoutes(), { version: deps.version }),
    }),
  ];
}
