// A JSON-RPC proxy in front of a real upstream (usually anvil) whose behaviour can be switched at
// run time, so the demo and the tests can show how the monitor sees a misbehaving RPC provider:
// slow, hanging, erroring, lying about the head or the chain, or refusing batches; or, at the right height,
// serving wrong data: another block's hash, a log short, a frozen `finalized`, a wrong eth_call, a
// transaction accepted and never sent on, receipts late.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { keccak256, type Hex } from 'viem';

export type Fault =
  | { kind: 'none' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'http_status'; status: number }
  | { kind: 'rate_limited' }
  | { kind: 'malformed' }
  | { kind: 'jsonrpc_error' }
  | { kind: 'wrong_chain_id'; chainId: number }
  | { kind: 'stale' }
  | { kind: 'ahead'; blocks: number }
  | { kind: 'syncing' }
  | { kind: 'no_batch' }
  | { kind: 'refuse_peer_count' }
  /** eth_getLogs over more than `maxBlocks` blocks is refused, as hosted providers cap log queries. */
  | { kind: 'log_range_limit'; maxBlocks: number }
  /** The block at `height` is answered with another hash, as a provider on another fork there would. */
  | { kind: 'fork_hash'; height: number }
  /** eth_getLogs leaves out the first log (of `address`, when given) it would return; receipts still hold it. */
  | { kind: 'drop_log'; address?: string }
  /** The `finalized` and `safe` tags stay at the blocks they named when the fault was set. */
  | { kind: 'freeze_finalized' }
  /** eth_call answers with its result's last byte changed. */
  | { kind: 'wrong_call' }
  /** eth_sendRawTransaction is answered with the transaction's hash and never sent upstream. */
  | { kind: 'swallow_send' }
  /** A receipt is answered as not found until `delayMs` after this proxy first saw it upstream. */
  | { kind: 'delay_receipts'; delayMs: number };

export type FaultKind = Fault['kind'];

export interface FaultProxyOptions {
  upstreamUrl: string;
  host?: string;
  port?: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** The fault applied to requests arriving from now on. */
  readonly fault: Fault;
  /** HTTP requests received (a batch counts once). */
  readonly requestCount: number;
  setFault(fault: Fault): void;
  /** Stops listening and destroys open sockets, hanging ones included. */
  close(): Promise<void>;
}

type JsonRpcId = string | number | null;
type JsonRpcRequest = { jsonrpc: '2.0'; id?: JsonRpcId; method: string; params?: unknown };
type JsonRpcResponse = { jsonrpc: '2.0'; id?: JsonRpcId; result?: unknown; error?: { code: number; message: string } };

/** How one call of a request is served: answered here, or forwarded and its result adjusted. */
type CallPlan = { answer: JsonRpcResponse } | { forward: JsonRpcRequest; adjust?: (result: unknown) => unknown };

/** An HTTP answer, ours or the upstream's relayed as is. */
type Reply = { status: number; body: string; headers?: Record<string, string> };

type Post = (payload: unknown) => Promise<Reply>;
type UpstreamAnswer = { byIndex: Map<number, JsonRpcResponse> } | { raw: Reply };

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const SYNCING_GAP_BLOCKS = 1000n;
const jsonHeaders = { 'content-type': 'application/json' };

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  // Aborted by close() so pending delays and upstream fetches stop with the server.
  const lifetime = new AbortController();
  const post: Post = (payload) => postUpstream(options.upstreamUrl, payload, lifetime.signal);
  const frozenHead = createFreezer(() => readHead(post));
  const frozenTags = createFreezer(() => readTags(post));
  const receiptsSeen = new Map<string, number>();
  const state = (fault: Fault): Promise<ProxyState> =>
    Promise.all([
      fault.kind === 'stale' ? frozenHead.get() : undefined,
      fault.kind === 'freeze_finalized' ? frozenTags.get() : undefined,
    ]).then(([head, tags]) => ({ head, tags, receiptsSeen }));
  let fault: Fault = { kind: 'none' };
  let requestCount = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requestCount += 1;
    const current = fault;
    const body = await readBody(req);
    // Read in full first so the request is accepted, then left unanswered; close() destroys the socket.
    if (current.kind === 'hang') return;
    if (body === undefined) return send(res, { status: 413, body: 'request body too large' });
    if (current.kind === 'slow') await sleep(current.delayMs, undefined, { signal: lifetime.signal });
    send(res, await replyTo(body, current, post, () => state(current)));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (lifetime.signal.aborted) return;
      if (res.headersSent) res.destroy();
      else send(res, { status: 502, body: 'upstream unavailable' });
    });
  });
  const address = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);

  let closing: Promise<void> | undefined;
  return {
    ...address,
    get fault() {
      return fault;
    },
    get requestCount() {
      return requestCount;
    },
    setFault(next: Fault) {
      fault = next;
      frozenHead.reset(next.kind === 'stale');
      frozenTags.reset(next.kind === 'freeze_finalized');
      receiptsSeen.clear();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function listen(server: Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${urlHost}:${address.port}`, port: address.port };
}

/**
 * What a fault freezes (the head for `stale`, the tags for `freeze_finalized`): read when the fault is set,
 * re-read on demand if that failed.
 */
function createFreezer<T>(read: () => Promise<T>): { reset(freezeNow: boolean): void; get(): Promise<T> } {
  let value: Promise<T> | undefined;
  const get = (): Promise<T> => {
    const pending = (value ??= read());
    pending.catch(() => {
      if (value === pending) value = undefined; // so the next request under the fault tries again
    });
    return pending;
  };
  return {
    reset(freezeNow) {
      value = undefined;
      if (freezeNow) get().catch(() => undefined);
    },
    get,
  };
}

/** What some faults need beyond the request: the frozen head or tags, and when each receipt was first seen. */
interface ProxyState {
  head: bigint | undefined;
  tags: FrozenTags | undefined;
  receiptsSeen: Map<string, number>;
}

/** The block numbers `finalized` and `safe` named when frozen; null where the upstream has no such tag. */
type FrozenTags = { finalized: string | null; safe: string | null };

async function replyTo(body: string, fault: Fault, post: Post, proxyState: () => Promise<ProxyState>): Promise<Reply> {
  const early = httpFaultReply(fault);
  if (early) return early;
  const parsed = parseCalls(body);
  // Anything we cannot interpret goes upstream untouched so its own error comes back.
  if (!parsed) return post(body);
  if (fault.kind === 'no_batch' && parsed.batch) {
    return json(400, errorResponse(null, -32600, 'batch requests are not supported'));
  }
  const state = await proxyState();
  const plans = parsed.calls.map((call) => planCall(call, fault, state));
  const answer = await forwardPlans(plans, parsed.batch, post);
  if ('raw' in answer) return answer.raw;
  const responses = plans.map((plan, index) =>
    finish(plan, parsed.calls[index] as JsonRpcRequest, answer.byIndex.get(index)),
  );
  return json(200, parsed.batch ? responses : responses[0]);
}

/** Faults that answer at the HTTP level, whatever the request says. */
function httpFaultReply(fault: Fault): Reply | undefined {
  switch (fault.kind) {
    case 'http_status':
      return { status: fault.status, body: `upstream error ${fault.status}` };
    case 'rate_limited':
      return { status: 429, body: 'too many requests', headers: { 'retry-after': '1' } };
    case 'malformed':
      return { status: 200, body: '{"jsonrpc":"2.0","id":1,"result":"0x', headers: jsonHeaders };
    default:
      return undefined;
  }
}

function planCall(call: JsonRpcRequest, fault: Fault, state: ProxyState): CallPlan {
  switch (fault.kind) {
    case 'jsonrpc_error':
      return { answer: errorResponse(call.id, -32603, 'internal error') };
    case 'refuse_peer_count':
      return call.method === 'net_peerCount'
        ? { answer: errorResponse(call.id, -32601, 'method not found') }
        : { forward: call };
    case 'wrong_chain_id':
      return call.method === 'eth_chainId'
        ? { answer: resultResponse(call.id, toHex(BigInt(fault.chainId))) }
        : { forward: call };
    case 'syncing':
      // The head is fetched in place of eth_syncing so the reported progress looks plausible.
      return call.method === 'eth_syncing'
        ? { forward: { ...call, method: 'eth_blockNumber', params: [] }, adjust: syncingStatus }
        : { forward: call };
    case 'stale':
      return planStale(call, state.head ?? 0n);
    case 'log_range_limit':
      return logRangeBlocks(call) > fault.maxBlocks
        ? { answer: errorResponse(call.id, -32005, `query exceeds max block range ${fault.maxBlocks}`) }
        : { forward: call };
    case 'ahead':
      return planAhead(call, BigInt(fault.blocks));
    default:
      return planWrongData(call, fault, state);
  }
}

/** The faults that serve wrong data for the calls that ask for it, and forward every other call. */
function planWrongData(call: JsonRpcRequest, fault: Fault, state: ProxyState): CallPlan {
  const params = Array.isArray(call.params) ? (call.params as unknown[]) : [];
  switch (fault.kind) {
    case 'fork_hash':
      return call.method === 'eth_getBlockByNumber' && params[0] === toHex(BigInt(fault.height))
        ? { forward: call, adjust: forkedBlock }
        : { forward: call };
    case 'drop_log':
      return call.method === 'eth_getLogs'
        ? { forward: call, adjust: (logs) => withoutFirstLogOf(logs, fault.address?.toLowerCase()) }
        : { forward: call };
    case 'freeze_finalized': {
      const tag = params[0];
      if (call.method !== 'eth_getBlockByNumber' || (tag !== 'finalized' && tag !== 'safe')) return { forward: call };
      const frozen = state.tags?.[tag];
      return frozen ? { forward: { ...call, params: [frozen, ...params.slice(1)] } } : { forward: call };
    }
    case 'wrong_call':
      return call.method === 'eth_call' ? { forward: call, adjust: changedCallResult } : { forward: call };
    case 'swallow_send':
      return call.method === 'eth_sendRawTransaction' && typeof params[0] === 'string'
        ? { answer: resultResponse(call.id, keccak256(params[0] as Hex)) }
        : { forward: call };
    case 'delay_receipts':
      return call.method === 'eth_getTransactionReceipt' && typeof params[0] === 'string'
        ? { forward: call, adjust: (receipt) => delayedReceipt(receipt, params[0] as string, fault.delayMs, state) }
        : { forward: call };
    default:
      return { forward: call };
  }
}

function forkedBlock(block: unknown): unknown {
  if (typeof block !== 'object' || block === null || typeof (block as { hash?: unknown }).hash !== 'string')
    return block;
  const { hash } = block as { hash: Hex };
  return { ...block, hash: keccak256(hash) };
}

function withoutFirstLogOf(logs: unknown, address: string | undefined): unknown {
  if (!Array.isArray(logs)) return logs;
  const index = logs.findIndex(
    (log) =>
      address === undefined || (typeof log?.address === 'string' && (log.address as string).toLowerCase() === address),
  );
  return index < 0 ? logs : logs.filter((_, at) => at !== index);
}

function changedCallResult(result: unknown): unknown {
  if (typeof result !== 'string' || !result.startsWith('0x')) return result;
  if (result.length < 4) return '0x01';
  const last = Number.parseInt(result.slice(-2), 16);
  return `${result.slice(0, -2)}${((last + 1) % 256).toString(16).padStart(2, '0')}`;
}

function delayedReceipt(receipt: unknown, hash: string, delayMs: number, state: ProxyState): unknown {
  if (receipt === null || receipt === undefined) return receipt;
  const key = hash.toLowerCase();
  const now = Date.now();
  const firstSeen = state.receiptsSeen.get(key) ?? now;
  state.receiptsSeen.set(key, firstSeen);
  return now - firstSeen < delayMs ? null : receipt;
}

/** How many blocks an eth_getLogs call spans (0 for other calls, or when it names no numbered range). */
function logRangeBlocks(call: JsonRpcRequest): number {
  if (call.method !== 'eth_getLogs' || !Array.isArray(call.params)) return 0;
  const filter = call.params[0] as { fromBlock?: unknown; toBlock?: unknown } | undefined;
  const from =
    typeof filter?.fromBlock === 'string' && filter.fromBlock.startsWith('0x')
      ? Number(BigInt(filter.fromBlock))
      : null;
  const to =
    typeof filter?.toBlock === 'string' && filter.toBlock.startsWith('0x') ? Number(BigInt(filter.toBlock)) : null;
  return from === null || to === null ? 0 : to - from + 1;
}

function planStale(call: JsonRpcRequest, head: bigint): CallPlan {
  if (call.method === 'eth_blockNumber') return { answer: resultResponse(call.id, toHex(head)) };
  if (isLatestBlockCall(call)) {
    const [, ...rest] = call.params as unknown[];
    return { forward: { ...call, params: [toHex(head), ...rest] } };
  }
  return { forward: call };
}

function planAhead(call: JsonRpcRequest, blocks: bigint): CallPlan {
  if (call.method === 'eth_blockNumber') {
    return { forward: call, adjust: (result) => toHex(BigInt(result as string) + blocks) };
  }
  if (isLatestBlockCall(call)) {
    return { forward: call, adjust: (result) => raiseBlockNumber(result, blocks) };
  }
  return { forward: call };
}

function isLatestBlockCall(call: JsonRpcRequest): boolean {
  return call.method === 'eth_getBlockByNumber' && Array.isArray(call.params) && call.params[0] === 'latest';
}

function raiseBlockNumber(block: unknown, blocks: bigint): unknown {
  if (typeof block !== 'object' || block === null || !('number' in block)) return block;
  return { ...block, number: toHex(BigInt(block.number as string) + blocks) };
}

function syncingStatus(head: unknown): unknown {
  const current = BigInt(head as string);
  return { startingBlock: '0x0', currentBlock: toHex(current), highestBlock: toHex(current + SYNCING_GAP_BLOCKS) };
}

/**
 * Sends the forwarded calls upstream in one request, with ids replaced by their position so the
 * answers can be matched back whatever ids (duplicates included) the client used.
 */
async function forwardPlans(plans: CallPlan[], batch: boolean, post: Post): Promise<UpstreamAnswer> {
  const forwarded = plans.flatMap((plan, index) => ('forward' in plan ? [{ ...plan.forward, id: index }] : []));
  if (forwarded.length === 0) return { byIndex: new Map() };
  const reply = await post(batch ? forwarded : forwarded[0]);
  if (reply.status !== 200) return { raw: reply };
  const parsed = tryParse(reply.body);
  const responses = Array.isArray(parsed) ? parsed : [parsed];
  if (batch !== Array.isArray(parsed) || !responses.every(isResponse)) return { raw: reply };
  return { byIndex: new Map(responses.map((response) => [Number(response.id), response])) };
}

function finish(plan: CallPlan, call: JsonRpcRequest, upstream: JsonRpcResponse | undefined): JsonRpcResponse {
  if ('answer' in plan) return plan.answer;
  if (!upstream) return errorResponse(call.id, -32603, 'no upstream response');
  if (upstream.error || !plan.adjust) return { ...upstream, id: call.id ?? null };
  return resultResponse(call.id, plan.adjust(upstream.result));
}

async function readHead(post: Post): Promise<bigint> {
  const call: JsonRpcRequest = { jsonrpc: '2.0', method: 'eth_blockNumber', params: [] };
  const answer = await forwardPlans([{ forward: call }], false, post);
  const head = 'byIndex' in answer ? answer.byIndex.get(0)?.result : undefined;
  if (typeof head !== 'string') throw new Error('upstream eth_blockNumber failed');
  return BigInt(head);
}

async function readTags(post: Post): Promise<FrozenTags> {
  const calls: CallPlan[] = (['finalized', 'safe'] as const).map((tag) => ({
    forward: { jsonrpc: '2.0', method: 'eth_getBlockByNumber', params: [tag, false] },
  }));
  const answer = await forwardPlans(calls, true, post);
  if (!('byIndex' in answer)) throw new Error('upstream tags failed');
  const numberAt = (index: number): string | null => {
    const block = answer.byIndex.get(index)?.result as { number?: unknown } | null | undefined;
    return typeof block?.number === 'string' ? block.number : null;
  };
  return { finalized: numberAt(0), safe: numberAt(1) };
}

async function postUpstream(url: string, payload: unknown, signal: AbortSignal): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: jsonHeaders,
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    signal,
  });
  const contentType = response.headers.get('content-type');
  const body = await response.text();
  return { status: response.status, body, headers: contentType ? { 'content-type': contentType } : {} };
}

function parseCalls(body: string): { batch: boolean; calls: JsonRpcRequest[] } | undefined {
  const parsed = tryParse(body);
  const calls: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  if (calls.length === 0 || !calls.every(isRequest)) return undefined;
  return { batch: Array.isArray(parsed), calls };
}

const isRequest = (value: unknown): value is JsonRpcRequest =>
  typeof value === 'object' && value !== null && typeof (value as JsonRpcRequest).method === 'string';
const isResponse = (value: unknown): value is JsonRpcResponse =>
  typeof value === 'object' && value !== null && ('result' in value || 'error' in value);

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
  res.end(reply.body);
}

function json(status: number, payload: unknown): Reply {
  return { status, body: JSON.stringify(payload), headers: jsonHeaders };
}

function resultResponse(id: JsonRpcId | undefined, result: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', id: id ?? null, result };
}

function errorResponse(id: JsonRpcId | undefined, code: number, message: string): JsonRpcResponse {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message } };
}

const toHex = (value: bigint): string => `0x${value.toString(16)}`;
