import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import type { RpcObservation } from '../../src/domain/rpc.js';
import { deriveChainHealth } from '../../src/rules/chain-health.js';
import { ChainTracker } from '../../src/rules/chain-tracker.js';

const endpoints = ['a', 'b', 'c', 'd', 'e'];
const policy = { maxLagBlocks: 3, staleAfterMs: 10_000 };

describe('ChainTracker.observe', () => {
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
            };
            latest.set(step.endpoint, observation);
            const { sample, chain } = tracker.observe(observation);
            const full = deriveChainHealth('c', endpoints, latest, clock.now(), policy);
            const state = full.endpoints.find((endpoint) => endpoint.endpoint === step.endpoint)!;
            expect(sample).toMatchObject({ lagBlocks: state.lagBlocks, lagSeconds: state.lagSeconds, healthy: state.healthy });
            expect(chain.consensusHead).toBe(full.consensusHead);
            expect(chain.healthyEndpoints).toBeGreaterThanOrEqual(0);
            expect(chain.healthyEndpoints).toBeLessThanOrEqual(endpoints.length);
          }
        },
      ),
    );
  });
});
