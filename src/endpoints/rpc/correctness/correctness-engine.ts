// Turns each run of a data check into what the rest of ERE sees: the latest outcome of every endpoint and
// check (the API, the EndpointIncorrectData alerts), counts and disagreements in the store (the correctness
// SLI), the metrics, and the hold that keeps a disagreeing endpoint unhealthy (error class incorrect_data).
//
// The hold: an endpoint is unhealthy while the latest run of any check disagreed with it, and for the
// chain's `for` after its last disagreement, so that a single bad answer is not forgotten at the next good
// one. After a restart the holds are restored from the stored disagreements.

import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../../../domain/clock.js';
import type { CheckOutcome, CorrectnessCheck, IncorrectData } from '../../../domain/rpc.js';
import { scrapeGauge } from '../../../metrics/scrape-gauge.js';
import type { ChainTracker } from '../rpc-tracker.js';
import type { CheckRun } from './check.js';
import type { CorrectnessStore } from './correctness-store.js';

export interface CheckState {
  outcome: CheckOutcome;
  at: number;
  block: number | null;
  finding: IncorrectData | null;
}

export interface CorrectnessChain {
  chain: string;
  endpoints: readonly string[];
  /** The chain's `correctness.for`. */
  holdMs: number;
  /** The checks its enabled sections cover. */
  checks: readonly CorrectnessCheck[];
}

export interface CorrectnessReader {
  /** The latest outcome of the check on the endpoint; undefined before its first run. */
  state(endpoint: string, check: CorrectnessCheck): CheckState | undefined;
  /** Why the check is skipped on the chain, when it was at its last run. */
  skipped(chain: string, check: CorrectnessCheck): string | undefined;
  lastDisagreement(endpoint: string, check: CorrectnessCheck): IncorrectData | undefined;
  chains(): readonly CorrectnessChain[];
}

export class CorrectnessEngine implements CorrectnessReader {
  private readonly latest = new Map<string, Map<CorrectnessCheck, CheckState>>();
  private readonly disagreements = new Map<string, Map<CorrectnessCheck, IncorrectData>>();
  private readonly skips = new Map<string, Map<CorrectnessCheck, string>>();
  private readonly byChain: Map<string, CorrectnessChain>;
  private readonly checksTotal: Counter<'chain' | 'endpoint' | 'check' | 'outcome'>;

  constructor(
    private readonly configured: readonly CorrectnessChain[],
    private readonly deps: { tracker: ChainTracker; store: CorrectnessStore; clock: Clock; registry: Registry },
  ) {
    this.byChain = new Map(configured.map((chain) => [chain.chain, chain]));
    this.checksTotal = new Counter({
      name: 'ere_rpc_correctness_checks_total',
      help: 'Data checks of RPC endpoints, by check and outcome (agree, disagree, unknown).',
      labelNames: ['chain', 'endpoint', 'check', 'outcome'],
      registers: [deps.registry],
    });
    scrapeGauge(
      deps.registry,
      'ere_rpc_correctness_last_disagreement_timestamp_seconds',
      'When a data check last found the endpoint disagreeing, seconds since the epoch.',
      ['chain', 'endpoint', 'check'],
      (set) => {
        for (const { chain, endpoints, checks } of this.configured)
          for (const endpoint of endpoints)
            for (const check of checks) {
              const last = this.lastDisagreement(endpoint, check);
              if (last) set({ chain, endpoint, check }, last.at / 1_000);
            }
      },
    );
  }

  chains(): readonly CorrectnessChain[] {
    return this.configured;
  }

  state(endpoint: string, check: CorrectnessCheck): CheckState | undefined {
    return this.latest.get(endpoint)?.get(check);
  }

  skipped(chain: string, check: CorrectnessCheck): string | undefined {
    return this.skips.get(chain)?.get(check);
  }

  lastDisagreement(endpoint: string, check: CorrectnessCheck): IncorrectData | undefined {
    return this.disagreements.get(endpoint)?.get(check);
  }

  /** Restores the holds of the disagreements still within their chain's `for`. */
  seed(): void {
    const now = this.deps.clock.now();
    const longest = Math.max(0, ...this.configured.map((chain) => chain.holdMs));
    for (const stored of this.deps.store.latestDisagreements(now - longest)) {
      const chain = this.byChain.get(stored.chain);
      if (!chain?.endpoints.includes(stored.endpoint)) continue;
      const { chain: _chain, endpoint, ...finding } = stored;
      mapOf(this.disagreements, endpoint).set(finding.check, finding);
      this.hold(chain, endpoint, now);
    }
  }

  apply(chain: string, run: CheckRun): void {
    const configured = this.byChain.get(chain);
    if (!configured) throw new Error(`unknown chain ${chain}`);
    const now = this.deps.clock.now();
    const skips = mapOf(this.skips, chain);
    for (const { check, reason } of run.skipped) skips.set(check, reason);
    for (const result of run.results) {
      skips.delete(result.check);
      const outcomes = result.verdicts.map((verdict) => {
        const finding: IncorrectData | null =
          verdict.outcome === 'disagree'
            ? {
                check: result.check,
                block: result.block,
                against: verdict.against ?? 'majority',
                message: (verdict.message ?? `${result.check} differs`).slice(0, 300),
                at: now,
              }
            : null;
        mapOf(this.latest, verdict.endpoint).set(result.check, {
          outcome: verdict.outcome,
          at: now,
          block: result.block,
          finding,
        });
        if (finding) mapOf(this.disagreements, verdict.endpoint).set(result.check, finding);
        this.checksTotal.inc({ chain, endpoint: verdict.endpoint, check: result.check, outcome: verdict.outcome });
        return { endpoint: verdict.endpoint, outcome: verdict.outcome, ...(finding ? { finding } : {}) };
      });
      this.deps.store.record(chain, result.check, now, outcomes);
    }
    for (const endpoint of configured.endpoints) this.hold(configured, endpoint, now);
  }

  /** Sets the endpoint's hold on the chain tracker from its latest outcomes and last disagreements. */
  private hold(chain: CorrectnessChain, endpoint: string, now: number): void {
    const current = [...(this.latest.get(endpoint)?.values() ?? [])].find((state) => state.outcome === 'disagree');
    if (current?.finding) {
      this.deps.tracker.holdIncorrect(endpoint, current.finding, Number.POSITIVE_INFINITY);
      return;
    }
    const last = [...(this.disagreements.get(endpoint)?.values() ?? [])].sort((a, b) => b.at - a.at)[0];
    if (last && last.at + chain.holdMs > now) this.deps.tracker.holdIncorrect(endpoint, last, last.at + chain.holdMs);
    else this.deps.tracker.holdIncorrect(endpoint, null);
  }
}

function mapOf<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map()));
  return inner;
}
