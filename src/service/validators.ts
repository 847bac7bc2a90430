// Validators, wired: per chain, the tracker that reads each epoch through the healthiest beacon endpoint
// (blocks, attestations, finality), with its counters and gauges, logs that speak on a change, the API's
// view, the validator alert rules and the retention of misses and epochs.

import type { BeaconClient } from '../endpoints/beacon/beacon-client.js';
import type { BeaconTracker } from '../endpoints/beacon/beacon-tracker.js';
import type { Logger } from '../log/logger.js';
import { createValidatorEpochMetrics, createValidatorMetrics } from '../validators/validator-metrics.js';
import { ValidatorTracker, type ValidatorTrackerHooks } from '../validators/validator-tracker.js';
import { WatchList } from '../validators/watch-list.js';
import { validatorAlertRules } from './alerting.js';
import type { Capability, ServiceContext } from './capability.js';
import { ChangeLog, everyHook, shortMessageOf } from './hooks.js';

export interface ValidatorsCapability extends Capability {
  tracker: ValidatorTracker;
}

function validatorLogging(log: Logger): ValidatorTrackerHooks {
  const errors = new ChangeLog();
  return {
    onAttestationEpoch: (chain, result, durationMs) => {
      if (errors.cleared(`${chain}/attestations`)) log.info({ chain }, 'validator attestation processing recovered');
      const watched = result.scopes.find((totals) => totals.scope === 'watched');
      const fields = {
        chain,
        epoch: result.epoch,
        ms: Math.round(durationMs),
        validators: result.networkValidators,
        watched: watched?.validators,
        missed: watched?.missed,
        slashings: result.slashings.length,
      };
      log.info(fields, 'validator epoch processed');
      for (const index of result.slashings) {
        log.error({ chain, validator: index, epoch: result.epoch }, 'watched validator slashed');
      }
    },
    onBlockEpoch: (chain, result) => {
      for (const proposal of result.proposals) {
        if (!proposal.watched || proposal.outcome !== 'missed') continue;
        log.warn(
          { chain, validator: proposal.validatorIndex, slot: proposal.slot },
          'watched validator missed its proposal',
        );
      }
    },
    onDutyReorg: (chain, epoch, from, to) => {
      log.warn({ chain, epoch, from, to }, 'proposer duties changed (dependent root): re-fetched');
    },
    onStageError: (chain, stage, epoch, endpoint, error) => {
      if (!errors.changed(`${chain}/${stage}`, shortMessageOf(error))) return;
      log.warn({ chain, stage, epoch, endpoint, err: error }, 'validator stage failed on an endpoint; trying the next');
    },
    onEpochSkipped: (chain, stage, epoch, reason) =>
      log.error({ chain, stage, epoch, reason }, 'validator epoch skipped'),
  };
}

export function createValidators(
  context: ServiceContext,
  beacon: { tracker: BeaconTracker; clients: ReadonlyMap<string, BeaconClient> },
): ValidatorsCapability {
  const { config, clock, registry } = context;
  const log = context.logger.child({ module: 'validators' });
  const settings = new Map(config.chains.flatMap((chain) => (chain.beacon ? [[chain.id, chain.beacon] as const] : [])));
  const chains = [...new Set(config.validators.watch.map((set) => set.chain))];
  const specs = chains.map((chain) => ({
    chain,
    signal: settings.get(chain)!.attestations,
    backfillEpochs: config.validators.backfillEpochs,
    sets: config.validators.watch.filter((set) => set.chain === chain),
  }));
  // The counters exist before the tracker, which feeds them through its hooks; the gauges read it after.
  const scopes = specs.map((spec) => ({ chain: spec.chain, scopes: new WatchList(spec.sets).scopes }));
  const epochMetrics = specs.length > 0 ? createValidatorEpochMetrics(registry, scopes) : null;
  const alerting = config.alerting.validators;
  const tracker = new ValidatorTracker(context.db, specs, {
    clock,
    beacon: {
      endpoints: (chain) => beacon.tracker.endpointsByHealth(chain),
      api: (endpoint) => beacon.clients.get(endpoint)!,
      head: (chain) => {
        const health = beacon.tracker.health(chain);
        if (!health || health.healthyEndpoints === 0) return undefined;
        return { headSlot: health.headSlot, finalizedEpoch: health.finalizedEpoch };
      },
    },
    hooks: everyHook(validatorLogging(log), epochMetrics?.hooks ?? {}),
    thresholds: {
      missedInARow: alerting.missedInARow,
      balanceDecreasingEpochs: alerting.balanceDecreasingEpochs,
      withdrawalGwei: 5_000_000,
    },
  });
  if (specs.length > 0) createValidatorMetrics(registry, tracker);
  const tasks = tracker.chains().map((chain) => {
    const watch = tracker.watchList(chain)!;
    const { cursors } = tracker.status(chain)!;
    const fields = {
      chain,
      watched: watch.size,
      unresolvedPubkeys: watch.unresolvedPubkeys,
      scopes: watch.scopes.length,
      cursors,
    };
    log.info(fields, 'watching validators');
    const run = async () => tracker.poll(chain, { signal: context.shutdownSignal });
    return { id: `validators/${chain}`, kind: 'validators', intervalMs: settings.get(chain)!.pollInterval, run };
  });
  return {
    name: 'validators',
    tracker,
    tasks,
    http: tracker.chains().length > 0 ? { validators: tracker } : {},
    alertRules: validatorAlertRules(config, tracker, clock),
    thresholdReaders: { validators: tracker },
    prune: (nowMs) => {
      const retention = { missesMs: config.validators.missesRetention, epochsMs: config.validators.epochRetention };
      const pruned = tracker.store.prune(nowMs, retention);
      return { validator_misses: pruned.misses, validator_epochs: pruned.epochs };
    },
  };
}
