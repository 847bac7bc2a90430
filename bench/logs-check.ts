// The logs check at mainnet size: `npm run bench:logs`. One JSON-RPC node (a child process of its own, so its
// CPU is not counted) serves two blocks of about 400 logs each, 150 receipts a block and full-size blooms,
// the same answers on every `/ep/<i>`. In alternating rounds, the baseline sends each of N endpoints the
// check's own batch (eth_getLogs over the range, and per block eth_getBlockByNumber and
// eth_getBlockReceipts, as ERE's caller serialises it) and throws the answers away; ERE runs the real logs
// check over the same N endpoints: parsing, digests, receipts and blooms compared. The verdict is ERE's
// CPU per run over the baseline's, median over rounds, and the requests and bytes each endpoint gets.
//
//   npm run bench:logs                       # 10 endpoints, 400 logs a block, 3 rounds of 20 runs each
//   npm run bench:logs -- --endpoints 10 --logs 400 --runs 20 --rounds 3

import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { logsCompleteness } from '../src/endpoints/rpc/correctness/checks/logs.js';
import { correctnessSchema } from '../src/endpoints/rpc/correctness/correctness-schema.js';
import { endpointCaller } from '../src/endpoints/rpc/correctness/rpc-calls.js';
import type { ChainTracker } from '../src/endpoints/rpc/rpc-tracker.js';

const HEAD = 20_000_000;
const DEPTH = 10;
const BLOCKS = 2;
const TXS_PER_BLOCK = 150;
const CONTRACTS = 40;

const hex = (value: number) => `0x${value.toString(16)}`;
const word = () => `0x${randomBytes(32).toString('hex')}`;

/** Each block's header, logs and receipts as a node would answer them, built once. */
function chainData(logsPerBlock: number) {
  const contracts = Array.from({ length: CONTRACTS }, () => `0x${randomBytes(20).toString('hex')}`);
  const topics = Array.from({ length: 8 }, word);
  const first = HEAD - DEPTH - BLOCKS + 1;
  return Array.from({ length: BLOCKS }, (_, offset) => {
    const number = first + offset;
    const blockHash = word();
    const transactions = Array.from({ length: TXS_PER_BLOCK }, word);
    const logs = Array.from({ length: logsPerBlock }, (_, logIndex) => {
      const tx = Math.floor((logIndex * TXS_PER_BLOCK) / logsPerBlock);
      return {
        address: contracts[logIndex % CONTRACTS],
        topics: [topics[logIndex % topics.length], word(), word()],
        data: `0x${randomBytes(64).toString('hex')}`,
        blockNumber: hex(number),
        blockHash,
        transactionHash: transactions[tx],
        transactionIndex: hex(tx),
        logIndex: hex(logIndex),
        removed: false,
      };
    });
    const bloom = `0x${'ff'.repeat(256)}`; // a full block's bloom is close to saturated; every test still runs
    const receipts = transactions.map((transactionHash, index) => ({
      blockHash,
      blockNumber: hex(number),
      contractAddress: null,
      cumulativeGasUsed: hex(100_000 * (index + 1)),
      effectiveGasPrice: hex(3_000_000_000),
      from: `0x${randomBytes(20).toString('hex')}`,
      gasUsed: hex(100_000),
      logs: logs.filter((log) => log.transactionHash === transactionHash),
      logsBloom: bloom,
      status: '0x1',
      to: contracts[index % CONTRACTS],
      transactionHash,
      transactionIndex: hex(index),
      type: '0x2',
    }));
    const header = { number: hex(number), hash: blockHash, logsBloom: bloom, transactions, timestamp: hex(number) };
    return { number, logs, receipts, header };
  });
}

/** The node: the same answers on every path, counted. */
function serve(logsPerBlock: number): void {
  const blocks = chainData(logsPerBlock);
  const allLogs = JSON.stringify(blocks.flatMap((block) => block.logs));
  const headers = new Map(blocks.map((block) => [hex(block.number), JSON.stringify(block.header)]));
  const receipts = new Map(blocks.map((block) => [hex(block.number), JSON.stringify(block.receipts)]));
  let requests = 0;
  let bytes = 0;
  const result = (call: { method?: string; params?: unknown[] }): string => {
    const param = call.params?.[0];
    if (call.method === 'eth_getLogs') return allLogs;
    if (call.method === 'eth_getBlockByNumber') return headers.get(param as string) ?? 'null';
    if (call.method === 'eth_getBlockReceipts') return receipts.get(param as string) ?? 'null';
    return 'null';
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const calls = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string }[];
      const body = `[${calls.map((call) => `{"jsonrpc":"2.0","id":${call.id},"result":${result(call)}}`).join(',')}]`;
      requests += 1;
      bytes += Buffer.byteLength(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send?.({ type: 'listening', port: address.port });
  });
  process.on('message', () => {
    process.send?.({ type: 'stats', requests, bytes });
    requests = 0;
    bytes = 0;
  });
  process.on('disconnect', () => process.exit(0));
}

function message<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (received: { type: string } & T) => {
      if (received.type !== type) return;
      child.off('message', listener);
      resolve(received);
    };
    child.on('message', listener);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: '10' },
      logs: { type: 'string', default: '400' },
      runs: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const endpoints = Number(values.endpoints);
  const logsPerBlock = Number(values.logs);
  const runs = Number(values.runs);
  const rounds = Number(values.rounds);
  const node = fork(import.meta.filename, ['--serve', String(logsPerBlock)], { execArgv: ['--import', 'tsx'] });
  const { port } = await message<{ port: number }>(node, 'listening');
  const stats = async () => {
    const reply = message<{ requests: number; bytes: number }>(node, 'stats');
    node.send({ type: 'stats' });
    return reply;
  };
  const targets = Array.from({ length: endpoints }, (_, index) => ({
    chain: 'bench',
    endpoint: `ep-${index}`,
    url: `http://127.0.0.1:${port}/ep/${index}`,
    headers: {},
    expectedChainId: 1,
    timeoutMs: 30_000,
    labels: {},
  }));
  const tracker = { consensusHead: () => HEAD } as unknown as ChainTracker;
  const config = correctnessSchema.parse({ enabled: true, logs: { depth: DEPTH, blocks: BLOCKS, receipts: true } });
  const check = logsCompleteness.create({
    chain: 'bench',
    config,
    endpoints: targets.map(endpointCaller),
    tracker,
    pollIntervalMs: 12_000,
  })!;
  // The check's own batch, as its caller sends it (ids from 1, `jsonrpc` first as viem writes it).
  const first = HEAD - DEPTH - BLOCKS + 1;
  const calls = [
    { method: 'eth_getLogs', params: [{ fromBlock: hex(first), toBlock: hex(HEAD - DEPTH) }] },
    ...Array.from({ length: BLOCKS }, (_, offset) => [
      { method: 'eth_getBlockByNumber', params: [hex(first + offset), false] },
      { method: 'eth_getBlockReceipts', params: [hex(first + offset)] },
    ]).flat(),
  ];
  const body = JSON.stringify(calls.map((call, index) => ({ jsonrpc: '2.0', id: index + 1, ...call })));
  const baselineRun = () =>
    Promise.all(
      targets.map(async ({ url }) => {
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        await response.text();
      }),
    );
  const ereRun = async () => {
    const { results } = await check.run(AbortSignal.timeout(60_000));
    const outcomes = results[0]?.verdicts.map((verdict) => verdict.outcome) ?? [];
    if (outcomes.length !== endpoints || outcomes.some((outcome) => outcome !== 'agree'))
      throw new Error(`the logs check did not agree on every endpoint: ${outcomes.join(', ')}`);
  };
  const measure = async (run: () => Promise<unknown>) => {
    await run(); // warm
    await stats();
    const before = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < runs; index += 1) await run();
    const cpu = process.cpuUsage(before);
    const traffic = await stats();
    return {
      cpuMsPerRun: (cpu.user + cpu.system) / 1_000 / runs,
      wallMsPerRun: (performance.now() - started) / runs,
      requestsPerEndpointPerRun: traffic.requests / runs / endpoints,
      kbPerEndpointPerRun: traffic.bytes / runs / endpoints / 1_024,
    };
  };
  console.log(
    `logs check: ${endpoints} endpoints, ${BLOCKS} blocks of ${logsPerBlock} logs and ${TXS_PER_BLOCK} receipts, ` +
      `${runs} runs a phase, ${rounds} rounds; ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}`,
  );
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const baseline = await measure(baselineRun);
    const ere = await measure(ereRun);
    ratios.push(ere.cpuMsPerRun / baseline.cpuMsPerRun);
    for (const [phase, figures] of [
      ['baseline', baseline],
      ['ERE', ere],
    ] as const)
      console.log(
        `round ${round} ${phase.padEnd(8)} CPU ${figures.cpuMsPerRun.toFixed(1)} ms/run, ` +
          `wall ${figures.wallMsPerRun.toFixed(1)} ms/run, ${figures.requestsPerEndpointPerRun} request and ` +
          `${figures.kbPerEndpointPerRun.toFixed(0)} kB per endpoint per run`,
      );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `ERE / baseline CPU per run: ${ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}; ` +
      `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}×. At the default interval (5m): ` +
      `${(1 / 5).toFixed(1)} request and ${(calls.length / 5).toFixed(1)} calls a minute per endpoint.`,
  );
  node.kill();
}

if (process.argv[2] === '--serve') serve(Number(process.argv[3]));
else await main();
