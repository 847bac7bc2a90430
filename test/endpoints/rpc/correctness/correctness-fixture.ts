// A chain of real endpoints for the data checks' tests: the targets, their probes and the tracker that the
// probes feed, the check made from a config section, and the engine that turns its runs into health.
import { Registry } from 'prom-client';
import { systemClock } from '../../../../src/domain/clock.js';
import type { RpcEndpointTarget } from '../../../../src/domain/rpc.js';
import type {
  CheckChain,
  CorrectnessCheckKind,
  RunningCheck,
} from '../../../../src/endpoints/rpc/correctness/check.js';
import { CorrectnessEngine } from '../../../../src/endpoints/rpc/correctness/correctness-engine.js';
import { correctnessSchema } from '../../../../src/endpoints/rpc/correctness/correctness-schema.js';
import { CorrectnessStore } from '../../../../src/endpoints/rpc/correctness/correctness-store.js';
import { endpointCaller } from '../../../../src/endpoints/rpc/correctness/rpc-calls.js';
import { rpcEndpointCollector } from '../../../../src/endpoints/rpc/rpc-endpoint.js';
import { ChainTracker } from '../../../../src/endpoints/rpc/rpc-tracker.js';
import { type Database, openDatabase } from '../../../../src/store/database.js';

export interface CheckedChain {
  tracker: ChainTracker;
  targets: RpcEndpointTarget[];
  /** Every endpoint probed once, in turn, and its observation given to the tracker. */
  probeAll(): Promise<void>;
  /** The check of `kind` made from the config `{ enabled: true, ...config }`. */
  check(kind: CorrectnessCheckKind, config: unknown, extra?: Partial<CheckChain>): RunningCheck;
  /** An engine over the checks given, with its store on an in-memory database. */
  engine(checks: readonly RunningCheck[]): {
    engine: CorrectnessEngine;
    store: CorrectnessStore;
    db: Database;
    close(): void;
  };
}

export function checkedChain(chain: string, urls: Record<string, string>, chainId = 31337): CheckedChain {
  const endpoints = Object.keys(urls);
  const tracker = new ChainTracker(
    [{ chain, endpoints, policy: { maxLagBlocks: 5, staleAfterMs: 60_000 } }],
    systemClock,
  );
  const targets: RpcEndpointTarget[] = Object.entries(urls).map(([endpoint, url]) => ({
    chain,
    endpoint,
    url,
    headers: {},
    expectedChainId: chainId,
    timeoutMs: 2_000,
    labels: {},
    ancestorHeights: () => tracker.ancestorHeights(endpoint),
    askTags: () => tracker.askTags(endpoint),
  }));
  const context = { clock: systemClock, shutdownSignal: new AbortController().signal };
  const probes = targets.map((target) => rpcEndpointCollector.createProbe(target, context));
  return {
    tracker,
    targets,
    async probeAll() {
      for (const probe of probes) tracker.observe(await probe.run());
    },
    check(kind, config, extra = {}) {
      const parsed = correctnessSchema.parse({ enabled: true, ...(config as object) });
      const made = kind.create({
        chain,
        config: parsed,
        endpoints: targets.map(endpointCaller),
        tracker,
        pollIntervalMs: 200,
        ...extra,
      });
      if (!made) throw new Error(`the ${kind.section} check is off in that config`);
      return made;
    },
    engine(checks) {
      const { db } = openDatabase(':memory:');
      const store = new CorrectnessStore(db);
      const engine = new CorrectnessEngine(
        [{ chain, endpoints, holdMs: 60_000, checks: checks.flatMap((check) => check.checks) }],
        { tracker, store, clock: systemClock, registry: new Registry() },
      );
      return { engine, store, db, close: () => db.close() };
    },
  };
}

/** Each endpoint's outcome in a check's result, as [endpoint, outcome] pairs. */
export const outcomes = (result: { verdicts: readonly { endpoint: string; outcome: string }[] } | undefined) =>
  result?.verdicts.map((verdict) => [verdict.endpoint, verdict.outcome]);

/** A contract whose `tick()` emits 18 logs and adds 18 to `total`: a block of logs to compare, and a state to read. */
export const emitterSource = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Emitter {
  uint256 public total;
  event Tick(uint256 indexed index, uint256 value);
  function tick() external {
    for (uint256 i = 0; i < 18; i++) emit Tick(i, total + i);
    total += 18;
  }
}`;
