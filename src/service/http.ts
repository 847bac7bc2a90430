// The HTTP server, wired: what every capability serves, the readiness it reports, and the listen address.

import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { EreError } from '../domain/errors.js';
import type { Readiness } from '../http/routes/system.js';
import { buildServer, type HttpDeps } from '../http/server.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Database } from '../store/database.js';
import { version } from '../version.js';
import type { Capability, ServiceContext } from './capability.js';

export function createHttp(
  context: ServiceContext,
  capabilities: readonly Capability[],
  readiness: () => Readiness,
): FastifyInstance {
  const served = Object.assign({}, ...capabilities.map((capability) => capability.http)) as Partial<HttpDeps>;
  const { view, samples, slos, sloReports } = served;
  if (!view || !samples || !slos || !sloReports) throw new EreError('the endpoint and SLO capabilities serve nothing');
  const { clock, logger, registry, config } = context;
  return buildServer({
    ...served,
    version,
    clock,
    logger,
    registry,
    readiness,
    view,
    samples,
    slos,
    sloReports,
    auth: config.server.auth,
  });
}

/** Ready once the collectors are scheduled, while the database is open, until the service stops. */
export function readiness(service: { stopping(): boolean; db: Database; scheduler: Scheduler }): () => Readiness {
  return () => {
    if (service.stopping()) return { ready: false, reason: 'shutting down' };
    if (!service.db.open) return { ready: false, reason: 'database is closed' };
    if (!service.scheduler.started) return { ready: false, reason: 'collectors are not scheduled yet' };
    return { ready: true };
  };
}

export async function listen(app: FastifyInstance, config: Config): Promise<string> {
  try {
    return await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.server.host}:${config.server.port}`;
    throw new EreError(`cannot listen on ${where}${code === 'EADDRINUSE' ? ': the address is in use' : ''}`, {
      details: 'choose another port with --port or server.port',
      cause: error,
    });
  }
}
