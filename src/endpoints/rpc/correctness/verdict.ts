// Pure judgement of one data check over a chain's endpoints: each endpoint's answer, reduced to a digest,
// against the answer most endpoints gave, or against an independent truth (the beacon chain) where there is
// one. An endpoint agrees when its digest is the reference; disagrees when it answered another; is unknown
// when it gave no answer, or when there is no reference: no truth, and no digest held by more than half of
// the endpoints that answered and by at least two of them. Two endpoints that differ are unknown both: one of
// them is wrong, and nothing says which.

import type { CheckOutcome, DisagreedWith } from '../../../domain/rpc.js';

/** One endpoint's answer: its digest, or undefined when it did not answer (failed, or had no data). */
export interface CheckAnswer {
  endpoint: string;
  digest: string | undefined;
}

export interface Verdict {
  endpoint: string;
  outcome: CheckOutcome;
  /** What it disagreed with; only on a disagreement. */
  against?: DisagreedWith;
  /** The reference digest, when there was one. */
  expected?: string;
  digest?: string;
}

/** The digest held by more than half of the answers and by at least two, if any. */
export function majorityDigest(answers: readonly CheckAnswer[]): string | undefined {
  const counts = new Map<string, number>();
  let answered = 0;
  for (const { digest } of answers) {
    if (digest === undefined) continue;
    answered += 1;
    counts.set(digest, (counts.get(digest) ?? 0) + 1);
  }
  for (const [digest, count] of counts) if (count >= 2 && count * 2 > answered) return digest;
  return undefined;
}

/** Every endpoint's verdict; `truth`, when given, is the reference whatever the majority says. */
export function judgeAnswers(answers: readonly CheckAnswer[], truth?: string): Verdict[] {
  const expected = truth ?? majorityDigest(answers);
  const against: DisagreedWith = truth === undefined ? 'majority' : 'beacon';
  return answers.map(({ endpoint, digest }): Verdict => {
    if (digest === undefined || expected === undefined)
      return digest === undefined ? { endpoint, outcome: 'unknown' } : { endpoint, outcome: 'unknown', digest };
    return digest === expected
      ? { endpoint, outcome: 'agree', expected, digest }
      : { endpoint, outcome: 'disagree', against, expected, digest };
  });
}
