// Governance ingestion when providers misbehave: failover from an endpoint that is down to a healthy one, a
// provider that caps eth_getLogs ranges (the range halves until accepted and the step goes on), an endpoint
// serving another chain, and logs that do not decode (counted and skipped, never a crash).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAbiParameters, encodeEventTopics, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainReader, EndpointReader, GovernanceReadError } from '../../src/governance/ingest/chain-reader.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { decodeGovernanceLog, eventsByTopic } from '../../src/governance/ingest/decode.js';
import { governorEvents } from '../../src/governance/kinds/governor/ingest.js';
import { ceilingForgottenAfter, initialRange, nextRange } from '../../src/governance/ingest/log-range.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startFaultProxy, type FaultProxy } from '../../src/demo/fault-proxy.js';
import type { GovernanceTarget } from '../../src/domain/governance.js';
import type { GovernorView } from '../../src/governance/kinds/governor/model.js';
import { GovernanceTracker } from '../../src/governance/governance-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { deployGovernance, type Governance } from '../helpers/governance-contracts.js';
import { Support, fundVoter, propose, vote } from '../helpers/governance-driver.js';

const deployer = anvilAccount(0);
let node: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let limited: FaultProxy;
let startBlock: number;

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployGovernance(client, deployer, { votingDelayBlocks: 1, votingPeriodBlocks: 50 });
  await fundVoter(client, gov, deployer, deployer, 0n);
  const proposal = await propose(client, gov, deployer, 'Spread over many blocks');
  // Blocks between the events, so that a capped range needs many requests.
  await client.mine({ blocks: 40 });
  await vote(client, gov, deployer, proposal, Support.For);
  await client.mine({ blocks: 40 });
  limited = await startFaultProxy({ upstreamUrl: node.url });
}, 90_000);

afterAll(async () => {
  await limited?.close();
  await node?.stop();
});

function governorTarget(maxBlockRange: number): GovernanceTarget {
  return {
    id: 'dao',
    chain: 'local',
    kind: 'governor',
    address: gov.governor.address,
    startBlock,
    confirmations: 0,
    pollIntervalMs: 1_000,
    maxBlockRange,
    labels: {},
    settings: {
      flavor: 'openzeppelin',
      token: undefined,
      executionGraceMs: 86_400_000,
      quorumRiskWindowMs: 3_600_000,
      topDelegates: 5,
    },
  };
}

describe('governance ingestion resilience', () => {
  it('fails over from a dead endpoint and halves the range a ' +
    'provider refuses, then ingests everything once', async () => {
    limited.setFault({ kind: 'log_range_limit', maxBlocks: 8 });
    const { db } = openDatabase(join(mkdtempSync(join(tmpdir(), 'ere-gov-')), 'ere.db'));
    const reader = new ChainReader(
      'local',
      [
        { id: 'dead', url: 'http://127.0.0.1:1', headers: {}, timeoutMs: 2_000 },
        { id: 'capped', url: limited.url, headers: {}, timeoutMs: 5_000 },
      ],
      { expectedChainId: node.chainId, preference: () => ['dead', 'capped'] },
    );
    const tracker = new GovernanceTracker(db, [governorTarget(1_000)], {
      clock: { now: Date.now },
      readers: new Map([['local', reader]]),
    });
    const status = await tracker.poll('dao', { budgetMs: 60_000 });
    expect(status.lastError).toBeNull();
    expect(status.caughtUp).toBe(true);
    expect(status.endpoint).toBe('capped');
    // 1,000 → 500 → … → 7, the first size the cap accepts, then halfway towards the smallest refused size.
    expect(status.rangeSize).toBeGreaterThanOrEqual(4);
    expect(status.rangeSize).toBeLessThanOrEqual(8);
    const view = tracker.view('dao') as GovernorView;
    expect(view.proposals).toHaveLength(1);
    expect(view.proposals[0]!.voters).toBe(1);
    const onChain = await client.getLogs({
      address: [gov.governor.address, gov.token.address],
      events: governorEvents,
      fromBlock: BigInt(startBlock),
      toBlock: 'latest',
    });
    expect(tracker.store.eventCount('dao')).toBe(onChain.length);
    const blocks = Number(await client.getBlockNumber()) - startBlock + 1;
    // Seven refusals on the way down, a few while closing in on the cap, then one request per 4 to 8 blocks.
    expect(reader.requests.get('eth_getLogs')).toBeLessThanOrEqual(7 + 4 + Math.ceil(blocks / 4));
    db.close();
  }, 60_000);

  it('reports the failure of every endpoint as a typed error in the target status, without throwing', async () => {
    limited.setFault({ kind: 'wrong_chain_id', chainId: 1 });
    const { db } = openDatabase(join(mkdtempSync(join(tmpdir(), 'ere-gov-')), 'ere.db'));
    const reader = new ChainReader('local', [{ id: 'other-chain', url: limited.url, headers: {}, timeoutMs: 5_000 }], {
      expectedChainId: node.chainId,
      preference: () => [],
    });
    const errors: unknown[] = [];
    const tracker = new GovernanceTracker(db, [governorTarget(1_000)], {
      clock: { now: Date.now },
      readers: new Map([['local', reader]]),
      hooks: { onError: (_target, error) => errors.push(error) },
    });
    const status = await tracker.poll('dao');
    expect(status.lastError).toMatchObject({ errorClass: 'chain_id_mismatch' });
    expect(errors[0]).toBeInstanceOf(GovernanceReadError);
    expect(tracker.status('dao')?.cursorBlock).toBeNull();
    limited.setFault({ kind: 'none' });
    db.close();
  });

  it('takes a getLogs answer too large to accept for a range too large, which halving cures', async () => {
    // 11 MB of logs: over viem's 10 MB limit on a response body.
    const huge = { jsonrpc: '2.0', id: 1, result: [{ data: `0x${'00'.repeat(5_500_000)}` }] };
    const provider = await startHttpReceiver({ respond: () => ({ body: huge }) });
    try {
      const reader = new EndpointReader(
        { id: 'dense', url: provider.url, headers: {}, timeoutMs: 10_000 },
        () => undefined,
      );
      const error = await reader.getLogs([gov.governor.address], [], 1n, 2_000n).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GovernanceReadError);
      expect(error).toMatchObject({ errorClass: 'range_too_large', endpoint: 'dense' });
    } finally {
      await provider.close();
    }
  });

  it('skips a log that does not decode, saying why, and one no watched event matches', () => {
    const byTopic = eventsByTopic(governorEvents);
    const voteCast = governorEvents.find((event) => event.name === 'VoteCast')!;
    const topics = encodeEventTopics({
      abi: [voteCast],
      eventName: 'VoteCast',
      args: { voter: deployer.address },
    }) as Hex[];
    const data = encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'uint8' }, { type: 'uint256' }, { type: 'string' }],
      [1n, 1, 5n, 'ok'],
    );
    expect(decodeGovernanceLog({ topics: topics as [Hex, ...Hex[]], data }, byTopic)).toMatchObject({
      ok: true,
      name: 'VoteCast',
      args: { voter: deployer.address, proposalId: '1', support: 1, weight: '5', reason: 'ok' },
    });
    expect(decodeGovernanceLog({ topics: topics as [Hex, ...Hex[]], data: '0x1234' }, byTopic)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeGovernanceLog({ topics: [`0x${'ab'.repeat(32)}`], data: '0x' }, byTopic)).toMatchObject({
      ok: false,
      reason: 'unknown_event',
    });
  });

  it(
    'sizes ranges: halves on refusal or timeout, doubles after a fast ' +
      'answer up to the maximum, stays below a refused size',
    () => {
      const fast = { kind: 'ok', durationMs: 50 } as const;
      expect(nextRange(initialRange(2_000), 2_000, { kind: 'too_large' })).toEqual({
        size: 1_000,
        ceiling: 2_000,
        successes: 0,
      });
      expect(nextRange({ size: 1, ceiling: null, successes: 0 }, 2_000, { kind: 'timeout' }).size).toBe(1);
      expect(nextRange({ size: 500, ceiling: null, successes: 0 }, 2_000, fast).size).toBe(1_000);
      expect(nextRange({ size: 1_500, ceiling: null, successes: 0 }, 2_000, fast).size).toBe(2_000);
      expect(nextRange({ size: 500, ceiling: null, successes: 0 }, 2_000, { kind: 'ok', durationMs: 5_000 }).size).toBe(
        500,
      );
      expect(nextRange({ size: 600, ceiling: 1_000, successes: 3 }, 2_000, fast)).toEqual({
        size: 800,
        ceiling: 1_000,
        successes: 4,
      });
      expect(nextRange({ size: 998, ceiling: 1_000, successes: 3 }, 2_000, fast).size).toBe(999);
      expect(nextRange({ size: 999, ceiling: 1_000, successes: ceilingForgottenAfter - 1 }, 2_000, fast)).toEqual({
        size: 1_998,
        ceiling: null,
        successes: 0,
      });
    },
  );
});
