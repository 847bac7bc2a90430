// Wires the consensus layer for the service: one Beacon API client per beacon endpoint, the endpoint probes
// and their tracker, samples and metrics, and the validator tracker that reads through the healthiest
// endpoint, with its metrics and logs. main.ts schedules what this returns and serves its state.

import type { Registry } from 'prom-client';
import { BeaconClient } from '../endpoints/beacon/beacon-client.js';
import { collectors } from '../endpoints/index.js';
import { collectorRun } from '../endpoints/runner.js';
import { beaconTargets } from '../endpoints/beacon/beacon-schema.js';
import type { Config } from '../config/schema.js';
import type { BeaconEndpointTarget, BeaconObservation } from '../domain/beacon.js';
import type { Clock } from '../domain/clock.js';
import { redactUrl, type SecretScrubber } from '../log/redact.js';
import type { Logger } from '../log/logger.js';
import { createBeaconMetrics } from '../endpoints/beacon/beacon-metrics.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';
import { createValidatorEpochMetrics, createValidatorMetrics } from '../validators/validator-metrics.js';
import { BeaconTracker, trackedBeaconChains } from '../endpoints/beacon/beacon-tracker.js';
import { ValidatorTracker, type ValidatorTrackerHooks } from '../validators/validator-tracker.js';
import { WatchList } from '../validators/watch-list.js';
import type { ScheduledTask } from '../scheduler/scheduler.js';
import { BeaconSampleStore } from '../endpoints/beacon/beacon-samples.js';
import type { Database } from '../store/database.js';

export interface ConsensusLayer {
  targets: BeaconEndpointTarget[];
  beacon: BeaconTracker;
  validators: ValidatorTracker;
  tasks: ScheduledTask[];
  /** Deletes beacon samples and validator history past their retention. */
  prune(nowMs: number): { beaconSamples: number; validatorMisses: number; validatorEpochs: number };
}

/** Hooks that call each of `all` in turn. */
function everyHook(...all: ValidatorTrackerHooks[]): ValidatorTrackerHooks {
  const call =
    <K extends keyof ValidatorTrackerHooks>(name: K) =>
    (...args: Parameters<NonNullable<ValidatorTrackerHooks[K]>>) => {
      for (const hooks of all) (hooks[name] as ((...a: typeof args) => void) | undefined)?.(...args);
    };
  return {
    onAttestationEpoch: call('onAttestationEpoch'),
    onBlockEpoch: call('onBlockEpoch'),
    onFinalizedEpoch: call('onFinalizedEpoch'),
    onDutyReorg: call('onDutyReorg'),
    onStageError: call('onStageError'),
    onEpochSkipped: call('onEpochSkipped'),
  };
}

function validatorLogging(log: Logger): ValidatorTrackerHooks {
  const lastError = new Map<string, string>();
  return {
    onAttestationEpoch: (chain, result, durationMs) => {
      if (lastError.delete(`${chain}/attestations`)) log.info({ chain }, 'validator attestation processing recovered');
      const watched = result.scopes.find((totals) => totals.scope === 'watched');
      log.info({ chain, epoch: result.epoch, ms: Math.round(durationMs), validators: result.networkValidators, watched: watched?.validators, missed: watched?.missed, slashings: result.slashings.length }, 'validator epoch processed');
      for (const index of result.slashings) log.error({ chain, validator: index, epoch: result.epoch }, 'watched validator slashed');
    },
    onBlockEpoch: (chain, result) => {
      for (const proposal of result.proposals) if (proposal.watched && proposal.outcome === 'missed') log.warn({ chain, validator: proposal.validatorIndex, slot: proposal.slot }, 'watched validator missed its proposal');
    },
    onDutyReorg: (chain, epoch, from, to) => log.warn({ chain, epoch, from, to }, 'proposer duties changed (dependent root): re-fetched'),
    onStageError: (chain, stage, epoch, endpoint, error) => {
      const message = (error as { shortMessage?: string }).shortMessage ?? error.message;
      const key = `${chain}/${stage}`;
      if (lastError.get(key) !== message) log.warn({ chain, stage, epoch, endpoint, err: error }, 'validator stage failed on an endpoint; trying the next');
      lastError.set(key, message);
    },
    onEpochSkipped: (chain, stage, epoch, reason) => log.error({ chain, stage, epoch, reason }, 'validator epoch skipped'),
  };
}

export function createConsensusLayer(
  db: Database,
  config: Config,
  deps: { clock: Clock; logger: Logger; registry: Registry; scrubber: SecretScrubber; selfMetrics: SelfMetrics; shutdownSignal: AbortSignal },
): ConsensusLayer {
  const { clock, registry } = deps;
  const targets = beaconTargets(config.chains);
  const beacon = new BeaconTracker(trackedBeaconChains(config.chains), clock);
  const samples = new BeaconSampleStore(db);
  const configured = new Set(targets.map((target) => `${target.chain}/${target.endpoint}`));
  for (const sample of samples.latestPerEndpoint()) if (configured.has(`${sample.chain}/${sample.endpoint}`)) beacon.seed(sample);
  // Without beacon endpoints there are no beacon series at all, not even empty metric families.
  const beaconMetrics = targets.length > 0 ? createBeaconMetrics(registry, beacon) : null;
  const beaconConfig = new Map(config.chains.flatMap((chain) => (chain.beacon ? [[chain.id, chain.beacon] as const] : [])));

  const clients = new Map<string, BeaconClient>();
  for (const target of targets) {
    const settings = beaconConfig.get(target.chain)!;
    clients.set(
      target.endpoint,
      new BeaconClient({
        url: target.url,
        headers: target.headers,
        timeoutMs: target.timeoutMs,
        bulkTimeoutMs: settings.bulkTimeout,
        livenessChunkSize: settings.livenessChunkSize,
        maxListEntries: settings.maxListEntries,
        onRequest: (event) => beaconMetrics?.recordRequest(target, event),
      }),
    );
  }

  const log = deps.logger.child({ module: 'collector', collector: collectors.beacon.kind });
  const lastOutcome = new Map<string, string>();
  const onObservation = (observation: BeaconObservation) => {
    if (observation.errorMessage !== null) observation.errorMessage = deps.scrubber.scrub(observation.errorMessage);
    // Each failing route's message is shown in the API beside errorMessage: scrubbed the same way.
    if (observation.failingRoutes?.length) observation.failingRoutes = observation.failingRoutes.map((failure) => ({ ...failure, message: deps.scrubber.scrub(failure.message) }));
    const sample = beacon.observe(observation);
    beaconMetrics?.recordSample(sample);
    samples.insertMany([sample]);
    const outcome = sample.ok ? 'up' : `down: ${sample.errorClass}`;
    if (lastOutcome.get(sample.endpoint) === outcome) return;
    lastOutcome.set(sample.endpoint, outcome);
    const fields = { chain: sample.chain, endpoint: sample.endpoint, errorClass: sample.errorClass, reason: sample.errorMessage };
    if (sample.ok) log.info(fields, 'beacon endpoint is up');
    else log.warn(fields, 'beacon endpoint probe failed');
  };
  const probeContext = { clock, shutdownSignal: deps.shutdownSignal, createApi: (target: BeaconEndpointTarget) => clients.get(target.endpoint)! };
  const tasks: ScheduledTask[] = targets.map((target) => {
    log.info({ chain: target.chain, endpoint: target.endpoint, url: redactUrl(target.url, { showPath: target.showPath }) }, 'watching beacon endpoint');
    return {
      id: `beacon/${target.endpoint}`,
      kind: collectors.beacon.kind,
      intervalMs: beaconConfig.get(target.chain)!.pollInterval,
      run: collectorRun(collectors.beacon, target, collectors.beacon.createProbe(target, probeContext), { clock, metrics: deps.selfMetrics, onObservation }),
    };
  });

  const chains = [...new Set(config.validators.watch.map((set) => set.chain))];
  const alerting = config.alerting.validators;
  const specs = chains.map((chain) => ({
    chain,
    signal: beaconConfig.get(chain)!.attestations,
    backfillEpochs: config.validators.backfillEpochs,
    sets: config.validators.watch.filter((set) => set.chain === chain),
  }));
  // The counters exist before the tracker, which feeds them through its hooks; the gauges read it after.
  const epochMetrics = specs.length > 0 ? createValidatorEpochMetrics(registry, specs.map((spec) => ({ chain: spec.chain, scopes: new WatchList(spec.sets).scopes }))) : null;
  const validators = new ValidatorTracker(db, specs, {
    clock,
    beacon: {
      endpoints: (chain) => beacon.endpointsByHealth(chain),
      api: (endpoint) => clients.get(endpoint)!,
      head: (chain) => {
        const health = beacon.health(chain);
        if (!health || health.healthyEndpoints === 0) return undefined;
        return { headSlot: health.headSlot, finalizedEpoch: health.finalizedEpoch };
      },
    },
    hooks: everyHook(validatorLogging(deps.logger.child({ module: 'validators' })), epochMetrics?.hooks ?? {}),
    thresholds: { missedInARow: alerting.missedInARow, balanceDecreasingEpochs: alerting.balanceDecreasingEpochs, withdrawalGwei: 5_000_000 },
  });
  if (specs.length > 0) createValidatorMetrics(registry, validators);
  for (const chain of validators.chains()) {
    const watch = validators.watchList(chain)!;
    deps.logger.child({ module: 'validators' }).info({ chain, watched: watch.size, unresolvedPubkeys: watch.unresolvedPubkeys, scopes: watch.scopes.length, cursors: validators.status(chain)!.cursors }, 'watching validators');
    tasks.push({
      id: `validators/${chain}`,
      kind: 'validators',
      intervalMs: beaconConfig.get(chain)!.pollInterval,
      run: async () => validators.poll(chain, { signal: deps.shutdownSignal }),
    });
  }

  return {
    targets,
    beacon,
    validators,
    tasks,
    prune: (nowMs) => {
      const beaconSamples = samples.prune(nowMs - config.storage.rawRetention);
      const pruned = validators.store.prune(nowMs, { missesMs: config.validators.missesRetention, epochsMs: config.validators.epochRetention });
      return { beaconSamples, validatorMisses: pruned.misses, validatorEpochs: pruned.epochs };
    },
  };
}
