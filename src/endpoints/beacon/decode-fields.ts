// The field readers the Beacon API decoders are built from: strict on what the monitor reads (present,
// the right type, in range), and naming the offending field by its path when a response breaks the schema.
// Paths are literals relative to the value being decoded; a caller holding the context (the element's
// index in `data`) prefixes them only when something fails, so the hot path builds no strings.

import { EreError } from '../../domain/errors.js';
import { FAR_FUTURE_EPOCH } from '../../domain/beacon.js';

export class BeaconDecodeError extends EreError {
  override name = 'BeaconDecodeError';
  /** Where in the response, e.g. `data[12].balance`. */
  readonly path: string;
  readonly problem: string;

  constructor(path: string, problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.path = path;
    this.problem = problem;
  }

  /** The same fault seen from an enclosing value: `within('data[12]')` turns `balance` into `data[12].balance`. */
  within(prefix: string): BeaconDecodeError {
    const path = !this.path ? prefix : this.path.startsWith('[') ? `${prefix}${this.path}` : `${prefix}.${this.path}`;
    return new BeaconDecodeError(path, this.problem);
  }
}

/** Decodes the element at `index` of an array at `arrayPath`, naming it in any fault. */
export function decodeElement<T>(decode: (value: unknown) => T, value: unknown, arrayPath: string, index: number): T {
  try {
    return decode(value);
  } catch (error) {
    if (error instanceof BeaconDecodeError) throw error.within(`${arrayPath}[${index}]`);
    throw error;
  }
}

export type JsonObject = Record<string, unknown>;

export function object(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BeaconDecodeError(path, value === undefined ? 'required' : 'expected an object');
  return value as JsonObject;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new BeaconDecodeError(path, value === undefined ? 'required' : 'expected an array');
  return value;
}

const decimal = /^-?\d{1,20}$/;
const uint64Max = '18446744073709551615';

/** A decimal string, or a JSON number from clients that send one, as a safe integer. */
function integer(value: unknown, path: string): number {
  let number: number;
  if (typeof value === 'string') {
    if (!decimal.test(value)) throw new BeaconDecodeError(path, 'expected a decimal string');
    number = Number(value);
  } else if (typeof value === 'number') {
    number = value;
    if (!Number.isInteger(number)) throw new BeaconDecodeError(path, 'expected an integer');
  } else {
    throw new BeaconDecodeError(path, value === undefined ? 'required' : 'expected a decimal string');
  }
  if (!Number.isSafeInteger(number)) throw new BeaconDecodeError(path, 'exceeds 2^53');
  return number;
}

/** An integer that may be negative: rewards and penalties in gwei. */
export function int(value: unknown, path: string): number {
  return integer(value, path);
}

/** A non-negative integer: slots, indices, balances, counts. */
export function uint(value: unknown, path: string): number {
  const number = integer(value, path);
  if (number < 0) throw new BeaconDecodeError(path, 'expected a non-negative integer');
  return number;
}

/** An epoch, where 2^64 - 1 means "never" and decodes to `FAR_FUTURE_EPOCH`. */
export function epoch(value: unknown, path: string): number {
  if (value === uint64Max) return FAR_FUTURE_EPOCH;
  // 2^64 - 1 sent as a JSON number arrives rounded to 2^64.
  if (value === 2 ** 64) return FAR_FUTURE_EPOCH;
  return uint(value, path);
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new BeaconDecodeError(path, value === undefined ? 'required' : 'expected a boolean');
  return value;
}

/** Metadata some clients leave out (`execution_optimistic`, `finalized`, `el_offline`): null when absent. */
export function optionalBool(value: unknown, path: string): boolean | null {
  return value === undefined || value === null ? null : bool(value, path);
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new BeaconDecodeError(path, value === undefined ? 'required' : 'expected a string');
  return value;
}

const hexPattern = /^0x[0-9a-fA-F]*$/;

/** 0x-prefixed hex of `bytes` bytes, lower-cased. */
export function hex(value: unknown, path: string, bytes: number): string {
  const text = string(value, path);
  if (text.length !== 2 + bytes * 2 || !hexPattern.test(text))
    throw new BeaconDecodeError(path, `expected 0x and ${bytes} bytes of hex`);
  return text.toLowerCase();
}

/** One of a closed list of strings: a value unknown to the monitor is a fault, not a guess. */
export function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = string(value, path);
  if (!(allowed as readonly string[]).includes(text))
    throw new BeaconDecodeError(path, `unknown value ${JSON.stringify(text.slice(0, 40))}`);
  return text as T;
}
