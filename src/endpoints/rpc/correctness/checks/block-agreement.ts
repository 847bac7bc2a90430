// Block agreement, in rounds that ride in the probe batches (rpc-endpoint.ts): at the start of a round every
// endpoint is asked, once, its block at the round's height and its `finalized` and `safe` blocks; at the end
// the answers are judged. The height is the beacon chain's finalized execution block where the chain has
// beacon endpoints, and that block's hash is then the truth; else `depth` below the consensus head, judged by
// the majority. It is the same ancestor-hash mechanism that corroborates heads (head-corroboration.ts): the
// round's answer lands in ancestorHashes and corroborates too.
//
// Tags: an endpoint's `finalized` (or `safe`) block is stale when it is more than `tagLagBlocks` behind the
// reference, which is the beacon's finalized block for `finalized`, else the highest number that more than
// half of the answering endpoints have reached; and it is wrong when its hash differs from the reference's,
// or from the majority's among endpoints that report the same number.

import type { CorrectnessCheck, TagBlock } from '../../../../domain/rpc.js';
import type { BlockRound } from '../../rpc-tracker.js';
import {
  checkedBlock,
  noRun,
  short,
  type BeaconBlocks,
  type CheckResult,
  type CorrectnessCheckKind,
  type JudgedVerdict,
  type SkippedCheck,
} from '../check.js';
import { judgeAnswers, majorityDigest } from '../verdict.js';

interface RoundTruth {
  /** The beacon's hash at the round's height, when the height is the beacon's finalized block. */
  hash: string | undefined;
  beacon: BeaconBlocks | null;
}

export const blockAgreement: CorrectnessCheckKind = {
  section: 'blocks',
  create({ chain, config, endpoints, tracker, beaconBlocks, pollIntervalMs }) {
    const section = config.blocks;
    if (!config.enabled || !section.enabled) return null;
    const ids = endpoints.map((endpoint) => endpoint.endpoint);
    let truth: RoundTruth = { hash: undefined, beacon: null };
    return {
      checks: section.tags ? ['block', 'finalized', 'safe'] : ['block'],
      // Every endpoint must be probed within a round: at least two poll intervals.
      intervalMs: Math.max(section.interval, 2 * pollIntervalMs),
      async run(signal) {
        const beacon = beaconBlocks ? await beaconBlocks(signal).catch(() => null) : null;
        const head = checkedBlock(tracker, chain, section.depth);
        const beaconHeight =
          beacon?.finalized && head !== null && beacon.finalized.number <= head ? beacon.finalized : null;
        const height = beaconHeight?.number ?? head;
        const previous = tracker.startBlockRound(
          chain,
          height === null && !section.tags ? null : { height, tags: section.tags },
        );
        const judged = previous ? judgeRound(previous, ids, truth, section.tagLagBlocks) : noRun;
        truth = { hash: beaconHeight?.hash, beacon };
        return judged;
      },
    };
  },
};

function judgeRound(
  round: BlockRound,
  endpoints: readonly string[],
  truth: RoundTruth,
  tagLagBlocks: number,
): { results: CheckResult[]; skipped: SkippedCheck[] } {
  const results: CheckResult[] = [];
  const skipped: SkippedCheck[] = [];
  if (round.height !== null) {
    if (endpoints.length < 2 && truth.hash === undefined)
      skipped.push({ check: 'block', reason: 'one endpoint and no beacon chain: nothing to compare with' });
    else {
      const answers = endpoints.map((endpoint) => ({
        endpoint,
        digest: round.answers.get(endpoint)?.hash ?? undefined,
      }));
      const verdicts = judgeAnswers(answers, truth.hash).map(
        (verdict): JudgedVerdict =>
          verdict.outcome === 'disagree'
            ? {
                ...verdict,
                message:
                  `block ${round.height} has hash ${short(verdict.digest)}; ` +
                  `${verdict.against === 'beacon' ? 'the beacon chain' : 'most endpoints'} ` +
                  `say ${short(verdict.expected)}`,
              }
            : verdict,
      );
      results.push({ check: 'block', block: round.height, verdicts });
    }
  }
  if (round.tags) {
    for (const tag of ['finalized', 'safe'] as const) {
      const answers = endpoints.map((endpoint) => ({
        endpoint,
        block: round.answers.get(endpoint)?.tags?.[tag] ?? undefined,
      }));
      const reference = tag === 'finalized' ? (truth.beacon?.finalized ?? undefined) : undefined;
      const judged = judgeTag(tag, answers, tagLagBlocks, reference);
      if ('reason' in judged) skipped.push(judged);
      else results.push(judged);
    }
  }
  return { results, skipped };
}

/**
 * Every endpoint's `finalized` or `safe` block judged: against the beacon's when given, else against the other
 * endpoints'. Skipped when no endpoint that answered the round knows the tag.
 */
export function judgeTag(
  check: Extract<CorrectnessCheck, 'finalized' | 'safe'>,
  answers: readonly { endpoint: string; block: TagBlock | null | undefined }[],
  tagLagBlocks: number,
  beacon?: TagBlock,
): CheckResult | SkippedCheck {
  const known = answers.filter((answer): answer is { endpoint: string; block: TagBlock } => !!answer.block);
  if (known.length === 0) {
    const asked = answers.some((answer) => answer.block === null);
    return { check, reason: asked ? `no endpoint serves the ${check} tag` : `no endpoint answered the ${check} tag` };
  }
  if (beacon === undefined && known.length < 2)
    return { check, reason: `one endpoint serves the ${check} tag and no beacon chain: nothing to compare with` };
  const numbers = known.map((answer) => answer.block.number).sort((a, b) => b - a);
  // The highest number more than half of the answers reached.
  const reached = beacon?.number ?? numbers[Math.floor(known.length / 2)]!;
  const hashAt = (number: number): string | undefined =>
    beacon?.number === number
      ? beacon.hash
      : majorityDigest(
          known
            .filter((answer) => answer.block.number === number)
            .map((answer) => ({ endpoint: answer.endpoint, digest: answer.block.hash })),
        );
  const against = beacon === undefined ? 'majority' : 'beacon';
  const who = beacon === undefined ? 'most endpoints' : 'the beacon chain';
  const verdicts = answers.map(({ endpoint, block }): JudgedVerdict => {
    if (!block) return { endpoint, outcome: 'unknown' };
    if (block.number < reached - tagLagBlocks)
      return {
        endpoint,
        outcome: 'disagree',
        against,
        digest: String(block.number),
        expected: String(reached),
        message: `${check} block ${block.number} is ${reached - block.number} blocks behind ${who} (${reached})`,
      };
    const expected = hashAt(block.number);
    if (expected !== undefined && expected !== block.hash)
      return {
        endpoint,
        outcome: 'disagree',
        against,
        digest: block.hash,
        expected,
        message: `${check} block ${block.number} has hash ${short(block.hash)}; ${who} say ${short(expected)}`,
      };
    return { endpoint, outcome: 'agree', digest: block.hash };
  });
  return { check, block: reached, verdicts };
}
