// Prometheus metrics of decision verification: simulations by outcome (counted as they end), the fork start
// time, and, read at scrape time from the newest simulation of each decision still to run, the findings by
// check and severity and the decisions not simulated at their current stage yet. Labels: chain and target
// (config ids), outcome, check and severity (closed lists); never a proposal or operation id.

import { Counter, Histogram, type Registry } from 'prom-client';
import type { GovernanceTarget } from '../../domain/governance.js';
import { scrapeGauge } from '../../metrics/scrape-gauge.js';
import { findingChecks } from '../policy/findings.js';
import type { DecisionVerifier } from './verifier.js';
import type { Verification } from './verification-store.js';

export function createVerifierMetrics(registry: Registry) {
  const registers = [registry];
  const simulations = new Counter<'chain' | 'target' | 'outcome'>({
    name: 'ere_governance_simulations_total',
    help:
      'Simulations of governance decisions on a fork, by outcome: success, revert (the decision would ' +
      'revert), error (the simulation could not run) or unsupported.',
    labelNames: ['chain', 'target', 'outcome'],
    registers,
  });
  const forkStart = new Histogram<'chain'>({
    name: 'ere_governance_fork_start_seconds',
    help: 'Time to start a fork of the chain (anvil forked through the loopback proxy) until it answers.',
    labelNames: ['chain'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  return {
    hooks: {
      onVerified: (target: GovernanceTarget, verification: Verification) =>
        simulations.inc({ chain: target.chain, target: target.id, outcome: verification.outcome }),
      onForkStarted: (chain: string, seconds: number) => forkStart.observe({ chain }, seconds),
    },
    /** The gauges read from the verifier; registered once it exists. */
    watch(verifier: DecisionVerifier, targets: () => { target: GovernanceTarget; pending: string[] }[]) {
      scrapeGauge(
        registry,
        'ere_governance_findings',
        'Findings of the newest simulation of the decisions still to run, by check and severity.',
        ['chain', 'target', 'check', 'severity'],
        (set) => {
          for (const { target } of targets()) {
            const counts = new Map<string, number>();
            for (const check of findingChecks)
              for (const severity of ['critical', 'warning']) counts.set(`${check}/${severity}`, 0);
            for (const { finding } of verifier.currentFindings(target.id)) {
              const key = `${finding.check}/${finding.severity}`;
              counts.set(key, (counts.get(key) ?? 0) + 1);
            }
            for (const [key, count] of counts) {
              const [check, severity] = key.split('/') as [string, string];
              set({ chain: target.chain, target: target.id, check, severity }, count);
            }
          }
        },
      );
      scrapeGauge(
        registry,
        'ere_governance_decisions_pending_verification',
        'Decisions still to run that have no simulation at their current stage yet.',
        ['chain', 'target'],
        (set) => {
          for (const { target, pending } of targets()) set({ chain: target.chain, target: target.id }, pending.length);
        },
      );
    },
  };
}
