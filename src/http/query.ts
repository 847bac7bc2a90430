// Query-string parameters several routes share, parsed from their text form by zod.

import { z } from 'zod';

/** An instant as an ISO 8601 date-time or milliseconds since the epoch. */
export const instant = z
  .string()
  .transform((value, ctx) => {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time or milliseconds since the epoch' });
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
