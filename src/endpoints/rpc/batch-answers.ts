// Matching the answers of a probe's JSON-RPC calls to the calls. An endpoint must answer each id it was
// asked exactly once, as JSON-RPC 2.0: answers with ids nobody asked, an id answered twice, or another
// protocol version are not this probe's answers (a proxy that mixes up its clients' batches sends such
// sets) and fail the probe as invalid_response rather than being read as the endpoint's data. An answer
// missing altogether is named by the caller, which knows the method.

import { RpcProbeError } from './rpc-probe-error.js';

export interface RpcAnswer {
  id?: unknown;
  jsonrpc?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
}

const invalid = (message: string) => new RpcProbeError('invalid_response', message);

export function answersById(askedIds: readonly number[], answers: readonly unknown[]): Map<number, RpcAnswer> {
  const asked = new Set(askedIds);
  const byId = new Map<number, RpcAnswer>();
  for (const answer of answers) {
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer))
      throw invalid('an answer is not a JSON-RPC object');
    const { id, jsonrpc } = answer as RpcAnswer;
    // Some servers leave the version out; one that names another version speaks another protocol.
    if (jsonrpc !== undefined && jsonrpc !== '2.0') throw invalid('an answer is not JSON-RPC 2.0');
    if (typeof id !== 'number' || !asked.has(id)) throw invalid('an answer has an id that was not asked');
    if (byId.has(id)) throw invalid(`id ${id} is answered twice`);
    byId.set(id, answer as RpcAnswer);
  }
  return byId;
}
