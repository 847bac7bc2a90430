import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/domain/clock.js';
import type { RpcObservation } from '../../../src/domain/rpc.js';
import { deriveChainHealth } from '../../../src/endpoints/rpc/rpc-health.js';
import { ChainTracker } from '../../../src/endpoints/rpc/rpc-tracker.js';

const endpoints = ['a', 'b', 'c', 'd', 'e'];
const policy = { maxLagBlocks: 3, staleAfterMs: 10_000 };

describe('ChainTracker.observe', () => {
  it('reports no chain state until every endpoint has been probed, so a start is not a redundancy outage', () => {
    const clock = fixedClock(1_700_000_000_000);
    const tracker = new ChainTracker([{ chain: 'c', endpoints: ['a', 'b'], policy }], clock);
    const base = {
      chain: 'c',
      at: clock.now(),
      ok: true,
      latencyMs: 5,
      errorClass: null,
      errorMessage: null,
      chainId: 1,
      headBlock: 100,
      headTimestamp: 1_200,
      syncing: false,
      peerCount: null,
      gasUsed: null,
      gasLimit: null,
      baseFeePerGasWei: null,
      clientVersion: null,
      batched: true,
      headHash: null,
      ancestorHashes: [],
      tags: null,
    };
    expect(tracker.observe({ ...base, endpoint: 'a' }).chain).toBeNull();
    expect(tracker.observe({ ...base, endpoint: 'b' }).chain).toMatchObject({
      healthyEndpoints: 2,
      configuredEndpoints: 2,
      consensusHead: 100,
    });
  });

  it('judges the observed endpoint exactly as the full derivation does', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            endpoint: fc.constantFrom(...endpoints),
            advanceMs: fc.integer({ min: 0, max: 6_000 }),
            ok: fc.boolean(),
            headBlock: fc.integer({ min: 90, max: 110 }),
            syncing: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (steps) => {
          const clock = fixedClock(1_700_000_000_000);
          const tracker = new ChainTracker([{ chain: 'c', endpoints, policy }], clock);
          const latest = new Map<string, RpcObservation>();
          for (const step of steps) {
            clock.advance(step.advanceMs);
            const observation: RpcObservation = {
              chain: 'c',
              endpoint: step.endpoint,
              at: clock.now(),
              ok: step.ok,
              latencyMs: 5,
              errorClass: step.ok ? null : 'timeout',
              errorMessage: null,
              chainId: 1,
              headBlock: step.ok ? step.headBlock : null,
              headTimestamp: step.ok ? step.headBlock * 12 : null,
              syncing: step.ok ? step.syncing : null,
              peerCount: null,
              gasUsed: null,
              gasLimit: null,
              baseFeePerGasWei: null,
              clientVersion: null,
              batched: true,
              headHash: null,
              ancestorHashes: [],
              tags: null,
            };
            latest.set(step.endpoint, observation);
            const { sample, chain } = tracker.observe(observation);
            const full = deriveChainHealth('c', endpoints, latest, clock.now(), policy);
            const state = full.endpoints.find((endpoint) => endpoint.endpoint === step.endpoint)!;
            expect(sample).toMatchObject({
              lagBlocks: state.lagBlocks,
              lagSeconds: state.lagSeconds,
              healthy: state.healthy,
            });
            // The chain's state is known only while every endpoint has a fresh judgment.
            const allFresh = endpoints.every(
              (endpoint) => latest.has(endpoint) && clock.now() - latest.get(endpoint)!.at <= policy.staleAfterMs,
            );
            expect(chain !== null).toBe(allFresh);
            if (chain) {
              expect(chain.consensusHead).toBe(full.consensusHead);
              expect(chain.healthyEndpoints).toBeLessThanOrEqual(endpoints.length);
            }
          }
        },
      ),
    );
  });
});
