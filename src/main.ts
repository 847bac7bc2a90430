// The composition root: builds each capability from the config in the order of the data flow, serves and
// schedules what they give, and shuts them down in one order.

import type { Config } from './config/schema.js';
import { configuredExternalUrl, createAlertingCapability } from './service/alerting.js';
import { createContext, type ServiceOptions } from './service/context.js';
import { createEndpoints } from './service/endpoints.js';
import { createGovernance } from './service/governance.js';
import { createHttp, listen, readiness } from './service/http.js';
import type { RunningService } from './service/running.js';
import { createSlos } from './service/slos.js';
import { createStorage } from './service/storage.js';
import { createValidators } from './service/validators.js';
import { version } from './version.js';

export { secretsScrubber, type ServiceOptions } from './service/context.js';
export type { RunningService } from './service/running.js';
export { settleMs } from './service/slos.js';

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const context = createContext(config, options);
  const { scheduler, db } = context;
  const log = context.logger.child({ module: 'service' });
  let externalUrl = configuredExternalUrl(config);
  const endpoints = createEndpoints(context);
  const slos = createSlos(context);
  const governance = createGovernance(context, endpoints.rpc.tracker, () => externalUrl);
  const validators = createValidators(context, endpoints.beacon);
  const alerting = createAlertingCapability(context, [endpoints, slos, governance, validators], () => externalUrl);
  const capabilities = [endpoints, slos, governance, validators, alerting];
  const all = [...capabilities, createStorage(context, capabilities)];
  for (const task of all.flatMap((capability) => capability.tasks)) scheduler.add(task);

  let stopping = false;
  const app = createHttp(context, all, readiness({ stopping: () => stopping, db, scheduler }));
  // In one order: no new task, then each capability from the last built to the first (the endpoints' writer
  // flushes last), the server, the database.
  const release = async (): Promise<void> => {
    context.shutdown.abort();
    await scheduler.stop();
    for (const capability of [...all].reverse()) await capability.stop?.();
    await app.close();
    db.close();
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      log.info('stopping');
      await release();
      log.info('stopped');
    })());
  const url = await listen(app, config).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  if (config.server.publicUrl === undefined) externalUrl = url;
  for (const capability of all) capability.start?.();
  scheduler.start();
  const endpointCount = endpoints.rpc.targets.length;
  log.info({ url, chains: config.chains.length, endpoints: endpointCount, version }, 'ERE Monitor started');
  const consensus = { beacon: endpoints.beacon.tracker, validators: validators.tracker };
  const parts = { tracker: endpoints.rpc.tracker, slos: slos.engine, alerting: alerting.alerting, consensus };
  const running = { url, app, db, governance: governance.tracker, logger: context.logger, flush: endpoints.flush };
  return { ...running, ...parts, stop };
}
