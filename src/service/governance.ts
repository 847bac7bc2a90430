// Governance, wired: every target ingested on schedule through its chain's healthiest RPC endpoint, with
// its counters and gauges, logs that speak on a change, the API's view and the governance alert rules.

import type { ChainTracker } from '../endpoints/rpc/rpc-tracker.js';
import { resolveGovernanceTarget } from '../governance/governance-schema.js';
import { createGovernanceIngestMetrics, createGovernanceMetrics } from '../governance/governance-metrics.js';
import { GovernanceTracker, type GovernanceTrackerHooks } from '../governance/governance-tracker.js';
import { governanceReaders } from '../governance/ingest/readers.js';
import type { Logger } from '../log/logger.js';
import { governanceAlertRules } from './alerting.js';
import type { Capability, ServiceContext } from './capability.js';
import { ChangeLog, everyHook, shortMessageOf } from './hooks.js';

export interface GovernanceCapability extends Capability {
  tracker: GovernanceTracker;
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

export function createGovernance(context: ServiceContext, chains: ChainTracker): GovernanceCapability {
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
  for (const target of targets) {
    const { id, kind, chain, address } = target;
    log.info(
      { target: id, kind, chain, address, cursor: tracker.status(id)?.cursorBlock ?? null },
      'watching governance target',
    );
  }
  return {
    name: 'governance',
    tracker,
    tasks: tracker.targets().map((target) => ({
      id: `governance/${target.id}`,
      kind: 'governance',
      intervalMs: target.pollIntervalMs,
      run: async () => void (await tracker.poll(target.id, { signal: context.shutdownSignal })),
    })),
    http: { governance: tracker },
    alertRules: governanceAlertRules(config, tracker, clock),
    prune: () => ({}),
  };
}
