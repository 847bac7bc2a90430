// The canary of one chain, run every `watchInterval`: it sends a transaction when none is open and the
// interval has passed, watches the open one through every endpoint until a receipt shows, replaces it at
// a higher fee when it times out (canary-state.ts decides), and then times how long each endpoint takes to
// return the receipt. Every attempt is stored before it is broadcast, so that a restart finds what is in
// flight and never sends a second transaction with the same nonce while the first may still be mined.

import { keccak256, numberToHex, type Hex, type PrivateKeyAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Clock } from '../../../domain/clock.js';
import type { Logger } from '../../../log/logger.js';
import type { EndpointCaller } from '../correctness/rpc-calls.js';
import type { CanaryMetrics } from './canary-metrics.js';
import type { CanaryConfig } from './canary-schema.js';
import {
  type CanaryOutcome,
  classifySendError,
  etherToWei,
  type Fees,
  gweiToWei,
  inclusionSeconds,
  initialFees,
  onTimeout,
  type RejectionReason,
  type SendAnswer,
} from './canary-state.js';
import type { CanaryAttempt, CanaryStore } from './canary-store.js';

export interface CanaryChain {
  chain: string;
  chainId: number;
  config: CanaryConfig;
  endpoints: readonly EndpointCaller[];
}

export interface CanaryDeps {
  store: CanaryStore;
  clock: Clock;
  metrics: CanaryMetrics;
  logger: Logger;
}

/** The latest ending of an attempt sent through an endpoint: what its alerts read. */
export interface EndpointCanary {
  outcome: CanaryOutcome;
  reason: RejectionReason | null;
  atMs: number;
}

interface Propagation {
  attempt: CanaryAttempt;
  seenAt: Map<string, number>;
  untilMs: number;
}

const toNumber = (value: unknown): number | null =>
  typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value) ? Number(BigInt(value)) : null;
const toBigInt = (value: unknown): bigint | null =>
  typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value) ? BigInt(value) : null;
const maxOf = <T extends number | bigint>(values: readonly (T | null)[]): T | null =>
  values.reduce<T | null>((best, value) => (value !== null && (best === null || value > best) ? value : best), null);

export class CanaryEngine {
  readonly address: string;
  private readonly account: PrivateKeyAccount;
  private readonly cap: bigint;
  private open: CanaryAttempt[];
  private propagating: Propagation | null = null;
  private lastSentAtMs: number | null;
  private turn: number;
  private stuckCheckAtMs = 0;
  private balance: bigint | null = null;
  readonly byEndpoint: Map<string, EndpointCanary>;
  readonly inclusion = new Map<string, { wall: number; block: number | null }>();
  readonly propagation = new Map<string, number>();

  constructor(
    private readonly target: CanaryChain,
    private readonly deps: CanaryDeps,
  ) {
    this.account = privateKeyToAccount(target.config.privateKey as Hex);
    this.address = this.account.address.toLowerCase();
    this.cap = gweiToWei(target.config.maxFeePerGas);
    const { store } = deps;
    this.open = store.openAttempts(target.chain, this.address);
    const [last] = store.recent(target.chain, this.address, 1);
    this.lastSentAtMs = last?.sentAtMs ?? null;
    const lastIndex = this.senders().findIndex((endpoint) => endpoint.endpoint === last?.endpoints[0]);
    this.turn = lastIndex + 1;
    this.byEndpoint = new Map(
      [...store.latestByEndpoint(target.chain, this.address)].map(([endpoint, attempt]) => [
        endpoint,
        { outcome: attempt.status as CanaryOutcome, reason: attempt.reason, atMs: attempt.sentAtMs },
      ]),
    );
  }

  get chain(): string {
    return this.target.chain;
  }

  get balanceWei(): bigint | null {
    return this.balance;
  }

  /** The open canary's attempts, oldest first; empty when none is open. */
  get inFlight(): readonly CanaryAttempt[] {
    return this.open;
  }

  balanceLow(): boolean | null {
    return this.balance === null ? null : this.balance < etherToWei(this.target.config.minBalance);
  }

  async tick(signal: AbortSignal): Promise<void> {
    const now = this.deps.clock.now();
    if (this.propagating) return this.watchPropagation(signal, now);
    if (this.open.length > 0) return this.watchOpen(signal, now);
    if (this.lastSentAtMs !== null && now < this.lastSentAtMs + this.target.config.interval) return;
    this.lastSentAtMs = now;
    const facts = await this.ask(
      [
        { method: 'eth_getTransactionCount', params: [this.address, 'pending'] },
        { method: 'eth_getBlockByNumber', params: ['latest', false] },
        { method: 'eth_getBalance', params: [this.address, 'latest'] },
      ],
      signal,
    );
    const nonce = maxOf(facts.map((answers) => toNumber(answers[0])));
    const baseFee = maxOf(facts.map((answers) => toBigInt((answers[1] as { baseFeePerGas?: unknown })?.baseFeePerGas)));
    this.balance = maxOf(facts.map((answers) => toBigInt(answers[2])));
    if (nonce === null) {
      this.log().warn({ chain: this.chain }, 'canary not sent: no endpoint told the nonce');
      return;
    }
    const { maxPriorityFeePerGas } = this.target.config;
    const fees = initialFees(baseFee ?? 0n, gweiToWei(maxPriorityFeePerGas), this.cap);
    await this.broadcast(signal, { nonce, attempt: 1, fees, firstSentAtMs: now, counted: false });
  }

  /** Signs and stores an attempt, then sends it through the endpoints of its turn. */
  private async broadcast(
    signal: AbortSignal,
    next: { nonce: number; attempt: number; fees: Fees; firstSentAtMs: number; counted: boolean },
  ): Promise<void> {
    const { config, chainId } = this.target;
    const senders = this.senders();
    const via = config.via === 'all' ? senders : [senders[this.turn++ % senders.length]!];
    const serialized = await this.account.signTransaction({
      type: 'eip1559',
      chainId,
      nonce: next.nonce,
      to: (config.to ?? this.account.address) as Hex,
      value: 0n,
      gas: BigInt(config.gas),
      ...next.fees,
    });
    const now = this.deps.clock.now();
    const attempt = this.deps.store.add({
      chain: this.chain,
      address: this.address,
      nonce: next.nonce,
      attempt: next.attempt,
      hash: keccak256(serialized),
      endpoints: via.map((endpoint) => endpoint.endpoint),
      sentAtMs: now,
      firstSentAtMs: next.firstSentAtMs,
      fees: next.fees,
      counted: next.counted,
      propagation: null,
    });
    const answers = await Promise.all(
      via.map(async (endpoint): Promise<SendAnswer> => {
        const reply = await endpoint.ask({ method: 'eth_sendRawTransaction', params: [serialized] }, signal);
        return 'result' in reply
          ? { accepted: true }
          : 'error' in reply
            ? classifySendError(reply.error.message)
            : reply;
      }),
    );
    const taken = via.filter((_, index) => !('reason' in answers[index]!)).map((endpoint) => endpoint.endpoint);
    via.forEach((endpoint, index) => {
      const answer = answers[index]!;
      if ('reason' in answer) this.rejected(endpoint.endpoint, answer.reason, attempt, taken.length > 0);
    });
    this.log().info(
      { chain: this.chain, nonce: next.nonce, attempt: next.attempt, hash: attempt.hash, accepted: taken },
      taken.length > 0 ? 'canary sent' : 'canary refused',
    );
    if (taken.length === 0) {
      const reason = answers.map((answer) => ('reason' in answer ? answer.reason : null)).find(Boolean) ?? 'other';
      this.save({ ...attempt, status: 'rejected', reason, counted: true });
      // A refused replacement leaves the attempt it would have replaced where it was: stuck, not gone.
      if (this.open.length > 0) this.reopenStuck();
      return;
    }
    this.open = [...this.open, this.save({ ...attempt, endpoints: taken })];
  }

  private rejected(endpoint: string, reason: RejectionReason, attempt: CanaryAttempt, othersTook: boolean): void {
    const { chain } = this;
    this.deps.metrics.rejections.inc({ chain, endpoint, reason });
    this.deps.metrics.transactions.inc({ chain, endpoint, outcome: 'rejected' });
    this.byEndpoint.set(endpoint, { outcome: 'rejected', reason, atMs: attempt.sentAtMs });
    if (attempt.attempt === 1) this.deps.store.countCanary(chain, [endpoint], attempt.firstSentAtMs, false);
    // Sent through every endpoint: those that refused it get a row of their own, which the alerts read after a restart.
    if (othersTook) {
      const own = this.deps.store.add({ ...attempt, endpoints: [endpoint], propagation: null });
      this.save({ ...own, status: 'rejected', reason, counted: true });
    }
  }

  private reopenStuck(): void {
    const last = this.open[this.open.length - 1]!;
    this.open[this.open.length - 1] = this.save({ ...last, status: 'stuck' });
    this.stuckCheckAtMs = this.deps.clock.now() + this.target.config.timeout;
  }

  private async watchOpen(signal: AbortSignal, now: number): Promise<void> {
    const receipts = await this.ask(
      this.open.map((attempt) => ({ method: 'eth_getTransactionReceipt', params: [attempt.hash] })),
      signal,
    );
    const seenAt = new Map<string, number>();
    let found: { index: number; receipt: { blockNumber?: unknown }; endpoint: EndpointCaller } | null = null;
    this.target.endpoints.forEach((endpoint, which) => {
      const index = receipts[which]!.findIndex((receipt) => receipt !== null && receipt !== undefined);
      if (index < 0) return;
      seenAt.set(endpoint.endpoint, now);
      found ??= { index, receipt: receipts[which]![index] as { blockNumber?: unknown }, endpoint };
    });
    if (found) return this.included(signal, now, found, seenAt);
    const current = this.open[this.open.length - 1]!;
    const { config } = this.target;
    if (!current.counted && now > current.firstSentAtMs + config.includedWithin) this.countOpen(false);
    if (current.status === 'in_flight' && now >= current.sentAtMs + config.timeout)
      return this.timedOut(signal, current);
    if (current.status === 'stuck' && now >= this.stuckCheckAtMs) {
      this.stuckCheckAtMs = now + config.timeout;
      const nonces = await this.ask([{ method: 'eth_getTransactionCount', params: [this.address, 'latest'] }], signal);
      const chainNonce = maxOf(nonces.map(([answer]) => toNumber(answer)));
      if (chainNonce !== null && chainNonce > current.nonce) {
        this.save({ ...current, status: 'dropped' });
        this.open = [];
      }
    }
  }

  private async timedOut(signal: AbortSignal, current: CanaryAttempt): Promise<void> {
    const facts = await this.ask(
      [
        { method: 'eth_getTransactionCount', params: [this.address, 'latest'] },
        { method: 'eth_getTransactionByHash', params: [current.hash] },
      ],
      signal,
    );
    const step = onTimeout({
      nonce: current.nonce,
      chainNonce: maxOf(facts.map(([answer]) => toNumber(answer))),
      known: facts.some((answers) => answers[1] !== null && answers[1] !== undefined),
      fees: current.fees,
      cap: this.cap,
    });
    this.ended(current, step.outcome);
    if (!current.counted) this.countOpen(false);
    const counted = true;
    if (step.step === 'gone') {
      this.save({ ...current, status: 'dropped', counted });
      this.open = [];
      return;
    }
    if (step.step === 'stuck') {
      this.open[this.open.length - 1] = this.save({ ...current, status: 'stuck', counted });
      this.stuckCheckAtMs = this.deps.clock.now() + this.target.config.timeout;
      return;
    }
    this.open[this.open.length - 1] = this.save({ ...current, status: step.outcome, counted });
    this.log().info({ chain: this.chain, nonce: current.nonce, outcome: step.outcome }, 'canary replaced');
    await this.broadcast(signal, {
      nonce: current.nonce,
      attempt: current.attempt + 1,
      fees: step.fees,
      firstSentAtMs: current.firstSentAtMs,
      counted,
    });
  }

  private async included(
    signal: AbortSignal,
    now: number,
    found: { index: number; receipt: { blockNumber?: unknown }; endpoint: EndpointCaller },
    seenAt: Map<string, number>,
  ): Promise<void> {
    const attempt = this.open[found.index]!;
    const blockNumber = toNumber(found.receipt.blockNumber);
    const [block] =
      blockNumber === null
        ? [undefined]
        : await found.endpoint.call(
            [{ method: 'eth_getBlockByNumber', params: [numberToHex(blockNumber), false] }],
            signal,
          );
    const times = inclusionSeconds(attempt.sentAtMs, now, toNumber((block as { timestamp?: unknown })?.timestamp));
    const inTime = now - attempt.firstSentAtMs <= this.target.config.includedWithin;
    if (!attempt.counted) this.countOpen(inTime);
    const included = this.save({
      ...attempt,
      status: 'included',
      counted: true,
      blockNumber,
      includedAtMs: now,
      inclusionSeconds: times.wall,
      inclusionBlockSeconds: times.block,
    });
    // A later attempt open beside the one mined can never be mined now: its nonce is spent.
    for (const other of this.open)
      if (other.id !== attempt.id && (other.status === 'in_flight' || other.status === 'stuck')) {
        this.ended(other, 'not_included');
        this.save({ ...other, status: 'not_included', counted: true });
      }
    this.ended(included, 'included');
    for (const endpoint of included.endpoints) {
      this.deps.metrics.inclusion.observe({ chain: this.chain, endpoint }, times.wall);
      this.inclusion.set(endpoint, times);
    }
    this.open = [];
    this.propagating = { attempt: included, seenAt, untilMs: now + this.target.config.timeout };
    this.log().info(
      { chain: this.chain, nonce: attempt.nonce, block: blockNumber, seconds: times.wall },
      'canary included',
    );
    if (seenAt.size === this.target.endpoints.length) this.finishPropagation();
  }

  private async watchPropagation(signal: AbortSignal, now: number): Promise<void> {
    const watch = this.propagating!;
    const missing = this.target.endpoints.filter((endpoint) => !watch.seenAt.has(endpoint.endpoint));
    const receipts = await Promise.all(
      missing.map((endpoint) =>
        endpoint.call([{ method: 'eth_getTransactionReceipt', params: [watch.attempt.hash] }], signal),
      ),
    );
    missing.forEach((endpoint, index) => {
      const [receipt] = receipts[index]!;
      if (receipt !== null && receipt !== undefined) watch.seenAt.set(endpoint.endpoint, now);
    });
    if (watch.seenAt.size === this.target.endpoints.length || now >= watch.untilMs) this.finishPropagation();
  }

  private finishPropagation(): void {
    const { attempt, seenAt } = this.propagating!;
    const includedAt = attempt.includedAtMs!;
    const propagation = Object.fromEntries(
      this.target.endpoints.map(({ endpoint }) => {
        const at = seenAt.get(endpoint);
        return [endpoint, at === undefined ? null : (at - includedAt) / 1_000];
      }),
    );
    for (const [endpoint, seconds] of Object.entries(propagation))
      if (seconds === null) this.propagation.delete(endpoint);
      else this.propagation.set(endpoint, seconds);
    this.save({ ...attempt, propagation });
    this.propagating = null;
  }

  /** The open canary counted for the SLI, for the endpoints its first attempt went through. */
  private countOpen(inTime: boolean): void {
    const [first] = this.open;
    if (!first) return;
    this.deps.store.countCanary(this.chain, first.endpoints, first.firstSentAtMs, inTime);
    this.open = this.open.map((attempt) => this.save({ ...attempt, counted: true }));
  }

  private ended(attempt: CanaryAttempt, outcome: CanaryOutcome): void {
    for (const endpoint of attempt.endpoints) {
      this.deps.metrics.transactions.inc({ chain: this.chain, endpoint, outcome });
      this.byEndpoint.set(endpoint, { outcome, reason: null, atMs: attempt.sentAtMs });
    }
  }

  /** The endpoints canaries are sent through: those of `canary.endpoints`, else all. */
  private senders(): readonly EndpointCaller[] {
    const { endpoints, config } = this.target;
    return config.endpoints ? endpoints.filter((endpoint) => config.endpoints!.includes(endpoint.endpoint)) : endpoints;
  }

  private save(attempt: CanaryAttempt): CanaryAttempt {
    this.deps.store.save(attempt);
    return attempt;
  }

  private ask(calls: Parameters<EndpointCaller['call']>[0], signal: AbortSignal): Promise<unknown[][]> {
    return Promise.all(this.target.endpoints.map((endpoint) => endpoint.call(calls, signal)));
  }

  private log(): Logger {
    return this.deps.logger;
  }
}
