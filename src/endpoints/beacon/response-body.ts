// Reading a Beacon API answer's body from fetch: counted as it is read, small answers parsed whole with a
// size limit, lists streamed element by element, and the reason a node gives with an error status.

import { BeaconDecodeError } from './decode-fields.js';
import { JsonStreamError, scanJsonArray, type JsonArrayScanResult } from './json-array-stream.js';

export type Chunks = AsyncIterable<Uint8Array>;

/** Small answers are read whole; anything bigger than this is not a Beacon API answer the monitor asked for. */
const maxJsonBytes = 32 * 1024 * 1024;
const maxErrorBodyBytes = 4 * 1024;

export async function* counted(
  body: ReadableStream<Uint8Array> | null,
  meter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  if (!body) return;
  for await (const chunk of body) {
    meter.bytes += chunk.length;
    yield chunk;
  }
}

export async function drain(chunks: Chunks): Promise<void> {
  for await (const _chunk of chunks) {
    // Read to the end so that the connection can be reused.
  }
}

async function readBytes(chunks: Chunks, limit: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
    // Leaving the loop cancels the rest of the body.
    if (total > limit) return { bytes: Buffer.concat(parts).subarray(0, limit), truncated: true };
  }
  return { bytes: Buffer.concat(parts), truncated: false };
}

export async function readJson(chunks: Chunks): Promise<unknown> {
  const { bytes, truncated } = await readBytes(chunks, maxJsonBytes);
  if (truncated) throw new JsonStreamError(`answer larger than ${maxJsonBytes} bytes`, maxJsonBytes);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw new JsonStreamError(error instanceof Error ? error.message : 'invalid JSON', 0);
  }
}

/** The reason a node gives with an error status: the Beacon API's `{ "message": … }`, or the start of the text. */
export async function readErrorText(chunks: Chunks): Promise<string> {
  const { bytes } = await readBytes(chunks, maxErrorBodyBytes);
  const text = new TextDecoder().decode(bytes).trim();
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // Not JSON: the text itself.
  }
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

/** A streamed list that went past its limit: a node sending more than any chain has is not answering. */
export class ListLimitError extends Error {
  override name = 'ListLimitError';
}

/** The most entries, and bytes, a streamed list may have before it is refused. */
export interface ListLimit {
  maxEntries: number;
  maxBytes: number;
}

async function* capped(chunks: Chunks, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw new ListLimitError(`list answer larger than ${maxBytes} bytes`);
    yield chunk;
  }
}

/**
 * Streams the array at `arrayPath` to `onElement`, refusing it once it passes `limit`: what is delivered
 * is held by the caller, so an answer without end would otherwise take all memory before any timeout.
 */
export function streamList(
  chunks: Chunks,
  arrayPath: string[],
  capture: string[][],
  onElement: (element: unknown, index: number) => void,
  limit?: ListLimit,
): Promise<JsonArrayScanResult> {
  const maxEntries = limit?.maxEntries ?? Number.POSITIVE_INFINITY;
  const bounded = (element: unknown, index: number) => {
    if (index >= maxEntries) throw new ListLimitError(`list longer than ${maxEntries} entries`);
    onElement(element, index);
  };
  const source = limit ? capped(chunks, limit.maxBytes) : chunks;
  return scanJsonArray(source, { arrayPath, capture, onElement: bounded }).then((result) => {
    if (!result.found) throw new BeaconDecodeError(arrayPath.join('.'), 'expected an array');
    return result;
  });
}
