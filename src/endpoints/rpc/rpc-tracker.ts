// Keeps the latest observation of every RPC endpoint (the bookkeeping of endpoint-tracker.ts) and turns each
// new observation into a sample with what the chain's other endpoints say (lag, health), using the pure rules
// in rpc-health.ts. It runs on every probe, so it judges only the endpoint observed; the full chain state is
// derived for scrapes and the API.

import type { Clock } from '../../domain/clock.js';
import type { ChainHealth, ChainObservation, RpcObservation, RpcSample } from '../../domain/rpc.js';
import { consensusOf, deriveChainHealth, endpointHealth, headReports, type ChainHealthPolicy } from './rpc-health.js';
import { ancestorHeightsFor } from './head-corroboration.js';
import type { ObservationKind } from '../observation-pipeline.js';
import { EndpointTracker, type TrackedChainState, type TrackedEndpoints } from '../endpoint-tracker.js';

export type TrackedChain = TrackedEndpoints<ChainHealthPolicy>;

interface ChainState extends TrackedChainState<RpcObservation, ChainHealthPolicy> {
  /** Each endpoint's last observation of a head other than its latest one, for corroboration. */
  earlier: Map<string, RpcObservation>;
  /** Each endpoint's health as judged at its own last probe. */
  judged: Map<string, { healthy: boolean; at: number }>;
}

export class ChainTracker extends EndpointTracker<RpcObservation, RpcSample, ChainState, ChainHealth> {
  constructor(chains: readonly TrackedChain[], clock: Clock) {
    super(
      chains.map((chain) => ({ ...chain, latest: new Map(), earlier: new Map(), judged: new Map() })),
      clock,
    );
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

  clientVersion(endpoint: string): string | undefined {
    return this.versions.get(endpoint);
  }

  health(chain: string): ChainHealth | undefined {
    const state = this.chains.get(chain);
    if (!state) return undefined;
    return deriveChainHealth(chain, state.endpoints, state.latest, this.clock.now(), state.policy, state.earlier);
  }

  /**
   * Where the endpoint's next probe asks its blocks: at the heads of the chain's other endpoints well below its
   * own, so that its head can be corroborated; none while heads agree.
   */
  ancestorHeights(endpoint: string): number[] {
    const state = this.chainOfEndpoint.get(endpoint);
    if (!state || state.endpoints.length < 2) return [];
    return ancestorHeightsFor(
      endpoint,
      headReports(state.latest.values(), this.clock.now(), state.policy),
      state.policy.maxLagBlocks,
    );
  }

  protected versionOf(observation: RpcObservation): string | null {
    return observation.clientVersion;
  }

  protected override seeded(state: ChainState, sample: RpcSample): void {
    state.judged.set(sample.endpoint, { healthy: sample.healthy, at: sample.at });
  }

  protected override remember(state: ChainState, observation: RpcObservation): void {
    const previous = state.latest.get(observation.endpoint);
    if (previous?.ok && previous.headHash !== null && previous.headBlock !== observation.headBlock)
      state.earlier.set(observation.endpoint, previous);
    super.remember(state, observation);
  }
}

/** One literal for every sample, so they all share one object shape. */
function toSample(
  observation: RpcObservation,
  derived: Pick<RpcSample, 'headAgeSeconds' | 'lagBlocks' | 'lagSeconds' | 'healthy'>,
): RpcSample {
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

/** The RPC kind in the observation pipeline: each sample is stored with its chain's state, for the chain rollups. */
export function rpcObservations(
  tracker: ChainTracker,
): ObservationKind<RpcObservation, RpcSample, ChainObservation | null> {
  return {
    subject: 'endpoint',
    observe: (observation) => {
      const { sample, chain } = tracker.observe(observation);
      return { sample, context: chain };
    },
  };
}
