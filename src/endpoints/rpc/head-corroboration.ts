// Whether an endpoint's head, above another endpoint's, is on the same chain and plausibly that far ahead:
// pure, over the heads and the ancestor hashes that probes report (see RpcObservation.ancestorHashes).
//
// An endpoint X at head h is corroborated by an endpoint Y at a lower head b when X's block at b has the hash Y
// reports for its head (X extends Y's chain), and X's head timestamp leaves at least minBlockInterval per block
// since Y's head. It is not corroborated, whatever else holds, when
// - its head is in the future, beyond a clock skew allowance;
// - its block at b is Y's, but its head is too young for (h − b) blocks (numbers made up, as by a proxy
//   that adds to them);
// - its block at b has the hash of its own head: one block at two heights, a number made up. This one is
//   proof, so the head is refuted and does not count towards the consensus at all.
// A different hash at b says that one of X and Y is on a fork, not which: it neither corroborates nor
// contradicts. So a liar or a fork ahead stays alone, and a frozen endpoint on the same chain vouches for the
// honest one above it.

import type { RpcObservation } from '../../domain/rpc.js';

/** How far in the future a head timestamp may be before it is taken for a made-up one. */
export const clockSkewAllowanceSeconds = 15;

export interface CorroborationPolicy {
  /** The least time between two blocks of the chain: `minBlockInterval`, 1 s when absent. */
  minBlockIntervalMs?: number;
}

const defaultMinBlockIntervalMs = 1_000;

/** A fresh, successful observation with a head. */
export type HeadReport = RpcObservation & { headBlock: number; headTimestamp: number | null };

/**
 * What the other reports say of `report`'s head: corroborated by one and contradicted by none; refuted, when
 * its own answers give one block two heights, which only a made-up number does; else unconfirmed.
 */
export type HeadVerdict = 'corroborated' | 'refuted' | 'unconfirmed';

/**
 * `earlierHeads` are the heads the other endpoints reported before their latest: an endpoint is asked its block
 * at another's head as it was at its previous probe, and that one may have moved on since.
 */
export function judgeHead(
  report: HeadReport,
  reports: readonly HeadReport[],
  nowMs: number,
  policy: CorroborationPolicy,
  earlierHeads: readonly HeadReport[] = [],
): HeadVerdict {
  if (report.headHash === null || report.headTimestamp === null) return 'unconfirmed';
  let corroborated = false;
  let contradicted = report.headTimestamp > nowMs / 1_000 + clockSkewAllowanceSeconds;
  for (const ancestor of report.ancestorHashes) {
    if (ancestor.number >= report.headBlock || ancestor.hash === null) continue;
    if (ancestor.hash === report.headHash) return 'refuted';
    for (const others of [reports, earlierHeads]) {
      for (const other of others) {
        if (
          other.endpoint === report.endpoint ||
          other.headBlock !== ancestor.number ||
          other.headHash !== ancestor.hash ||
          other.headTimestamp === null
        )
          continue;
        const leastSeconds =
          ((report.headBlock - ancestor.number) * (policy.minBlockIntervalMs ?? defaultMinBlockIntervalMs)) / 1_000;
        if (report.headTimestamp - other.headTimestamp < leastSeconds) contradicted = true;
        else corroborated = true;
      }
    }
  }
  return corroborated && !contradicted ? 'corroborated' : 'unconfirmed';
}

/**
 * The heights at which an endpoint at `head` asks its blocks at its next probe: the distinct heads of the
 * other reports more than `maxLagBlocks` below it, highest first. Within that lag the endpoint is healthy
 * whatever the consensus, so heads that nearly agree cost no call.
 */
export function ancestorHeightsFor(endpoint: string, reports: readonly HeadReport[], maxLagBlocks: number): number[] {
  const own = reports.find((report) => report.endpoint === endpoint);
  if (!own) return [];
  const heights = new Set<number>();
  for (const report of reports) {
    if (report.endpoint !== endpoint && report.headHash !== null && own.headBlock - report.headBlock > maxLagBlocks)
      heights.add(report.headBlock);
  }
  return [...heights].sort((a, b) => b - a);
}
