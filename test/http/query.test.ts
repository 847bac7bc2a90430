// Instants in query strings: only ISO 8601 or milliseconds, within the range every route can compute with.

import { describe, expect, it } from 'vitest';
import { latestInstantMs, parseInstant } from '../../src/http/query.js';

describe('parseInstant', () => {
  it.each([
    ['0', 0],
    ['1800000000000', 1_800_000_000_000],
    ['2026-12-07', Date.UTC(2026, 11, 7)],
    ['2026-12-07T03:40:00Z', Date.UTC(2026, 11, 7, 3, 40)],
    ['2026-12-07T03:40:00.250Z', Date.UTC(2026, 11, 7, 3, 40, 0, 250)],
    ['2026-12-07T05:40:00+02:00', Date.UTC(2026, 11, 7, 3, 40)],
    ['2024-02-29T00:00Z', Date.UTC(2024, 1, 29)],
    ['9999-12-31T23:59:59.999Z', latestInstantMs],
    [String(latestInstantMs), latestInstantMs],
  ])('reads %s', (text, ms) => expect(parseInstant(text)).toBe(ms));

  it.each([
    'May 5',
    '1/2/3',
    '2026-12-07 03:40',
    '2026-12-07T03:40:00',
    '2026-02-30',
    '2026-13-01',
    '2026-12-07T24:00:00Z',
    '8640000000000001',
    '9007199254740993',
    String(latestInstantMs + 1),
    '-1',
    '1e3',
    '',
    ' 1',
    '+275760-09-13T00:00:00Z',
    '1969-12-31T23:59:59Z',
  ])('refuses %j', (text) => expect(parseInstant(text)).toBeNull());
});
