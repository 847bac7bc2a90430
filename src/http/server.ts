// Builds the HTTP server without listening, so that tests can `inject()`. One error handler: 4xx name the
// problem, 5xx never leak internals. Routes that need the API token are guarded where they are registered.

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log/logger.js';
import type { BeaconEndpointTarget } from '../domain/beacon.js';
import type { AlertEngine } from '../alerting/alert-engine.js';
import type { GovernanceTracker } from '../governance/governance-tracker.js';
import type { DecisionVerifier } from '../governance/verify/verifier.js';
import type { SloEngine } from '../slo/slo-engine.js';
import type { ValidatorTracker } from '../validators/validator-tracker.js';
import type { SloReports } from '../slo/slo-reports.js';
import type { AlertStore } from '../alerting/alert-store.js';
import type { Outbox } from '../notify/outbox.js';
import type { RpcSampleStore } from '../endpoints/rpc/rpc-samples.js';
import type { BeaconStateReader } from '../endpoints/beacon/beacon-view.js';
import type { ChainConfig } from '../endpoints/chain-schema.js';
import type { CanaryReader } from '../endpoints/rpc/canary/index.js';
import type { CorrectnessReader, CorrectnessStore } from '../endpoints/rpc/correctness/index.js';
import type { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import type { ChainView } from '../endpoints/rpc/rpc-view.js';
import { answerClientError, frameworkError, maxParamLength } from './framework-errors.js';
import { HttpError, registerRoutes, type AuthSettings, type RouteDefinition } from './route.js';
import { alertRoutes } from './routes/alerts.js';
import { beaconRoutes } from './routes/beacon.js';
import { canaryRoutes } from './routes/canary.js';
import { correctnessRoutes } from './routes/correctness.js';
import { chainRoutes } from './routes/chains.js';
import { endpointRoutes } from './routes/endpoints.js';
import { governanceRoutes } from './routes/governance.js';
import { verificationRoutes } from './routes/verifications.js';
import { notificationRoutes, type ReceiverHold } from './routes/notifications.js';
import { runbookRoutes } from './routes/runbooks.js';
import { silenceRoutes } from './routes/silences.js';
import { sloReportRoutes } from './routes/slo-reports.js';
import { sloRoutes } from './routes/slos.js';
import { systemRoutes, type Readiness } from './routes/system.js';
import { validatorRoutes } from './routes/validators.js';

export interface HttpDeps {
  version: string;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  readiness: () => Readiness;
  view: ChainView;
  samples: RpcSampleStore;
  slos: SloEngine;
  sloReports: SloReports;
  /** `server.auth`. With no token in it the mutating routes answer 403, and reads are open unless `protectReads`. */
  auth: AuthSettings;
  /** The alerting engine and what it persists; without it the alert, silence and notification routes are absent. */
  alerts?: { engine: AlertEngine; store: AlertStore; outbox: Outbox; heldUntil?: ReceiverHold };
  /** The governance targets and what was ingested of them; without it the governance routes are absent. */
  governance?: GovernanceTracker;
  /** Simulates governance decisions before they run; without it the verification routes are absent. */
  verifier?: DecisionVerifier;
  /** The data checks of RPC endpoints; without it their route is absent. */
  correctness?: { reader: CorrectnessReader; store: CorrectnessStore; tracker: ChainTracker };
  /** Each chain's canary transactions; without it their route is absent. */
  canary?: { reader: CanaryReader; chains: readonly ChainConfig[] };
  /** Beacon endpoints and their health; without it the beacon routes are absent. */
  beacon?: { tracker: BeaconStateReader; targets: readonly BeaconEndpointTarget[] };
  /** Watched validators; without it the validator routes are absent. */
  validators?: ValidatorTracker;
}

export function buildServer(deps: HttpDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    // Per-request lines are info; the service logs what matters (errors) at warn and above.
    loggerInstance: deps.logger.child({ module: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    forceCloseConnections: true,
    routerOptions: { maxParamLength },
    // A URL fastify cannot route (bad percent-encoding, an over-long parameter) is answered before any route
    // or error handler runs, and a request Node cannot parse before fastify sees it.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    clientErrorHandler: answerClientError,
  });

  const routes: RouteDefinition[] = [];
  routes.push(
    ...systemRoutes({
      registry: deps.registry,
      readiness: deps.readiness,
      version: deps.version,
      allRoutes: () => routes,
    }),
    ...chainRoutes(deps.view),
    ...endpointRoutes({ view: deps.view, samples: deps.samples, clock: deps.clock }),
    ...sloRoutes(deps.slos),
    ...sloReportRoutes({ reports: deps.sloReports, clock: deps.clock }),
    ...runbookRoutes(),
  );
  if (deps.alerts) {
    const { engine, store, outbox, heldUntil } = deps.alerts;
    routes.push(
      ...alertRoutes({ engine, store, outbox, clock: deps.clock }),
      ...silenceRoutes({ engine, clock: deps.clock }),
      ...notificationRoutes({ outbox, clock: deps.clock, heldUntil }),
    );
  }
  if (deps.governance)
    routes.push(
      ...governanceRoutes({ tracker: deps.governance, clock: deps.clock }),
      ...(deps.verifier ? verificationRoutes({ tracker: deps.governance, verifier: deps.verifier }) : []),
    );
  if (deps.correctness) routes.push(...correctnessRoutes(deps.correctness));
  if (deps.canary) routes.push(...canaryRoutes(deps.canary));
  if (deps.beacon) routes.push(...beaconRoutes(deps.beacon));
  if (deps.validators) routes.push(...validatorRoutes({ tracker: deps.validators }));
  registerRoutes(app, routes, deps.auth);

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  app.setErrorHandler(sendError);
  return app;
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) {
    return reply
      .code(error.statusCode)
      .send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
  }
  const clientError = frameworkError(error as Error);
  if (clientError) return reply.code(clientError.statusCode).send(clientError.body);
  request.log.error({ err: error, route: request.routeOptions?.url }, 'request failed');
  return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
}
