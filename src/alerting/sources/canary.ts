// Threshold rules on each chain's canary (chains[].canary): one series per endpoint, whose metrics say how
// the last canary sent through it ended (`not_included` 1 when it was not mined before its timeout or was
// dropped, 0 when it was included; `rejecting` 1 when the endpoint refused it, 0 when it took it), and one
// series per chain for the key's balance (`balance_low`). Before any canary has gone through an endpoint,
// or before the balance is read, the series is unknown and its alert holds its state.

import type { EndpointCanary } from '../../endpoints/rpc/canary/canary-engine.js';
import { thresholdSource } from './threshold-rule.js';

type CanaryReading = { endpoint: EndpointCanary } | { balanceLow: boolean };

export const canaryMetrics = {
  not_included: (reading: CanaryReading) =>
    'endpoint' in reading && reading.endpoint.outcome !== 'rejected'
      ? reading.endpoint.outcome === 'included'
        ? 0
        : 1
      : null,
  rejecting: (reading: CanaryReading) =>
    'endpoint' in reading ? (reading.endpoint.outcome === 'rejected' ? 1 : 0) : null,
  balance_low: (reading: CanaryReading) => ('balanceLow' in reading ? (reading.balanceLow ? 1 : 0) : null),
} satisfies Record<string, (reading: CanaryReading) => number | null>;

export const canarySource = thresholdSource({
  source: 'canary',
  metrics: canaryMetrics,
  watch: ({ rpc, canary }) => {
    if (!rpc || !canary) return null;
    return () =>
      canary.engines.flatMap((engine) => {
        const config = rpc.chains.find((candidate) => candidate.id === engine.chain)!;
        const chain = engine.chain;
        const balance = {
          chain,
          key: 'balance',
          labels: { ...config.labels, scope: 'chain', chain },
          read: (): CanaryReading | null => {
            const low = engine.balanceLow();
            return low === null ? null : { balanceLow: low };
          },
        };
        const endpoints = config.rpc.map((endpoint) => ({
          chain,
          endpoint: endpoint.id,
          labels: { ...config.labels, ...endpoint.labels, scope: 'endpoint', chain, endpoint: endpoint.id },
          read: (): CanaryReading | null => {
            const last = engine.byEndpoint.get(endpoint.id);
            return last ? { endpoint: last } : null;
          },
        }));
        return [balance, ...endpoints];
      });
  },
});
