// One ChainReader per chain that has governance targets, over the chain's configured endpoints, preferring
// those the chain tracker finds healthy (healthiest first: in configured order among the healthy).

import type { ChainConfig } from '../../endpoints/chain-schema.js';
import type { GovernanceTargetConfig } from '../governance-schema.js';
import type { ChainTracker } from '../../endpoints/rpc/rpc-tracker.js';
import { ChainReader } from './chain-reader.js';

export function governanceReaders(
  config: { chains: readonly ChainConfig[]; governance: readonly GovernanceTargetConfig[] },
  tracker: ChainTracker,
  onRequest?: (chain: string, method: string) => void,
): Map<string, ChainReader> {
  const chains = new Set(config.governance.map((target) => target.chain));
  return new Map(
    config.chains
      .filter((chain) => chains.has(chain.id))
      .map((chain) => [
        chain.id,
        new ChainReader(
          chain.id,
          chain.rpc.map((endpoint) => ({
            id: endpoint.id,
            url: endpoint.url,
            headers: endpoint.headers,
            timeoutMs: chain.timeout,
          })),
          {
            expectedChainId: chain.chainId,
            preference: () =>
              tracker
                .health(chain.id)
                ?.endpoints.filter((endpoint) => endpoint.healthy)
                .map((endpoint) => endpoint.endpoint) ?? [],
            ...(onRequest ? { onRequest: (method: string) => onRequest(chain.id, method) } : {}),
          },
        ),
      ]),
  );
}
