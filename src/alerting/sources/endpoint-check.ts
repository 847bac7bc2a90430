// Threshold rules on each RPC endpoint's data checks (chains[].correctness): one series per endpoint and
// check, `disagreeing` 1 when the check's latest run found the endpoint's data differing from the majority,
// the beacon chain or its own receipts, 0 when it agreed. Before the first run, and after a run that could
// judge nothing (no majority, no answer), the series is unknown and its alert holds its state.

import type { CheckState } from '../../endpoints/rpc/correctness/correctness-engine.js';
import { thresholdSource } from './threshold-rule.js';

interface CheckReading {
  state: CheckState;
}

export const endpointCheckMetrics = {
  disagreeing: ({ state }: CheckReading) => (state.outcome === 'disagree' ? 1 : state.outcome === 'agree' ? 0 : null),
} satisfies Record<string, (reading: CheckReading) => number | null>;

export const endpointCheckSource = thresholdSource({
  source: 'endpoint_check',
  metrics: endpointCheckMetrics,
  watch: ({ rpc }) => {
    const reader = rpc?.correctness;
    if (!rpc || !reader) return null;
    return () =>
      reader.chains().flatMap(({ chain, checks }) => {
        const config = rpc.chains.find((candidate) => candidate.id === chain)!;
        return config.rpc.flatMap((endpoint) =>
          checks.map((check) => ({
            chain,
            endpoint: endpoint.id,
            key: check,
            check,
            labels: { ...config.labels, ...endpoint.labels, scope: 'endpoint', chain, endpoint: endpoint.id, check },
            lastDisagreement: () => reader.lastDisagreement(endpoint.id, check),
            read: (): CheckReading | null => {
              const state = reader.state(endpoint.id, check);
              return state ? { state } : null;
            },
          })),
        );
      });
  },
  describe: (series) => {
    if (!series) return 'The data check no longer runs.';
    const finding = series.read()?.state.finding ?? series.lastDisagreement();
    const at = finding?.block == null ? '' : ` at block ${finding.block}`;
    return finding
      ? `${series.endpoint} disagrees on ${series.check}${at}: ${finding.message}. ` +
          'Confirm by hand before failing it over (see the runbook).'
      : `${series.endpoint} disagreed on ${series.check}.`;
  },
});
