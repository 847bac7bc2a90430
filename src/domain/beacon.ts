// What the consensus layer looks like to the monitor: beacon endpoints and what a probe of one observes,
// the chain's timing, and the validator data the Beacon API returns, decoded into plain types.
// Numbers that the API encodes as decimal strings are numbers here: slots, epochs and indices stay far
// below 2^53, and balances in gwei do too (2^53 gwei is 9 million ETH).

/** Why a beacon request failed. A closed union: safe as a metric label. */
export const beaconErrorClasses = [
  'timeout',
  'connection',
  'http_status',
  'rate_limited',
  /** 503 from a node that is syncing. */
  'syncing',
  /** 404 where the resource should exist (a state or epoch the node does not keep). */
  'not_found',
  /** Not JSON, or JSON that breaks the Beacon API's schema for the route (a missing or mistyped field). */
  'invalid_response',
] as const;
export type BeaconErrorClass = (typeof beaconErrorClasses)[number];

/** Epochs and slots the Beacon API uses for "never" (2^64 - 1), decoded. */
export const FAR_FUTURE_EPOCH = Number.POSITIVE_INFINITY;

export interface BeaconEndpointTarget {
  chain: string;
  endpoint: string;
  url: string;
  headers: Record<string, string>;
  /** Whether the URL's path may be shown; by default only its scheme and host are. */
  showPath?: boolean;
  displayName?: string;
  timeoutMs: number;
  labels: Record<string, string>;
}

/** The chain's clock, read once from `/eth/v1/beacon/genesis` and `/eth/v1/config/spec`. */
export interface BeaconTiming {
  genesisTime: number;
  secondsPerSlot: number;
  slotsPerEpoch: number;
}

/** One health probe of a beacon endpoint. */
export interface BeaconObservation {
  chain: string;
  endpoint: string;
  /** When the probe started, ms since the epoch. */
  at: number;
  ok: boolean;
  latencyMs: number;
  errorClass: BeaconErrorClass | null;
  /** Redacted, human-readable reason of a failure. */
  errorMessage: string | null;
  headSlot: number | null;
  finalizedEpoch: number | null;
  justifiedEpoch: number | null;
  syncing: boolean | null;
  /** Slots the node says it is behind (`sync_distance`). */
  syncDistance: number | null;
  /** The node runs an optimistic (unverified by its execution client) head. */
  optimistic: boolean | null;
  /** null when the node refuses `/eth/v1/node/peer_count`: no data, not a failure. */
  peerCount: number | null;
  /** `/eth/v1/node/version`, asked at start and hourly. */
  version: string | null;
  /** The probe's routes that failed this time, required or not; absent when every one answered. */
  failingRoutes?: readonly BeaconRouteFailure[];
}

/** One probed route that failed: its template (a closed list, see beacon-routes.ts) and error class. */
export interface BeaconRouteFailure {
  route: string;
  errorClass: BeaconErrorClass;
  message: string;
}

/** An observation with what is derived from the wall clock and the chain's other beacon endpoints. */
export interface BeaconSample extends BeaconObservation {
  /** The slot the wall clock is in, from the genesis time. */
  wallClockSlot: number | null;
  /** Seconds since the start of the head slot. */
  headAgeSeconds: number | null;
  /** Slots behind the highest head among the chain's fresh beacon endpoints. */
  lagSlots: number | null;
  /** Wall-clock epoch minus finalized epoch. */
  finalityDistanceEpochs: number | null;
  healthy: boolean;
}

export interface BeaconEndpointHealth {
  endpoint: string;
  up: boolean;
  healthy: boolean;
  unhealthyReasons: string[];
  headSlot: number | null;
  headAgeSeconds: number | null;
  lagSlots: number | null;
  finalizedEpoch: number | null;
  finalityDistanceEpochs: number | null;
  syncing: boolean | null;
  peerCount: number | null;
  version: string | null;
  latencyMs: number | null;
  errorClass: BeaconErrorClass | null;
  lastObservedAt: number | null;
  /** Routes of the last fresh probe that failed; those outside the required ones leave the endpoint up. */
  failingRoutes: readonly BeaconRouteFailure[];
}

export interface BeaconChainHealth {
  chain: string;
  wallClockSlot: number | null;
  headSlot: number | null;
  finalizedEpoch: number | null;
  finalityDistanceEpochs: number | null;
  configuredEndpoints: number;
  healthyEndpoints: number;
  endpoints: BeaconEndpointHealth[];
}

/** The validator statuses of the Beacon API (validator-status spec), in a fixed order. */
export const validatorStatuses = [
  'pending_initialized',
  'pending_queued',
  'active_ongoing',
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
] as const;
export type ValidatorStatus = (typeof validatorStatuses)[number];

/** One entry of `/eth/v1/beacon/states/{state}/validators`, with what the monitor reads of it. */
export interface ValidatorRecord {
  index: number;
  balanceGwei: number;
  status: ValidatorStatus;
  /** 0x-prefixed, lower case. */
  pubkey: string;
  effectiveBalanceGwei: number;
  slashed: boolean;
  activationEpoch: number;
  exitEpoch: number;
}

/** One entry of `total_rewards` in `/eth/v1/beacon/rewards/attestations/{epoch}`, in gwei (penalties negative). */
export interface AttestationReward {
  validatorIndex: number;
  head: number;
  target: number;
  source: number;
  inactivity: number;
}

/** `ideal_rewards` for one effective balance: what a perfect attestation earns; all zero in an inactivity leak. */
export interface IdealAttestationReward {
  effectiveBalanceGwei: number;
  head: number;
  target: number;
  source: number;
}

export interface ProposerDuty {
  slot: number;
  validatorIndex: number;
  pubkey: string;
}

export interface ProposerDuties {
  epoch: number;
  /** Duties are valid while this root is canonical; a change means they were re-computed. */
  dependentRoot: string;
  duties: ProposerDuty[];
}

export interface BeaconBlockHeader {
  slot: number;
  proposerIndex: number;
  root: string;
  parentRoot: string;
  canonical: boolean;
  finalized: boolean | null;
}

/** An execution block as a beacon block's payload names it. */
export interface ExecutionBlockRef {
  number: number;
  /** 0x-prefixed, lower case. */
  hash: string;
}

/**
 * The execution blocks of the beacon chain's finalized and head blocks: a truth about which execution blocks
 * are canonical that no execution endpoint gives. null where the block names none (before the merge).
 */
export interface BeaconExecutionBlocks {
  finalized: ExecutionBlockRef | null;
  head: ExecutionBlockRef | null;
}

export interface SyncCommitteeReward {
  validatorIndex: number;
  /** gwei; negative when the member did not sign the block's sync aggregate. */
  reward: number;
}

export interface Liveness {
  validatorIndex: number;
  isLive: boolean;
}

export interface FinalityCheckpoints {
  previousJustifiedEpoch: number;
  currentJustifiedEpoch: number;
  finalizedEpoch: number;
}

export interface NodeSyncing {
  headSlot: number;
  syncDistance: number;
  isSyncing: boolean;
  isOptimistic: boolean | null;
  elOffline: boolean | null;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/**
 * The Beacon API as the monitor uses it: one method per route. Implementations throw `BeaconRequestError`
 * (with a `BeaconErrorClass`) and never return unvalidated data. Large lists are streamed: the callbacks
 * see each element once and nothing holds the whole response.
 */
export interface BeaconApi {
  /** GET /eth/v1/beacon/genesis and /eth/v1/config/spec. */
  timing(options?: RequestOptions): Promise<BeaconTiming>;
  /** GET /eth/v1/node/version. */
  version(options?: RequestOptions): Promise<string>;
  /** GET /eth/v1/node/syncing. */
  syncing(options?: RequestOptions): Promise<NodeSyncing>;
  /** GET /eth/v1/node/peer_count: the connected peers; null when the node refuses the route. */
  peerCount(options?: RequestOptions): Promise<number | null>;
  /** GET /eth/v1/beacon/headers/{blockId}: null for a slot without a block (404). */
  header(blockId: 'head' | 'finalized' | number, options?: RequestOptions): Promise<BeaconBlockHeader | null>;
  /** GET /eth/v1/beacon/states/{stateId}/finality_checkpoints. */
  finalityCheckpoints(stateId: 'head' | number, options?: RequestOptions): Promise<FinalityCheckpoints>;
  /** GET /eth/v1/beacon/states/{stateId}/validators, every validator, streamed. */
  validators(
    stateId: 'head' | 'finalized' | number,
    onValidator: (validator: ValidatorRecord) => void,
    options?: RequestOptions,
  ): Promise<{ count: number }>;
  /** POST /eth/v1/beacon/rewards/attestations/{epoch} with an empty body: every validator, streamed. */
  attestationRewards(
    epoch: number,
    onReward: (reward: AttestationReward) => void,
    options?: RequestOptions,
  ): Promise<{ ideal: IdealAttestationReward[]; count: number }>;
  /** POST /eth/v1/validator/liveness/{epoch}, the indices sent in chunks. */
  liveness(
    epoch: number,
    indices: readonly number[],
    onLiveness: (liveness: Liveness) => void,
    options?: RequestOptions,
  ): Promise<void>;
  /** GET /eth/v1/validator/duties/proposer/{epoch}. */
  proposerDuties(epoch: number, options?: RequestOptions): Promise<ProposerDuties>;
  /** GET /eth/v1/beacon/states/{stateId}/sync_committees?epoch=: the members, in committee order. */
  syncCommittee(stateId: 'head' | number, epoch: number, options?: RequestOptions): Promise<number[]>;
  /**
   * POST /eth/v1/beacon/rewards/sync_committee/{slot} with an empty body, for a slot whose block was read: a 404 fails
   * (`not_found`).
   */
  syncCommitteeRewards(slot: number, options?: RequestOptions): Promise<SyncCommitteeReward[]>;
}
