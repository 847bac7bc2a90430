// The shared wording of chat receivers: cutting text without breaking a character or an entity, durations,
// headlines and the budget rule that decides how many alerts a message shows.

import { describe, expect, it } from 'vitest';
import {
  andMore,
  batchHeadline,
  escapeAndTruncate,
  formatValue,
  humanDuration,
  shownLabels,
  takeWhileFits,
  truncate,
  truncateMarkup,
} from '../../../src/notify/receivers/text.js';
import { resolvedAlert, testAlert, testBatch, testNotification } from '../../helpers/alerts.js';

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['abc', 1, '…'],
    ['abc', 0, ''],
  ])('%j to %i → %j', (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it('never leaves half of a surrogate pair', () => {
    const cut = truncate('ab😀😀😀', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
    for (let max = 1; max < 12; max += 1)
      expect(truncate('😀'.repeat(6), max)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('escaping and cutting markup', () => {
  it('escapes &, < and > and never ends in half an entity', () => {
    expect(escapeAndTruncate('a<b>&c', 100)).toBe('a&lt;b&gt;&amp;c');
    expect(escapeAndTruncate('&&&&', 8)).toBe('&amp;…');
    for (let max = 1; max < 30; max += 1) expect(escapeAndTruncate('<&>'.repeat(5), max)).not.toMatch(/&[a-z]*…$/);
    expect(truncateMarkup('x &amp;', 100)).toBe('x &amp;');
  });
});

describe('wording', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [12 * 60_000 + 5_000, '12m 5s'],
    [3 * 3_600_000 + 12 * 60_000 + 7_000, '3h 12m'],
    [3 * 3_600_000 + 7_000, '3h'],
    [2 * 86_400_000 + 4 * 3_600_000, '2d 4h'],
  ])('humanDuration(%i) = %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });

  it('formats values to four significant digits', () => {
    expect(formatValue(14.4)).toBe('14.4');
    expect(formatValue(0.000123456)).toBe('0.0001235');
    expect(formatValue(123456)).toBe('123500');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('shows key labels first and hides alertname and severity', () => {
    expect(shownLabels({ zone: 'z', alertname: 'A', severity: 'page', slo: 's', chain: 'c', app: 'a' })).toEqual([
      ['chain', 'c'],
      ['slo', 's'],
      ['app', 'a'],
      ['zone', 'z'],
    ]);
  });

  it('names a batch by its most urgent kind', () => {
    const alert = testAlert();
    expect(batchHeadline(testBatch([alert]))).toBe('🔥 FIRING: RPC availability SLO is burning its error budget');
    expect(
      batchHeadline(
        testBatch([testNotification(alert, { kind: 'reminder' }), resolvedAlert(testAlert({ fingerprint: 'f2' }))], {
          groupLabels: {},
        }),
      ),
    ).toBe('🔁 STILL FIRING: 1 firing, 1 resolved');
    expect(
      batchHeadline(testBatch([resolvedAlert(alert), resolvedAlert(testAlert({ fingerprint: 'f2' }))], { test: true })),
    ).toBe('[TEST] ✅ RESOLVED: 2 resolved · alertname=SloErrorBudgetBurn');
  });
});

describe('takeWhileFits', () => {
  it('keeps the longest prefix within the budget, always the first', () => {
    expect(takeWhileFits([3, 3, 3], (n) => n, 7)).toEqual({ shown: [3, 3], omitted: 1 });
    expect(takeWhileFits([10, 1], (n) => n, 5)).toEqual({ shown: [10], omitted: 1 });
    expect(takeWhileFits([], (n: number) => n, 5)).toEqual({ shown: [], omitted: 0 });
    expect(andMore(1)).toBe('…and 1 more alert not shown');
  });
});
