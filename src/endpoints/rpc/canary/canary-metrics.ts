// The canary's metrics: transactions by endpoint and outcome, refusals by reason, inclusion and propagation
// times, and, read at scrape time, the key's balance and whether a canary is in flight. Labels: chain,
// endpoint id, outcome, reason, clock; never a hash, an address or a key.

import { Counter, Histogram, type Registry } from 'prom-client';
import { scrapeGauge } from '../../../metrics/scrape-gauge.js';

/** What the scrape-time gauges read of each chain's canary. */
export interface CanaryGaugeReader {
  chains(): readonly {
    chain: string;
    balanceWei: bigint | null;
    inFlight: boolean;
    inclusion: ReadonlyMap<string, { wall: number; block: number | null }>;
    propagation: ReadonlyMap<string, number>;
  }[];
}

/** Seconds to inclusion: a few blocks of a fast chain up to a congested mainnet's minutes. */
const inclusionBucketsSeconds = [1, 2, 4, 8, 12, 16, 24, 36, 60, 120, 300, 600];

export function createCanaryMetrics(registry: Registry, reader: CanaryGaugeReader) {
  const registers = [registry];
  scrapeGauge(
    registry,
    'ere_canary_balance_wei',
    "The canary key's balance, in wei, as last read from the chain.",
    ['chain'],
    (set) => {
      for (const chain of reader.chains())
        set({ chain: chain.chain }, chain.balanceWei === null ? null : Number(chain.balanceWei));
    },
  );
  scrapeGauge(registry, 'ere_canary_in_flight', '1 while a canary transaction awaits inclusion.', ['chain'], (set) => {
    for (const chain of reader.chains()) set({ chain: chain.chain }, chain.inFlight ? 1 : 0);
  });
  scrapeGauge(
    registry,
    'ere_canary_last_inclusion_seconds',
    'Time from sending to inclusion of the last canary included after going through the endpoint, by the ' +
      'wall clock (its first receipt seen) and by the block timestamp.',
    ['chain', 'endpoint', 'clock'],
    (set) => {
      for (const { chain, inclusion } of reader.chains())
        for (const [endpoint, seconds] of inclusion) {
          set({ chain, endpoint, clock: 'wall' }, seconds.wall);
          set({ chain, endpoint, clock: 'block' }, seconds.block);
        }
    },
  );
  scrapeGauge(
    registry,
    'ere_canary_propagation_seconds',
    'For the last included canary: time from its first receipt seen at any endpoint until this endpoint ' +
      'returned it.',
    ['chain', 'endpoint'],
    (set) => {
      for (const { chain, propagation } of reader.chains())
        for (const [endpoint, seconds] of propagation) set({ chain, endpoint }, seconds);
    },
  );
  return {
    transactions: new Counter<'chain' | 'endpoint' | 'outcome'>({
      name: 'ere_canary_transactions_total',
      help:
        'Canary transaction attempts by the endpoint they were sent through and how they ended: included, ' +
        'not_included (known but not mined before the timeout), dropped (known nowhere) or rejected.',
      labelNames: ['chain', 'endpoint', 'outcome'],
      registers,
    }),
    rejections: new Counter<'chain' | 'endpoint' | 'reason'>({
      name: 'ere_canary_rejections_total',
      help:
        'Canary transactions an endpoint refused, by reason: nonce_too_low, underpriced, ' +
        'insufficient_funds, other.',
      labelNames: ['chain', 'endpoint', 'reason'],
      registers,
    }),
    inclusion: new Histogram<'chain' | 'endpoint'>({
      name: 'ere_canary_inclusion_seconds',
      help: 'Time from sending a canary transaction to its first receipt seen, by the endpoint it went through.',
      labelNames: ['chain', 'endpoint'],
      buckets: inclusionBucketsSeconds,
      registers,
    }),
  };
}

export type CanaryMetrics = ReturnType<typeof createCanaryMetrics>;
