// Pure derivation of a chain's state from the latest observation of each of its endpoints: the consensus
// head, each endpoint's lag behind it, and how many endpoints are healthy (redundancy).

import type { ChainHealth, EndpointHealth, IncorrectData, RpcObservation } from '../../domain/rpc.js';
import { judgeHead, type CorroborationPolicy, type HeadReport } from './head-corroboration.js';

export interface ChainHealthPolicy extends CorroborationPolicy {
  /** An endpoint further than this from the consensus head, behind or ahead, is not healthy. */
  maxLagBlocks: number;
  /** An observation older than this no longer says anything about the endpoint. */
  staleAfterMs: number;
}

/**
 * The consensus head, over the fresh, successful observations: the highest head corroborated by another
 * endpoint's (see head-corroboration.ts), so that an endpoint frozen below an honest one cannot hold the
 * consensus at its own head; else the highest block that at least two endpoints agree has been reached, i.e.
 * the second-highest head when several endpoints answer, the only head when one does. A single lying or
 * forked endpoint moves neither, and one whose own answers refute its head does not count.
 */
export function consensusOf(
  observations: Iterable<RpcObservation | undefined>,
  nowMs: number,
  policy: ChainHealthPolicy,
  /** Each endpoint's observation of its previous head, which an ancestor asked since may be (see judgeHead). */
  earlier: Iterable<RpcObservation | undefined> = [],
): { head: number | null; timestamp: number | null } {
  const reports = headReports(observations, nowMs, policy);
  const earlierHeads = headReports(earlier, nowMs, policy);
  let highestCorroborated: HeadReport | null = null;
  let first: HeadReport | null = null;
  let second: HeadReport | null = null;
  let counted = 0;
  for (const report of reports) {
    // Only an endpoint that asked its ancestors, i.e. one well ahead of others, can be judged.
    const verdict =
      report.ancestorHashes.length === 0 ? 'unconfirmed' : judgeHead(report, reports, nowMs, policy, earlierHeads);
    if (verdict === 'refuted') continue;
    if (
      verdict === 'corroborated' &&
      (highestCorroborated === null || report.headBlock > highestCorroborated.headBlock)
    )
      highestCorroborated = report;
    counted += 1;
    if (first === null || report.headBlock > first.headBlock) {
      second = first;
      first = report;
    } else if (second === null || report.headBlock > second.headBlock) {
      second = report;
    }
  }
  const consensus = highestCorroborated ?? (counted >= 2 ? second : first);
  return { head: consensus?.headBlock ?? null, timestamp: consensus?.headTimestamp ?? null };
}

/** The fresh, successful observations with a head: what the consensus is made of. */
export function headReports(
  observations: Iterable<RpcObservation | undefined>,
  nowMs: number,
  policy: ChainHealthPolicy,
): HeadReport[] {
  const reports: HeadReport[] = [];
  for (const observation of observations) {
    if (isFresh(observation, nowMs, policy) && observation.ok && observation.headBlock !== null)
      reports.push(observation as HeadReport);
  }
  return reports;
}

function isFresh(
  observation: RpcObservation | undefined,
  nowMs: number,
  policy: ChainHealthPolicy,
): observation is RpcObservation {
  return observation !== undefined && nowMs - observation.at <= policy.staleAfterMs;
}

export function endpointHealth(
  endpoint: string,
  observation: RpcObservation | undefined,
  consensus: { head: number | null; timestamp: number | null },
  nowMs: number,
  policy: ChainHealthPolicy,
  /** The data check disagreement that holds the endpoint unhealthy (correctness/), if any. */
  incorrectData: IncorrectData | null = null,
): EndpointHealth {
  const fresh = isFresh(observation, nowMs, policy);
  const up = fresh && observation.ok;
  const head = up ? observation.headBlock : null;
  const headTimestamp = up ? observation.headTimestamp : null;
  const lagBlocks = head !== null && consensus.head !== null ? consensus.head - head : null;
  const lagSeconds =
    headTimestamp !== null && consensus.timestamp !== null && lagBlocks !== null
      ? lagBlocks === 0
        ? 0
        : consensus.timestamp - headTimestamp
      : null;

  const unhealthyReasons: string[] = [];
  if (observation === undefined) unhealthyReasons.push('not probed yet');
  else if (!fresh) unhealthyReasons.push('no recent probe');
  else if (!observation.ok) unhealthyReasons.push(`probe failed: ${observation.errorClass ?? 'unknown'}`);
  if (up && observation.syncing === true) unhealthyReasons.push('syncing');
  if (lagBlocks !== null && lagBlocks > policy.maxLagBlocks)
    unhealthyReasons.push(`${lagBlocks} blocks behind the consensus head`);
  if (lagBlocks !== null && -lagBlocks > policy.maxLagBlocks)
    unhealthyReasons.push(`${-lagBlocks} blocks ahead of the consensus head`);
  if (incorrectData)
    unhealthyReasons.push(
      `incorrect data: ${incorrectData.check}${incorrectData.block === null ? '' : ` at block ${incorrectData.block}`}`,
    );

  return {
    endpoint,
    up,
    healthy: unhealthyReasons.length === 0,
    unhealthyReasons,
    headBlock: head,
    headAgeSeconds: headTimestamp === null ? null : nowMs / 1_000 - headTimestamp,
    lagBlocks,
    lagSeconds,
    lastObservedAt: observation?.at ?? null,
    incorrectData,
  };
}

/** The chain's state at `nowMs`, with its endpoints in the given (configured) order. */
export function deriveChainHealth(
  chain: string,
  endpoints: readonly string[],
  latest: ReadonlyMap<string, RpcObservation>,
  nowMs: number,
  policy: ChainHealthPolicy,
  earlier: ReadonlyMap<string, RpcObservation> = new Map(),
  incorrect: (endpoint: string) => IncorrectData | null = () => null,
): ChainHealth {
  const { head, timestamp } = consensusOf(
    endpoints.map((endpoint) => latest.get(endpoint)),
    nowMs,
    policy,
    earlier.values(),
  );
  const endpointStates = endpoints.map((endpoint) =>
    endpointHealth(endpoint, latest.get(endpoint), { head, timestamp }, nowMs, policy, incorrect(endpoint)),
  );
  const healthyEndpoints = endpointStates.filter((state) => state.healthy).length;
  return {
    chain,
    consensusHead: head,
    consensusHeadTimestamp: timestamp,
    headAgeSeconds: timestamp === null ? null : nowMs / 1_000 - timestamp,
    configuredEndpoints: endpoints.length,
    healthyEndpoints,
    singlePointOfFailure: healthyEndpoints === 1,
    endpoints: endpointStates,
  };
}
