import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMatcher } from '../../src/alerting/matchers.js';
import {
  silenceState,
  silencingIds,
  validateSilence,
  type Silence,
  type SilenceInput,
} from '../../src/alerting/silences.js';

const now = 1_700_000_000_000;
const hour = 3_600_000;

function silence(id: string, matchers: string[], startsAtMs: number, endsAtMs: number): Silence {
  return {
    id,
    matchers: matchers.map(parseMatcher),
    startsAtMs,
    endsAtMs,
    createdBy: 'ops',
    comment: 'maintenance',
    createdAtMs: startsAtMs,
    updatedAtMs: startsAtMs,
  };
}

describe('silenceState', () => {
  it.each([
    { atMs: now - 1, expected: 'pending' },
    { atMs: now, expected: 'active' },
    { atMs: now + hour - 1, expected: 'active' },
    { atMs: now + hour, expected: 'expired' },
    { atMs: now + 2 * hour, expected: 'expired' },
  ])('at start $atMs → $expected', ({ atMs, expected }) => {
    expect(silenceState({ startsAtMs: now, endsAtMs: now + hour }, atMs)).toBe(expected);
  });
});

describe('silencingIds', () => {
  const silences = [
    silence('eth', ['chain="eth"'], now - hour, now + hour),
    silence('eth-pages', ['chain="eth"', 'severity="page"'], now - hour, now + hour),
    silence('later', ['chain=~".+"'], now + hour, now + 2 * hour),
    silence('over', ['chain=~".+"'], now - 2 * hour, now - hour),
    silence('not-gnosis', ['chain!="gnosis"', 'alertname="RpcDown"'], now - hour, now + hour),
  ];

  it.each([
    { labels: { chain: 'eth', severity: 'warning' }, atMs: now, expected: ['eth'] },
    { labels: { chain: 'eth', severity: 'page' }, atMs: now, expected: ['eth', 'eth-pages'] },
    { labels: { chain: 'eth', alertname: 'RpcDown' }, atMs: now, expected: ['eth', 'not-gnosis'] },
    { labels: { chain: 'gnosis', alertname: 'RpcDown' }, atMs: now, expected: [] },
    { labels: { alertname: 'RpcDown' }, atMs: now, expected: ['not-gnosis'] },
    { labels: { chain: 'base' }, atMs: now + hour + 1, expected: ['later'] },
    { labels: { chain: 'base' }, atMs: now - hour - 1, expected: ['over'] },
    // The silences expire: at its end a silence silences nothing more.
    { labels: { chain: 'eth', severity: 'page' }, atMs: now + hour, expected: ['later'] },
    { labels: { chain: 'eth', severity: 'page' }, atMs: now + 2 * hour, expected: [] },
  ] as { labels: Record<string, string>; atMs: number; expected: string[] }[])(
    '$labels at $atMs',
    ({ labels, atMs, expected }) => {
      expect(silencingIds(silences, labels, atMs)).toEqual(expected);
    },
  );

  it('reads silences loaded afresh (new objects, same matchers) the same way', () => {
    const copies = silences.map((item) => structuredClone(item));
    expect(silencingIds(copies, { chain: 'eth', severity: 'page' }, now)).toEqual(['eth', 'eth-pages']);
  });

  it('never silences after its end, nor before its start, whatever the labels', () => {
    const labels = fc.dictionary(
      fc.constantFrom('chain', 'severity', 'alertname'),
      fc.constantFrom('', 'eth', 'page', 'x'),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * hour }),
        fc.integer({ min: 1, max: 10 * hour }),
        fc.integer({ min: -20 * hour, max: 20 * hour }),
        labels,
        (start, length, at, alertLabels) => {
          const item = silence('s', ['chain=~".*"'], now + start, now + start + length);
          const silenced = silencingIds([item], alertLabels, now + at).length > 0;
          expect(silenced).toBe(now + at >= item.startsAtMs && now + at < item.endsAtMs);
        },
      ),
    );
  });
});

describe('validateSilence', () => {
  const valid: SilenceInput = {
    matchers: [parseMatcher('chain="eth"')],
    startsAtMs: now,
    endsAtMs: now + hour,
    createdBy: 'ops',
    comment: 'upgrade',
  };
  const matchers = (...texts: string[]) => texts.map(parseMatcher);

  it.each([
    { name: 'a valid silence', input: {}, problems: [] },
    { name: 'one that started in the past', input: { startsAtMs: now - hour }, problems: [] },
    { name: 'one that starts later', input: { startsAtMs: now + hour, endsAtMs: now + 2 * hour }, problems: [] },
    {
      name: 'one matcher matching empty among others',
      input: { matchers: matchers('a=~".*"', 'chain="eth"') },
      problems: [],
    },
    { name: 'no matchers', input: { matchers: [] }, problems: ['matchers: at least one matcher is required'] },
    {
      name: 'matchers that all match the empty string',
      input: { matchers: matchers('a=~".*"', 'b=""', 'c!="x"', 'd!~".+"') },
      problems: [
        'matchers: at least one matcher must not match the empty string, or the silence would silence every alert',
      ],
    },
    {
      name: 'an invalid matcher',
      input: {
        matchers: [
          { name: 'a', value: '(', isRegex: true, isEqual: true },
          { name: '1b', value: 'x', isRegex: false, isEqual: true },
        ],
      },
      problems: ['matchers[0]: invalid regex "(": missing closing ): `(`', 'matchers[1]: invalid label name "1b"'],
    },
    {
      name: 'an end in the past',
      input: { startsAtMs: now - 2 * hour, endsAtMs: now - hour },
      problems: ['endsAt: must be in the future'],
    },
    {
      name: 'an end now',
      input: { startsAtMs: now - hour, endsAtMs: now },
      problems: ['endsAt: must be in the future'],
    },
    {
      name: 'an end before the start',
      input: { startsAtMs: now + 2 * hour, endsAtMs: now + hour },
      problems: ['endsAt: must be after startsAt'],
    },
    {
      name: 'an end at the start',
      input: { startsAtMs: now + hour, endsAtMs: now + hour },
      problems: ['endsAt: must be after startsAt'],
    },
    {
      name: 'no times',
      input: { startsAtMs: Number.NaN, endsAtMs: Number.NaN },
      problems: ['startsAt: must be a time', 'endsAt: must be a time'],
    },
    { name: 'no author', input: { createdBy: ' ' }, problems: ['createdBy: is required'] },
    { name: 'no comment', input: { comment: '' }, problems: ['comment: is required'] },
    {
      name: 'a long author',
      input: { createdBy: 'x'.repeat(201) },
      problems: ['createdBy: must be at most 200 characters'],
    },
    {
      name: 'a long comment',
      input: { comment: 'x'.repeat(1_001) },
      problems: ['comment: must be at most 1000 characters'],
    },
    { name: 'the longest allowed', input: { createdBy: 'x'.repeat(200), comment: 'x'.repeat(1_000) }, problems: [] },
  ] as { name: string; input: Partial<SilenceInput>; problems: string[] }[])('$name', ({ input, problems }) => {
    expect(validateSilence({ ...valid, ...input }, now)).toEqual(problems);
  });
});
