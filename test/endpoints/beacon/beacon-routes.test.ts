// The beacon API routes over a tracker fed with observations, in a fastify app with the service's route
// registration: what each route shows (checked against its own response schema), redacted URLs, and 404s.

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { BeaconEndpointTarget } from '../../../src/domain/beacon.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { beaconChainDetailSchema, beaconChainSummarySchema } from '../../../src/endpoints/beacon/beacon-view.js';
import { buildOpenApiDocument } from '../../../src/http/openapi.js';
import { HttpError, registerRoutes } from '../../../src/http/route.js';
import { beaconRoutes } from '../../../src/http/routes/beacon.js';
import { BeaconTracker } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { epoch, now, observation, slot, timing } from './fixtures.js';

const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 };
const target = (chain: string, endpoint: string, url: string): BeaconEndpointTarget => ({
  chain,
  endpoint,
  url,
  headers: {},
  timeoutMs: 10_000,
  labels: { provider: endpoint },
});
const targets = [
  target('mainnet', 'lighthouse', 'http://127.0.0.1:5052'),
  target('mainnet', 'quicknode', 'https://beacon.quiknode.example/0123456789abcdef0123456789abcdef/'),
  target('holesky', 'teku', 'http://10.0.0.7:5051'),
];

function setup() {
  const clock = fixedClock(now);
  const tracker = new BeaconTracker(
    [
      { chain: 'mainnet', endpoints: ['lighthouse', 'quicknode'], policy },
      { chain: 'holesky', endpoints: ['teku'], policy },
    ],
    clock,
  );
  tracker.observe({ ...observation('lighthouse', { version: 'Lighthouse/v5.3.0' }), timing });
  tracker.observe(
    observation('quicknode', {
      ok: false,
      errorClass: 'rate_limited',
      errorMessage: 'syncing: rate limited (HTTP 429)',
      headSlot: null,
      peerCount: null,
    }),
  );
  const app = Fastify();
  registerRoutes(app, beaconRoutes({ tracker, targets }));
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HttpError)
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
  });
  return { app, tracker, clock };
}

describe('GET /api/v1/beacon', () => {
  it('lists the chains with beacon endpoints and their state', async () => {
    const { app } = setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/beacon' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.chains.map((chain: unknown) => beaconChainSummarySchema.parse(chain))).toEqual([
      {
        id: 'mainnet',
        status: 'single_point_of_failure',
        wallClockSlot: slot,
        headSlot: slot,
        finalizedEpoch: epoch - 2,
        finalityDistanceEpochs: 2,
        configuredEndpoints: 2,
        healthyEndpoints: 1,
      },
      // Never probed: no clock, no head, nothing healthy.
      {
        id: 'holesky',
        status: 'down',
        wallClockSlot: null,
        headSlot: null,
        finalizedEpoch: null,
        finalityDistanceEpochs: null,
        configuredEndpoints: 1,
        healthyEndpoints: 0,
      },
    ]);
  });
});

describe('GET /api/v1/beacon/:chain', () => {
  it('shows the chain’s clock and each endpoint’s health, version, peers, lag and last error', async () => {
    const { app } = setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/beacon/mainnet' });
    expect(response.statusCode).toBe(200);
    const body = beaconChainDetailSchema.parse(response.json());
    expect(body).toMatchObject({
      id: 'mainnet',
      wallClockSlot: slot,
      finalityDistanceEpochs: 2,
      healthyEndpoints: 1,
      timing,
    });
    expect(body.endpoints).toEqual([
      {
        id: 'lighthouse',
        url: 'http://127.0.0.1:5052/',
        displayName: null,
        labels: { provider: 'lighthouse' },
        up: true,
        healthy: true,
        unhealthyReasons: [],
        headSlot: slot,
        headAgeSeconds: 3,
        lagSlots: 0,
        finalizedEpoch: epoch - 2,
        finalityDistanceEpochs: 2,
        syncing: false,
        syncDistance: 0,
        optimistic: false,
        peerCount: 80,
        version: 'Lighthouse/v5.3.0',
        latencyMs: 40,
        errorClass: null,
        errorMessage: null,
        failingRoutes: [],
        lastProbeAt: new Date(now - 1_000).toISOString(),
      },
      expect.objectContaining({
        id: 'quicknode',
        url: 'https://beacon.quiknode.example/***',
        up: false,
        healthy: false,
        unhealthyReasons: ['probe failed: rate_limited'],
        headSlot: null,
        lagSlots: null,
        peerCount: null,
        version: null,
        errorClass: 'rate_limited',
        errorMessage: 'syncing: rate limited (HTTP 429)',
        failingRoutes: [],
      }),
    ]);
    expect(response.body).not.toContain('0123456789abcdef');
  });

  it('answers 404 for a chain without beacon endpoints', async () => {
    const { app } = setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/beacon/sepolia' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'no chain "sepolia" with beacon endpoints' });
  });
});

describe('the beacon routes in the OpenAPI document', () => {
  it('are described with their parameters and responses', () => {
    const { tracker } = setup();
    const document = buildOpenApiDocument(beaconRoutes({ tracker, targets }), { version: 'test' }) as {
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(document.paths)).toEqual(['/api/v1/beacon', '/api/v1/beacon/{chain}']);
    expect(Object.keys(document.paths['/api/v1/beacon/{chain}']!.get!.responses)).toEqual(['200', '404']);
    expect(document.paths['/api/v1/beacon']!.get!.tags).toEqual(['beacon']);
  });
});
