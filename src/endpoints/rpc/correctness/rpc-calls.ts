// The JSON-RPC calls of the data checks: one batch per endpoint and check (single requests for an endpoint
// that refuses batches), through viem's HTTP JSON-RPC client, with the endpoint's headers and timeout.
// Redirects are not followed, as for probes (redirect.ts). A call that fails is no answer: the check says
// nothing of that endpoint (availability is the probes' to judge), so no failure text is ever kept, and
// nothing an endpoint echoes back can reach a stored row.

import { getHttpRpcClient, type HttpRpcClient } from 'viem/utils';
import type { RpcEndpointTarget } from '../../../domain/rpc.js';
import { isRedirect } from '../../redirect.js';
import { answersById, type RpcAnswer } from '../batch-answers.js';

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** A call's result, or undefined when it failed or was refused. */
export type CallResult = unknown;

/** One call's answer with its JSON-RPC error told apart from a failed request; the error's words are for classing. */
export type CallReply = { result: unknown } | { error: { code: number; message: string } } | { failed: true };

export interface EndpointCaller {
  readonly endpoint: string;
  /** The results in the order of the calls; every result undefined when the request as a whole failed. */
  call(calls: readonly RpcCall[], signal: AbortSignal): Promise<CallResult[]>;
  /** One call, with its error: for eth_sendRawTransaction, whose refusal says why. */
  ask(call: RpcCall, signal: AbortSignal): Promise<CallReply>;
}

export function endpointCaller(target: RpcEndpointTarget): EndpointCaller {
  let batchRefused = false;
  const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, { ...init, redirect: 'manual' });
    if (isRedirect(response.status)) throw new Error('redirect not followed');
    return response;
  };
  const rpc: HttpRpcClient = getHttpRpcClient(target.url, {
    timeout: target.timeoutMs,
    fetchFn,
    fetchOptions: { headers: target.headers },
  });
  const failed = (calls: readonly RpcCall[]) => calls.map((): CallResult => undefined);
  const single = (call: RpcCall, id: number, signal: AbortSignal): Promise<CallResult> =>
    (rpc.request({ body: { id, ...call }, fetchOptions: { signal } }) as Promise<RpcAnswer>).then(
      (answer) => (answer.error ? undefined : answer.result),
      () => undefined,
    );
  return {
    endpoint: target.endpoint,
    async ask(call, parent) {
      const signal = AbortSignal.any([parent, AbortSignal.timeout(target.timeoutMs)]);
      try {
        const answer = (await rpc.request({ body: { id: 1, ...call }, fetchOptions: { signal } })) as RpcAnswer;
        if (!answer.error) return { result: answer.result };
        const { code, message } = answer.error as { code?: unknown; message?: unknown };
        return { error: { code: typeof code === 'number' ? code : 0, message: String(message ?? '') } };
      } catch {
        return { failed: true };
      }
    },
    async call(calls, parent) {
      if (calls.length === 0) return [];
      const signal = AbortSignal.any([parent, AbortSignal.timeout(target.timeoutMs)]);
      if (batchRefused || calls.length === 1)
        return Promise.all(calls.map((call, index) => single(call, index + 1, signal)));
      const body = calls.map((call, index) => ({ id: index + 1, ...call }));
      const singles = async () => {
        const results = await Promise.all(calls.map((call, index) => single(call, index + 1, signal)));
        // Single requests answered where the batch was not: the endpoint refuses batches
        // (HTTP 4xx, or an error object).
        if (results.some((result) => result !== undefined)) batchRefused = true;
        return results;
      };
      let answers: unknown;
      try {
        answers = await rpc.request({ body, fetchOptions: { signal } });
      } catch {
        return signal.aborted ? failed(calls) : singles();
      }
      if (!Array.isArray(answers)) return singles();
      let byId: Map<number, RpcAnswer>;
      try {
        byId = answersById(
          body.map((request) => request.id),
          answers,
        );
      } catch {
        return failed(calls);
      }
      return body.map((request) => {
        const answer = byId.get(request.id);
        return answer && !answer.error ? answer.result : undefined;
      });
    },
  };
}
