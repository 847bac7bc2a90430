// The data checks of every chain, wired: one scheduled task per chain and check section, each of whose runs
// the engine turns into outcomes, holds, rows and metrics. A run that throws is one lost round, logged.

import type { Registry } from 'prom-client';
import type { Clock } from '../../../domain/clock.js';
import type { CorrectnessCheck, RpcEndpointTarget } from '../../../domain/rpc.js';
import type { Logger } from '../../../log/logger.js';
import type { ScheduledTask } from '../../../scheduler/scheduler.js';
import type { Database } from '../../../store/database.js';
import type { ChainConfig } from '../../chain-schema.js';
import type { ChainTracker } from '../rpc-tracker.js';
import type { BeaconBlocks } from './check.js';
import { correctnessCheckKinds } from './checks/index.js';
import { CorrectnessEngine } from './correctness-engine.js';
import { CorrectnessStore } from './correctness-store.js';
import { endpointCaller } from './rpc-calls.js';

export type { CorrectnessReader } from './correctness-engine.js';
export { CorrectnessStore } from './correctness-store.js';

export interface CorrectnessDeps {
  chains: readonly ChainConfig[];
  targets: readonly RpcEndpointTarget[];
  tracker: ChainTracker;
  db: Database;
  clock: Clock;
  registry: Registry;
  logger: Logger;
  shutdownSignal: AbortSignal;
  /** The beacon chain's execution blocks, on chains with beacon endpoints. */
  beaconBlocks?: (chain: string) => ((signal: AbortSignal) => Promise<BeaconBlocks | null>) | undefined;
}

export function wireCorrectness(deps: CorrectnessDeps): {
  engine: CorrectnessEngine;
  store: CorrectnessStore;
  tasks: ScheduledTask[];
} {
  const store = new CorrectnessStore(deps.db);
  const log = deps.logger.child({ module: 'correctness' });
  const running = deps.chains.flatMap((chain) => {
    const endpoints = deps.targets.filter((target) => target.chain === chain.id).map(endpointCaller);
    if (endpoints.length === 0) return [];
    const checkChain = {
      chain: chain.id,
      config: chain.correctness,
      endpoints,
      tracker: deps.tracker,
      pollIntervalMs: chain.pollInterval,
      beaconBlocks: deps.beaconBlocks?.(chain.id),
    };
    return correctnessCheckKinds.flatMap((kind) => {
      const check = kind.create(checkChain);
      return check ? [{ chain, section: kind.section, check }] : [];
    });
  });
  const engine = new CorrectnessEngine(
    deps.chains.map((chain) => ({
      chain: chain.id,
      endpoints: chain.rpc.map((endpoint) => endpoint.id),
      holdMs: chain.correctness.for,
      checks: running
        .filter((entry) => entry.chain === chain)
        .flatMap(({ check }) => check.checks as CorrectnessCheck[]),
    })),
    { tracker: deps.tracker, store, clock: deps.clock, registry: deps.registry },
  );
  engine.seed();
  const tasks = running.map(
    ({ chain, section, check }): ScheduledTask => ({
      id: `correctness/${chain.id}/${section}`,
      kind: 'correctness',
      intervalMs: check.intervalMs,
      run: async () => {
        try {
          engine.apply(chain.id, await check.run(deps.shutdownSignal));
        } catch (error) {
          if (deps.shutdownSignal.aborted) return;
          log.warn({ chain: chain.id, check: section, err: error }, 'data check failed');
        }
      },
    }),
  );
  return { engine, store, tasks };
}
