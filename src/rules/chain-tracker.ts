// Keeps the latest observation of every endpoint and turns each new observation into a sample with what
// the chain's other endpoints say (lag, health), using the pure rules in chain-health.ts.

import type { Clock } from '../domain/clock.js';
import type { ChainHealth, RpcObservation, RpcSample } from '../domain/rpc.js';
import { deriveChainHealth, type ChainHealthPolicy } from './chain-health.js';

export interface TrackedChain {
  chain: string;
  endpoints: string[];
  policy: ChainHealthPolicy;
}

export class ChainTracker {
  private readonly chains = new Map<string, TrackedChain>();
  private readonly latest = new Map<string, Map<string, RpcObservation>>();
  /** Asked only at start and hourly, so kept apart from the latest observation. */
  private readonly clientVersions = new Map<string, string>();

  constructor(
    chains: readonly TrackedChain[],
    private readonly clock: Clock,
  ) {
    for (const chain of chains) {
      this.chains.set(chain.chain, chain);
      this.latest.set(chain.chain, new Map());
    }
  }

  chainIds(): string[] {
    return [...this.chains.keys()];
  }

  /** Records an observation and returns it as a sample, derived against the chain at that moment. */
  observe(observation: RpcObservation): { sample: RpcSample; chain: ChainHealth } {
    const latest = this.latest.get(observation.chain);
    if (!latest) throw new Error(`unknown chain ${observation.chain}`);
    latest.set(observation.endpoint, observation);
    if (observation.clientVersion !== null) this.clientVersions.set(observation.endpoint, observation.clientVersion);
    const chain = this.health(observation.chain)!;
    const state = chain.endpoints.find((endpoint) => endpoint.endpoint === observation.endpoint)!;
    const answeredAt = observation.at + observation.latencyMs;
    const headAgeSeconds = observation.headTimestamp === null ? null : answeredAt / 1_000 - observation.headTimestamp;
    return {
      sample: { ...observation, headAgeSeconds, lagBlocks: state.lagBlocks, lagSeconds: state.lagSeconds, healthy: state.healthy },
      chain,
    };
  }

  /** Seeds the tracker (e.g. from the store after a restart) without deriving samples. */
  seed(observation: RpcObservation): void {
    this.latest.get(observation.chain)?.set(observation.endpoint, observation);
    if (observation.clientVersion !== null) this.clientVersions.set(observation.endpoint, observation.clientVersion);
  }

  clientVersion(endpoint: string): string | undefined {
    return this.clientVersions.get(endpoint);
  }

  health(chain: string): ChainHealth | undefined {
    const tracked = this.chains.get(chain);
    if (!tracked) return undefined;
    return deriveChainHealth(chain, tracked.endpoints, this.latest.get(chain)!, this.clock.now(), tracked.policy);
  }

  allHealth(): ChainHealth[] {
    return this.chainIds().map((chain) => this.health(chain)!);
  }

  latestObservation(endpoint: string): RpcObservation | undefined {
    for (const observations of this.latest.values()) {
      const observation = observations.get(endpoint);
      if (observation) return observation;
    }
    return undefined;
  }
}
