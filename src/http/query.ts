// Query-string parameters several routes share, parsed from their text form by zod.

import { z } from 'zod';

// ISO 8601 as the docs promise it: a calendar date, optionally with a time and then a zone (Z or ±hh:mm).
// Date.parse alone also reads "May 5" or "1/2/3" as dates, in the host's time zone.
const isoInstant = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
/** 9999-12-31T23:59:59.999Z: the last instant ISO 8601's four-digit years can write, well inside Date's range. */
export const latestInstantMs = 253_402_300_799_999;

const instantMessage = 'must be an ISO 8601 date-time or milliseconds since the epoch';

/** Milliseconds for an ISO 8601 date or date-time with a zone, or for a count of milliseconds; null otherwise. */
export function parseInstant(value: string): number | null {
  if (/^\d{1,16}$/.test(value)) {
    const ms = Number(value);
    return ms <= latestInstantMs ? ms : null;
  }
  const parts = isoInstant.exec(value);
  if (!parts) return null;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Date.parse rolls 2026-02-30 over to March; a calendar date must exist as written.
  const calendar = new Date(Date.UTC(2000, month - 1, day));
  calendar.setUTCFullYear(year);
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  if (Number(parts[4] ?? 0) > 23 || Number(parts[5] ?? 0) > 59 || Number(parts[6] ?? 0) > 59) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= 0 && ms <= latestInstantMs ? ms : null;
}

/** An instant as an ISO 8601 date-time or milliseconds since the epoch. */
export const instant = z
  .string()
  .transform((value, ctx) => {
    const ms = parseInstant(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${instantMessage}, from 1970 to 9999` });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

/** A whole number within bounds. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max, `must be at most ${max}`))
    .optional();
