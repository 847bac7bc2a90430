// What every data check is: made once per chain from its config section, run every `interval`, and
// returning its verdicts per endpoint for each check it covers, or saying why it was skipped. A check is one
// file in checks/ and one line in checks/index.ts.

import type { CorrectnessCheck } from '../../../domain/rpc.js';
import type { ChainTracker } from '../rpc-tracker.js';
import type { CorrectnessConfig } from './correctness-schema.js';
import type { EndpointCaller } from './rpc-calls.js';
import type { Verdict } from './verdict.js';

/** The execution blocks the beacon chain names: an independent truth for block agreement. */
export type { BeaconExecutionBlocks as BeaconBlocks } from '../../../domain/beacon.js';
import type { BeaconExecutionBlocks as BeaconBlocks } from '../../../domain/beacon.js';

export interface CheckChain {
  chain: string;
  config: CorrectnessConfig;
  endpoints: readonly EndpointCaller[];
  tracker: ChainTracker;
  pollIntervalMs: number;
  /** Reads the beacon chain's finalized and head execution blocks; absent on a chain without beacon endpoints. */
  beaconBlocks?: (signal: AbortSignal) => Promise<BeaconBlocks | null>;
}

/** A verdict with the message a disagreement is told by: what the endpoint answered beside the reference. */
export interface JudgedVerdict extends Verdict {
  message?: string;
}

/** The verdicts of one check over the chain's endpoints, at one block. */
export interface CheckResult {
  check: CorrectnessCheck;
  block: number | null;
  verdicts: JudgedVerdict[];
}

/** A check that could not be judged, and why: a chain without the `finalized` tag, too few endpoints. */
export interface SkippedCheck {
  check: CorrectnessCheck;
  reason: string;
}

export interface CheckRun {
  results: CheckResult[];
  skipped: SkippedCheck[];
}

export interface RunningCheck {
  /** The checks this one covers, for the metrics and alert series. */
  checks: readonly CorrectnessCheck[];
  intervalMs: number;
  run(signal: AbortSignal): Promise<CheckRun>;
}

export interface CorrectnessCheckKind {
  /** The config section: `blocks`, `logs`, `state`, `transactions`. */
  section: 'blocks' | 'logs' | 'state' | 'transactions';
  /** Made once per chain; null when the section is off, or names nothing to check. */
  create(chain: CheckChain): RunningCheck | null;
}

export const noRun: CheckRun = Object.freeze({ results: [], skipped: [] }) as CheckRun;

/** The block a check reads: `depth` below the consensus head; null while there is no head that deep. */
export function checkedBlock(tracker: ChainTracker, chain: string, depth: number): number | null {
  const head = tracker.consensusHead(chain);
  return head === null || head < depth ? null : head - depth;
}

/** Each endpoint's answer to the same calls, in parallel. */
export function askAll(
  endpoints: readonly EndpointCaller[],
  calls: Parameters<EndpointCaller['call']>[0],
  signal: AbortSignal,
): Promise<unknown[][]> {
  return Promise.all(endpoints.map((endpoint) => endpoint.call(calls, signal)));
}

export const short = (digest: string | undefined): string => (digest === undefined ? 'none' : digest.slice(0, 18));
