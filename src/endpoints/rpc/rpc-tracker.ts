// Keeps the latest observation of every RPC endpoint (the bookkeeping of endpoint-tracker.ts) and turns each
// new observation into a sample with what the chain's other endpoints say (lag, health), using the pure rules
// in rpc-health.ts. It runs on every probe, so it judges only the endpoint observed; the full chain state is
// derived for scrapes and the API.

import type { Clock } from '../../domain/clock.js';
import type {
  ChainHealth,
  ChainObservation,
  IncorrectData,
  RpcObservation,
  RpcSample,
  TagBlocks,
} from '../../domain/rpc.js';
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
  /** The block agreement round under way, whose height and tags the endpoints' probes ask. */
  round: BlockRound | null;
}

/** What a block agreement round asks every endpoint once, in its probe batch. */
export interface BlockRoundAsk {
  /** The height whose block hash every endpoint is asked; null for a round of tags only. */
  height: number | null;
  tags: boolean;
}

/** An endpoint's answer to a round: its hash at the height (null: no block there), and its tag blocks. */
export interface BlockRoundAnswer {
  at: number;
  hash: string | null | undefined;
  tags: TagBlocks | null;
}

export interface BlockRound extends BlockRoundAsk {
  startedAt: number;
  answers: Map<string, BlockRoundAnswer>;
}

/** A disagreement holding an endpoint unhealthy until `untilMs`. */
interface HeldDisagreement {
  finding: IncorrectData;
  untilMs: number;
}

export class ChainTracker extends EndpointTracker<RpcObservation, RpcSample, ChainState, ChainHealth> {
  constructor(chains: readonly TrackedChain[], clock: Clock) {
    super(
      chains.map((chain) => ({ ...chain, latest: new Map(), earlier: new Map(), judged: new Map(), round: null })),
      clock,
    );
  }

  private readonly incorrect = new Map<string, HeldDisagreement>();

  /**
   * Holds the endpoint unhealthy for what a data check found, until `untilMs`, so that it counts as unhealthy
   * in its samples, its chain's redundancy and the API (error class `incorrect_data`); null releases it.
   */
  holdIncorrect(endpoint: string, finding: IncorrectData | null, untilMs = 0): void {
    if (finding === null) this.incorrect.delete(endpoint);
    else this.incorrect.set(endpoint, { finding, untilMs });
  }

  /** The disagreement that holds the endpoint unhealthy now, if any. */
  incorrectData(endpoint: string): IncorrectData | null {
    const held = this.incorrect.get(endpoint);
    return held && this.clock.now() < held.untilMs ? held.finding : null;
  }

  /**
   * Starts a block agreement round on the chain, whose height and tags each endpoint's next probe asks once;
   * the round it replaces is returned with its answers, to be judged (correctness/block-agreement.ts).
   */
  startBlockRound(chain: string, ask: BlockRoundAsk | null): BlockRound | null {
    const state = this.chains.get(chain);
    if (!state) throw new Error(`unknown chain ${chain}`);
    const previous = state.round;
    state.round = ask ? { ...ask, startedAt: this.clock.now(), answers: new Map() } : null;
    return previous;
  }

  /** The consensus head of the chain now, from its endpoints' latest probes. */
  consensusHead(chain: string): number | null {
    const state = this.chains.get(chain);
    if (!state) return null;
    return consensusOf(state.latest.values(), this.clock.now(), state.policy, state.earlier.values()).head;
  }

  /** Whether the endpoint's next probe asks its `finalized` and `safe` blocks, for the round under way. */
  askTags(endpoint: string): boolean {
    const round = this.chainOfEndpoint.get(endpoint)?.round;
    return round?.tags === true && !round.answers.has(endpoint);
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
    const judged = endpointHealth(
      observation.endpoint,
      observation,
      consensus,
      now,
      state.policy,
      this.incorrectData(observation.endpoint),
    );
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
    return deriveChainHealth(
      chain,
      state.endpoints,
      state.latest,
      this.clock.now(),
      state.policy,
      state.earlier,
      (id) => this.incorrectData(id),
    );
  }

  /**
   * Where the endpoint's next probe asks its blocks: at the heads of the chain's other endpoints well below its
   * own, so that its head can be corroborated; none while heads agree.
   */
  ancestorHeights(endpoint: string): number[] {
    const state = this.chainOfEndpoint.get(endpoint);
    if (!state) return [];
    const heights =
      state.endpoints.length < 2
        ? []
        : ancestorHeightsFor(
            endpoint,
            headReports(state.latest.values(), this.clock.now(), state.policy),
            state.policy.maxLagBlocks,
          );
    // The round's height rides in the same calls: its answer lands in ancestorHashes, and corroborates too.
    const round = state.round;
    if (round?.height != null && !round.answers.has(endpoint) && !heights.includes(round.height))
      heights.unshift(round.height);
    return heights;
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
    recordRoundAnswer(state.round, observation);
  }
}

/** The observation's answer to the round, when it holds one: a successful probe made since the round started. */
function recordRoundAnswer(round: BlockRound | null, observation: RpcObservation): void {
  if (!round || !observation.ok || observation.at < round.startedAt || round.answers.has(observation.endpoint)) return;
  const atHeight =
    round.height === null ? undefined : observation.ancestorHashes.find((ancestor) => ancestor.number === round.height);
  if (round.height !== null && atHeight === undefined) return;
  if (round.tags && observation.tags === null) return;
  round.answers.set(observation.endpoint, { at: observation.at, hash: atHeight?.hash, tags: observation.tags });
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
    tags: observation.tags,
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
