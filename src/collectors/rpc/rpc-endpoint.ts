// The RPC endpoint collector: one probe per endpoint per tick, through viem, as one JSON-RPC batch where
// the endpoint accepts batches: chain id, head, latest block, syncing, peers, and the client version at
// start and hourly.

import { createClient, hexToNumber, http, isHex, type Client, type Hex } from 'viem';
import { ProbeAbortedError, type Collector, type Probe, type ProbeContext } from '../collector.js';
import type { RpcEndpointTarget, RpcObservation } from '../../domain/rpc.js';
import { RpcProbeError, classifyRpcFailure } from './rpc-probe-error.js';

const clientVersionEveryMs = 3_600_000;
/** After an endpoint refuses a batch, ask single requests for this long before trying a batch again. */
const batchRetryAfterMs = 3_600_000;

interface RpcBlock {
  number: Hex | null;
  timestamp: Hex;
  gasUsed: Hex;
  gasLimit: Hex;
  baseFeePerGas?: Hex | null;
}

type SyncingAnswer = false | { currentBlock?: Hex; highestBlock?: Hex };

function quantity(value: unknown, field: string): number {
  if (typeof value !== 'string' || !isHex(value) || value === '0x') throw new RpcProbeError('invalid_response', `${field} is not a hex quantity`);
  const parsed = hexToNumber(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new RpcProbeError('invalid_response', `${field} is out of range`);
  return parsed;
}

function optionalQuantity(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : quantity(value, field);
}

function isBlock(value: unknown): value is RpcBlock {
  return value !== null && typeof value === 'object' && 'timestamp' in value && 'number' in value;
}

/** A refusal that only concerns one optional method ("method not found", "not supported"): no data. */
function isMethodRefusal(error: unknown): boolean {
  const failure = classifyRpcFailure(error, { timeoutMs: 0, httpStatuses: new Set() });
  return failure.errorClass === 'jsonrpc_error';
}

async function optional<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isMethodRefusal(error)) return null;
    throw error;
  }
}

class RpcEndpointProbe implements Probe<RpcObservation> {
  private readonly batchClient: Client;
  private readonly singleClient: Client;
  private readonly httpStatuses = new Set<number>();
  private batchRefusedAt: number | null = null;
  private clientVersionReadAt: number | null = null;

  constructor(
    private readonly target: RpcEndpointTarget,
    private readonly context: ProbeContext,
  ) {
    const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const signals = [context.shutdownSignal, init?.signal].filter((signal): signal is AbortSignal => signal instanceof AbortSignal);
      const response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
      this.httpStatuses.add(response.status);
      return response;
    };
    const transport = (batch: boolean) =>
      http(target.url, { batch, timeout: target.timeoutMs, retryCount: 0, fetchFn, fetchOptions: { headers: target.headers } });
    this.batchClient = createClient({ transport: transport(true), cacheTime: 0 });
    this.singleClient = createClient({ transport: transport(false), cacheTime: 0 });
  }

  async run(): Promise<RpcObservation> {
    const at = this.context.clock.now();
    const started = performance.now();
    const wantClientVersion = this.clientVersionReadAt === null || at - this.clientVersionReadAt >= clientVersionEveryMs;
    const useBatch = this.batchRefusedAt === null || at - this.batchRefusedAt >= batchRetryAfterMs;
    this.httpStatuses.clear();
    try {
      let answer: Omit<RpcObservation, 'at' | 'latencyMs'>;
      try {
        answer = await this.query(useBatch ? this.batchClient : this.singleClient, useBatch, wantClientVersion);
      } catch (error) {
        if (!useBatch || !this.refusedBatch(error)) throw error;
        this.httpStatuses.clear();
        answer = await this.query(this.singleClient, false, wantClientVersion);
        this.batchRefusedAt = at;
      }
      if (wantClientVersion) this.clientVersionReadAt = at;
      return { ...answer, at, latencyMs: performance.now() - started };
    } catch (error) {
      if (this.context.shutdownSignal.aborted) throw new ProbeAbortedError('probe aborted: shutting down', { cause: error });
      throw classifyRpcFailure(error, { timeoutMs: this.target.timeoutMs, httpStatuses: this.httpStatuses });
    }
  }

  /** Some providers answer a batch with 4xx or a single error object; they get single requests. */
  private refusedBatch(error: unknown): boolean {
    // The endpoint answered the batch, and the answer itself was wrong: not a refusal.
    if (error instanceof RpcProbeError) return false;
    const failure = classifyRpcFailure(error, { timeoutMs: this.target.timeoutMs, httpStatuses: this.httpStatuses });
    return failure.errorClass === 'invalid_response' || (failure.errorClass === 'http_status' && [...this.httpStatuses].some((status) => status >= 400 && status < 500));
  }

  private async query(client: Client, batched: boolean, wantClientVersion: boolean): Promise<Omit<RpcObservation, 'at' | 'latencyMs'>> {
    const request = (method: string, params: unknown[] = []) => client.request({ method, params } as never) as Promise<unknown>;
    const [chainIdHex, blockNumberHex, block, syncing, peerCountHex, clientVersion] = await Promise.all([
      request('eth_chainId'),
      request('eth_blockNumber'),
      request('eth_getBlockByNumber', ['latest', false]),
      optional(request('eth_syncing') as Promise<SyncingAnswer>),
      optional(request('net_peerCount')),
      wantClientVersion ? optional(request('web3_clientVersion')) : Promise.resolve(null),
    ]);

    const chainId = quantity(chainIdHex, 'eth_chainId');
    const headBlock = quantity(blockNumberHex, 'eth_blockNumber');
    if (!isBlock(block)) throw new RpcProbeError('invalid_response', 'eth_getBlockByNumber(latest) returned no block');
    const headTimestamp = quantity(block.timestamp, 'block.timestamp');
    if (chainId !== this.target.expectedChainId) {
      throw new RpcProbeError('chain_id_mismatch', `chain id ${chainId}, expected ${this.target.expectedChainId}`, {
        partial: { chainId, headBlock, headTimestamp },
      });
    }
    return {
      chain: this.target.chain,
      endpoint: this.target.endpoint,
      ok: true,
      errorClass: null,
      errorMessage: null,
      chainId,
      headBlock,
      headTimestamp,
      syncing: syncing === null ? null : syncing !== false,
      peerCount: peerCountHex === null ? null : quantity(peerCountHex, 'net_peerCount'),
      gasUsed: quantity(block.gasUsed, 'block.gasUsed'),
      gasLimit: quantity(block.gasLimit, 'block.gasLimit'),
      baseFeePerGasWei: optionalQuantity(block.baseFeePerGas, 'block.baseFeePerGas'),
      clientVersion: typeof clientVersion === 'string' ? clientVersion.slice(0, 200) : null,
      batched,
    };
  }
}

export const rpcEndpointCollector: Collector<RpcEndpointTarget, RpcObservation> = {
  kind: 'rpc',
  createProbe: (target, context) => new RpcEndpointProbe(target, context),
  failure(target, error, startedAt, durationMs) {
    if (error instanceof ProbeAbortedError) return null;
    const failure = error instanceof RpcProbeError ? error : classifyRpcFailure(error, { timeoutMs: target.timeoutMs, httpStatuses: new Set() });
    return {
      chain: target.chain,
      endpoint: target.endpoint,
      at: startedAt,
      ok: false,
      latencyMs: durationMs,
      errorClass: failure.errorClass,
      errorMessage: failure.shortMessage,
      chainId: failure.partial.chainId ?? null,
      headBlock: failure.partial.headBlock ?? null,
      headTimestamp: failure.partial.headTimestamp ?? null,
      syncing: null,
      peerCount: null,
      gasUsed: null,
      gasLimit: null,
      baseFeePerGasWei: null,
      clientVersion: null,
      batched: false,
    };
  },
};
