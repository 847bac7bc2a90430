// Keeps the latest observation of every beacon endpoint (the bookkeeping of endpoint-tracker.ts) and each
// chain's clock (learnt from the probes), and turns each new observation into a sample with what the wall
// clock and the chain's other beacon endpoints say (head age, lag, finality distance, health), using the pure
// rules in beacon-health.ts. It also ranks a chain's endpoints for the collectors that need one to read from.

import type { BeaconConfig } from './beacon-schema.js';
import type {
  BeaconChainHealth,
  BeaconEndpointHealth,
  BeaconObservation,
  BeaconSample,
  BeaconTiming,
} from '../../domain/beacon.js';
import type { Clock } from '../../domain/clock.js';
import {
  beaconEndpointHealth,
  bestOf,
  deriveBeaconChainHealth,
  wallClockSlot,
  type BeaconHealthPolicy,
} from './beacon-health.js';
import type { ObservationKind } from '../observation-pipeline.js';
import { EndpointTracker, type TrackedChainState, type TrackedEndpoints } from '../endpoint-tracker.js';

export type TrackedBeaconChain = TrackedEndpoints<BeaconHealthPolicy>;

/** An observation as the beacon collector hands it on: with the chain's clock once the probe has read it. */
export type BeaconObservationWithTiming = BeaconObservation & { timing?: BeaconTiming | null };

interface ChainState extends TrackedChainState<BeaconObservation, BeaconHealthPolicy> {
  timing: BeaconTiming | null;
}

/** The policy of a chain's `beacon:` config. */
export function beaconHealthPolicy(
  beacon: Pick<BeaconConfig, 'maxLagSlots' | 'maxHeadAge' | 'pollInterval' | 'staleAfterIntervals'>,
): BeaconHealthPolicy {
  return {
    maxLagSlots: beacon.maxLagSlots,
    maxHeadAgeMs: beacon.maxHeadAge,
    staleAfterMs: beacon.pollInterval * beacon.staleAfterIntervals,
  };
}

/** The chains with beacon endpoints, as the tracker follows them. */
export function trackedBeaconChains(
  chains: readonly { id: string; beacon?: BeaconConfig | undefined }[],
): TrackedBeaconChain[] {
  return chains.flatMap((chain) =>
    chain.beacon
      ? [
          {
            chain: chain.id,
            endpoints: chain.beacon.endpoints.map((endpoint) => endpoint.id),
            policy: beaconHealthPolicy(chain.beacon),
          },
        ]
      : [],
  );
}

export class BeaconTracker extends EndpointTracker<BeaconObservation, BeaconSample, ChainState, BeaconChainHealth> {
  constructor(chains: readonly TrackedBeaconChain[], clock: Clock) {
    super(
      chains.map((chain) => ({ ...chain, latest: new Map(), timing: null })),
      clock,
    );
  }

  /** Records an observation and returns it as a sample, derived against the wall clock and the chain now. */
  observe(observation: BeaconObservationWithTiming): BeaconSample {
    const state = this.chains.get(observation.chain);
    if (!state) throw new Error(`unknown beacon chain ${observation.chain}`);
    if (observation.timing) state.timing = observation.timing;
    this.remember(state, observation);
    const now = this.clock.now();
    const best = bestOf(state.latest.values(), now, state.policy);
    const judged = beaconEndpointHealth(
      observation.endpoint,
      observation,
      { timing: state.timing, highestHeadSlot: best.headSlot, version: null },
      now,
      state.policy,
    );
    return toSample(observation, {
      wallClockSlot: wallClockSlot(state.timing, now),
      // A failed probe's partial answer is kept as it came; only an answered probe is judged against the chain.
      headAgeSeconds: judged.headAgeSeconds,
      lagSlots: judged.lagSlots,
      finalityDistanceEpochs: judged.finalityDistanceEpochs,
      healthy: judged.healthy,
    });
  }

  /** The chain's clock, once one of its endpoints has been probed successfully. */
  timing(chain: string): BeaconTiming | undefined {
    return this.chains.get(chain)?.timing ?? undefined;
  }

  version(endpoint: string): string | undefined {
    return this.versions.get(endpoint);
  }

  health(chain: string): BeaconChainHealth | undefined {
    const state = this.chains.get(chain);
    if (!state) return undefined;
    return deriveBeaconChainHealth(
      chain,
      state.endpoints,
      state.latest,
      state.timing,
      this.clock.now(),
      state.policy,
      (endpoint) => this.versions.get(endpoint) ?? null,
    );
  }

  /**
   * The chain's endpoints best first, for a reader that fails over: healthy ones, then those up, then the
   * rest; within each, the least lag, then the lowest latency, then the configured order.
   */
  endpointsByHealth(chain: string): string[] {
    const health = this.health(chain);
    if (!health) return [];
    const rank = (state: BeaconEndpointHealth) => (state.healthy ? 0 : state.up ? 1 : 2);
    const orLast = (value: number | null) => value ?? Number.POSITIVE_INFINITY;
    return [...health.endpoints]
      .sort(
        (a, b) =>
          rank(a) - rank(b) || orLast(a.lagSlots) - orLast(b.lagSlots) || orLast(a.latencyMs) - orLast(b.latencyMs),
      )
      .map((state) => state.endpoint);
  }

  protected versionOf(observation: BeaconObservation): string | null {
    return observation.version;
  }
}

/** One literal for every sample, so that they all share one object shape (and no timing is carried along). */
function toSample(
  observation: BeaconObservation,
  derived: Pick<BeaconSample, 'wallClockSlot' | 'headAgeSeconds' | 'lagSlots' | 'finalityDistanceEpochs' | 'healthy'>,
): BeaconSample {
  return {
    chain: observation.chain,
    endpoint: observation.endpoint,
    at: observation.at,
    ok: observation.ok,
    latencyMs: observation.latencyMs,
    errorClass: observation.errorClass,
    errorMessage: observation.errorMessage,
    headSlot: observation.headSlot,
    finalizedEpoch: observation.finalizedEpoch,
    justifiedEpoch: observation.justifiedEpoch,
    syncing: observation.syncing,
    syncDistance: observation.syncDistance,
    optimistic: observation.optimistic,
    peerCount: observation.peerCount,
    version: observation.version,
    failingRoutes: observation.failingRoutes ?? [],
    wallClockSlot: derived.wallClockSlot,
    headAgeSeconds: derived.headAgeSeconds,
    lagSlots: derived.lagSlots,
    finalityDistanceEpochs: derived.finalityDistanceEpochs,
    healthy: derived.healthy,
  };
}

/**
 * The beacon kind in the observation pipeline: each failing route's message is shown in the API beside
 * errorMessage, so it is scrubbed too.
 */
export function beaconObservations(
  tracker: BeaconTracker,
): ObservationKind<BeaconObservationWithTiming, BeaconSample, null> {
  return {
    subject: 'beacon endpoint',
    scrubFields: (observation, scrub) => {
      const routes = observation.failingRoutes;
      if (!routes?.length) return;
      observation.failingRoutes = routes.map((failure) => ({ ...failure, message: scrub(failure.message) }));
    },
    observe: (observation) => ({ sample: tracker.observe(observation), context: null }),
  };
}
