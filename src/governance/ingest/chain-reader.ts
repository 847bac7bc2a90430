// Reads a chain for governance ingestion through its RPC endpoints, healthiest first: one endpoint serves a
// whole ingestion step (so head, logs and block hashes agree), and a step that fails on an endpoint's
// fault moves to the next one. Every request is counted; failures are typed with a closed error class.

import { createPublicClient, http, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { EreError } from '../../domain/errors.js';
import type { RpcErrorClass } from '../../domain/rpc.js';
import { classifyRpcFailure } from '../../endpoints/rpc/rpc-probe-error.js';
import type { BlockTransaction, TracedCall } from './kind.js';

export const governanceReadErrorClasses = [
  'range_too_large',
  'reverted',
  'no_endpoint',
  'timeout',
  'http_status',
  'rate_limited',
  'jsonrpc_error',
  'invalid_response',
  'connection',
  'chain_id_mismatch',
] as const;
export type GovernanceReadErrorClass = (typeof governanceReadErrorClasses)[number];

export class GovernanceReadError extends EreError {
  override name = 'GovernanceReadError';
  readonly errorClass: GovernanceReadErrorClass;
  readonly endpoint: string | null;

  constructor(
    errorClass: GovernanceReadErrorClass,
    shortMessage: string,
    options: { endpoint?: string | null; cause?: unknown } = {},
  ) {
    super(shortMessage, { cause: options.cause });
    this.errorClass = errorClass;
    this.endpoint = options.endpoint ?? null;
  }
}

/** Provider messages for a getLogs range or result set too big (Infura, Alchemy, QuickNode, geth, erigon…). */
const rangeTooLarge =
  /range|too many|more than \d+|limit exceeded|exceed|too large|response size|max results|10000 results/i;

/** The errors that say the step should run on another endpoint rather than halve its range or give up. */
const endpointFaults: ReadonlySet<GovernanceReadErrorClass> = new Set([
  'timeout',
  'http_status',
  'rate_limited',
  'connection',
  'invalid_response',
  'chain_id_mismatch',
]);

export function isEndpointFault(error: unknown): boolean {
  return error instanceof GovernanceReadError && endpointFaults.has(error.errorClass);
}

export interface ReaderEndpoint {
  id: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** One endpoint's client, with the calls ingestion makes, each counted and failing with a typed error. */
export class EndpointReader {
  readonly client: PublicClient;

  constructor(
    readonly endpoint: ReaderEndpoint,
    private readonly countRequest: (method: string) => void,
  ) {
    this.client = createPublicClient({
      transport: http(endpoint.url, {
        timeout: endpoint.timeoutMs,
        retryCount: 0,
        fetchOptions: { headers: endpoint.headers },
      }),
      cacheTime: 0,
    });
  }

  private async request<T>(method: string, run: () => Promise<T>): Promise<T> {
    this.countRequest(method);
    try {
      return await run();
    } catch (error) {
      throw this.classify(method, error);
    }
  }

  private classify(method: string, error: unknown): GovernanceReadError {
    const chain: { name?: string; message?: string; shortMessage?: string; details?: string; cause?: unknown }[] = [];
    for (
      let current: unknown = error;
      current !== null && typeof current === 'object' && chain.length < 10;
      current = (current as { cause?: unknown }).cause
    )
      chain.push(current as never);
    const names = new Set(chain.map((item) => item.name));
    const endpoint = this.endpoint.id;
    if (
      names.has('ContractFunctionRevertedError') ||
      names.has('CallExecutionError') ||
      names.has('ContractFunctionZeroDataError')
    ) {
      return new GovernanceReadError('reverted', `${method} reverted`, { endpoint, cause: error });
    }
    const text = chain.map((item) => `${item.details ?? ''} ${item.shortMessage ?? ''}`).join(' ');
    // A response too big to accept (viem caps bodies) is a range too large too: halving is the cure.
    if (method === 'eth_getLogs' && names.has('ResponseBodyTooLargeError')) {
      return new GovernanceReadError('range_too_large', 'the logs of the range make a response too large to accept', {
        endpoint,
        cause: error,
      });
    }
    if (
      method === 'eth_getLogs' &&
      (names.has('RpcRequestError') || names.has('LimitExceededRpcError') || names.has('InvalidParamsRpcError')) &&
      rangeTooLarge.test(text)
    ) {
      return new GovernanceReadError('range_too_large', 'the provider refused the block range as too large', {
        endpoint,
        cause: error,
      });
    }
    const probeError = classifyRpcFailure(error, { timeoutMs: this.endpoint.timeoutMs, httpStatuses: new Set() });
    const errorClass: RpcErrorClass =
      names.has('RpcRequestError') && probeError.errorClass === 'invalid_response'
        ? 'jsonrpc_error'
        : probeError.errorClass;
    return new GovernanceReadError(errorClass, `${method} failed: ${probeError.shortMessage}`, {
      endpoint,
      cause: error,
    });
  }

  blockNumber(): Promise<bigint> {
    return this.request('eth_blockNumber', () => this.client.getBlockNumber({ cacheTime: 0 }));
  }

  async block(number: bigint): Promise<{ number: bigint; hash: Hex; timestampMs: number }> {
    const block = await this.request('eth_getBlockByNumber', () => this.client.getBlock({ blockNumber: number }));
    if (block.hash === null || block.number === null)
      throw new GovernanceReadError('invalid_response', `block ${number} has no hash`, { endpoint: this.endpoint.id });
    return { number: block.number, hash: block.hash, timestampMs: Number(block.timestamp) * 1_000 };
  }

  /** Logs of these contracts with one of these first topics (the watched events: a token's transfers stay out). */
  getLogs(addresses: readonly Address[], topics: readonly Hex[], fromBlock: bigint, toBlock: bigint): Promise<Log[]> {
    const filter = {
      address: [...addresses],
      topics: [[...topics]],
      fromBlock: `0x${fromBlock.toString(16)}`,
      toBlock: `0x${toBlock.toString(16)}`,
    };
    return this.request(
      'eth_getLogs',
      () => this.client.request({ method: 'eth_getLogs', params: [filter as never] }) as unknown as Promise<Log[]>,
    );
  }

  call(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
    blockNumber: bigint,
  ): Promise<unknown> {
    return this.request('eth_call', () =>
      this.client.readContract({ address, abi: abi as never, functionName, args: args as never, blockNumber }),
    );
  }

  storageAt(address: Address, slot: Hex, blockNumber: bigint): Promise<Hex> {
    return this.request(
      'eth_getStorageAt',
      async () => (await this.client.getStorageAt({ address, slot, blockNumber })) ?? '0x',
    );
  }

  async blockWithTransactions(
    number: bigint,
  ): Promise<{ hash: Hex; timestampMs: number; transactions: BlockTransaction[] }> {
    const block = await this.request('eth_getBlockByNumber', () =>
      this.client.getBlock({ blockNumber: number, includeTransactions: true }),
    );
    if (block.hash === null)
      throw new GovernanceReadError('invalid_response', `block ${number} has no hash`, { endpoint: this.endpoint.id });
    return {
      hash: block.hash,
      timestampMs: Number(block.timestamp) * 1_000,
      transactions: block.transactions.map((transaction) => ({
        hash: transaction.hash,
        index: transaction.transactionIndex ?? 0,
        from: transaction.from,
        to: transaction.to,
        input: transaction.input,
      })),
    };
  }

  async succeeded(hash: Hex): Promise<boolean> {
    const receipt = await this.request('eth_getTransactionReceipt', () => this.client.getTransactionReceipt({ hash }));
    return receipt.status === 'success';
  }

  traceBlock(number: bigint): Promise<{ txHash: Hex; result: TracedCall }[]> {
    return this.request(
      'debug_traceBlockByNumber',
      () =>
        this.client.request({
          method: 'debug_traceBlockByNumber',
          params: [`0x${number.toString(16)}`, { tracer: 'callTracer' }],
        } as never) as unknown as Promise<{ txHash: Hex; result: TracedCall }[]>,
    );
  }

  /** null when the node does not know it (geth keeps a transaction index of recent blocks only). */
  async transaction(hash: Hex): Promise<{ from: Address; to: Address | null; input: Hex } | null> {
    const transaction = await this.request('eth_getTransactionByHash', async () => {
      try {
        return await this.client.getTransaction({ hash });
      } catch (error) {
        if ((error as { name?: string }).name === 'TransactionNotFoundError') return null;
        throw error;
      }
    });
    return transaction && { from: transaction.from, to: transaction.to, input: transaction.input };
  }

  chainId(): Promise<number> {
    return this.request('eth_chainId', () => this.client.getChainId());
  }
}

/** A chain's endpoints for ingestion, ordered by health at each step. */
export class ChainReader {
  private readonly readers: Map<string, EndpointReader>;
  private readonly verifiedChainId = new Set<string>();
  /** Requests sent, by method: the benchmark's and the metrics' count. */
  readonly requests = new Map<string, number>();

  constructor(
    readonly chain: string,
    endpoints: readonly ReaderEndpoint[],
    private readonly options: {
      expectedChainId: number;
      /** Endpoint ids, healthiest first; endpoints not listed are tried last, in configured order. */
      preference: () => readonly string[];
      onRequest?: (method: string) => void;
    },
  ) {
    const count = (method: string) => {
      this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
      options.onRequest?.(method);
    };
    this.readers = new Map(endpoints.map((endpoint) => [endpoint.id, new EndpointReader(endpoint, count)]));
  }

  totalRequests(): number {
    let total = 0;
    for (const count of this.requests.values()) total += count;
    return total;
  }

  /** The endpoints to try, in order. */
  ordered(): EndpointReader[] {
    const preferred = this.options.preference().filter((id) => this.readers.has(id));
    const rest = [...this.readers.keys()].filter((id) => !preferred.includes(id));
    return [...preferred, ...rest].map((id) => this.readers.get(id)!);
  }

  /**
   * Runs `step` on the healthiest endpoint, and on the next one when it fails on an endpoint fault (down,
   * timing out, rate-limited, serving another chain). Other failures (a reverted call, a range too large)
   * are the request's, and are thrown as they are.
   */
  async withEndpoint<T>(step: (reader: EndpointReader) => Promise<T>): Promise<T> {
    const faults: GovernanceReadError[] = [];
    for (const reader of this.ordered()) {
      try {
        if (!this.verifiedChainId.has(reader.endpoint.id)) {
          const chainId = await reader.chainId();
          if (chainId !== this.options.expectedChainId)
            throw new GovernanceReadError(
              'chain_id_mismatch',
              `chain id ${chainId}, expected ${this.options.expectedChainId}`,
              { endpoint: reader.endpoint.id },
            );
          this.verifiedChainId.add(reader.endpoint.id);
        }
        return await step(reader);
      } catch (error) {
        if (!isEndpointFault(error)) throw error;
        faults.push(error as GovernanceReadError);
      }
    }
    const last = faults.at(-1);
    throw new GovernanceReadError(
      last?.errorClass ?? 'no_endpoint',
      `no endpoint of chain "${this.chain}" could serve: ` +
        `${faults.map((fault) => `${fault.endpoint}: ${fault.shortMessage}`).join('; ') || 'none configured'}`,
      {
        cause: last,
      },
    );
  }
}
