import { describe, expect, it } from 'vitest';
import { judgeTag } from '../../../../src/endpoints/rpc/correctness/checks/block-agreement.js';
import { judgeAnswers, majorityDigest } from '../../../../src/endpoints/rpc/correctness/verdict.js';

const answers = (...digests: (string | undefined)[]) =>
  digests.map((digest, index) => ({ endpoint: `e${index}`, digest }));
const outcomes = (verdicts: { outcome: string }[]) => verdicts.map((verdict) => verdict.outcome);

describe('judging one check across endpoints', () => {
  it.each([
    { name: 'three agree', digests: ['a', 'a', 'a'], expected: ['agree', 'agree', 'agree'] },
    { name: 'one of three differs', digests: ['a', 'b', 'a'], expected: ['agree', 'disagree', 'agree'] },
    { name: 'two that differ: nothing says which is wrong', digests: ['a', 'b'], expected: ['unknown', 'unknown'] },
    { name: 'all differ', digests: ['a', 'b', 'c'], expected: ['unknown', 'unknown', 'unknown'] },
    { name: 'one answer alone', digests: ['a', undefined, undefined], expected: ['unknown', 'unknown', 'unknown'] },
    { name: 'a missing answer is unknown', digests: ['a', undefined, 'a'], expected: ['agree', 'unknown', 'agree'] },
    {
      name: 'two of four is no majority',
      digests: ['a', 'a', 'b', 'b'],
      expected: ['unknown', 'unknown', 'unknown', 'unknown'],
    },
  ])('$name', ({ digests, expected }) => {
    expect(outcomes(judgeAnswers(answers(...digests)))).toEqual(expected);
  });

  it('a truth decides whatever the majority says, and says so', () => {
    const verdicts = judgeAnswers(answers('a', 'b', 'b'), 'a');
    expect(outcomes(verdicts)).toEqual(['agree', 'disagree', 'disagree']);
    expect(verdicts[1]).toMatchObject({ against: 'beacon', expected: 'a', digest: 'b' });
    expect(outcomes(judgeAnswers(answers('a', 'b'), 'b'))).toEqual(['disagree', 'agree']);
  });

  it('the majority digest needs more than half and at least two', () => {
    expect(majorityDigest(answers('a', 'a', 'b'))).toBe('a');
    expect(majorityDigest(answers('a'))).toBeUndefined();
  });
});

describe('judging finalized and safe blocks', () => {
  const block = (number: number, hash = `h${number}`) => ({ number, hash });

  it('flags a frozen tag far behind the others, and a hash the others contradict at the same number', () => {
    const result = judgeTag(
      'finalized',
      [
        { endpoint: 'a', block: block(100) },
        { endpoint: 'b', block: block(100) },
        { endpoint: 'c', block: block(10) },
        { endpoint: 'd', block: block(100, 'other') },
      ],
      64,
    );
    expect('verdicts' in result && outcomes(result.verdicts)).toEqual(['agree', 'agree', 'disagree', 'disagree']);
  });

  it('tolerates endpoints a few blocks apart', () => {
    const result = judgeTag(
      'safe',
      [
        { endpoint: 'a', block: block(100) },
        { endpoint: 'b', block: block(90) },
      ],
      64,
    );
    expect('verdicts' in result && outcomes(result.verdicts)).toEqual(['agree', 'agree']);
  });

  it('checks against the beacon chain where there is one', () => {
    const result = judgeTag('finalized', [{ endpoint: 'a', block: block(100, 'forged') }], 64, block(100));
    expect('verdicts' in result && result.verdicts[0]).toMatchObject({ outcome: 'disagree', against: 'beacon' });
  });

  it('is skipped, visibly, on a chain without the tag', () => {
    const result = judgeTag(
      'finalized',
      [
        { endpoint: 'a', block: null },
        { endpoint: 'b', block: null },
      ],
      64,
    );
    expect(result).toEqual({ check: 'finalized', reason: 'no endpoint serves the finalized tag' });
  });
});
