// Governance, wired: every target ingested on schedule through its chain's healthiest RPC endpoint, with
// its counters and gauges, logs that speak on a change, the API's view and the governance alert rules.

import type { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import { resolveGovernanceTarget } from '../governance/governance-schema.js';
import { createGovernanceIngestMetrics, createGovernanceMetrics } from '../governance/governance-metrics.js';
import { GovernanceTracker, type GovernanceTrackerHooks } from '../governance/governance-tracker.js';
import { governanceReaders } from '../governance/ingest/readers.js';
import type { Config } from '../config/schema.js';
import { decisionPolicy } from '../governance/policy/policy-schema.js';
import { AnvilError, resolveAnvilBinary } from '../anvil/anvil.js';
import { reapOrphanForks } from '../governance/simulate/fork.js';
import { VerificationStore } from '../governance/verify/verification-store.js';
import { DecisionVerifier, type VerifierDeps } from '../governance/verify/verifier.js';
import { createVerifierMetrics } from '../governance/verify/verifier-metrics.js';
import type { Logger } from '../log/logger.js';
import { configuredExternalUrl, governanceAlertRules } from './alerting.js';
import type { Capability, ServiceContext } from './capability.js';
import { ChangeLog, everyHook, shortMessageOf } from './hooks.js';

export interface GovernanceCapability extends Capability {
  tracker: GovernanceTracker;
  /** Simulates the decisions still to run; null when `simulation.enabled` is false. */
  verifier: DecisionVerifier | null;
}

/** The chain's healthiest endpoint, else its first, as the upstream of its forks. */
function forkUpstream(config: Config, chains: ChainTracker, chain: string) {
  const settings = config.chains.find((candidate) => candidate.id === chain);
  if (!settings || settings.rpc.length === 0) return null;
  const healthy = chains.health(chain)?.endpoints.find((endpoint) => endpoint.healthy)?.endpoint;
  const endpoint = settings.rpc.find((candidate) => candidate.id === healthy) ?? settings.rpc[0]!;
  return { url: endpoint.url, headers: endpoint.headers, timeoutMs: settings.timeout, chainId: settings.chainId };
}

function createVerifier(
  context: ServiceContext,
  tracker: GovernanceTracker,
  chains: ChainTracker,
  log: Logger,
): { verifier: DecisionVerifier; store: VerificationStore } | null {
  const { config, clock } = context;
  if (!config.simulation.enabled) return null;
  try {
    resolveAnvilBinary();
  } catch (error) {
    // No anvil for this platform: every simulation would fail and burn the verification SLO.
    log.warn(
      { reason: error instanceof AnvilError ? `${error.shortMessage}; ${error.details ?? ''}` : String(error) },
      'governance simulation is off: no anvil binary to fork with',
    );
    return null;
  }
  const policies = new Map(config.governance.map((target) => [target.id, decisionPolicy(target.policy)]));
  const metrics = createVerifierMetrics(context.registry);
  const pidDir = config.storage.path === ':memory:' ? undefined : `${config.storage.path}-forks`;
  if (pidDir !== undefined) {
    const reaped = reapOrphanForks(pidDir);
    if (reaped.length > 0) log.warn({ pids: reaped }, 'reaped governance forks left by a previous run');
  }
  // Only targets caught up with their chain: while history is ingested, a decision that has long run (its
  // execution not ingested yet) would be simulated at an old block, alerted on and counted. One fork block
  // per chain (the newest cursor of its caught-up targets), so that one fork serves them all.
  const decisions = () => {
    const caughtUp = tracker.targets().filter((target) => tracker.status(target.id)?.caughtUp === true);
    const forkBlocks = new Map<string, number>();
    for (const target of caughtUp) {
      const block = tracker.status(target.id)?.cursorBlock;
      if (block != null) forkBlocks.set(target.chain, Math.max(block, forkBlocks.get(target.chain) ?? 0));
    }
    return caughtUp.map((target) => ({
      target,
      decisions: tracker.verifiable(target.id),
      forkBlock: forkBlocks.get(target.chain) ?? null,
    }));
  };
  const store = new VerificationStore(context.db);
  const verifier = new DecisionVerifier(
    {
      clock,
      store,
      decoder: tracker.decoder,
      decisions,
      decisionsOf: (target) => tracker.verifiable(target),
      outcomes: {
        decided: (target) => tracker.store.outcomeSubjects(target, 'verification'),
        record: (outcomes, nowMs) => tracker.store.recordOutcomes(outcomes, nowMs),
      },
      safe: (chain, address) => tracker.signers(chain, address),
      upstream: (chain) => forkUpstream(config, chains, chain),
      policy: (target) => policies.get(target.id)!,
      abis: config.abis.flatMap((entry) => entry.loaded.map((loaded) => loaded.abi)),
      hooks: everyHook<NonNullable<VerifierDeps['hooks']>>(metrics.hooks, {
        onVerified: (target, verification) => {
          const { decisionType, decisionId, outcome, errorCode, findings } = verification;
          const fields = { target: target.id, decision: `${decisionType} ${decisionId}`, outcome };
          if (outcome === 'error')
            log.warn({ ...fields, errorCode, reason: verification.errorMessage }, 'simulation failed');
          else log.info({ ...fields, findings: findings.map((finding) => finding.check) }, 'decision simulated');
        },
      }),
    },
    {
      beforeEtaMs: config.simulation.beforeEta,
      timeoutMs: config.simulation.timeout,
      ...(pidDir === undefined ? {} : { pidDir }),
    },
  );
  metrics.watch(verifier, () =>
    tracker.targets().map((target) => ({
      target,
      pending: verifier
        .pending()
        .filter((entry) => entry.target.id === target.id)
        .map((entry) => entry.decision.id),
    })),
  );
  return { verifier, store };
}

function governanceLogging(log: Logger): GovernanceTrackerHooks {
  const errors = new ChangeLog();
  return {
    onBatch: (target, batch) => {
      if (errors.cleared(target.id)) log.info({ target: target.id }, 'governance ingestion recovered');
      if (batch.inserted > 0) {
        log.debug({ target: target.id, events: batch.inserted, blocks: batch.blocks }, 'governance events ingested');
      }
    },
    onSkipped: (target, skipped) => {
      const { reason, blockNumber: block, logIndex, detail } = skipped;
      log.warn({ target: target.id, reason, block, logIndex, detail }, 'governance log skipped');
    },
    onReorg: (target, reorg) => {
      log.warn(
        { target: target.id, ...reorg },
        'chain reorganised under a governance target: rolled back and re-ingesting',
      );
    },
    onError: (target, error) => {
      if (errors.changed(target.id, shortMessageOf(error))) {
        log.warn({ target: target.id, err: error }, 'governance ingestion failed');
      }
    },
  };
}

export function createGovernance(
  context: ServiceContext,
  chains: ChainTracker,
  /** The URL the service answers at, for the reports its alerts link to. */
  externalUrl: () => string = () => configuredExternalUrl(context.config),
): GovernanceCapability {
  const { config, clock, registry } = context;
  const log = context.logger.child({ module: 'governance' });
  const targets = config.governance.map(resolveGovernanceTarget);
  // The counters exist before the tracker, which feeds them through its hooks; the gauges read it after.
  const metrics = createGovernanceIngestMetrics(registry, targets);
  const tracker = new GovernanceTracker(context.db, targets, {
    clock,
    readers: governanceReaders(config, chains, metrics.onRequest),
    abis: config.abis.flatMap((entry) => entry.loaded),
    hooks: everyHook(governanceLogging(log), metrics.hooks),
  });
  createGovernanceMetrics(registry, tracker, clock);
  const verification = targets.length > 0 ? createVerifier(context, tracker, chains, log) : null;
  const verifier = verification?.verifier ?? null;
  for (const target of targets) {
    const { id, kind, chain, address } = target;
    log.info(
      { target: id, kind, chain, address, cursor: tracker.status(id)?.cursorBlock ?? null },
      'watching governance target',
    );
  }
  const ingestion = tracker.targets().map((target) => ({
    id: `governance/${target.id}`,
    kind: 'governance',
    intervalMs: target.pollIntervalMs,
    run: async () => void (await tracker.poll(target.id, { signal: context.shutdownSignal })),
  }));
  const simulation = verifier
    ? [
        {
          id: 'governance/simulation',
          kind: 'governance',
          intervalMs: config.simulation.interval,
          run: async () => void (await verifier.run(context.shutdownSignal)),
        },
      ]
    : [];
  return {
    name: 'governance',
    tracker,
    verifier,
    tasks: [...ingestion, ...simulation],
    http: { governance: tracker, ...(verifier ? { verifier } : {}) },
    alertRules: governanceAlertRules(config, tracker, clock, verifier, externalUrl),
    prune: (nowMs): Record<string, number> => {
      if (!verification) return {};
      return { governance_verifications: verification.store.prune(nowMs - config.simulation.retention) };
    },
    stop: () => verifier?.stop(),
  };
}
