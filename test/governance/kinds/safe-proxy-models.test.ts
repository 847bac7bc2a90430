// The Safe threshold policy as a table of cases, and the Safe and proxy models folding hand-built events,
// with and without a direct read to override what the events say.
import { describe, expect, it } from 'vitest';
import type { EventValue, GovernanceEvent, GovernanceSnapshot } from '../../../src/domain/governance.js';
import { type ProxyTarget, proxyModel } from '../../../src/governance/kinds/proxy.js';
import type { SafeSettings } from '../../../src/governance/kinds/safe/config.js';
import { type SafeTarget, safeModel, thresholdPolicy } from '../../../src/governance/kinds/safe/model.js';

const owner = (n: number) => `0x${String(n).repeat(40).slice(0, 40)}`;
const [alice, bob, carol, dave] = [owner(1), owner(2), owner(3), owner(4)] as [string, string, string, string];
const start = Date.UTC(2026, 0, 1);

function eventsOf(
  target: string,
  list: readonly [name: string, args: Record<string, EventValue>][],
): GovernanceEvent[] {
  return list.map(([name, args], index) => ({
    target,
    chain: 'test',
    blockNumber: 10 + index,
    blockHash: `0x${'ab'.repeat(32)}`,
    blockTimeMs: start + index * 12_000,
    txHash: `0x${index.toString(16).padStart(64, '0')}`,
    logIndex: 0,
    address: '0x00000000000000000000000000000000000000aa',
    name,
    key: null,
    args,
  }));
}

const base = {
  chain: 'test',
  address: '0x00000000000000000000000000000000000000aa',
  startBlock: 0,
  confirmations: 0,
  pollIntervalMs: 1_000,
  maxBlockRange: 1_000,
  labels: {},
} as const;
const safeTarget = (settings: SafeSettings): SafeTarget => ({
  ...base,
  id: 'safe-1',
  kind: 'safe',
  settings,
});
const proxyTarget: ProxyTarget = {
  ...base,
  id: 'proxy-1',
  kind: 'proxy',
  settings: {},
};

function snapshotOf(state: Record<string, EventValue>): GovernanceSnapshot {
  return { target: 'x', blockNumber: 99, blockTimeMs: start + 3_600_000, readAtMs: start + 3_601_000, state };
}

describe('thresholdPolicy', () => {
  const none: SafeSettings = { minThreshold: undefined, minThresholdRatio: undefined };
  const cases: {
    name: string;
    owners: number;
    threshold: number;
    settings: SafeSettings;
    ok: boolean;
    required: number | null;
  }[] = [
    { name: 'no policy: anything goes', owners: 3, threshold: 1, settings: none, ok: true, required: null },
    {
      name: '2-of-3 with minThreshold 2',
      owners: 3,
      threshold: 2,
      settings: { ...none, minThreshold: 2 },
      ok: true,
      required: 2,
    },
    {
      name: '1-of-3 with minThreshold 2',
      owners: 3,
      threshold: 1,
      settings: { ...none, minThreshold: 2 },
      ok: false,
      required: 2,
    },
    {
      name: 'ratio 0.66 of 3 owners requires 2',
      owners: 3,
      threshold: 2,
      settings: { ...none, minThresholdRatio: 0.66 },
      ok: true,
      required: 2,
    },
    {
      name: 'ratio 0.66 of 5 owners requires ⌈3.3⌉ = 4',
      owners: 5,
      threshold: 3,
      settings: { ...none, minThresholdRatio: 0.66 },
      ok: false,
      required: 4,
    },
    {
      name: 'ratio 0.6 of 5 owners requires exactly 3, not 4 by rounding',
      owners: 5,
      threshold: 3,
      settings: { ...none, minThresholdRatio: 0.6 },
      ok: true,
      required: 3,
    },
    {
      name: 'both set: the ratio is the stricter',
      owners: 5,
      threshold: 3,
      settings: { minThreshold: 2, minThresholdRatio: 0.66 },
      ok: false,
      required: 4,
    },
    {
      name: 'both set: the minimum is the stricter',
      owners: 3,
      threshold: 2,
      settings: { minThreshold: 3, minThresholdRatio: 0.5 },
      ok: false,
      required: 3,
    },
    {
      name: 'a minimum above the owner count cannot be met',
      owners: 2,
      threshold: 2,
      settings: { ...none, minThreshold: 3 },
      ok: false,
      required: 3,
    },
  ];
  it.each(cases)('$name', ({ owners, threshold, settings, ok, required }) => {
    const policy = thresholdPolicy(owners, threshold, settings);
    expect(policy).toMatchObject({ ok, required });
    expect(policy.reason === null).toBe(ok);
  });

  it('says which rule the threshold breaks', () => {
    expect(thresholdPolicy(5, 3, { minThreshold: 2, minThresholdRatio: 0.66 }).reason).toBe(
      'threshold 3 of 5 owners is below 4 (⌈0.66 × 5 owners⌉ = 4)',
    );
  });
});

describe('safeModel', () => {
  const events = eventsOf('safe-1', [
    [
      'SafeSetup',
      {
        initiator: alice,
        owners: [alice, bob, carol],
        threshold: '2',
        initializer: owner(0),
        fallbackHandler: owner(0),
      },
    ],
    ['AddedOwner', { owner: dave }],
    ['ExecutionSuccess', { txHash: `0x${'01'.repeat(32)}`, payment: '0' }],
    ['ChangedThreshold', { threshold: '1' }],
    ['ExecutionSuccess', { txHash: `0x${'02'.repeat(32)}`, payment: '0' }],
    ['EnabledModule', { module: owner(5) }],
    ['ExecutionFromModuleSuccess', { module: owner(5) }],
    ['ChangedGuard', { guard: owner(6) }],
    ['RemovedOwner', { owner: carol }],
    ['ExecutionFailure', { txHash: `0x${'03'.repeat(32)}`, payment: '0' }],
    ['ChangedGuard', { guard: owner(0) }],
  ]);

  function fold(list: readonly GovernanceEvent[]) {
    const state = safeModel.initial();
    for (const event of list)
      safeModel.apply(state, event, safeTarget({ minThreshold: undefined, minThresholdRatio: undefined }));
    return state;
  }

  it('derives owners, threshold, modules and guard from the events alone, and checks the policy', () => {
    const view = safeModel.view(
      safeTarget({ minThreshold: 2, minThresholdRatio: undefined }),
      fold(events),
      null,
      start + 3_600_000,
    );
    expect(view).toMatchObject({
      source: 'events',
      owners: [dave, alice, bob],
      threshold: 1,
      nonce: 3,
      modules: [owner(5)],
      guard: null,
      version: null,
      policy: { ok: false, required: 2 },
      executed: 2,
      failed: 1,
      moduleExecuted: 1,
      moduleFailed: 0,
      lastExecutionMs: events[9]!.blockTimeMs,
      lastModuleExecutionMs: events[6]!.blockTimeMs,
    });
    expect(view.changes.map((change) => change.summary)).toEqual([
      'guard removed',
      `owner ${carol.slice(0, 6)}…${carol.slice(-4)} removed`,
      'guard set to 0x6666…6666',
      'module 0x5555…5555 enabled',
      'threshold 2 → 1',
      'owner 0x4444…4444 added',
      'set up with 3 owners, threshold 2',
    ]);
    expect(view.changes[0]).toMatchObject({
      name: 'ChangedGuard',
      blockNumber: events[10]!.blockNumber,
      txHash: events[10]!.txHash,
    });
  });

  it('prefers the direct read, and counts executions only from events', () => {
    const read = snapshotOf({
      owners: [alice, bob, carol],
      threshold: 2,
      nonce: 41,
      modules: [],
      guard: owner(7),
      moduleGuard: null,
      version: '1.4.1',
    });
    const view = safeModel.view(
      safeTarget({ minThreshold: undefined, minThresholdRatio: 0.66 }),
      fold(events),
      read,
      start,
    );
    expect(view).toMatchObject({
      source: 'snapshot',
      owners: [alice, bob, carol],
      threshold: 2,
      nonce: 41,
      modules: [],
      guard: owner(7),
      version: '1.4.1',
      policy: { ok: true, required: 2, reason: null },
      executed: 2,
    });
  });

  it('knows neither owners nor nonce when ingestion started after SafeSetup', () => {
    const view = safeModel.view(
      safeTarget({ minThreshold: 2, minThresholdRatio: undefined }),
      fold(events.slice(3)),
      null,
      start,
    );
    expect(view).toMatchObject({ owners: null, threshold: 1, nonce: null, policy: null });
    expect(view.changes.at(-1)!.summary).toBe('threshold set to 1');
  });
});

describe('proxyModel', () => {
  const [implA, implB, adminA, adminB, beacon] = [owner(1), owner(2), owner(3), owner(4), owner(5)];
  const events = eventsOf('proxy-1', [
    ['Upgraded', { implementation: implA! }],
    ['AdminChanged', { previousAdmin: owner(0), newAdmin: adminA! }],
    ['Upgraded', { implementation: implB! }],
    ['AdminChanged', { previousAdmin: adminA!, newAdmin: adminB! }],
  ]);

  function fold(list: readonly GovernanceEvent[]) {
    const state = proxyModel.initial();
    for (const event of list) proxyModel.apply(state, event, proxyTarget);
    return state;
  }

  it('folds upgrades and admin changes, newest first, and dates the last upgrade', () => {
    const view = proxyModel.view(proxyTarget, fold(events), null, start);
    expect(view).toMatchObject({
      implementation: implB,
      admin: adminB,
      beacon: null,
      beaconImplementation: null,
      lastUpgradeMs: events[2]!.blockTimeMs,
    });
    expect(view.upgrades.map((change) => [change.name, change.summary])).toEqual([
      ['AdminChanged', 'admin 0x3333…3333 → 0x4444…4444'],
      ['Upgraded', 'implementation 0x1111…1111 → 0x2222…2222'],
      ['AdminChanged', 'admin set to 0x3333…3333'],
      ['Upgraded', 'implementation set to 0x1111…1111'],
    ]);
  });

  it('takes the slots over the events, and the events where a slot is empty', () => {
    const read = snapshotOf({ implementation: owner(8), admin: null, beacon: null });
    expect(proxyModel.view(proxyTarget, fold(events), read, start)).toMatchObject({
      implementation: owner(8),
      admin: adminB,
    });
  });

  it(
    'names the previous admin from the event when ingestion ' + 'started after it was set, and dates beacon upgrades',
    () => {
      const late = eventsOf('proxy-1', [
        ['AdminChanged', { previousAdmin: adminA!, newAdmin: adminB! }],
        ['BeaconUpgraded', { beacon: beacon! }],
      ]);
      const view = proxyModel.view(proxyTarget, fold(late), null, start);
      expect(view.upgrades.map((change) => change.summary)).toEqual([
        'beacon set to 0x5555…5555',
        'admin 0x3333…3333 → 0x4444…4444',
      ]);
      expect(view.lastUpgradeMs).toBe(late[1]!.blockTimeMs);
      expect(proxyModel.view(proxyTarget, proxyModel.initial(), null, start)).toMatchObject({
        upgrades: [],
        lastUpgradeMs: null,
      });
    },
  );
});
