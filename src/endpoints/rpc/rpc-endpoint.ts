// The RPC endpoint collector: one probe per endpoint per tick, sent with viem's HTTP JSON-RPC client as one
// batch where the endpoint accepts batches: chain id, head, latest block, syncing, peers, and the client
// version at start and hourly; while the endpoint is ahead of others, its blocks at their heads too, in the
// same batch, so that its head can be corroborated (head-corroboration.ts); and once per block agreement
// round (correctness/), its block at the round's height and its `finalized` and `safe` blocks. The probe's
// requests are known before it starts, so it sends its batch itself rather than through viem's per-call
// batch scheduler, and matches the answers by id.

import { hexToNumber, isHex, numberToHex, ResponseBodyTooLargeError, type Hex } from 'viem';
import { getHttpRpcClient, type HttpRpcClient } from 'viem/utils';
import { isRedirect, redirectHost } from '../redirect.js';
import { ProbeAbortedError, type Collector, type Probe, type ProbeContext } from '../collector.js';
import type {
  AncestorHash,
  RpcEndpointTarget,
  RpcErrorClass,
  RpcObservation,
  TagBlock,
  TagBlocks,
} from '../../domain/rpc.js';
import { answersById, type RpcAnswer } from './batch-answers.js';
import { RpcProbeError, classifyRpcFailure, jsonRpcFailure, type PartialRpcAnswer } from './rpc-probe-error.js';

const clientVersionEveryMs = 3_600_000;
/** After an endpoint refuses a batch, ask single requests for this long before trying a batch again. */
const batchRetryAfterMs = 3_600_000;
/** Ancestor blocks asked in one probe at most: one per other endpoint of a chain of five (a round's height first). */
const maxAncestorCalls = 4;
const tagNames = ['finalized', 'safe'] as const;
const noAncestors: readonly AncestorHash[] = Object.freeze([]);
const blockHash = /^0x[0-9a-fA-F]{64}$/;

interface RpcCall {
  id: number;
  method: string;
  params: unknown[];
}

interface RpcBlock {
  number: Hex | null;
  hash?: unknown;
  timestamp: Hex;
  gasUsed: Hex;
  gasLimit: Hex;
  baseFeePerGas?: Hex | null;
}

/** Index of each call in the batch; web3_clientVersion only when asked. */
const calls = [
  'eth_chainId',
  'eth_blockNumber',
  'eth_getBlockByNumber',
  'eth_syncing',
  'net_peerCount',
  'web3_clientVersion',
] as const;
const callParams: Record<(typeof calls)[number], unknown[]> = {
  eth_chainId: [],
  eth_blockNumber: [],
  eth_getBlockByNumber: ['latest', false],
  eth_syncing: [],
  net_peerCount: [],
  web3_clientVersion: [],
};

function quantity(value: unknown, field: string): number {
  if (typeof value !== 'string' || !isHex(value) || value === '0x')
    throw new RpcProbeError('invalid_response', `${field} is not a hex quantity`);
  const parsed = hexToNumber(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new RpcProbeError('invalid_response', `${field} is out of range`);
  return parsed;
}

function optionalQuantity(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : quantity(value, field);
}

function sameHeight(number: unknown, height: number): boolean {
  return typeof number === 'string' && isHex(number) && number !== '0x' && hexToNumber(number) === height;
}

function isBlock(value: unknown): value is RpcBlock {
  return value !== null && typeof value === 'object' && 'timestamp' in value && 'number' in value;
}

/** Every observation has this one shape, built in one literal: V8 keeps one hidden class for all. */
function observation(
  target: RpcEndpointTarget,
  at: number,
  latencyMs: number,
  failure: { errorClass: RpcErrorClass; errorMessage: string; partial: PartialRpcAnswer } | null,
  answer: Omit<RpcObservation, 'chain' | 'endpoint' | 'at' | 'ok' | 'latencyMs' | 'errorClass' | 'errorMessage'> | null,
): RpcObservation {
  return {
    chain: target.chain,
    endpoint: target.endpoint,
    at,
    ok: failure === null,
    latencyMs,
    errorClass: failure?.errorClass ?? null,
    errorMessage: failure?.errorMessage ?? null,
    chainId: answer?.chainId ?? failure?.partial.chainId ?? null,
    headBlock: answer?.headBlock ?? failure?.partial.headBlock ?? null,
    headTimestamp: answer?.headTimestamp ?? failure?.partial.headTimestamp ?? null,
    headHash: answer?.headHash ?? null,
    ancestorHashes: answer?.ancestorHashes ?? noAncestors,
    tags: answer?.tags ?? null,
    syncing: answer?.syncing ?? null,
    peerCount: answer?.peerCount ?? null,
    gasUsed: answer?.gasUsed ?? null,
    gasLimit: answer?.gasLimit ?? null,
    baseFeePerGasWei: answer?.baseFeePerGasWei ?? null,
    clientVersion: answer?.clientVersion ?? null,
    batched: answer?.batched ?? false,
  };
}

class RpcEndpointProbe implements Probe<RpcObservation> {
  private readonly rpc: HttpRpcClient;
  private readonly httpStatuses = new Set<number>();
  private batchRefusedAt: number | null = null;
  private clientVersionReadAt: number | null = null;
  /** Ends the whole run, body included: viem's own timeout stops at the response headers. */
  private deadline: AbortSignal = AbortSignal.timeout(0);
  /** A redirect answered in this run: its status and the location's host, never the full location. */
  private redirect: { status: number; host: string } | null = null;

  constructor(
    private readonly target: RpcEndpointTarget,
    private readonly context: ProbeContext,
  ) {
    const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const signals = [context.shutdownSignal, this.deadline, ...(init?.signal ? [init.signal] : [])];
      // Redirects are not followed (see redirect.ts).
      const response = await fetch(input, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) });
      this.httpStatuses.add(response.status);
      if (isRedirect(response.status)) this.redirect = { status: response.status, host: redirectHost(response, input) };
      return response;
    };
    this.rpc = getHttpRpcClient(target.url, {
      timeout: target.timeoutMs,
      fetchFn,
      fetchOptions: { headers: target.headers },
    });
  }

  async run(): Promise<RpcObservation> {
    const at = this.context.clock.now();
    const started = performance.now();
    const wantClientVersion =
      this.clientVersionReadAt === null || at - this.clientVersionReadAt >= clientVersionEveryMs;
    const useBatch = this.batchRefusedAt === null || at - this.batchRefusedAt >= batchRetryAfterMs;
    const requests = (wantClientVersion ? calls : calls.slice(0, -1)).map(
      (method, index): RpcCall => ({ id: index + 1, method, params: callParams[method] }),
    );
    const baseCalls = requests.length;
    for (const height of (this.target.ancestorHeights?.() ?? []).slice(0, maxAncestorCalls)) {
      requests.push({ id: requests.length + 1, method: 'eth_getBlockByNumber', params: [numberToHex(height), false] });
    }
    const ancestorCalls = requests.length;
    if (this.target.askTags?.())
      for (const tag of tagNames)
        requests.push({ id: requests.length + 1, method: 'eth_getBlockByNumber', params: [tag, false] });
    this.httpStatuses.clear();
    this.redirect = null;
    this.deadline = AbortSignal.timeout(this.target.timeoutMs);
    try {
      let answers: RpcAnswer[];
      let batched = useBatch;
      try {
        answers = await this.send(requests, useBatch);
      } catch (error) {
        if (!useBatch || !this.refusedBatch(error)) throw error;
        this.httpStatuses.clear();
        answers = await this.send(requests, false);
        this.batchRefusedAt = at;
        batched = false;
      }
      const answer = this.interpret(
        requests.slice(0, baseCalls),
        answers,
        batched,
        requests.map((request) => request.id),
      );
      answer.ancestorHashes = ancestorHashes(requests.slice(baseCalls, ancestorCalls), answers);
      if (requests.length > ancestorCalls) answer.tags = tagBlocks(requests.slice(ancestorCalls), answers);
      if (wantClientVersion) this.clientVersionReadAt = at;
      return observation(this.target, at, performance.now() - started, null, answer);
    } catch (error) {
      if (this.context.shutdownSignal.aborted)
        throw new ProbeAbortedError('probe aborted: shutting down', { cause: error });
      const redirect = this.redirect as { status: number; host: string } | null; // set by fetchFn meanwhile
      if (redirect)
        throw new RpcProbeError('http_status', `HTTP ${redirect.status} redirect to ${redirect.host}, not followed`, {
          cause: error,
        });
      if (this.deadline.aborted)
        throw new RpcProbeError('timeout', `no answer within ${this.target.timeoutMs} ms`, { cause: error });
      throw classifyRpcFailure(error, { timeoutMs: this.target.timeoutMs, httpStatuses: this.httpStatuses });
    }
  }

  private async send(requests: RpcCall[], batch: boolean): Promise<RpcAnswer[]> {
    if (!batch)
      return Promise.all(requests.map((request) => this.rpc.request({ body: request }) as Promise<RpcAnswer>));
    const answers = (await this.rpc.request({ body: requests })) as unknown;
    if (!Array.isArray(answers)) throw new BatchNotAnsweredError();
    return answers as RpcAnswer[];
  }

  /** Some providers answer a batch with 4xx or a single error object; they get single requests. */
  private refusedBatch(error: unknown): boolean {
    if (error instanceof BatchNotAnsweredError) return true;
    // An answer too large is the endpoint's answer, not a refusal: one call at a time would fetch it once per call.
    if (error instanceof ResponseBodyTooLargeError) return false;
    const failure = classifyRpcFailure(error, { timeoutMs: this.target.timeoutMs, httpStatuses: this.httpStatuses });
    return (
      failure.errorClass === 'invalid_response' ||
      (failure.errorClass === 'http_status' && [...this.httpStatuses].some((status) => status >= 400 && status < 500))
    );
  }

  /** The answers to `requests`, out of answers to every id asked (`askedIds`, the ancestor calls' too). */
  private interpret(requests: RpcCall[], answers: RpcAnswer[], batched: boolean, askedIds: number[]) {
    const byId = answersById(askedIds, answers);
    const result = (index: number, required: boolean): unknown => {
      const request = requests[index];
      if (!request) return null;
      const answer = byId.get(request.id);
      if (!answer) throw new RpcProbeError('invalid_response', `no answer to ${request.method}`);
      if (!answer.error) return answer.result;
      const failure = jsonRpcFailure(request.method, answer.error, this.httpStatuses);
      // An optional method refused ("method not found", "not supported") is no data, not a failure.
      if (!required && failure.errorClass === 'jsonrpc_error') return null;
      throw failure;
    };
    const chainId = quantity(result(0, true), 'eth_chainId');
    const headBlock = quantity(result(1, true), 'eth_blockNumber');
    const block = result(2, true);
    if (!isBlock(block)) throw new RpcProbeError('invalid_response', 'eth_getBlockByNumber(latest) returned no block');
    const headTimestamp = quantity(block.timestamp, 'block.timestamp');
    // The latest block may be one past eth_blockNumber's answer: its hash is then not the head's.
    const headHash =
      typeof block.hash === 'string' && blockHash.test(block.hash) && sameHeight(block.number, headBlock)
        ? block.hash.toLowerCase()
        : null;
    if (chainId !== this.target.expectedChainId) {
      throw new RpcProbeError('chain_id_mismatch', `chain id ${chainId}, expected ${this.target.expectedChainId}`, {
        partial: { chainId, headBlock, headTimestamp },
      });
    }
    const syncing = result(3, false);
    const peerCount = result(4, false);
    const clientVersion = result(5, false);
    return {
      chainId,
      headBlock,
      headTimestamp,
      headHash,
      ancestorHashes: noAncestors,
      tags: null as TagBlocks | null,
      syncing: syncing === null || syncing === undefined ? null : syncing !== false,
      peerCount: peerCount === null || peerCount === undefined ? null : quantity(peerCount, 'net_peerCount'),
      gasUsed: quantity(block.gasUsed, 'block.gasUsed'),
      gasLimit: quantity(block.gasLimit, 'block.gasLimit'),
      baseFeePerGasWei: optionalQuantity(block.baseFeePerGas, 'block.baseFeePerGas'),
      clientVersion: typeof clientVersion === 'string' ? clientVersion.slice(0, 200) : null,
      batched,
    };
  }
}

/**
 * The endpoint's answers to the ancestor calls. They are evidence, not part of the probe: one that failed or
 * is malformed is left out, and only a null answer says the endpoint has no block at that height.
 */
function ancestorHashes(requests: readonly RpcCall[], answers: readonly RpcAnswer[]): readonly AncestorHash[] {
  if (requests.length === 0) return noAncestors;
  const found: AncestorHash[] = [];
  for (const request of requests) {
    const answer = answers.find(
      (candidate) => candidate !== null && typeof candidate === 'object' && candidate.id === request.id,
    );
    if (!answer || answer.error) continue;
    const number = hexToNumber(request.params[0] as Hex);
    if (answer.result === null) found.push({ number, hash: null });
    else if (isBlock(answer.result) && typeof answer.result.hash === 'string' && blockHash.test(answer.result.hash))
      found.push({ number, hash: answer.result.hash.toLowerCase() });
  }
  return found;
}

/**
 * The endpoint's `finalized` and `safe` blocks. A tag refused or answered with no block is one the endpoint
 * does not know (a chain without finality); a malformed block is left out the same way, as no evidence.
 */
function tagBlocks(requests: readonly RpcCall[], answers: readonly RpcAnswer[]): TagBlocks {
  const read = (request: RpcCall | undefined): TagBlock | null => {
    const answer = answers.find(
      (candidate) => candidate !== null && typeof candidate === 'object' && candidate.id === request?.id,
    );
    const block = answer?.error ? null : answer?.result;
    if (!isBlock(block) || typeof block.hash !== 'string' || !blockHash.test(block.hash)) return null;
    if (typeof block.number !== 'string' || !isHex(block.number) || block.number === '0x') return null;
    return { number: hexToNumber(block.number), hash: block.hash.toLowerCase() };
  };
  return { finalized: read(requests[0]), safe: read(requests[1]) };
}

/** The endpoint answered a batch with something other than a JSON array. */
class BatchNotAnsweredError extends RpcProbeError {
  constructor() {
    super('invalid_response', 'the batch was not answered with a JSON array');
  }
}

export const rpcEndpointCollector: Collector<RpcEndpointTarget, RpcObservation> = {
  kind: 'rpc',
  createProbe: (target, context) => new RpcEndpointProbe(target, context),
  failure(target, error, startedAt, durationMs) {
    if (error instanceof ProbeAbortedError) return null;
    const failure = classifyRpcFailure(error, { timeoutMs: target.timeoutMs, httpStatuses: new Set() });
    return observation(
      target,
      startedAt,
      durationMs,
      { errorClass: failure.errorClass, errorMessage: failure.shortMessage, partial: failure.partial },
      null,
    );
  },
};
