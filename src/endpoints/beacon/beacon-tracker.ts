// Keeps the latest observation of every beacon endpoint and each chain's clock (learnt from the probes), and
// turns each new observation into a sample with what the wall clock and the chain's other beacon endpoints
// say (head age, lag, finality distance, health), using the pure rules in beacon-health.ts. It also ranks a
// chain's endpoints for the collectors that need one to read from.

import type { BeaconConfig } from './beacon-schema.js';
import type { BeaconChainHealth, BeaconEndpointHealth, BeaconObservation, BeaconSample, BeaconTiming } from '../../domain/beacon.js';
import type { Clock } from '../../domain/clock.js';
import { beaconEndpointHealth, bestOf, deriveBeaconChainHealth, wallClockSlot, type BeaconHealthPolicy } from './beacon-health.js';

export interface TrackedBeaconChain {
  chain: string;
  endpoints: string[];
  policy: BeaconHealthPolicy;
}

/** An observation as the beacon collector hands it on: with the chain's clock once the probe has read it. */
export type BeaconObservationWithTiming = BeaconObservation & { timing?: BeaconTiming | null };

interface ChainState extends TrackedBeaconChain {
  latest: Map<string, BeaconObservation>;
  timing: BeaconTiming | null;
}

/** The policy of a chain's `beacon:` config. */
export function beaconHealthPolicy(beacon: Pick<BeaconConfig, 'maxLagSlots' | 'maxHeadAge' | 'pollInterval' | 'staleAfterIntervals'>): BeaconHealthPolicy {
  return { maxLagSlots: beacon.maxLagSlots, maxHeadAgeMs: beacon.maxHeadAge, staleAfterMs: beacon.pollInterval * beacon.staleAfterIntervals };
}

/** The chains with beacon endpoints, as the tracker follows them. */
export function trackedBeaconChains(chains: readonly { id: string; beacon?: BeaconConfig | undefined }[]): TrackedBeaconChain[] {
  return chains.flatMap((chain) =>
    chain.beacon ? [{ chain: chain.id, endpoints: chain.beacon.endpoints.map((endpoint) => endpoint.id), policy: beaconHealthPolicy(chain.beacon) }] : [],
  );
}

export class BeaconTracker {
  private readonly chains = new Map<string, ChainState>();
  private readonly chainOfEndpoint = new Map<string, ChainState>();
  /** Asked only at start and hourly, so kept apart from the latest observation. */
  private readonly versions = new Map<string, string>();

  constructor(
    chains: readonly TrackedBeaconChain[],
    private readonly clock: Clock,
  ) {
    for (const chain of chains) {
      const state: ChainState = { ...chain, latest: new Map(), timing: null };
      this.chains.set(chain.chain, state);
      for (const endpoint of chain.endpoints) this.chainOfEndpoint.set(endpoint, state);
    }
  }

  chainIds(): string[] {
    return [...this.chains.keys()];
  }

  /** Records an observation and returns it as a sample, derived against the wall clock and the chain now. */
  observe(observation: BeaconObservationWithTiming): BeaconSample {
    const state = this.chains.get(observation.chain);
    if (!state) throw new Error(`unknown beacon chain ${observation.chain}`);
    if (observation.timing) state.timing = observation.timing;
    this.remember(state, observation);
    const now = this.clock.now();
    const best = bestOf(state.latest.values(), now, state.policy);
    const judged = beaconEndpointHealth(observation.endpoint, observation, { timing: state.timing, highestHeadSlot: best.headSlot, version: null }, now, state.policy);
    return toSample(observation, {
      wallClockSlot: wallClockSlot(state.timing, now),
      // A failed probe's partial answer is kept as it came; only an answered probe is judged against the chain.
      headAgeSeconds: judged.headAgeSeconds,
      lagSlots: judged.lagSlots,
      finalityDistanceEpochs: judged.finalityDistanceEpochs,
      healthy: judged.healthy,
    });
  }

  /** Seeds the tracker (from the store after a restart) without deriving a sample. */
  seed(sample: BeaconSample): void {
    const state = this.chains.get(sample.chain);
    if (!state || !state.endpoints.includes(sample.endpoint)) return;
    this.remember(state, sample);
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
    return deriveBeaconChainHealth(chain, state.endpoints, state.latest, state.timing, this.clock.now(), state.policy, (endpoint) => this.versions.get(endpoint) ?? null);
  }

  allHealth(): BeaconChainHealth[] {
    return this.chainIds().map((chain) => this.health(chain)!);
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
      .sort((a, b) => rank(a) - rank(b) || orLast(a.lagSlots) - orLast(b.lagSlots) || orLast(a.latencyMs) - orLast(b.latencyMs))
      .map((state) => state.endpoint);
  }

  /** Whether the endpoint has an observation recent enough to say anything about it now. */
  isFresh(endpoint: string): boolean {
    const state = this.chainOfEndpoint.get(endpoint);
    const observation = state?.latest.get(endpoint);
    return observation !== undefined && this.clock.now() - observation.at <= state!.policy.staleAfterMs;
  }

  latestObservation(endpoint: string): BeaconObservation | undefined {
    return this.chainOfEndpoint.get(endpoint)?.latest.get(endpoint);
  }

  private remember(state: ChainState, observation: BeaconObservation): void {
    state.latest.set(observation.endpoint, observation);
    if (observation.version !== null) this.versions.set(observation.endpoint, observation.version);
  }
}

/** One literal for every sample, so that they all share one object shape (and no timing is carried along). */
function toSample(observation: BeaconObservation, derived: Pick<BeaconSample, 'wallClockSlot' | 'headAgeSeconds' | 'lagSlots' | 'finalityDistanceEpochs' | 'healthy'>): BeaconSample {
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
