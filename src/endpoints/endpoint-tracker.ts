// The bookkeeping every endpoint kind's tracker shares: its chains and their configured endpoints, each
// endpoint's latest observation, the version it last reported, and the seeding from the store after a
// restart. A kind's tracker extends it with how it derives samples and health from what it keeps.

import type { Clock } from '../domain/clock.js';

/** What the bookkeeping reads of an observation, whatever its kind. */
export interface ObservedEndpoint {
  chain: string;
  endpoint: string;
  /** When the probe started, ms since the epoch. */
  at: number;
}

/** A chain as a tracker follows it: its configured endpoints and the health policy of its kind. */
export interface TrackedEndpoints<Policy extends { staleAfterMs: number }> {
  chain: string;
  endpoints: string[];
  policy: Policy;
}

/** A tracked chain with each endpoint's latest observation; a kind adds what else it keeps per chain. */
export type TrackedChainState<Observation, Policy extends { staleAfterMs: number }> = TrackedEndpoints<Policy> & {
  latest: Map<string, Observation>;
};

export abstract class EndpointTracker<
  Observation extends ObservedEndpoint,
  Sample extends Observation,
  State extends TrackedChainState<Observation, { staleAfterMs: number }>,
  Health,
> {
  protected readonly chains = new Map<string, State>();
  protected readonly chainOfEndpoint = new Map<string, State>();
  /** Asked only at start and hourly, so kept apart from the latest observation. */
  protected readonly versions = new Map<string, string>();

  constructor(
    states: readonly State[],
    protected readonly clock: Clock,
  ) {
    for (const state of states) {
      this.chains.set(state.chain, state);
      for (const endpoint of state.endpoints) this.chainOfEndpoint.set(endpoint, state);
    }
  }

  abstract health(chain: string): Health | undefined;

  /** The version text an observation carries, null when its probe did not ask. */
  protected abstract versionOf(observation: Observation): string | null;

  chainIds(): string[] {
    return [...this.chains.keys()];
  }

  allHealth(): Health[] {
    return this.chainIds().map((chain) => this.health(chain)!);
  }

  /**
   * Seeds the tracker (from the store after a restart) without deriving a sample. A sample of an endpoint that
   * is no longer configured on its chain is ignored: a removed endpoint does not come back after a restart.
   */
  seed(sample: Sample): void {
    const state = this.chainOfEndpoint.get(sample.endpoint);
    if (state === undefined || state.chain !== sample.chain) return;
    this.remember(state, sample);
    this.seeded(state, sample);
  }

  /** Whether the endpoint has an observation recent enough to say anything about it now. */
  isFresh(endpoint: string): boolean {
    const state = this.chainOfEndpoint.get(endpoint);
    const observation = state?.latest.get(endpoint);
    return observation !== undefined && this.clock.now() - observation.at <= state!.policy.staleAfterMs;
  }

  latestObservation(endpoint: string): Observation | undefined {
    return this.chainOfEndpoint.get(endpoint)?.latest.get(endpoint);
  }

  /** What a kind keeps of a seeded sample beyond the latest observation. */
  protected seeded(_state: State, _sample: Sample): void {}

  protected remember(state: State, observation: Observation): void {
    state.latest.set(observation.endpoint, observation);
    const version = this.versionOf(observation);
    if (version !== null) this.versions.set(observation.endpoint, version);
  }
}

/**
 * The last known state survives a restart: the newest stored sample of each endpoint seeds its kind's tracker,
 * which keeps those of the endpoints still configured, so the API shows them before the first new probe.
 */
export function seedFromStore<Sample>(
  tracker: { seed(sample: Sample): void },
  store: { latestPerEndpoint(): readonly Sample[] },
): void {
  for (const sample of store.latestPerEndpoint()) tracker.seed(sample);
}
