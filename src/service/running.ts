// What a started service gives its caller (the CLI, the demo, tests): where it listens, its parts to read,
// and its stop.

import type { FastifyInstance } from 'fastify';
import type { BeaconTracker } from '../endpoints/beacon/beacon-tracker.js';
import type { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import type { GovernanceTracker } from '../governance/governance-tracker.js';
import type { Logger } from '../log/logger.js';
import type { SloEngine } from '../slo/slo-engine.js';
import type { Database } from '../store/database.js';
import type { ValidatorTracker } from '../validators/validator-tracker.js';
import type { Alerting } from './alerting.js';

export interface RunningService {
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:9470`. */
  url: string;
  app: FastifyInstance;
  db: Database;
  tracker: ChainTracker;
  slos: SloEngine;
  alerting: Alerting;
  governance: GovernanceTracker;
  consensus: { beacon: BeaconTracker; validators: ValidatorTracker };
  logger: Logger;
  /** Flushes buffered samples now (tests read the store right after). */
  flush(): void;
  stop(): Promise<void>;
}
