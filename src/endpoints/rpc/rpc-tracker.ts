// Keeps the latest observation of every endpoint and turns each new observation into a sample with what
// the chain's other endpoints say (lag, health), using the pure rules in chain-health.ts. It runs on every
// probe, so it judges only the endpoint observed; the full chain state is derived for scrapes and the API.

import type { Clock } from '../../domain/clock.js';
import type { ChainHealth, ChainObservation, RpcObservation, RpcSample } from '../../domain/rpc.js';
import { consensusOf, deriveChainHealth, endpointHealth, headReports, type ChainHealthPolicy } from './rpc-health.js';
import { ancestorHeightsFor } from './head-corroboration.js';

export interface TrackedChain {
  chain: string;
  endpoints: string[];
  policy: ChainHealthPolicy;
}

interface ChainState extends TrackedChain {
  latest: Map<string, RpcObservation>;
  /** Each endpoint's last observation of a head other than its latest one, for corroboration. */
  earlier: Map<string, RpcObservation>;
  /** Each endpoint's health as judged at its own last probe. */
  judged: Map<string, { healthy: boolean; at: number }>;
}

export class ChainTracker {
  private readonly chains = new Map<string, ChainState>();
  private readonly chainOfEndpoint = new Map<string, ChainState>();
  /** Asked only at start and hourly, so kept apart from the latest observation. */
  private readonly clientVersions = new Map<string, string>();

  constructor(
    chains: readonly TrackedChain[],
    private readonly clock: Clock,
  ) {
    for (const chain of chains) {
      const state: ChainState = { ...chain, latest: new Map(), earlier: new Map(), judged: new Map() };
      this.chains.set(chain.chain, state);
      for (const endpoint of chain.endpoints) this.chainOfEndpoint.set(endpoint, state);
    }
  }

  chainIds(): string[] {
    return [...this.chains.keys()];
  }

  /**
   * Records an observation and returns it as a sample, derived against the chain at that moment, with the
   * chain's state; that is null until every endpoint has a fresh judgment (just after start, or after a
   * stall), because redundancy is not known then, and an unknown is neither good nor bad.
   */
  observe(observation: RpcObservation): { sample: RpcSample; chain: ChainObservation | null } {
    const state = this.chains.get(observation.chain);
    if (!state) throw new Error(`unknown chain ${observation.chain}`);
    this.remember(state, observation);
    const now = this.clock.now();
    const consensus = consensusOf(state.latest.values(), now, state.policy, state.earlier.values());
    const judged = endpointHealth(observation.endpoint, observation, consensus, now, state.policy);
    state.judged.set(observation.endpoint, { healthy: judged.healthy, at: observation.at });

    let healthyEndpoints = 0;
    let fresh = 0;
    for (const { healthy, at } of state.judged.values()) {
      if (now - at > state.policy.staleAfterMs) continue;
      fresh += 1;
      if (healthy) healthyEndpoints += 1;
    }
    const answeredAt = observation.at + observation.latencyMs;
    return {
      sample: toSample(observation, {
        headAgeSeconds: observation.headTimestamp === null ? null : answeredAt / 1_000 - observation.headTimestamp,
        lagBlocks: judged.lagBlocks,
        lagSeconds: judged.lagSeconds,
        healthy: judged.healthy,
      }),
      chain:
        fresh < state.endpoints.length
          ? null
          : {
              chain: state.chain,
              consensusHead: consensus.head,
              headAgeSeconds: consensus.timestamp === null ? null : now / 1_000 - consensus.timestamp,
              configuredEndpoints: state.endpoints.length,
              healthyEndpoints,
            },
    };
  }

  /** Seeds the tracker (e.g. from the store after a restart) without deriving samples. */
  seed(sample: RpcSample): void {
    const state = this.chains.get(sample.chain);
    if (!state) return;
    this.remember(state, sample);
    state.judged.set(sample.endpoint, { healthy: sample.healthy, at: sample.at });
  }

  clientVersion(endpoint: string): string | undefined {
    return this.clientVersions.get(endpoint);
  }

  health(chain: string): ChainHealth | undefined {
    const state = this.chains.get(chain);
    if (!state) return undefined;
    return deriveChainHealth(chain, state.endpoints, state.latest, this.clock.now(), state.policy, state.earlier);
  }

  allHealth(): ChainHealth[] {
    return this.chainIds().map((chain) => this.health(chain)!);
  }

  /** Whether the endpoint has an observation recent enough to say anything about it now. */
  isFresh(endpoint: string): boolean {
    const state = this.chainOfEndpoint.get(endpoint);
    const observation = state?.latest.get(endpoint);
    return observation !== undefined && this.clock.now() - observation.at <= state!.policy.staleAfterMs;
  }

  /**
   * Where the endpoint's next probe asks its blocks: at the heads of the chain's other endpoints well below its
   * own, so that its head can be corroborated; none while heads agree.
   */
  ancestorHeights(endpoint: string): number[] {
    const state = this.chainOfEndpoint.get(endpoint);
    if (!state || state.endpoints.length < 2) return [];
    return ancestorHeightsFor(endpoint, headReports(state.latest.values(), this.clock.now(), state.policy), state.policy.maxLagBlocks);
  }

  latestObservation(endpoint: string): RpcObservation | undefined {
    return this.chainOfEndpoint.get(endpoint)?.latest.get(endpoint);
  }

  private remember(state: ChainState, observation: RpcObservation): void {
    const previous = state.latest.get(observation.endpoint);
    if (previous?.ok && previous.headHash !== null && previous.headBlock !== observation.headBlock) state.earlier.set(observation.endpoint, previous);
    state.latest.set(observation.endpoint, observation);
    if (observation.clientVersion !== null) this.clientVersions.set(observation.endpoint, observation.clientVersion);
  }
}

/** One literal for every sample, so they all share one object shape. */
function toSample(observation: RpcObservation, derived: Pick<RpcSample, 'headAgeSeconds' | 'lagBlocks' | 'lagSeconds' | 'healthy'>): RpcSample {
  return {
    chain: observation.chain,
    endpoint: observation.endpoint,
    at: observation.at,
    ok: observation.ok,
    latencyMs: observation.latencyMs,
    errorClass: observation.errorClass,
    errorMessage: observation.errorMessage,
    chainId: observation.chainId,
    headBlock: observation.headBlock,
    headTimestamp: observation.headTimestamp,
    headHash: observation.headHash,
    ancestorHashes: observation.ancestorHashes,
    syncing: observation.syncing,
    peerCount: observation.peerCount,
    gasUsed: observation.gasUsed,
    gasLimit: observation.gasLimit,
    baseFeePerGasWei: observation.baseFeePerGasWei,
    clientVersion: observation.clientVersion,
    batched: observation.batched,
    headAgeSeconds: derived.headAgeSeconds,
    lagBlocks: derived.lagBlocks,
    lagSeconds: derived.lagSeconds,
    healthy: derived.healthy,
  };
}
