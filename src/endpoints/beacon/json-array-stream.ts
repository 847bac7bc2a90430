// Reads the elements of one JSON array out of a document that arrives in byte chunks, without ever
// holding the document: a mainnet node's validator list is ~450 MB of JSON, its attestation rewards
// ~120 MB. The scanner works on bytes, tracks strings, escapes and nesting across chunk boundaries, and
// decodes and parses one element at a time (elements are small). Small values elsewhere in the document
// (`execution_optimistic`, `data.ideal_rewards`) can be captured on the way.
//
// Elements are handed over as soon as they end, so when the document turns out malformed halfway, the
// elements before the fault have already been delivered: callers must treat the whole answer as failed.
// Values that are neither elements nor captured are skipped by structure alone (balanced brackets and
// strings), not validated.

export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
  /** Byte offset in the document where the fault was seen. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export interface JsonArrayScanOptions {
  /** Object keys from the root to the array; `[]` when the root is the array. */
  arrayPath: readonly string[];
  /** Object key paths of small values to keep, wherever they are in the document. */
  capture?: readonly (readonly string[])[];
  onElement: (element: unknown, index: number) => void;
  /** A single element or captured value larger than this is refused: memory stays bounded. */
  maxValueBytes?: number;
}

export interface JsonArrayScanResult {
  /** Elements delivered. */
  count: number;
  /** Whether the document had an array at `arrayPath`. */
  found: boolean;
  /** Captured values by their key path joined with '.'. */
  captured: Map<string, unknown>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// biome-ignore lint/suspicious/noConstEnum: inlined as numbers into the per-byte loop; never exported
const enum Expect {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  Done,
  /** Inside a value being scanned. */
  Scan,
}

// biome-ignore lint/suspicious/noConstEnum: inlined as numbers into the per-byte loop; never exported
const enum ValueKind {
  String,
  Container,
  Primitive,
}

// biome-ignore lint/suspicious/noConstEnum: inlined as numbers into the per-byte loop; never exported
const enum Purpose {
  Element,
  Capture,
  Key,
  Skip,
}

/** What a value at a given key path is to the scanner. */
// biome-ignore lint/suspicious/noConstEnum: inlined as numbers into the per-byte loop; never exported
const enum Role {
  Target,
  Capture,
  Descend,
  Skip,
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length < path.length && prefix.every((key, index) => key === path[index]);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A push scanner: `write` each chunk in order, then `end`. */
export class JsonArrayScanner {
  private readonly arrayPath: readonly string[];
  private readonly capturePaths: readonly (readonly string[])[];
  private readonly onElement: (element: unknown, index: number) => void;
  private readonly maxValueBytes: number;

  private expect = Expect.Value;
  /** Keys of the objects entered, root first; the target array, when entered, is on top as null. */
  private readonly keys: (string | null)[] = [];
  private inTarget = false;
  private role = Role.Skip;
  private offset = 0;

  private kind = ValueKind.Primitive;
  private purpose = Purpose.Skip;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: Uint8Array[] = [];
  private collected = 0;

  private backslashChunk: Uint8Array | null = null;
  private backslashAt = 0;

  private count = 0;
  private found = false;
  private readonly captured = new Map<string, unknown>();

  constructor(options: JsonArrayScanOptions) {
    this.arrayPath = options.arrayPath;
    this.capturePaths = options.capture ?? [];
    this.onElement = options.onElement;
    this.maxValueBytes = options.maxValueBytes ?? 16 * 1024 * 1024;
    this.role = this.roleOf([]);
  }

  write(chunk: Uint8Array): void {
    const length = chunk.length;
    // A producer may reuse its buffer: what was searched in it before says nothing now.
    this.backslashChunk = null;
    let i = 0;
    while (i < length) {
      if (this.expect === Expect.Scan) {
        i = this.scan(chunk, i);
        continue;
      }
      const byte = chunk[i]!;
      if (isWhitespace(byte)) i++;
      else if (this.structural(byte, i)) i++;
    }
    this.offset += length;
  }

  end(): JsonArrayScanResult {
    // A primitive at the root ends with the document.
    if (this.expect === Expect.Scan && this.kind === ValueKind.Primitive && this.keys.length === 0)
      this.complete(new Uint8Array(0), 0, 0);
    if (this.expect !== Expect.Done) throw new JsonStreamError('unexpected end of JSON', this.offset);
    return { count: this.count, found: this.found, captured: this.captured };
  }

  private fail(message: string, position: number): never {
    throw new JsonStreamError(message, this.offset + position);
  }

  private roleOf(path: readonly string[]): Role {
    if (samePath(path, this.arrayPath)) return Role.Target;
    if (this.capturePaths.some((capture) => samePath(path, capture))) return Role.Capture;
    if (isPrefix(path, this.arrayPath) || this.capturePaths.some((capture) => isPrefix(path, capture)))
      return Role.Descend;
    return Role.Skip;
  }

  /** One non-whitespace byte outside any scanned value; false when it begins a value to scan. */
  private structural(byte: number, at: number): boolean {
    switch (this.expect) {
      case Expect.Value:
      case Expect.ValueOrEnd:
        if (byte === CLOSE_BRACKET && this.expect === Expect.ValueOrEnd) return this.closeArray();
        return this.startValue(byte, at);
      case Expect.KeyOrEnd:
      case Expect.Key:
        if (byte === CLOSE_BRACE && this.expect === Expect.KeyOrEnd) return this.closeObject();
        if (byte !== QUOTE) this.fail(`expected a key, got ${describe(byte)}`, at);
        return this.startScan(ValueKind.String, Purpose.Key);
      case Expect.Colon:
        if (byte !== COLON) this.fail(`expected ':', got ${describe(byte)}`, at);
        this.expect = Expect.Value;
        return true;
      case Expect.CommaOrEnd:
        if (byte === COMMA) {
          this.expect = this.inTarget ? Expect.Value : Expect.Key;
          return true;
        }
        if (byte === CLOSE_BRACKET && this.inTarget) return this.closeArray();
        if (byte === CLOSE_BRACE && !this.inTarget) return this.closeObject();
        return this.fail(
          `expected ',' or the end of the ${this.inTarget ? 'array' : 'object'}, got ${describe(byte)}`,
          at,
        );
      case Expect.Done:
        return this.fail(`unexpected ${describe(byte)} after the end of the document`, at);
      case Expect.Scan:
        return false;
    }
  }

  private startValue(byte: number, at: number): boolean {
    if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === COMMA || byte === COLON)
      this.fail(`expected a value, got ${describe(byte)}`, at);
    if (this.inTarget) return this.startScan(kindOf(byte), Purpose.Element);
    if (this.role === Role.Target && byte === OPEN_BRACKET) {
      this.found = true;
      this.inTarget = true;
      this.keys.push(null);
      this.expect = Expect.ValueOrEnd;
      return true;
    }
    if (this.role === Role.Descend && byte === OPEN_BRACE) {
      this.keys.push('');
      this.expect = Expect.KeyOrEnd;
      return true;
    }
    return this.startScan(kindOf(byte), this.role === Role.Capture ? Purpose.Capture : Purpose.Skip);
  }

  private closeArray(): true {
    this.keys.pop();
    this.inTarget = false;
    this.afterValue();
    return true;
  }

  private closeObject(): true {
    this.keys.pop();
    this.afterValue();
    return true;
  }

  private afterValue(): void {
    this.expect = this.keys.length === 0 ? Expect.Done : Expect.CommaOrEnd;
  }

  /** Prepares the scan of a value that begins at the current byte (which the scan then reads). */
  private startScan(kind: ValueKind, purpose: Purpose): false {
    this.expect = Expect.Scan;
    this.kind = kind;
    this.purpose = purpose;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.pieces = [];
    this.collected = 0;
    return false;
  }

  /**
   * Scans from `start` (the value's first byte, or 0 in a later chunk) until the value ends or the chunk
   * does; returns where to go on. Strings and containers share one loop: a string is a value at depth 0
   * that ends with its closing quote.
   */
  private scan(chunk: Uint8Array, start: number): number {
    const length = chunk.length;
    let i = start;
    if (this.kind !== ValueKind.Primitive) {
      let depth = this.depth;
      let inString = this.inString;
      let escaped = this.escaped;
      while (i < length) {
        if (inString) {
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          // Most bytes of a beacon answer are inside strings (keys, hex): jump to the next quote or
          // backslash with the native search instead of testing byte by byte.
          const quote = chunk.indexOf(QUOTE, i);
          const backslash = this.nextBackslash(chunk, i);
          if (quote < 0 || backslash < quote) {
            if (backslash === length) {
              i = length;
              break;
            }
            escaped = true;
            i = backslash + 1;
            continue;
          }
          inString = false;
          i = quote + 1;
          if (depth === 0) {
            this.complete(chunk, start, i);
            return i;
          }
          continue;
        }
        const byte = chunk[i]!;
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          if (--depth <= 0) {
            this.complete(chunk, start, i + 1);
            return i + 1;
          }
        }
        i++;
      }
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
    } else {
      for (; i < length; i++) {
        const byte = chunk[i]!;
        if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) {
          this.complete(chunk, start, i);
          return i;
        }
      }
    }
    this.keep(chunk.subarray(start, length), start);
    return length;
  }

  /**
   * Where the next backslash at or after `from` is in `chunk` (its length if none), searched once per chunk stretch.
   */
  private nextBackslash(chunk: Uint8Array, from: number): number {
    if (chunk !== this.backslashChunk || this.backslashAt < from) {
      const found = chunk.indexOf(BACKSLASH, from);
      this.backslashChunk = chunk;
      this.backslashAt = found < 0 ? chunk.length : found;
    }
    return this.backslashAt;
  }

  private keep(piece: Uint8Array, at: number): void {
    if (this.purpose === Purpose.Skip) return;
    this.collected += piece.length;
    if (this.collected > this.maxValueBytes) this.fail(`a value larger than ${this.maxValueBytes} bytes`, at);
    // A copy: the producer may reuse its chunk buffers.
    this.pieces.push(piece.slice());
  }

  private complete(chunk: Uint8Array, from: number, to: number): void {
    const purpose = this.purpose;
    this.expect = Expect.CommaOrEnd;
    if (purpose !== Purpose.Skip) {
      const text = this.text(chunk.subarray(from, to), from);
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (error) {
        this.fail(
          `invalid JSON${purpose === Purpose.Element ? ` in element ${this.count}` : ''}: ${(error as Error).message}`,
          from,
        );
      }
      if (purpose === Purpose.Key) {
        this.keys[this.keys.length - 1] = value as string;
        this.role = this.roleOf(this.keys as string[]);
        this.expect = Expect.Colon;
        return;
      }
      if (purpose === Purpose.Element) this.onElement(value, this.count++);
      else this.captured.set((this.keys as string[]).join('.'), value);
    }
    this.afterValue();
  }

  private text(last: Uint8Array, at: number): string {
    let bytes = last;
    if (this.pieces.length > 0) {
      const total = this.collected + last.length;
      if (total > this.maxValueBytes) this.fail(`a value larger than ${this.maxValueBytes} bytes`, at);
      bytes = new Uint8Array(total);
      let offset = 0;
      for (const piece of this.pieces) {
        bytes.set(piece, offset);
        offset += piece.length;
      }
      bytes.set(last, offset);
      this.pieces = [];
      this.collected = 0;
    }
    try {
      return decoder.decode(bytes);
    } catch {
      return this.fail('invalid UTF-8', at);
    }
  }
}

function kindOf(byte: number): ValueKind {
  if (byte === QUOTE) return ValueKind.String;
  if (byte === OPEN_BRACE || byte === OPEN_BRACKET) return ValueKind.Container;
  return ValueKind.Primitive;
}

function describe(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? `'${String.fromCharCode(byte)}'`
    : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/** Scans a whole byte stream; resolves once it has ended and every element was delivered. */
export async function scanJsonArray(
  chunks: AsyncIterable<Uint8Array>,
  options: JsonArrayScanOptions,
): Promise<JsonArrayScanResult> {
  const scanner = new JsonArrayScanner(options);
  for await (const chunk of chunks) scanner.write(chunk);
  return scanner.end();
}
