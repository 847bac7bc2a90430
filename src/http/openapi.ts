// The OpenAPI 3.1 document of the REST API, generated from the route declarations.

import { z } from 'zod';
import { errorBodySchema, type RouteDefinition } from './route.js';

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    description: property.description,
    schema: property,
  }));
}

/** What a route that needs the token may answer besides its own responses. */
const tokenResponses: RouteDefinition['responses'] = {
  401: {
    description: 'No bearer token, or not the configured one (with `WWW-Authenticate: Bearer`).',
    schema: errorBodySchema,
  },
  403: { description: 'No token is configured (`server.auth.token`): the route is off.', schema: errorBodySchema },
};

export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = (paths[toOpenApiPath(route.url)] ??= {});
    const responses = route.auth === 'write' ? { ...route.responses, ...tokenResponses } : route.responses;
    path[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      ...(route.auth === 'write' ? { security: [{ bearerAuth: [] }] } : {}),
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema, 'output') },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ERE Monitor API',
      version: info.version,
      description:
        'Chain, endpoint and sample state, SLOs, alerts, silences, notifications and governance of ERE Monitor.',
    },
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            '`server.auth.token`. Always required by the routes that change state (off while no token is ' +
            'configured); required by every /api/v1 GET too when `server.auth.protectReads` is true.',
        },
      },
    },
  };
}
