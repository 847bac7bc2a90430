// Field schemas the config's sections share: ids, durations, URLs, labels, addresses.

import { getAddress, isAddress, type Address } from 'viem';
import { z } from 'zod';
import { parseDurationMs } from './duration.js';

const idPattern = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const id = z
  .string()
  .regex(idPattern, 'must be 1-63 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit');

/** How a duration's bounds read in the config reference: "100ms to 1h". */
export function durationRange(min: number, max: number): string {
  return `${durationText(min)} to ${durationText(max)}`;
}

/** A duration as the config writes it: 10000 → "10s". */
export function durationText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function duration(defaultValue: string, { min, max }: { min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .default(defaultValue)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a duration such as "500ms", "15s", "2m", "1h" or a number of seconds',
        });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} ms and ${max} ms` });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ format: 'duration', range: durationRange(min, max) });
}

export const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .meta({ format: 'url' });

export const labels = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and "_"'), z.string(), {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'must be a map of label names to values, such as `{ operator: kiln }`'
        : undefined,
  })
  .default({});

const headerName = z
  .string()
  .regex(
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
    "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-, no spaces)",
  );
/** A line break would end the header: fetch refuses it, and every request would fail as if the server were down. */
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'must not contain line breaks');

/** HTTP headers of an endpoint or a receiver, checked at load; `reserved` names (lower case) cannot be set. */
export function httpHeaders(reserved: ReadonlySet<string> = new Set()) {
  return z
    .record(
      headerName.refine((name) => !reserved.has(name.toLowerCase()), 'is set by ERE itself'),
      headerValue,
    )
    .default({});
}

/** A duration with no default: undefined when not given (route timings inherit from the parent). */
export function optionalDuration({ min, max }: { min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const ms = parseDurationMs(value);
      if (ms === null || ms < min || ms > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration such as "30s", "5m" or "4h", between ${min} ms and ${max} ms`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ format: 'duration', range: durationRange(min, max) });
}

/**
 * A 20-byte address. Mixed case is an EIP-55 checksum and must be right: a typo in one digit of a checksummed
 * address would otherwise watch another contract. All lower (or all upper) case carries no checksum.
 */
export const address = z.string().transform((value, ctx): Address => {
  if (!isAddress(value, { strict: false })) {
    ctx.addIssue({ code: 'custom', message: 'must be a 20-byte hex address (0x followed by 40 hex digits)' });
    return z.NEVER;
  }
  const checksummed = getAddress(value);
  const digits = value.slice(2);
  const mixedCase = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (mixedCase && value !== checksummed) {
    ctx.addIssue({
      code: 'custom',
      message:
        `has a wrong EIP-55 checksum: the checksummed form of these digits is ` +
        `${checksummed} (check the address itself, or write it in lower case)`,
    });
    return z.NEVER;
  }
  return checksummed;
});
