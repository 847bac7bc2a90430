// Verifies every decision still to run before it runs: simulates it on a fork of its chain when it appears,
// again at each new stage (succeeded, queued, ready), and once more shortly before its ETA (chain state
// moves), then checks what it would do against the target's policy. One simulation at a time; one fork per
// chain and block, reused across decisions; a simulation that fails is retried with backoff, one that takes
// too long is stopped with its fork. Every run is stored.

import type { Abi, Address } from 'viem';
import type { Clock } from '../../domain/clock.js';
import type { GovernanceOutcome, GovernanceTarget } from '../../domain/governance.js';
import type { GovernanceDecoder } from '../decode/governance-decoder.js';
import type { SignerPolicy, VerifiableDecision } from '../kinds/kind.js';
import { type DecisionPolicy, decisionFindings, defaultPolicy, type Finding } from '../policy/findings.js';
import { Fork, type ForkUpstream, SimulationError } from '../simulate/fork.js';
import { simulateOnFork } from '../simulate/simulate.js';
import { verificationDeadline, verifiedInTime } from './verification-outcome.js';
import type { Verification, VerificationStore, VerificationTrigger } from './verification-store.js';

export interface VerifierSettings {
  /** How long before a decision's ETA it is simulated once more. */
  beforeEtaMs: number;
  /** The longest a simulation may take, fork start included. */
  timeoutMs: number;
  /** Where forks' pid files go (reaped at the next start after a crash). */
  pidDir?: string;
}

export interface VerifierDeps {
  clock: Clock;
  store: VerificationStore;
  decoder: GovernanceDecoder;
  /** Each target with its decisions still to run, and the confirmed block its forks start at. */
  decisions(): { target: GovernanceTarget; decisions: VerifiableDecision[]; forkBlock: number | null }[];
  /** One target's decisions still to run. */
  decisionsOf(target: string): VerifiableDecision[];
  /** A watched Safe's owners now and its threshold policy, for a decision that changes that Safe. */
  safe?(chain: string, address: Address): SignerPolicy | undefined;
  /** The endpoint a chain's forks read through (its healthiest), with the chain id; null when none. */
  upstream(chain: string): (ForkUpstream & { chainId: number }) | null;
  policy(target: GovernanceTarget): DecisionPolicy;
  /** The ABIs the user gave, for the events and errors of a simulation. */
  abis?: readonly Abi[];
  /** Where the `governance_verification` SLI's outcomes go: one per decision, at its deadline. */
  outcomes?: {
    decided(target: string): Set<string>;
    record(outcomes: readonly GovernanceOutcome[], nowMs: number): void;
  };
  hooks?: {
    onVerified?(target: GovernanceTarget, verification: Verification): void;
    onForkStarted?(chain: string, seconds: number): void;
  };
}

interface Due {
  target: GovernanceTarget;
  decision: VerifiableDecision;
  trigger: VerificationTrigger;
  forkBlock: number | null;
}

const keyOf = (target: string, type: string, id: string) => `${target}/${type}/${id}`;
const retryBaseMs = 30_000;
const retryMaxMs = 30 * 60_000;

export class DecisionVerifier {
  private readonly latest = new Map<string, Verification>();
  /** The newest run of each decision that did not fail: its findings stand until another such run. */
  private readonly latestSimulated = new Map<string, Verification>();
  private readonly failures = new Map<string, number>();
  private readonly forks = new Map<string, Fork>();
  private running = false;
  /** Decisions seen still to run, by key: what their deadline needs, kept until their outcome is recorded. */
  private readonly seen = new Map<
    string,
    { target: GovernanceTarget; decision: VerifiableDecision; firstSeenMs: number; subject: string }
  >();
  private readonly decided = new Map<string, Set<string>>();

  constructor(
    private readonly deps: VerifierDeps,
    private readonly settings: VerifierSettings,
  ) {
    for (const verification of deps.store.latest())
      this.latest.set(keyOf(verification.target, verification.decisionType, verification.decisionId), verification);
    for (const verification of deps.store.latestSimulated())
      this.latestSimulated.set(
        keyOf(verification.target, verification.decisionType, verification.decisionId),
        verification,
      );
  }

  /** Every simulation of a decision, oldest first. */
  history(target: string, type: 'proposal' | 'operation', id: string): Verification[] {
    return this.deps.store.history(target, type, id);
  }

  /** The newest simulation of a decision. */
  latestOf(target: string, type: 'proposal' | 'operation', id: string): Verification | undefined {
    return this.latest.get(keyOf(target, type, id));
  }

  /**
   * The findings of the newest simulation of each decision of the target still to run. A run that failed
   * since (a fork that did not start) leaves them standing: an alert is not resolved by a failure to look.
   */
  currentFindings(target: string): { decision: VerifiableDecision; verification: Verification; finding: Finding }[] {
    return this.deps.decisionsOf(target).flatMap((decision) => {
      const key = keyOf(target, decision.type, decision.id);
      const verification = this.latestSimulated.get(key) ?? this.latest.get(key);
      return verification ? verification.findings.map((finding) => ({ decision, verification, finding })) : [];
    });
  }

  /** Decisions still to run with no simulation at their current stage yet. */
  pending(): { target: GovernanceTarget; decision: VerifiableDecision }[] {
    return this.deps
      .decisions()
      .flatMap(({ target, decisions }) =>
        decisions
          .filter((decision) => this.latestOf(target.id, decision.type, decision.id)?.stage !== decision.stage)
          .map((decision) => ({ target, decision })),
      );
  }

  /** What is due now, and why: a new decision or stage, a retry after its backoff, the run before its ETA. */
  due(nowMs: number): Due[] {
    return this.deps.decisions().flatMap(({ target, decisions, forkBlock }) =>
      decisions.flatMap((decision): Due[] => {
        const key = keyOf(target.id, decision.type, decision.id);
        const last = this.latest.get(key);
        if (!last || last.stage !== decision.stage) return [{ target, decision, trigger: 'appeared', forkBlock }];
        if (last.outcome === 'error') {
          const failures = this.failures.get(key) ?? 1;
          const wait = Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1));
          return nowMs >= last.atMs + wait ? [{ target, decision, trigger: 'retry', forkBlock }] : [];
        }
        const eta = decision.executableAtMs;
        if (last.outcome !== 'unsupported' && eta !== null) {
          const from = eta - this.settings.beforeEtaMs;
          if (nowMs >= from && nowMs < eta && last.atMs < from)
            return [{ target, decision, trigger: 'before_eta', forkBlock }];
        }
        return [];
      }),
    );
  }

  /**
   * The `governance_verification` outcome of every decision whose deadline has passed, once each: decisions
   * still to run, and those that left the list since (executed, defeated) with their deadline passed. One
   * that left before its deadline (cancelled) counts for nothing.
   */
  recordOutcomes(nowMs: number): void {
    const outcomes = this.deps.outcomes;
    if (!outcomes) return;
    const current = new Set<string>();
    for (const { target, decisions } of this.deps.decisions())
      for (const decision of decisions) {
        const key = keyOf(target.id, decision.type, decision.id);
        current.add(key);
        const known = this.seen.get(key);
        const firstSeenMs = known?.firstSeenMs ?? this.history(target.id, decision.type, decision.id)[0]?.atMs ?? nowMs;
        this.seen.set(key, { target, decision, firstSeenMs, subject: `${decision.type}:${decision.id}` });
      }
    const decided: GovernanceOutcome[] = [];
    for (const [key, { target, decision, firstSeenMs, subject }] of this.seen) {
      let done = this.decided.get(target.id);
      if (!done) {
        done = outcomes.decided(target.id);
        this.decided.set(target.id, done);
      }
      if (done.has(subject)) {
        this.seen.delete(key);
        continue;
      }
      const deadline = verificationDeadline(decision, firstSeenMs);
      if (deadline === null || deadline.atMs > nowMs) {
        if (!current.has(key)) this.seen.delete(key);
        continue;
      }
      const history = this.history(target.id, decision.type, decision.id);
      decided.push({
        target: target.id,
        chain: target.chain,
        sli: 'verification',
        subject,
        good: verifiedInTime(history, deadline.atMs),
        decidedAtMs: deadline.atMs,
      });
      done.add(subject);
      this.seen.delete(key);
    }
    if (decided.length > 0) outcomes.record(decided, nowMs);
  }

  /** Simulates what is due, one decision after the other; a call while one runs does nothing. */
  async run(signal?: AbortSignal): Promise<Verification[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const done: Verification[] = [];
      for (const due of this.due(this.deps.clock.now())) {
        if (signal?.aborted) break;
        done.push(await this.verify(due));
      }
      this.recordOutcomes(this.deps.clock.now());
      return done;
    } finally {
      this.running = false;
    }
  }

  private async verify({ target, decision, trigger, forkBlock }: Due): Promise<Verification> {
    const started = this.deps.clock.now();
    const startedAt = performance.now();
    const key = keyOf(target.id, decision.type, decision.id);
    const actions = decision.calls.map((call) =>
      this.deps.decoder.decode(target.chain, {
        to: call.target,
        value: call.value,
        data: call.data,
        ...(call.signature ? { signature: call.signature } : {}),
      }),
    );
    const base = {
      target: target.id,
      decisionType: decision.type,
      decisionId: decision.id,
      stage: decision.stage,
      trigger,
      atMs: started,
    };
    const context = {
      treasury: decision.treasury,
      safe: (address: Address) => this.deps.safe?.(target.chain, address),
    };
    const policy = this.deps.policy(target) ?? defaultPolicy;
    let verification: Omit<Verification, 'id'>;
    if ('unsupported' in decision.plan) {
      verification = {
        ...base,
        forkBlock: null,
        outcome: 'unsupported',
        errorCode: 'unsupported',
        errorMessage: decision.plan.unsupported,
        durationMs: 0,
        upstreamRequests: 0,
        findings: decisionFindings({ actions, simulation: null, policy, context }),
        result: null,
      };
    } else {
      const { plan } = decision;
      let fork: Fork | null = null;
      try {
        fork = await this.forkFor(target.chain, forkBlock);
        const before = fork.upstreamRequests;
        const result = await this.withTimeout(fork, simulateOnFork(fork, plan, this.deps.abis ?? []));
        verification = {
          ...base,
          forkBlock: fork.blockNumber,
          outcome: result.success ? 'success' : 'revert',
          errorCode: null,
          errorMessage: null,
          durationMs: Math.round(performance.now() - startedAt),
          upstreamRequests: fork.upstreamRequests - before,
          findings: decisionFindings({ actions, simulation: result, policy, context }),
          result,
        };
        this.failures.delete(key);
      } catch (error) {
        const simulation = error instanceof SimulationError ? error : null;
        verification = {
          ...base,
          forkBlock: fork?.blockNumber ?? forkBlock,
          outcome: 'error',
          errorCode: simulation?.code ?? 'fork_failed',
          // An unexpected error's text may hold anything (an endpoint's URL): only its kind is stored.
          errorMessage:
            simulation?.shortMessage ?? `the simulation failed unexpectedly (${(error as Error)?.name ?? 'error'})`,
          durationMs: Math.round(performance.now() - startedAt),
          upstreamRequests: 0,
          findings: decisionFindings({ actions, simulation: null, policy, context }),
          result: null,
        };
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
        // A fork whose upstream failed is not kept: the retry starts afresh, through the healthiest endpoint then.
        if (fork) await this.drop(fork);
      }
    }
    const stored = this.deps.store.add(verification);
    this.latest.set(key, stored);
    if (stored.outcome !== 'error') this.latestSimulated.set(key, stored);
    this.deps.hooks?.onVerified?.(target, stored);
    return stored;
  }

  private async forkFor(chain: string, block: number | null): Promise<Fork> {
    const upstream = this.deps.upstream(chain);
    if (upstream === null) throw new SimulationError('fork_failed', `no endpoint of chain "${chain}" to fork from`);
    if (block === null) throw new SimulationError('fork_failed', 'no confirmed block to fork at yet');
    const current = this.forks.get(chain);
    if (current?.blockNumber === block && !current.broken) return current;
    if (current) {
      this.forks.delete(chain);
      await current.stop();
    }
    const started = performance.now();
    const fork = await Fork.start({
      upstream,
      chainId: upstream.chainId,
      blockNumber: block,
      ...(this.settings.pidDir === undefined ? {} : { pidDir: this.settings.pidDir }),
    });
    this.deps.hooks?.onForkStarted?.(chain, (performance.now() - started) / 1_000);
    this.forks.set(chain, fork);
    return fork;
  }

  /** A simulation past the timeout is stopped with its fork, which is started afresh next time. */
  private async withTimeout<T>(fork: Fork, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SimulationError('timeout', `the simulation took longer than ${this.settings.timeoutMs} ms`)),
        this.settings.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (error instanceof SimulationError && error.code === 'timeout') {
        await this.drop(fork);
        work.catch(() => undefined);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async drop(fork: Fork): Promise<void> {
    for (const [chain, candidate] of this.forks) if (candidate === fork) this.forks.delete(chain);
    await fork.stop().catch(() => undefined);
  }

  /** Stops every fork. */
  async stop(): Promise<void> {
    const forks = [...this.forks.values()];
    this.forks.clear();
    await Promise.all(forks.map((fork) => fork.stop().catch(() => undefined)));
  }
}
