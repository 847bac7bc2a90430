// One phase of the governance ingestion benchmark, in a fresh process of its own (started by governance.ts)
// so that each phase's peak RSS is its own. The options come as JSON in argv[2]; the result goes back over
// IPC as `{ type: 'result', result }`.
//
// - baseline: the same eth_getLogs requests as ERE's (same address, topics and block ranges) through a bare
//   viem client, the logs counted and dropped: no decoding, no model, no storage.
// - ere: a GovernanceTracker with one governor target ingesting the range into a fresh SQLite file, then
//   checked: every VoteCast stored once and every vote counted on the proposal.

import { join } from 'node:path';
import type { Address, Hex } from 'viem';
import type { GovernorView } from '../src/governance/kinds/governor/model.js';

export interface GovernancePhaseOptions {
  mode: 'baseline' | 'ere';
  url: string;
  chainId: number;
  emitter: Address;
  /** First topics asked for: the governor kind's events. */
  topics: Hex[];
  proposalId: string;
  fromBlock: number;
  toBlock: number;
  maxBlockRange: number;
  votes: number;
  /** Where ERE keeps its SQLite file; made and removed by the parent. */
  dataDir: string;
}

export interface MemoryFigures {
  rssBeforeBytes: number;
  heapBeforeBytes: number;
  rssAfterBytes: number;
  heapAfterBytes: number;
  /** Heap still used after a full GC at the end: what the phase keeps. */
  heapRetainedBytes: number;
  /** `process.resourceUsage().maxRSS` before the phase (start-up, module loading) and at its end. */
  peakRssBeforeBytes: number;
  peakRssBytes: number;
}

export interface GovernancePhaseResult {
  mode: GovernancePhaseOptions['mode'];
  wallMs: number;
  cpuMs: number;
  logs: number;
  requests: Record<string, number>;
  memory: MemoryFigures;
  /** ERE only: what the store and the model hold at the end. */
  check: {
    voteCastStored: number;
    eventsStored: number;
    voters: number;
    state: string;
    cursorBlock: number | null;
  } | null;
}

export type GovernancePhaseMessage =
  | { type: 'result'; result: GovernancePhaseResult }
  | { type: 'error'; message: string };

const rpcTimeoutMs = 120_000;

/** The block ranges ERE asks for at its maximum range: from, from + max − 1, … up to `toBlock`. */
function blockRanges(fromBlock: number, toBlock: number, maxBlockRange: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let from = fromBlock; from <= toBlock; from += maxBlockRange)
    ranges.push([from, Math.min(from + maxBlockRange - 1, toBlock)]);
  return ranges;
}

async function bareGetLogs(
  options: GovernancePhaseOptions,
): Promise<Pick<GovernancePhaseResult, 'logs' | 'requests' | 'check'>> {
  const { createPublicClient, http } = await import('viem');
  const client = createPublicClient({
    transport: http(options.url, { timeout: rpcTimeoutMs, retryCount: 0 }),
    cacheTime: 0,
  });
  let logs = 0;
  let requests = 0;
  for (const [from, to] of blockRanges(options.fromBlock, options.toBlock, options.maxBlockRange)) {
    const filter = {
      address: [options.emitter],
      topics: [options.topics],
      fromBlock: `0x${from.toString(16)}`,
      toBlock: `0x${to.toString(16)}`,
    };
    const answer = (await client.request({ method: 'eth_getLogs', params: [filter as never] })) as unknown[];
    requests += 1;
    logs += answer.length;
  }
  return { logs, requests: { eth_getLogs: requests }, check: null };
}

async function trackerIngestion(
  options: GovernancePhaseOptions,
): Promise<Pick<GovernancePhaseResult, 'logs' | 'requests' | 'check'>> {
  const [{ ChainReader }, { GovernanceTracker }, { openDatabase }] = await Promise.all([
    import('../src/governance/ingest/chain-reader.js'),
    import('../src/governance/governance-tracker.js'),
    import('../src/store/database.js'),
  ]);
  const { db } = openDatabase(join(options.dataDir, 'ere.db'));
  const reader = new ChainReader('bench', [{ id: 'anvil', url: options.url, headers: {}, timeoutMs: rpcTimeoutMs }], {
    expectedChainId: options.chainId,
    preference: () => ['anvil'],
  });
  const tracker = new GovernanceTracker(
    db,
    [
      {
        id: 'dao',
        chain: 'bench',
        kind: 'governor',
        address: options.emitter,
        startBlock: options.fromBlock,
        confirmations: 0,
        pollIntervalMs: 12_000,
        maxBlockRange: options.maxBlockRange,
        labels: {},
        settings: {
          flavor: 'openzeppelin',
          token: undefined,
          executionGraceMs: 86_400_000,
          quorumRiskWindowMs: 3_600_000,
          topDelegates: 10,
        },
      },
    ],
    { clock: { now: () => Date.now() }, readers: new Map([['bench', reader]]) },
  );
  const status = await tracker.poll('dao', { budgetMs: 3_600_000 });
  if (status.lastError)
    throw new Error(`ingestion failed: ${status.lastError.errorClass}: ${status.lastError.message}`);
  const logs = tracker.store.eventCount('dao');
  const { count } = db
    .prepare("SELECT count(*) AS count FROM governance_events WHERE target = 'dao' AND name = 'VoteCast'")
    .get() as { count: number };
  const proposal = (tracker.view('dao') as GovernorView).proposals.find((entry) => entry.id === options.proposalId);
  db.close();
  return {
    logs,
    requests: Object.fromEntries(reader.requests),
    check: {
      voteCastStored: count,
      eventsStored: logs,
      voters: proposal?.voters ?? 0,
      state: proposal?.state ?? 'missing',
      cursorBlock: status.cursorBlock,
    },
  };
}

async function runPhase(options: GovernancePhaseOptions): Promise<GovernancePhaseResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Load the phase's modules first, so that "before" is the process ready to ingest.
  await import('viem');
  if (options.mode === 'ere') await import('../src/governance/governance-tracker.js');
  gc?.();
  const before = process.memoryUsage();
  const peakRssBeforeBytes = process.resourceUsage().maxRSS * 1_024;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = options.mode === 'baseline' ? await bareGetLogs(options) : await trackerIngestion(options);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = process.memoryUsage();
  gc?.();
  return {
    mode: options.mode,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    ...outcome,
    memory: {
      rssBeforeBytes: before.rss,
      heapBeforeBytes: before.heapUsed,
      rssAfterBytes: after.rss,
      heapAfterBytes: after.heapUsed,
      heapRetainedBytes: process.memoryUsage().heapUsed,
      peakRssBeforeBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1_024,
    },
  };
}

if (process.send) {
  const send = (message: GovernancePhaseMessage) =>
    new Promise<void>((resolve) => process.send!(message, () => resolve()));
  try {
    await send({ type: 'result', result: await runPhase(JSON.parse(process.argv[2]!) as GovernancePhaseOptions) });
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect();
}
