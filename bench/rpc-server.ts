// The benchmark's JSON-RPC node: one HTTP server on 127.0.0.1 answering `POST /ep/<i>` for any i with
// geth-like answers to the methods the RPC probe asks (batched or single). It runs as its own child
// process so that its CPU is not charged to the poller being measured. It counts what it receives, so
// that the report can show that the baseline and ERE sent the same traffic.
//
// Protocol (IPC with the parent): it sends `{ type: 'listening', port }` once bound; it answers
// `{ type: 'reset' }` and `{ type: 'stats' }` with `{ type: 'stats', stats }`; it exits when the parent
// goes away.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export interface ServerStats {
  requests: number;
  requestBytes: number;
  responseBytes: number;
  /** How many times each JSON-RPC method was asked. */
  methods: Record<string, number>;
  /** Requests that were not a valid JSON-RPC call or batch on /ep/<i>. */
  rejected: number;
}

export type ServerMessage = { type: 'listening'; port: number } | { type: 'stats'; stats: ServerStats };
export type ServerCommand = { type: 'reset' } | { type: 'stats' };

export interface ChainShape {
  chainId: number;
  /** Seconds between blocks; the head block's timestamp is when it was "mined". */
  blockTimeSeconds: number;
  /** Transaction hashes in every block (a mainnet block has 150-300). */
  transactionsPerBlock: number;
}

const hex = (value: number | bigint) => `0x${value.toString(16)}`;
const randomHash = (bytes = 32) => `0x${randomBytes(bytes).toString('hex')}`;

/** The JSON text of the head block with transaction hashes only, as `eth_getBlockByNumber(…, false)` gives. */
function blockJson(number: number, timestamp: number, shape: ChainShape): string {
  const gasLimit = 30_000_000;
  return JSON.stringify({
    baseFeePerGas: hex(3_000_000_000 + (number % 97) * 10_000_000),
    blobGasUsed: hex(131_072 * (number % 4)),
    difficulty: '0x0',
    excessBlobGas: hex(0),
    extraData: '0x6265617665726275696c642e6f7267',
    gasLimit: hex(gasLimit),
    gasUsed: hex(Math.floor(gasLimit * (0.35 + (number % 13) / 20))),
    hash: randomHash(),
    logsBloom: randomHash(256),
    miner: randomHash(20),
    mixHash: randomHash(),
    nonce: '0x0000000000000000',
    number: hex(number),
    parentBeaconBlockRoot: randomHash(),
    parentHash: randomHash(),
    receiptsRoot: randomHash(),
    sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    size: hex(60_000 + shape.transactionsPerBlock * 400),
    stateRoot: randomHash(),
    timestamp: hex(timestamp),
    transactions: Array.from({ length: shape.transactionsPerBlock }, () => randomHash()),
    transactionsRoot: randomHash(),
    uncles: [],
    withdrawals: Array.from({ length: 16 }, (_, index) => ({
      address: randomHash(20),
      amount: hex(18_000_000 + index),
      index: hex(number * 16 + index),
      validatorIndex: hex(1_000_000 + index * 37),
    })),
    withdrawalsRoot: randomHash(),
  });
}

/** Blocks kept, by number: the head and the recent blocks that block agreement and the tags ask for. */
const KEPT_BLOCKS = 256;
/** `finalized` and `safe` trail the head as on Ethereum: two epochs and one. */
const FINALIZED_BEHIND = 64;
const SAFE_BEHIND = 32;

/**
 * The chain, its head advancing every block time; each block's JSON is built once, so every endpoint and
 * every question (the head, a number, a tag) gets the same block, with the same hash, for one number.
 */
function chainBlocks(shape: ChainShape) {
  const genesisSeconds = Math.floor(Date.now() / 1_000) - 1_000 * shape.blockTimeSeconds;
  const built = new Map<number, string>();
  const headNumber = () => Math.floor((Date.now() / 1_000 - genesisSeconds) / shape.blockTimeSeconds);
  const at = (number: number): string => {
    let json = built.get(number);
    if (json === undefined) {
      json = blockJson(number, genesisSeconds + number * shape.blockTimeSeconds, shape);
      built.set(number, json);
      if (built.size > KEPT_BLOCKS) built.delete(built.keys().next().value as number);
    }
    return json;
  };
  return {
    head: () => ({ number: headNumber(), json: at(headNumber()) }),
    /** eth_getBlockByNumber's answer for its first parameter: a tag or a hex number (null beyond the head). */
    byTag(tag: unknown): string {
      const head = headNumber();
      if (tag === 'finalized') return at(Math.max(0, head - FINALIZED_BEHIND));
      if (tag === 'safe') return at(Math.max(0, head - SAFE_BEHIND));
      if (typeof tag === 'string' && /^0x[0-9a-f]+$/i.test(tag)) {
        const number = Number(BigInt(tag));
        return number > head ? 'null' : at(number);
      }
      return at(head);
    },
  };
}

interface JsonRpcCall {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export function startRpcServer(shape: ChainShape, onListening: (port: number) => void) {
  const blocks = chainBlocks(shape);
  const head = blocks.head;
  const emptyStats = (): ServerStats => ({ requests: 0, requestBytes: 0, responseBytes: 0, methods: {}, rejected: 0 });
  let stats = emptyStats();
  const clientVersion = JSON.stringify('Geth/v1.14.12-stable-293a300d/linux-amd64/go1.23.4');

  /** The result's JSON text, or undefined for a method this node does not serve. */
  function resultJson(method: string, params: unknown): string | undefined {
    switch (method) {
      case 'eth_chainId':
        return JSON.stringify(hex(shape.chainId));
      case 'eth_blockNumber':
        return JSON.stringify(hex(head().number));
      case 'eth_getBlockByNumber':
        return blocks.byTag(Array.isArray(params) ? params[0] : undefined);
      case 'eth_syncing':
        return 'false';
      case 'net_peerCount':
        return '"0x32"';
      case 'web3_clientVersion':
        return clientVersion;
      default:
        return undefined;
    }
  }

  function answer(call: JsonRpcCall): string {
    const method = typeof call.method === 'string' ? call.method : '';
    stats.methods[method] = (stats.methods[method] ?? 0) + 1;
    const id = JSON.stringify(call.id ?? null);
    const result = resultJson(method, call.params);
    if (result === undefined)
      return (
        `{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"the ` +
        `method ${method} does not exist/is not available"}}`
      );
    return `{"jsonrpc":"2.0","id":${id},"result":${result}}`;
  }

  function reply(response: ServerResponse, status: number, body: string) {
    stats.responseBytes += Buffer.byteLength(body);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  }

  function handle(request: IncomingMessage, response: ServerResponse, body: string) {
    stats.requests += 1;
    stats.requestBytes += Buffer.byteLength(body);
    if (request.method !== 'POST' || !/^\/ep\/\d+$/.test(request.url ?? '')) {
      stats.rejected += 1;
      return reply(response, 404, '{"error":"not found"}');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      stats.rejected += 1;
      return reply(response, 200, '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}');
    }
    if (Array.isArray(parsed)) return reply(response, 200, `[${(parsed as JsonRpcCall[]).map(answer).join(',')}]`);
    return reply(response, 200, answer(parsed as JsonRpcCall));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  // Pollers keep connections open between polls one interval apart, as they would with a real node.
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') onListening(address.port);
  });

  return {
    server,
    stats: () => stats,
    reset: () => void (stats = emptyStats()),
  };
}

/** Reads the chain's shape from argv: `--chain-id 31337 --block-time 2 --block-txs 150`. */
function shapeFromArgs(args: string[]): ChainShape {
  const value = (flag: string, fallback: number) => {
    const index = args.indexOf(flag);
    const parsed = index >= 0 ? Number(args[index + 1]) : fallback;
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} must be a non-negative number`);
    return parsed;
  };
  return {
    chainId: value('--chain-id', 31_337),
    blockTimeSeconds: value('--block-time', 2) || 2,
    transactionsPerBlock: value('--block-txs', 150),
  };
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.send) {
  const send = (message: ServerMessage) => process.send!(message);
  const node = startRpcServer(shapeFromArgs(process.argv.slice(2)), (port) => send({ type: 'listening', port }));
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'reset') node.reset();
    send({ type: 'stats', stats: node.stats() });
  });
  // The parent went away (finished, crashed or was interrupted): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
}
