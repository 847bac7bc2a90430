// What every endpoint kind's metrics factory shares: the probe latency buckets, the failed-probe counter by
// error class, and gauges read from the kind's tracker at scrape time, per endpoint and per chain, over one
// snapshot of every chain's health a scrape, however many gauges read it.

import { Counter, type Registry } from 'prom-client';
import { oncePerScrape, scrapeGauge } from '../metrics/scrape-gauge.js';

export const latencyBucketsSeconds = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A chain's health as a kind's tracker derives it: at least its id and its endpoints' states. */
interface ChainStates {
  chain: string;
  endpoints: readonly { endpoint: string }[];
}

type Value = number | null | undefined;

/** Gauge factories over the tracker's `allHealth()`, taken once per scrape. */
export function healthGauges<Chain extends ChainStates>(registry: Registry, allHealth: () => Chain[]) {
  type Endpoint = Chain['endpoints'][number];
  const snapshot = oncePerScrape(allHealth);
  return {
    snapshot,
    /** One series per endpoint, labelled by chain and endpoint id. */
    endpointGauge: (name: string, help: string, value: (state: Endpoint, chain: Chain) => Value) =>
      scrapeGauge(registry, name, help, ['chain', 'endpoint'], (set) => {
        for (const chain of snapshot()) {
          for (const state of chain.endpoints)
            set({ chain: chain.chain, endpoint: state.endpoint }, value(state, chain));
        }
      }),
    /** One series per chain. */
    chainGauge: (name: string, help: string, value: (chain: Chain) => number | null) =>
      scrapeGauge(registry, name, help, ['chain'], (set) => {
        for (const chain of snapshot()) set({ chain: chain.chain }, value(chain));
      }),
  };
}

/** Failed probes by error class: the error class is the kind's closed list, safe as a label. */
export function probeErrorCounter(registry: Registry, name: string, help: string) {
  return new Counter<'chain' | 'endpoint' | 'error_class'>({
    name,
    help,
    labelNames: ['chain', 'endpoint', 'error_class'],
    registers: [registry],
  });
}
