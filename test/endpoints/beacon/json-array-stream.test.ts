import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonArrayScanner,
  JsonStreamError,
  scanJsonArray,
  type JsonArrayScanResult,
} from '../../../src/endpoints/beacon/json-array-stream.js';

const encoder = new TextEncoder();

/** Splits `bytes` at the given cut points (any byte offset, so multi-byte characters are split too). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

function scan(
  chunks: Uint8Array[],
  arrayPath: string[],
  capture: string[][] = [],
): { elements: unknown[]; result: JsonArrayScanResult } {
  const elements: unknown[] = [];
  const scanner = new JsonArrayScanner({
    arrayPath,
    capture,
    onElement: (element, index) => elements.push([index, element]),
  });
  for (const chunk of chunks) scanner.write(chunk);
  const result = scanner.end();
  return { elements: elements.map((entry) => (entry as [number, unknown])[1]), result };
}

function scanText(text: string, arrayPath: string[], capture: string[][] = []) {
  return scan([encoder.encode(text)], arrayPath, capture);
}

function failure(text: string, arrayPath: string[]): { error: JsonStreamError; delivered: unknown[] } {
  const delivered: unknown[] = [];
  const scanner = new JsonArrayScanner({ arrayPath, onElement: (element) => delivered.push(element) });
  try {
    scanner.write(encoder.encode(text));
    scanner.end();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonStreamError);
    return { error: error as JsonStreamError, delivered };
  }
  throw new Error(`no failure for ${text}`);
}

// Strings with quotes, backslashes, control characters, and characters of 2, 3 and 4 UTF-8 bytes.
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', '\u0001', '/', 'é', '€', '𝄞', '{', '}', '[', ']', ',', ':', ' '),
});
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Pretty-printing with random indentation puts whitespace everywhere JSON allows it. */
const indent = fc.constantFrom(undefined, 0, 1, '\t', ' \r\n ');

describe('JsonArrayScanner', () => {
  it('finds the same elements and captures as JSON.parse, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(json, { maxLength: 8 }),
        fc.dictionary(text, json, { maxKeys: 3 }),
        json,
        indent,
        fc.array(fc.nat(), { maxLength: 12 }),
        (elements, siblings, ideal, space, cuts) => {
          const document = { ...siblings, data: { before: siblings, total_rewards: elements, ideal_rewards: ideal } };
          const bytes = encoder.encode(JSON.stringify(document, null, space));
          const expected = JSON.parse(JSON.stringify(document)) as {
            data: { total_rewards: unknown[]; ideal_rewards: unknown };
          };
          const { elements: found, result } = scan(
            split(bytes, cuts),
            ['data', 'total_rewards'],
            [['data', 'ideal_rewards'], ['execution_optimistic']],
          );
          expect(found).toEqual(expected.data.total_rewards);
          expect(result.count).toBe(elements.length);
          expect(result.found).toBe(true);
          expect(result.captured.get('data.ideal_rewards')).toEqual(expected.data.ideal_rewards);
          expect(result.captured.has('execution_optimistic')).toBe('execution_optimistic' in document);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a root array, and chunks of one byte', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 6 }), indent, (elements, space) => {
        const bytes = encoder.encode(JSON.stringify(elements, null, space));
        const oneByte = Array.from(bytes, (byte) => Uint8Array.of(byte));
        expect(scan(oneByte, []).elements).toEqual(JSON.parse(JSON.stringify(elements)));
      }),
      { numRuns: 200 },
    );
  });

  it('reports an absent or non-array target as not found', () => {
    expect(scanText('{"data":{"x":[1]}}', ['data']).result.found).toBe(false);
    expect(scanText('{"data":null}', ['data']).result).toMatchObject({ found: false, count: 0 });
    expect(scanText('{"other":[1,2]}', ['data']).result.found).toBe(false);
    expect(scanText('[{"data":[1]}]', ['data']).result.found).toBe(false);
  });

  it('keeps the last duplicate capture and only the values at the exact path', () => {
    const { result } = scanText(
      '{"finalized":true,"x":{"finalized":false},"data":[],"finalized":false}',
      ['data'],
      [['finalized']],
    );
    expect(result.captured.get('finalized')).toBe(false);
  });

  it('fails on malformed JSON mid-stream after delivering the elements before the fault', () => {
    const { error, delivered } = failure('{"data":[{"a":1},{"a":2},{"a":3,}, {"a":4}]}', ['data']);
    expect(delivered).toEqual([{ a: 1 }, { a: 2 }]);
    expect(error.message).toMatch(/invalid JSON in element 2/);
    expect(failure('{"data":[1,2', ['data']).error.message).toBe('unexpected end of JSON');
    expect(failure('{"data":[1,2]', ['data']).error.message).toBe('unexpected end of JSON');
    expect(failure('{"data":[1,,2]}', ['data']).error.message).toMatch(/expected a value/);
    expect(failure('{"data" [1]}', ['data']).error.message).toMatch(/expected ':'/);
    expect(failure('{data:[1]}', ['data']).error.message).toMatch(/expected a key/);
    expect(failure('{"data":[1]} x', ['data']).error.message).toMatch(/after the end/);
    expect(failure('<html>502 Bad Gateway</html>', ['data']).error).toBeInstanceOf(JsonStreamError);
    expect(failure('', ['data']).error.message).toBe('unexpected end of JSON');
  });

  it('refuses invalid UTF-8 and values over the size limit', () => {
    const scanner = new JsonArrayScanner({ arrayPath: ['data'], onElement: () => undefined });
    expect(() => scanner.write(Uint8Array.of(...encoder.encode('{"data":["'), 0xff, ...encoder.encode('"]}')))).toThrow(
      /invalid UTF-8/,
    );
    const small = new JsonArrayScanner({ arrayPath: ['data'], onElement: () => undefined, maxValueBytes: 16 });
    small.write(encoder.encode('{"data":[{"a":"0123'));
    expect(() => small.write(encoder.encode('456789abcdef"}]}'))).toThrow(/larger than 16 bytes/);
  });

  it('reads an async iterable of chunks', async () => {
    async function* body() {
      yield encoder.encode('{"data":[{"i":"1"},');
      yield encoder.encode('{"i":"2"}]}');
    }
    const seen: unknown[] = [];
    const result = await scanJsonArray(body(), { arrayPath: ['data'], onElement: (element) => seen.push(element) });
    expect(result.count).toBe(2);
    expect(seen).toEqual([{ i: '1' }, { i: '2' }]);
  });
});
