// What an RPC endpoint probe observes, and what the monitor derives from it for the endpoint and its chain.

/** Why a probe failed. A closed union: safe as a metric label. */
/** Fixed latency bucket bounds of the RPC rollups, in ms (columns `ok_latency_le_<bound>_ms`). */
export const latencyBucketsMs = [25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;

export const rpcErrorClasses = [
  'timeout',
  'http_status',
  'rate_limited',
  'jsonrpc_error',
  'invalid_response',
  'chain_id_mismatch',
  'connection',
] as const;
export type RpcErrorClass = (typeof rpcErrorClasses)[number];

export interface RpcEndpointTarget {
  chain: string;
  endpoint: string;
  url: string;
  headers: Record<string, string>;
  /** Whether the URL's path may be shown; by default only its scheme and host are. */
  showPath?: boolean;
  expectedChainId: number;
  timeoutMs: number;
  labels: Record<string, string>;
  /** The heights at which the next probe asks the endpoint's block hashes (see `ancestorHashes`); none when absent. */
  ancestorHeights?: () => readonly number[];
  /** Whether the next probe asks the `finalized` and `safe` blocks (see `tags`); never when absent. */
  askTags?: () => boolean;
}

/**
 * The data checks run against RPC endpoints (chains[].correctness): a closed union, safe as a metric label.
 * `block`, `finalized` and `safe` come from the block agreement rounds, the others from their own checks.
 */
export const correctnessChecks = ['block', 'finalized', 'safe', 'logs', 'state', 'transaction'] as const;
export type CorrectnessCheck = (typeof correctnessChecks)[number];

/** A check's result for one endpoint: it agreed, it disagreed, or nothing could be said. */
export const checkOutcomes = ['agree', 'disagree', 'unknown'] as const;
export type CheckOutcome = (typeof checkOutcomes)[number];

/** What a disagreeing endpoint disagreed with: the other endpoints, the beacon chain, or its own receipts. */
export type DisagreedWith = 'majority' | 'beacon' | 'receipts' | 'bloom';

/** The last disagreement that keeps an endpoint unhealthy: error class `incorrect_data`. */
export interface IncorrectData {
  check: CorrectnessCheck;
  /** The block checked, when the check reads one. */
  block: number | null;
  against: DisagreedWith;
  /** Bounded, without URLs: what the endpoint answered beside what was expected. */
  message: string;
  /** When the disagreement was found, ms since the epoch. */
  at: number;
}

/** A block named by a tag (`finalized`, `safe`), as an endpoint answered it. */
export interface TagBlock {
  number: number;
  hash: string;
}

/**
 * An endpoint's `finalized` and `safe` blocks, asked once per block agreement round: null where the endpoint
 * knows no such tag (a chain without them), absent from the observation when they were not asked.
 */
export interface TagBlocks {
  finalized: TagBlock | null;
  safe: TagBlock | null;
}

/** An endpoint's block at a lower height, as that endpoint answered it. */
export interface AncestorHash {
  number: number;
  hash: string | null;
}

/** The raw outcome of one probe, before anything is derived from the other endpoints. */
export interface RpcObservation {
  chain: string;
  endpoint: string;
  /** When the probe started, ms since the epoch. */
  at: number;
  ok: boolean;
  latencyMs: number;
  errorClass: RpcErrorClass | null;
  /** Redacted, human-readable reason of a failure. */
  errorMessage: string | null;
  chainId: number | null;
  headBlock: number | null;
  /** Timestamp of the head block, seconds since the epoch. */
  headTimestamp: number | null;
  /**
   * Hash of the head block; null when the latest block answered was not `headBlock` (a block came between the two
   * calls).
   */
  headHash: string | null;
  /**
   * The endpoint's block hashes at heights that other endpoints report as their heads, asked while it is ahead
   * of them, so that its head can be corroborated; empty otherwise. A null hash: it has no block there.
   */
  ancestorHashes: readonly AncestorHash[];
  /** The `finalized` and `safe` blocks, when this probe asked them for a block agreement round; else null. */
  tags: TagBlocks | null;
  syncing: boolean | null;
  /** null when the endpoint refuses `net_peerCount`: no data, not a failure. */
  peerCount: number | null;
  gasUsed: number | null;
  gasLimit: number | null;
  baseFeePerGasWei: number | null;
  /** Only set on probes that asked for it (at start and hourly). */
  clientVersion: string | null;
  /** Whether the probe went out as one JSON-RPC batch. */
  batched: boolean;
}

/** An observation with what is derived from the chain's other endpoints at the time it was made. */
export interface RpcSample extends RpcObservation {
  headAgeSeconds: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  healthy: boolean;
}

export interface EndpointHealth {
  endpoint: string;
  up: boolean;
  healthy: boolean;
  /** Why the endpoint is not healthy; empty when it is. */
  unhealthyReasons: string[];
  headBlock: number | null;
  headAgeSeconds: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  lastObservedAt: number | null;
  /** The disagreement that keeps the endpoint unhealthy, if any (error class `incorrect_data`). */
  incorrectData: IncorrectData | null;
}

export interface ChainHealth {
  chain: string;
  consensusHead: number | null;
  consensusHeadTimestamp: number | null;
  headAgeSeconds: number | null;
  configuredEndpoints: number;
  healthyEndpoints: number;
  /** Exactly one healthy endpoint left: the chain hangs on it. */
  singlePointOfFailure: boolean;
  endpoints: EndpointHealth[];
}

/** What a chain looked like when one of its endpoints was probed: the numbers its per-minute rollup keeps. */
export interface ChainObservation {
  chain: string;
  consensusHead: number | null;
  headAgeSeconds: number | null;
  configuredEndpoints: number;
  healthyEndpoints: number;
}
