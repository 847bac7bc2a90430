// The canary of every chain that configures one (chains[].canary), wired: one engine per chain, a task per
// chain run every `watchInterval`, the metrics, and what the API and the alerts read. A tick that throws
// is one lost look, logged: the attempt it was about is in the store and the next tick takes it up.

import type { Registry } from 'prom-client';
import type { Clock } from '../../../domain/clock.js';
import type { RpcEndpointTarget } from '../../../domain/rpc.js';
import type { Logger } from '../../../log/logger.js';
import type { ScheduledTask } from '../../../scheduler/scheduler.js';
import type { Database } from '../../../store/database.js';
import type { ChainConfig } from '../../chain-schema.js';
import { endpointCaller } from '../correctness/rpc-calls.js';
import { CanaryEngine } from './canary-engine.js';
import { type CanaryGaugeReader, createCanaryMetrics } from './canary-metrics.js';
import { CanaryStore } from './canary-store.js';

export { CanaryEngine } from './canary-engine.js';
export { CanaryStore } from './canary-store.js';

/** What the API and the alerts read: each chain's canary. */
export interface CanaryReader {
  engines: readonly CanaryEngine[];
  engine(chain: string): CanaryEngine | undefined;
  store: CanaryStore;
}

/** What the scrape-time gauges read of the engines (read at each scrape, so engines added later count). */
export function canaryGauges(engines: readonly CanaryEngine[]): CanaryGaugeReader {
  return {
    chains: () =>
      engines.map((engine) => ({
        chain: engine.chain,
        balanceWei: engine.balanceWei,
        inFlight: engine.inFlight.length > 0,
        inclusion: engine.inclusion,
        propagation: engine.propagation,
      })),
  };
}

export interface CanaryWiringDeps {
  chains: readonly ChainConfig[];
  targets: readonly RpcEndpointTarget[];
  db: Database;
  clock: Clock;
  registry: Registry;
  logger: Logger;
  shutdownSignal: AbortSignal;
}

export function wireCanary(deps: CanaryWiringDeps): { reader: CanaryReader; tasks: ScheduledTask[] } {
  const store = new CanaryStore(deps.db);
  const logger = deps.logger.child({ module: 'canary' });
  const engines: CanaryEngine[] = [];
  const metrics = createCanaryMetrics(deps.registry, canaryGauges(engines));
  for (const chain of deps.chains) {
    const endpoints = deps.targets.filter((target) => target.chain === chain.id).map(endpointCaller);
    if (!chain.canary || endpoints.length === 0) continue;
    engines.push(
      new CanaryEngine(
        { chain: chain.id, chainId: chain.chainId, config: chain.canary, endpoints },
        { store, clock: deps.clock, metrics, logger },
      ),
    );
  }
  const tasks = engines.map(
    (engine): ScheduledTask => ({
      id: `canary/${engine.chain}`,
      kind: 'canary',
      intervalMs: deps.chains.find((chain) => chain.id === engine.chain)!.canary!.watchInterval,
      run: async () => {
        try {
          await engine.tick(deps.shutdownSignal);
        } catch (error) {
          if (deps.shutdownSignal.aborted) return;
          logger.warn({ chain: engine.chain, err: error }, 'canary look failed');
        }
      },
    }),
  );
  return {
    reader: { engines, engine: (chain) => engines.find((engine) => engine.chain === chain), store },
    tasks,
  };
}
