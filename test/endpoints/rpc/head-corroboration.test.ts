// The consensus head over endpoints that are honest, frozen, lying ahead, on a fork or down, as the probes
// would report them: heads first, then the ancestor hashes each endpoint is asked for at the heights the
// tracker names (ancestorHeightsFor), answered as that kind of endpoint answers.
import { describe, expect, it } from 'vitest';
import type { AncestorHash, RpcObservation } from '../../../src/domain/rpc.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { deriveChainHealth, headReports } from '../../../src/endpoints/rpc/rpc-health.js';
import { ChainTracker } from '../../../src/endpoints/rpc/rpc-tracker.js';
import { ancestorHeightsFor, judgeHead, type HeadReport } from '../../../src/endpoints/rpc/head-corroboration.js';

const nowMs = 1_700_000_000_000;
const nowSeconds = nowMs / 1_000;
const blockSeconds = 12;
/** The honest chain's head, made `nowSeconds - 4` s ago; its blocks are 12 s apart. */
const tip = 1_000;
const policy = { maxLagBlocks: 5, staleAfterMs: 30_000, minBlockIntervalMs: 1_000 };

const timestampAt = (height: number) => nowSeconds - 4 - (tip - height) * blockSeconds;
const hash = (chain: 'c' | 'k' | 'x', height: number) => `0x${chain.repeat(8)}${height.toString(16).padStart(56, '0')}`;
/** The fork leaves the honest chain after this block. */
const forkPoint = 500;

type Kind = 'honest' | 'frozen' | 'liar' | 'maker' | 'fork' | 'forkBehind' | 'down';

/** What each kind of endpoint reports: its head, and its block at a given height. */
const kinds: Record<
  Kind,
  { head: number; headHash: string; timestamp: number; blockAt(height: number): string | null }
> = {
  honest: { head: tip, headHash: hash('c', tip), timestamp: timestampAt(tip), blockAt: (height) => hash('c', height) },
  // Frozen 100 blocks (20 min) ago, on the honest chain.
  frozen: {
    head: tip - 100,
    headHash: hash('c', tip - 100),
    timestamp: timestampAt(tip - 100),
    blockAt: (height) => (height <= tip - 100 ? hash('c', height) : null),
  },
  // A proxy in front of an honest node adding 50 to every number: the head block is the honest one.
  liar: {
    head: tip + 50,
    headHash: hash('c', tip),
    timestamp: timestampAt(tip),
    blockAt: (height) => hash('c', height),
  },
  // Makes up a head of its own, with a recent timestamp, and has no block at the heights it is asked.
  maker: { head: tip + 50, headHash: hash('x', tip + 50), timestamp: nowSeconds - 1, blockAt: () => null },
  // A chain of its own since block 500 (a second node with the same chain id), ahead.
  fork: {
    head: tip + 30,
    headHash: hash('k', tip + 30),
    timestamp: nowSeconds - 2,
    blockAt: (height) => hash(height > forkPoint ? 'k' : 'c', height),
  },
  forkBehind: {
    head: tip - 50,
    headHash: hash('k', tip - 50),
    timestamp: nowSeconds - 2,
    blockAt: (height) => hash(height > forkPoint ? 'k' : 'c', height),
  },
  down: { head: tip, headHash: hash('c', tip), timestamp: timestampAt(tip), blockAt: () => null },
};

function report(endpoint: string, kind: Kind, ancestorHashes: readonly AncestorHash[]): RpcObservation {
  const { head, headHash, timestamp } = kinds[kind];
  const ok = kind !== 'down';
  return {
    chain: 'c',
    endpoint,
    at: nowMs - 1_000,
    ok,
    latencyMs: 20,
    errorClass: ok ? null : 'timeout',
    errorMessage: null,
    chainId: 1,
    headBlock: ok ? head : null,
    headTimestamp: ok ? timestamp : null,
    headHash: ok ? headHash : null,
    ancestorHashes,
    tags: null,
    syncing: false,
    peerCount: null,
    gasUsed: null,
    gasLimit: null,
    baseFeePerGasWei: null,
    clientVersion: null,
    batched: true,
  };
}

/** Two rounds of probes: the first reports heads, the second also the ancestors the first made the tracker ask. */
function probe(endpointKinds: readonly Kind[], chainPolicy = policy) {
  const endpoints = endpointKinds.map((kind, index) => `${kind}${index}`);
  const first = endpointKinds.map((kind, index) => report(endpoints[index]!, kind, []));
  const reports = headReports(first, nowMs, chainPolicy);
  const second = endpointKinds.map((kind, index) => {
    const heights = ancestorHeightsFor(endpoints[index]!, reports, chainPolicy.maxLagBlocks);
    return report(
      endpoints[index]!,
      kind,
      kind === 'down' ? [] : heights.map((height) => ({ number: height, hash: kinds[kind].blockAt(height) })),
    );
  });
  return deriveChainHealth(
    'c',
    endpoints,
    new Map(second.map((observation) => [observation.endpoint, observation])),
    nowMs,
    chainPolicy,
  );
}

describe('the consensus head over honest, frozen, lying, forked and down endpoints', () => {
  it.each<{ kinds: Kind[]; head: number; healthy: boolean[] }>([
    { kinds: ['honest'], head: tip, healthy: [true] },
    { kinds: ['frozen'], head: tip - 100, healthy: [true] },
    { kinds: ['down'], head: Number.NaN, healthy: [false] },
    { kinds: ['honest', 'frozen'], head: tip, healthy: [true, false] },
    { kinds: ['frozen', 'honest'], head: tip, healthy: [false, true] },
    { kinds: ['honest', 'liar'], head: tip, healthy: [true, false] },
    { kinds: ['honest', 'maker'], head: tip, healthy: [true, false] },
    { kinds: ['honest', 'fork'], head: tip, healthy: [true, false] },
    { kinds: ['honest', 'down'], head: tip, healthy: [true, false] },
    { kinds: ['frozen', 'fork'], head: tip - 100, healthy: [true, false] },
    { kinds: ['frozen', 'maker'], head: tip - 100, healthy: [true, false] },
    { kinds: ['honest', 'honest', 'liar'], head: tip, healthy: [true, true, false] },
    { kinds: ['honest', 'honest', 'fork'], head: tip, healthy: [true, true, false] },
    { kinds: ['honest', 'frozen', 'liar'], head: tip, healthy: [true, false, false] },
    { kinds: ['honest', 'frozen', 'fork'], head: tip, healthy: [true, false, false] },
    { kinds: ['honest', 'forkBehind', 'frozen'], head: tip, healthy: [true, false, false] },
    { kinds: ['honest', 'frozen', 'frozen'], head: tip, healthy: [true, false, false] },
    { kinds: ['liar', 'liar', 'honest'], head: tip, healthy: [false, false, true] },
    { kinds: ['honest', 'down', 'frozen'], head: tip, healthy: [true, false, false] },
    { kinds: ['down', 'down', 'frozen', 'honest'], head: tip, healthy: [false, false, false, true] },
    { kinds: ['honest', 'honest', 'frozen', 'liar', 'fork'], head: tip, healthy: [true, true, false, false, false] },
    { kinds: ['fork', 'maker', 'liar', 'frozen', 'honest'], head: tip, healthy: [false, false, false, false, true] },
  ])('$kinds → consensus $head', ({ kinds: endpointKinds, head, healthy }) => {
    const chain = probe(endpointKinds);
    expect(chain.consensusHead).toBe(Number.isNaN(head) ? null : head);
    expect(chain.endpoints.map((endpoint) => endpoint.healthy)).toEqual(healthy);
  });

  it(
    'takes a proxy adding to the numbers above a frozen endpoint alone for a ' +
      'head, unless the block interval is set close to the real one',
    () => {
      // With nothing at the real head, the liar's block at the frozen head matches, and 1,200 s for 150 blocks is
      // plausible at 1 s a block; at 12 s a block it is not.
      expect(probe(['frozen', 'liar']).consensusHead).toBe(tip + 50);
      expect(probe(['frozen', 'liar'], { ...policy, minBlockIntervalMs: 12_000 }).consensusHead).toBe(tip - 100);
    },
  );

  it('flags the frozen endpoint as behind, with the lag in blocks', () => {
    const chain = probe(['honest', 'frozen']);
    expect(chain.endpoints[1]!.unhealthyReasons).toEqual(['100 blocks behind the consensus head']);
    expect(chain.headAgeSeconds).toBeCloseTo(4, 6);
  });
});

describe('judgeHead', () => {
  const at = (endpoint: string, head: number, fields: Partial<RpcObservation> = {}): HeadReport =>
    ({
      ...report(endpoint, 'honest', []),
      headBlock: head,
      headHash: hash('c', head),
      headTimestamp: timestampAt(head),
      ...fields,
    }) as HeadReport;
  const frozen = at('frozen', 900);

  it.each<{ name: string; fields: Partial<RpcObservation>; verdict: string }>([
    {
      name: 'its block at the lower head is that head',
      fields: { ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'corroborated',
    },
    {
      name: 'its block there is another',
      fields: { ancestorHashes: [{ number: 900, hash: hash('k', 900) }] },
      verdict: 'unconfirmed',
    },
    {
      name: 'it has no block there',
      fields: { ancestorHashes: [{ number: 900, hash: null }] },
      verdict: 'unconfirmed',
    },
    { name: 'it was asked nothing', fields: { ancestorHashes: [] }, verdict: 'unconfirmed' },
    {
      name: 'its block there is its own head',
      fields: { headHash: hash('c', 900), ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'refuted',
    },
    {
      name: 'its head is 100 blocks in 99 s',
      fields: { headTimestamp: timestampAt(900) + 99, ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'unconfirmed',
    },
    {
      name: 'its head is 100 blocks in 100 s',
      fields: { headTimestamp: timestampAt(900) + 100, ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'corroborated',
    },
    {
      name: 'its head is a minute in the future',
      fields: { headTimestamp: nowSeconds + 60, ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'unconfirmed',
    },
    {
      name: 'its head is 10 s in the future (clock skew)',
      fields: { headTimestamp: nowSeconds + 10, ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'corroborated',
    },
    {
      name: 'its head has no hash',
      fields: { headHash: null, ancestorHashes: [{ number: 900, hash: hash('c', 900) }] },
      verdict: 'unconfirmed',
    },
  ])('$name: $verdict', ({ fields, verdict }) => {
    const ahead = at('ahead', 1_000, fields);
    expect(judgeHead(ahead, [ahead, frozen], nowMs, policy)).toBe(verdict);
  });
});

describe('ancestorHeightsFor', () => {
  const reports = headReports(
    [report('h', 'honest', []), report('f', 'frozen', []), report('near', 'honest', []), report('d', 'down', [])],
    nowMs,
    policy,
  ).map((item, index) => (index === 2 ? { ...item, headBlock: tip - 3 } : item));

  it('asks the heads more than maxLagBlocks below, once each, highest first', () => {
    expect(ancestorHeightsFor('h', [...reports, { ...reports[1]!, endpoint: 'f2' }], 5)).toEqual([tip - 100]);
    expect(ancestorHeightsFor('h', reports, 2)).toEqual([tip - 3, tip - 100]);
  });

  it('asks nothing of an endpoint that is not ahead, or unknown', () => {
    expect(ancestorHeightsFor('f', reports, 5)).toEqual([]);
    expect(ancestorHeightsFor('d', reports, 5)).toEqual([]);
  });
});

describe('ChainTracker with an endpoint ahead of one that moves on between their probes', () => {
  const trackerPolicy = { maxLagBlocks: 5, staleAfterMs: 30_000 };

  function observed(endpoint: string, head: number, ancestorHashes: readonly AncestorHash[] = []): RpcObservation {
    // A minute back, so that three rounds of 12 s blocks stay in the past.
    return {
      ...report(endpoint, 'honest', ancestorHashes),
      at: nowMs,
      headBlock: head,
      headHash: hash('c', head),
      headTimestamp: timestampAt(head) - 60,
    };
  }

  it('asks the lower head, and is corroborated by it though that endpoint has moved on since', () => {
    const tracker = new ChainTracker(
      [{ chain: 'c', endpoints: ['ahead', 'slow'], policy: trackerPolicy }],
      fixedClock(nowMs),
    );
    tracker.observe(observed('slow', 900));
    tracker.observe(observed('ahead', 1_000));
    expect(tracker.health('c')!.consensusHead).toBe(900);
    expect(tracker.ancestorHeights('ahead')).toEqual([900]);
    expect(tracker.ancestorHeights('slow')).toEqual([]);
    // Probed in turn at one interval, the slow endpoint moves on between the ahead one's question and its next
    // probe: the answer is about the slow endpoint's previous head.
    for (let round = 0; round < 3; round += 1) {
      const heights = tracker.ancestorHeights('ahead');
      expect(heights).toEqual([900 + round]);
      tracker.observe(observed('slow', 901 + round));
      const { sample } = tracker.observe(
        observed(
          'ahead',
          1_001 + round,
          heights.map((height) => ({ number: height, hash: hash('c', height) })),
        ),
      );
      expect(sample).toMatchObject({ healthy: true, lagBlocks: 0 });
      expect(tracker.health('c')).toMatchObject({
        consensusHead: 1_001 + round,
        endpoints: [{ healthy: true }, { healthy: false }],
      });
    }
  });
});
