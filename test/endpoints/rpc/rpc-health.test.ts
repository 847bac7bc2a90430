import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RpcObservation } from '../../../src/domain/rpc.js';
import { consensusOf, deriveChainHealth } from '../../../src/endpoints/rpc/rpc-health.js';

const now = 1_700_000_000_000;
const policy = { maxLagBlocks: 3, staleAfterMs: 30_000, minBlockIntervalMs: 1_000 };

function observation(endpoint: string, fields: Partial<RpcObservation> = {}): RpcObservation {
  const headBlock = fields.headBlock ?? 100;
  return {
    chain: 'c',
    endpoint,
    at: now - 1_000,
    ok: true,
    latencyMs: 20,
    errorClass: null,
    errorMessage: null,
    chainId: 1,
    headBlock,
    headTimestamp: now / 1_000 - 12 + (headBlock - 100) * 12,
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
    ...fields,
  };
}

function health(observations: RpcObservation[]) {
  return deriveChainHealth(
    'c',
    observations.map((item) => item.endpoint),
    new Map(observations.map((item) => [item.endpoint, item])),
    now,
    policy,
  );
}

const headsOf = (heads: number[]) => heads.map((headBlock, index) => observation(`e${index}`, { headBlock }));

describe('consensusOf', () => {
  it.each([
    { heads: [], expected: null },
    { heads: [7], expected: 7 },
    { heads: [10, 12], expected: 10 },
    { heads: [100, 101, 5_000_000], expected: 101 },
    { heads: [5_000_000, 100, 101], expected: 101 },
    { heads: [100, 100, 99], expected: 100 },
  ])('$heads → $expected', ({ heads, expected }) => {
    expect(consensusOf(headsOf(heads), now, policy).head).toBe(expected);
  });

  it('is the second-highest head of several, the only one of one, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }), (heads) => {
        const sorted = [...heads].sort((a, b) => b - a);
        expect(consensusOf(headsOf(heads), now, policy).head).toBe(sorted.length === 1 ? sorted[0] : sorted[1]);
      }),
    );
  });

  it('ignores failed and stale observations', () => {
    const observations = [
      observation('a', { headBlock: 10 }),
      observation('b', { headBlock: 99, ok: false }),
      observation('c', { headBlock: 98, at: now - 60_000 }),
    ];
    expect(consensusOf(observations, now, policy).head).toBe(10);
  });
});

describe('deriveChainHealth', () => {
  it('a liar far ahead moves neither the consensus head nor the others’ lag', () => {
    const result = health([
      observation('a', { headBlock: 100 }),
      observation('b', { headBlock: 101 }),
      observation('liar', { headBlock: 1_000_000 }),
    ]);
    expect(result.consensusHead).toBe(101);
    expect(result.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.lagBlocks, endpoint.healthy])).toEqual([
      ['a', 1, true],
      ['b', 0, true],
      ['liar', -999_899, false],
    ]);
    expect(result.endpoints[2]!.unhealthyReasons).toEqual(['999899 blocks ahead of the consensus head']);
    expect(result.healthyEndpoints).toBe(2);
  });

  it('lag in seconds is the time between the consensus head block and the endpoint head block', () => {
    const result = health([
      observation('a', { headBlock: 100 }),
      observation('b', { headBlock: 110 }),
      observation('c', { headBlock: 110 }),
    ]);
    expect(result.endpoints[0]).toMatchObject({
      lagBlocks: 10,
      lagSeconds: 120,
      healthy: false,
      unhealthyReasons: ['10 blocks behind the consensus head'],
    });
  });

  it('the chain head age is now minus the consensus head timestamp (a halted chain ages)', () => {
    const halted = health([
      observation('a', { headBlock: 100, headTimestamp: now / 1_000 - 600 }),
      observation('b', { headBlock: 100, headTimestamp: now / 1_000 - 600 }),
    ]);
    expect(halted.headAgeSeconds).toBe(600);
    expect(halted.healthyEndpoints).toBe(2);
  });

  it(
    'down, syncing, stale and never-probed endpoints are not healthy; ' +
      'one healthy endpoint is a single point of failure',
    () => {
      const result = deriveChainHealth(
        'c',
        ['ok', 'down', 'syncing', 'stale', 'new'],
        new Map([
          ['ok', observation('ok')],
          ['down', observation('down', { ok: false, errorClass: 'timeout', headBlock: null })],
          ['syncing', observation('syncing', { syncing: true })],
          ['stale', observation('stale', { at: now - 31_000 })],
        ]),
        now,
        policy,
      );
      expect(
        result.endpoints.map((endpoint) => [
          endpoint.endpoint,
          endpoint.up,
          endpoint.healthy,
          endpoint.unhealthyReasons,
        ]),
      ).toEqual([
        ['ok', true, true, []],
        ['down', false, false, ['probe failed: timeout']],
        ['syncing', true, false, ['syncing']],
        ['stale', false, false, ['no recent probe']],
        ['new', false, false, ['not probed yet']],
      ]);
      expect(result).toMatchObject({
        healthyEndpoints: 1,
        configuredEndpoints: 5,
        singlePointOfFailure: true,
        consensusHead: 100,
      });
    },
  );

  it('a chain id mismatch is down and does not count towards the consensus head', () => {
    const result = health([
      observation('a', { headBlock: 100 }),
      observation('wrong', { ok: false, errorClass: 'chain_id_mismatch', chainId: 5, headBlock: 9_999 }),
    ]);
    expect(result.consensusHead).toBe(100);
    expect(result.endpoints[1]).toMatchObject({ up: false, healthy: false, headBlock: null });
  });

  it('no endpoint answering leaves no consensus head and no head age', () => {
    const result = health([observation('a', { ok: false, errorClass: 'connection', headBlock: null })]);
    expect(result).toMatchObject({
      consensusHead: null,
      headAgeSeconds: null,
      healthyEndpoints: 0,
      singlePointOfFailure: false,
    });
  });
});
