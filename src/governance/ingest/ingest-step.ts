// One ingestion step of one governance target: on one endpoint, check that the block at the cursor is still
// on the chain (else find the fork point), fetch and decode the logs of the next block range up to
// head − confirmations, and, once caught up, read the contracts' state at that block. Returns what it
// found; storing it (events and cursor in one transaction) is the tracker's job.

import { getAddress, type AbiEvent, type Address, type Hex, type Log } from 'viem';
import type {
  EventValue,
  GovernanceEvent,
  GovernanceSnapshot,
  GovernanceTarget,
  IngestCursor,
} from '../../domain/governance.js';
import type { Clock } from '../../domain/clock.js';
import { GovernanceReadError, type ChainReader, type EndpointReader } from './chain-reader.js';
import { decodeGovernanceLog, eventsByTopic, type SkipReason } from './decode.js';
import type { CallReads, ContractReads, TargetCollector } from './kind.js';
import { initialRange, nextRange, type RangeState } from './log-range.js';

/** The most blocks one step scans for calls: each is read whole (its transactions, or its traces). */
export const callBlocksPerStep = 100;

export interface SkippedLog {
  reason: SkipReason;
  blockNumber: number;
  logIndex: number;
  detail: string;
}

export type StepResult =
  | {
      kind: 'batch';
      endpoint: string;
      from: number;
      to: { blockNumber: number; blockHash: Hex; blockTimeMs: number };
      events: GovernanceEvent[];
      skipped: SkippedLog[];
      /** The state read at `to`, when the step reached head − confirmations. */
      snapshot: GovernanceSnapshot | null;
      caughtUp: boolean;
      /** head − confirmations at this step: how far there is to go while catching up. */
      safeHead: number;
    }
  | { kind: 'reorg'; endpoint: string; from: IngestCursor; fork: { blockNumber: number; blockHash: Hex } | null }
  | { kind: 'idle'; endpoint: string; safeHead: number };

export interface StepInput {
  cursor: IngestCursor | null;
  /** Recent checkpoints of the target, newest first. */
  checkpoints: () => readonly { blockNumber: number; blockHash: Hex }[];
  previousSnapshot: Record<string, EventValue> | null;
}

export class TargetIngestion {
  private range: RangeState;
  private readonly byTopic: Map<Hex, AbiEvent[]>;
  private addresses: Address[] | null = null;

  constructor(
    readonly target: GovernanceTarget,
    private readonly kind: TargetCollector,
    private readonly reader: ChainReader,
    private readonly clock: Clock,
  ) {
    this.range = initialRange(target.maxBlockRange);
    this.byTopic = eventsByTopic(kind.events);
  }

  get currentRangeSize(): number {
    return this.range.size;
  }

  step(input: StepInput): Promise<StepResult> {
    return this.reader.withEndpoint((endpoint) => this.stepOn(endpoint, input));
  }

  private async stepOn(endpoint: EndpointReader, input: StepInput): Promise<StepResult> {
    const { target } = this;
    const id = endpoint.endpoint.id;
    const head = Number(await endpoint.blockNumber());
    const safeHead = head - target.confirmations;
    const { cursor } = input;
    if (cursor !== null && cursor.blockNumber <= head) {
      const onChain = await endpoint.block(BigInt(cursor.blockNumber));
      if (onChain.hash !== cursor.blockHash)
        return {
          kind: 'reorg',
          endpoint: id,
          from: cursor,
          fork: await this.forkPoint(endpoint, cursor, input.checkpoints()),
        };
    }
    const from = cursor === null ? target.startBlock : cursor.blockNumber + 1;
    if (from > safeHead) return { kind: 'idle', endpoint: id, safeHead };
    const blockTimes = new Map<number, number>();
    const {
      events,
      skipped,
      to: toNumber,
      toBlock,
    } = await this.collect(endpoint, from, safeHead, blockTimes, input.previousSnapshot);
    const caughtUp = toNumber >= safeHead;
    let snapshot: GovernanceSnapshot | null = null;
    if (caughtUp) {
      const atTo = this.contractReads(endpoint, BigInt(toNumber), blockTimes);
      const state = await this.kind.snapshot(atTo, events, input.previousSnapshot);
      snapshot = {
        target: target.id,
        blockNumber: toNumber,
        blockTimeMs: toBlock.timestampMs,
        readAtMs: this.clock.now(),
        state,
      };
    }
    return {
      kind: 'batch',
      endpoint: id,
      from,
      to: { blockNumber: toNumber, blockHash: toBlock.hash, blockTimeMs: toBlock.timestampMs },
      events,
      skipped,
      snapshot,
      caughtUp,
      safeHead,
    };
  }

  /** The events of blocks `from` on (as many as the range allows, up to `until`), decoded, with the calls found. */
  private async collect(
    endpoint: EndpointReader,
    from: number,
    until: number,
    blockTimes: Map<number, number>,
    previousSnapshot: Record<string, EventValue> | null,
  ): Promise<{
    events: GovernanceEvent[];
    skipped: SkippedLog[];
    to: number;
    toBlock: { hash: Hex; timestampMs: number };
  }> {
    const { target } = this;
    const reads = this.contractReads(endpoint, BigInt(until), blockTimes);
    this.addresses ??= await this.kind.addresses(reads, previousSnapshot);
    const { logs, to: toNumber } = await this.fetchLogs(endpoint, from, until);
    const toBlock = await endpoint.block(BigInt(toNumber));
    blockTimes.set(toNumber, toBlock.timestampMs);
    const events: GovernanceEvent[] = [];
    const skipped: SkippedLog[] = [];
    for (const log of logs) {
      const blockNumber = Number(log.blockNumber);
      const logIndex = Number(log.logIndex);
      const decoded = decodeGovernanceLog(log, this.byTopic);
      if (!decoded.ok) {
        skipped.push({ reason: decoded.reason, blockNumber, logIndex, detail: decoded.detail });
        continue;
      }
      if (this.kind.keep && !this.kind.keep(decoded.name, decoded.args)) continue;
      const embedded = (log as { blockTimestamp?: Hex }).blockTimestamp;
      if (embedded !== undefined && !blockTimes.has(blockNumber))
        blockTimes.set(blockNumber, Number(BigInt(embedded)) * 1_000);
      events.push({
        target: target.id,
        chain: target.chain,
        blockNumber,
        blockHash: log.blockHash!,
        blockTimeMs: blockTimes.get(blockNumber) ?? (await reads.blockTimeMs(BigInt(blockNumber))),
        txHash: log.transactionHash!,
        logIndex,
        address: getAddress(log.address),
        name: decoded.name,
        key: this.kind.keyOf(decoded.name, decoded.args),
        args:
          blockNumber > 0
            ? {
                ...decoded.args,
                ...(await this.argsBefore(decoded.name, endpoint, blockNumber, blockTimes, log.transactionHash!)),
              }
            : decoded.args,
      });
    }
    if (this.kind.calls) {
      for (const call of await this.kind.calls(this.callReads(endpoint), from, toNumber))
        if (!this.kind.keep || this.kind.keep(call.name, call.args))
          events.push({
            target: target.id,
            chain: target.chain,
            ...call,
            address: getAddress(target.address),
            key: null,
          });
      events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    }
    return { events, skipped, to: toNumber, toBlock };
  }

  /**
   * The events of blocks `from`…`to`, read as ingestion reads them and stored nowhere: what a target's config
   * would have ingested from that history (`ere governance test-match`).
   */
  async scan(from: number, to: number): Promise<{ events: GovernanceEvent[]; skipped: SkippedLog[] }> {
    const events: GovernanceEvent[] = [];
    const skipped: SkippedLog[] = [];
    for (let next = from; next <= to; ) {
      const chunk = await this.reader.withEndpoint((endpoint) => this.collect(endpoint, next, to, new Map(), null));
      events.push(...chunk.events);
      skipped.push(...chunk.skipped);
      next = chunk.to + 1;
    }
    return { events, skipped };
  }

  /** Logs from `from` on, as many blocks as the adaptive range allows, halving it when refused. */
  private async fetchLogs(
    endpoint: EndpointReader,
    from: number,
    safeHead: number,
  ): Promise<{ logs: Log[]; to: number }> {
    // Halving ends: at one block a refusal is thrown. A kind that scans calls reads every block of the range.
    for (;;) {
      const to = Math.min(
        from + this.range.size - 1,
        safeHead,
        this.kind.calls ? from + callBlocksPerStep - 1 : Infinity,
      );
      // A kind with no events to read (a contract watch of calls only) asks for no logs.
      if (this.byTopic.size === 0) return { logs: [], to };
      const started = performance.now();
      try {
        const logs = await endpoint.getLogs(this.addresses!, [...this.byTopic.keys()], BigInt(from), BigInt(to));
        this.range = nextRange(this.range, this.target.maxBlockRange, {
          kind: 'ok',
          durationMs: performance.now() - started,
        });
        return { logs, to };
      } catch (error) {
        const errorClass = error instanceof GovernanceReadError ? error.errorClass : null;
        if ((errorClass !== 'range_too_large' && errorClass !== 'timeout') || this.range.size === 1) throw error;
        this.range = nextRange(this.range, this.target.maxBlockRange, {
          kind: errorClass === 'timeout' ? 'timeout' : 'too_large',
        });
      }
    }
  }

  /** The newest checkpoint still on the chain, or null when none is (ingest the target again from its start). */
  private async forkPoint(
    endpoint: EndpointReader,
    cursor: IngestCursor,
    checkpoints: readonly { blockNumber: number; blockHash: Hex }[],
  ) {
    for (const checkpoint of checkpoints) {
      if (checkpoint.blockNumber >= cursor.blockNumber) continue;
      const onChain = await endpoint.block(BigInt(checkpoint.blockNumber));
      if (onChain.hash === checkpoint.blockHash) return checkpoint;
    }
    return null;
  }

  /** What the kind adds to an event's args from the block before it; nothing for most events. */
  private argsBefore(
    name: string,
    endpoint: EndpointReader,
    blockNumber: number,
    blockTimes: Map<number, number>,
    txHash: Hex,
  ) {
    return this.kind.argsBefore(name, this.contractReads(endpoint, BigInt(blockNumber - 1), blockTimes), txHash);
  }

  private callReads(endpoint: EndpointReader): CallReads {
    return {
      block: (number) => endpoint.blockWithTransactions(BigInt(number)),
      succeeded: (hash) => endpoint.succeeded(hash),
      traces: (number) => endpoint.traceBlock(BigInt(number)),
    };
  }

  private contractReads(endpoint: EndpointReader, blockNumber: bigint, blockTimes: Map<number, number>): ContractReads {
    return {
      blockNumber,
      call: (address, abi, functionName, args = []) => endpoint.call(address, abi, functionName, args, blockNumber),
      storageAt: (address, slot) => endpoint.storageAt(address, slot, blockNumber),
      transaction: (hash) => endpoint.transaction(hash),
      blockTimeMs: async (number) => {
        const key = Number(number);
        const known = blockTimes.get(key);
        if (known !== undefined) return known;
        const block = await endpoint.block(number);
        blockTimes.set(key, block.timestampMs);
        return block.timestampMs;
      },
    };
  }
}
