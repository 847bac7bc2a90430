// The Safe and proxy kinds against a real anvil chain: a 2-of-3 Safe 1.5.0 adds an owner, lowers its
// threshold, enables a module that then acts, runs a transaction that fails, removes an owner and sets a
// guard; an OpenZeppelin transparent proxy is upgraded through its ProxyAdmin and a beacon proxy is
// created. Each target is ingested through ChainReader and TargetIngestion until caught up, its events
// folded by its model, and the view checked against what was done and against the direct read.
// Safe 1.3.0's unindexed event variants, which anvil has no deployment of here, are checked on
// hand-encoded logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Address,
  type Hex,
  concatHex,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionData,
  getAddress,
  parseAbi,
  zeroAddress,
} from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { createRequire } from 'node:module';
import { ChainReader } from '../../../src/governance/ingest/chain-reader.js';
import { decodeGovernanceLog, eventsByTopic } from '../../../src/governance/ingest/decode.js';
import { TargetIngestion } from '../../../src/governance/ingest/ingest-step.js';
import type { GovernanceKind } from '../../../src/governance/kinds/kind.js';
import { eip1967Slots, proxyKind } from '../../../src/governance/kinds/proxy.js';
import { safeJson, safeKind } from '../../../src/governance/kinds/safe/index.js';
import { GovernanceDecoder } from '../../../src/governance/decode/governance-decoder.js';
import { safeEvents, safeKeyOf } from '../../../src/governance/kinds/safe/ingest.js';
import { systemClock } from '../../../src/domain/clock.js';
import type {
  GovernanceEvent,
  GovernanceSnapshot,
  GovernanceTarget,
  IngestCursor,
} from '../../../src/domain/governance.js';
import { type ProxyTarget, proxyModel } from '../../../src/governance/kinds/proxy.js';
import { type SafeTarget, safeModel } from '../../../src/governance/kinds/safe/model.js';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import {
  type AnvilClient,
  anvilAccount,
  createAnvilClient,
  deployContract,
  sendTransaction,
} from '../../helpers/anvil-client.js';
import type { DeployedContract } from '../../helpers/governance-contracts.js';
import { deployBeaconProxy, deployTransparentProxy, upgradeTransparentProxy } from '../../helpers/proxy-contracts.js';
import { deploySafe, execSafeTransaction } from '../../helpers/safe-contracts.js';

const require = createRequire(import.meta.url);
const deployer = anvilAccount(0);
let node: AnvilNode;
let client: AnvilClient;
let reader: ChainReader;

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  reader = new ChainReader('test', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: 31337,
    preference: () => ['anvil'],
  });
});

afterAll(async () => {
  await node?.stop();
});

const targetBase = {
  chain: 'test',
  startBlock: 0,
  confirmations: 0,
  pollIntervalMs: 1_000,
  maxBlockRange: 1_000,
  labels: {},
} as const;

/** Steps the target's ingestion from its start block until it has caught up with the head. */
async function ingest(target: GovernanceTarget, kind: GovernanceKind) {
  const tracked = kind.open().track(target);
  if (!tracked) throw new Error(`${target.id} is not a ${kind.name}`);
  const ingestion = new TargetIngestion(target, tracked.collector, reader, systemClock);
  const events: GovernanceEvent[] = [];
  const skipped: string[] = [];
  let cursor: IngestCursor | null = null;
  for (let steps = 0; steps < 20; steps += 1) {
    const result = await ingestion.step({ cursor, checkpoints: () => [], previousSnapshot: null });
    if (result.kind !== 'batch') throw new Error(`unexpected ${result.kind} step`);
    events.push(...result.events);
    skipped.push(...result.skipped.map((log) => log.reason));
    cursor = { target: target.id, blockNumber: result.to.blockNumber, blockHash: result.to.blockHash };
    if (result.caughtUp) return { events, skipped, snapshot: result.snapshot as GovernanceSnapshot };
  }
  throw new Error('ingestion did not catch up');
}

/**
 * A Safe transaction with a gas limit of its own (safeTxGas): only then does a failing call leave the Safe
 * transaction executed, with ExecutionFailure, rather than reverting it (GS013).
 */
async function execFailingSafeTransaction(
  safe: DeployedContract,
  call: { to: Address; data: Hex },
  signers: readonly LocalAccount[],
) {
  const nonce = (await client.readContract({ ...safe, functionName: 'nonce' })) as bigint;
  const transaction = [call.to, 0n, call.data, 0, 100_000n, 0n, 0n, zeroAddress, zeroAddress] as const;
  const safeTxHash = (await client.readContract({
    ...safe,
    functionName: 'getTransactionHash',
    args: [...transaction, nonce],
  })) as Hex;
  const signatures = concatHex(await Promise.all(signers.map((signer) => signer.sign!({ hash: safeTxHash }))));
  return sendTransaction(client, deployer, {
    to: safe.address,
    data: encodeFunctionData({ abi: safe.abi, functionName: 'execTransaction', args: [...transaction, signatures] }),
  });
}

describe('Safe kind', () => {
  const [alice, bob, carol, dave] = [anvilAccount(1), anvilAccount(2), anvilAccount(3), anvilAccount(4)];
  const module = anvilAccount(5);

  it('ingests owner, threshold, module and guard changes and executions, and the view matches the Safe', async () => {
    const { safe } = await deploySafe(client, deployer, [alice.address, bob.address, carol.address], 2n);
    const selfCall = (functionName: string, args: readonly unknown[]) => ({
      to: safe.address,
      data: encodeFunctionData({ abi: safe.abi, functionName, args }),
    });
    await execSafeTransaction(
      client,
      safe,
      selfCall('addOwnerWithThreshold', [dave.address, 2n]),
      [alice, bob],
      deployer,
    );
    await execSafeTransaction(client, safe, selfCall('changeThreshold', [1n]), [alice, carol], deployer);
    await execSafeTransaction(client, safe, selfCall('enableModule', [module.address]), [bob], deployer);
    await sendTransaction(client, module, {
      to: safe.address,
      data: encodeFunctionData({
        abi: safe.abi,
        functionName: 'execTransactionFromModule',
        args: [deployer.address, 0n, '0x', 0],
      }),
    });
    // A threshold above the owner count reverts inside the Safe transaction.
    await execFailingSafeTransaction(safe, selfCall('changeThreshold', [9n]), [alice]);
    // getOwners() is [dave, alice, bob, carol]: carol comes after bob in the list.
    await execSafeTransaction(
      client,
      safe,
      selfCall('removeOwner', [bob.address, carol.address, 1n]),
      [dave],
      deployer,
    );
    const guardArtifact = require(
      '@safe-global/safe-smart-account/build/artifacts/contracts/examples/guards/DebugTransactionGuard.sol/' +
        'DebugTransactionGuard.json',
    );
    const guard = await deployContract(client, deployer, guardArtifact);
    await execSafeTransaction(client, safe, selfCall('setGuard', [guard]), [alice], deployer);

    const target: SafeTarget = {
      ...targetBase,
      id: 'treasury',
      kind: 'safe',
      address: safe.address,
      settings: { minThreshold: 2, minThresholdRatio: undefined },
    };
    const { events, skipped, snapshot } = await ingest(target, safeKind);
    // Every watched event decodes.
    expect(skipped.filter((reason) => reason !== 'unknown_event')).toEqual([]);
    // SafeL2 records each transaction before its outcome.
    const recorded = events.filter((event) => event.name === 'SafeMultiSigTransaction');
    expect(recorded.length).toBe(6);
    expect(events.filter((event) => event.name !== 'SafeMultiSigTransaction').map((event) => event.name)).toEqual([
      'SafeSetup',
      'AddedOwner',
      'ExecutionSuccess',
      'ChangedThreshold',
      'ExecutionSuccess',
      'EnabledModule',
      'ExecutionSuccess',
      'ExecutionFromModuleSuccess',
      'ExecutionFailure',
      'RemovedOwner',
      'ExecutionSuccess',
      'ChangedGuard',
      'ExecutionSuccess',
    ]);
    expect(events.find((event) => event.name === 'AddedOwner')).toMatchObject({
      key: dave.address,
      args: { owner: dave.address },
    });
    expect(events.find((event) => event.name === 'ExecutionFromModuleSuccess')?.key).toBe(module.address);
    expect(events.find((event) => event.name === 'ExecutionFailure')?.key).toMatch(/^0x[0-9a-f]{64}$/);

    const owners = [dave.address, alice.address, bob.address];
    expect(snapshot.state).toEqual({
      owners,
      threshold: 1,
      nonce: 6,
      modules: [module.address],
      guard: getAddress(guard),
      moduleGuard: null,
      version: '1.5.0',
    });
    expect(await client.readContract({ ...safe, functionName: 'getOwners' })).toEqual(owners);

    const state = safeModel.initial();
    for (const event of events) safeModel.apply(state, event, target);
    const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
    const expected = {
      owners,
      threshold: 1,
      nonce: 6,
      modules: [module.address],
      guard: getAddress(guard),
      policy: { ok: false, required: 2, reason: 'threshold 1 of 3 owners is below 2 (minThreshold 2)' },
      executed: 5,
      failed: 1,
      moduleExecuted: 1,
      lastExecutionMs: events.at(-1)!.blockTimeMs,
    };
    // The events alone tell the same story as the direct read, since ingestion started before SafeSetup.
    const fromEvents = safeModel.view(target, state, null, Date.now());
    expect(fromEvents).toMatchObject({ ...expected, source: 'events', version: null });
    const view = safeModel.view(target, state, snapshot, Date.now());
    expect(view).toMatchObject({ ...expected, source: 'snapshot', version: '1.5.0' });
    expect(view.changes.map((change) => [change.name, change.summary])).toEqual([
      ['ChangedGuard', `guard set to ${short(getAddress(guard))}`],
      ['RemovedOwner', `owner ${short(carol.address)} removed`],
      ['EnabledModule', `module ${short(module.address)} enabled`],
      ['ChangedThreshold', 'threshold 2 → 1'],
      ['AddedOwner', `owner ${short(dave.address)} added`],
      ['SafeSetup', 'set up with 3 owners, threshold 2'],
    ]);

    // Each executed transaction decoded, from SafeL2's record or, without it, from the executing input: the
    // calls the test made, in order, and what the API shows of them.
    const made = [
      [true, selfCall('addOwnerWithThreshold', [dave.address, 2n]).data, 'addOwnerWithThreshold'],
      [true, selfCall('changeThreshold', [1n]).data, 'changeThreshold'],
      [true, selfCall('enableModule', [module.address]).data, 'enableModule'],
      [false, selfCall('changeThreshold', [9n]).data, 'changeThreshold'],
      [true, selfCall('removeOwner', [bob.address, carol.address, 1n]).data, 'removeOwner'],
      [true, selfCall('setGuard', [guard]).data, 'setGuard'],
    ];
    const withoutL2 = safeModel.initial();
    for (const event of events) if (event.name !== 'SafeMultiSigTransaction') safeModel.apply(withoutL2, event, target);
    for (const folded of [state, withoutL2]) {
      const json = safeJson(
        target,
        safeModel.view(target, folded, snapshot, Date.now()),
        new GovernanceDecoder([target], []),
      );
      expect(
        [...json.transactions]
          .reverse()
          .map((transaction) => [
            transaction.success,
            transaction.call?.data,
            transaction.call?.decoded[0]?.functionName,
          ]),
      ).toEqual(made);
      expect(json.transactions.every((transaction) => transaction.call?.to === safe.address)).toBe(true);
      expect(json.transactions.at(-1)?.call?.summary).toBe(
        `treasury.addOwnerWithThreshold(owner=${short(dave.address)}, _threshold=2)`,
      );
    }
  });

  it('reads the threshold before a change from the chain when ingestion starts after the Safe was set up', async () => {
    const { safe } = await deploySafe(client, deployer, [alice.address, bob.address, carol.address], 3n);
    const selfCall = (functionName: string, args: readonly unknown[]) => ({
      to: safe.address,
      data: encodeFunctionData({ abi: safe.abi, functionName, args }),
    });
    const lowered = await execSafeTransaction(
      client,
      safe,
      selfCall('changeThreshold', [2n]),
      [alice, bob, carol],
      deployer,
    );
    const again = await execSafeTransaction(client, safe, selfCall('changeThreshold', [1n]), [alice, bob], deployer);
    // The independent truth: the Safe's own threshold at the block before each change.
    const thresholdBefore = async (blockNumber: bigint) =>
      Number(await client.readContract({ ...safe, functionName: 'getThreshold', blockNumber: blockNumber - 1n }));
    expect([await thresholdBefore(lowered.blockNumber), await thresholdBefore(again.blockNumber)]).toEqual([3, 2]);

    const target: SafeTarget = {
      ...targetBase,
      id: 'late-start',
      kind: 'safe',
      address: safe.address,
      startBlock: Number(lowered.blockNumber),
      settings: { minThreshold: undefined, minThresholdRatio: undefined },
    };
    const { events } = await ingest(target, safeKind);
    expect(
      events
        .filter((event) => event.name === 'ChangedThreshold')
        .map((event) => [event.name, event.args.previousThreshold]),
    ).toEqual([
      ['ChangedThreshold', 3],
      ['ChangedThreshold', 2],
    ]);
    const state = safeModel.initial();
    for (const event of events) safeModel.apply(state, event, target);
    expect(
      safeModel
        .view(target, state, null, Date.now())
        .changes.filter((change) => change.name === 'ChangedThreshold')
        .map((change) => change.summary),
    ).toEqual(['threshold 2 → 1', 'threshold 3 → 2']);
  });

  it("decodes Safe 1.3.0's unindexed events", () => {
    const byTopic = eventsByTopic(safeEvents);
    const legacy = parseAbi([
      'event AddedOwner(address owner)',
      'event ExecutionSuccess(bytes32 txHash, uint256 payment)',
      'event ChangedGuard(address guard)',
    ]);
    const owner = getAddress(dave.address);
    const txHash = `0x${'ab'.repeat(32)}` as const;
    const log = (index: number, data: Hex) => ({ topics: encodeEventTopics({ abi: [legacy[index]!] }) as [Hex], data });
    expect(decodeGovernanceLog(log(0, encodeAbiParameters([{ type: 'address' }], [owner])), byTopic)).toEqual({
      ok: true,
      name: 'AddedOwner',
      args: { owner },
    });
    expect(
      decodeGovernanceLog(
        log(1, encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [txHash, 7n])),
        byTopic,
      ),
    ).toEqual({ ok: true, name: 'ExecutionSuccess', args: { txHash, payment: '7' } });
    expect(decodeGovernanceLog(log(2, encodeAbiParameters([{ type: 'address' }], [zeroAddress])), byTopic)).toEqual({
      ok: true,
      name: 'ChangedGuard',
      args: { guard: zeroAddress },
    });
    expect(safeKeyOf('ExecutionSuccess', { txHash, payment: '7' })).toBe(txHash);
    expect(safeKeyOf('ChangedThreshold', { threshold: '1' })).toBeNull();
  });
});

describe('proxy kind', () => {
  it('ingests a transparent proxy upgraded through its ProxyAdmin, and the view matches its slots', async () => {
    const deployment = await deployTransparentProxy(client, deployer);
    const [first, second] = deployment.implementations;
    const upgrade = await upgradeTransparentProxy(client, deployer, deployment, second);
    const upgradeBlock = await client.getBlock({ blockNumber: upgrade.blockNumber });

    const target: ProxyTarget = {
      ...targetBase,
      id: 'vault-proxy',
      kind: 'proxy',
      address: deployment.proxy.address,
      settings: {},
    };
    const { events, skipped, snapshot } = await ingest(target, proxyKind);
    expect(skipped).toEqual([]);
    expect(events.map((event) => [event.name, event.key])).toEqual([
      ['Upgraded', first],
      ['AdminChanged', deployment.proxyAdmin.address],
      ['Upgraded', second],
    ]);
    expect(snapshot.state).toEqual({ implementation: second, admin: deployment.proxyAdmin.address, beacon: null });
    const slot = await client.getStorageAt({ address: deployment.proxy.address, slot: eip1967Slots.implementation });
    expect(getAddress(`0x${slot!.slice(-40)}`)).toBe(second);

    const state = proxyModel.initial();
    for (const event of events) proxyModel.apply(state, event, target);
    const view = proxyModel.view(target, state, snapshot, Date.now());
    const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
    expect(view).toMatchObject({
      implementation: second,
      admin: deployment.proxyAdmin.address,
      beacon: null,
      lastUpgradeMs: Number(upgradeBlock.timestamp) * 1_000,
    });
    expect(view.upgrades.map((change) => change.summary)).toEqual([
      `implementation ${short(first)} → ${short(second)}`,
      `admin set to ${short(deployment.proxyAdmin.address)}`,
      `implementation set to ${short(first)}`,
    ]);
  });

  it('reads the beacon of a beacon proxy and what the beacon points at', async () => {
    const implementation = (await deployTransparentProxy(client, deployer)).implementations[0];
    const { beacon, proxy } = await deployBeaconProxy(client, deployer, implementation);
    const target: ProxyTarget = { ...targetBase, id: 'beacon-proxy', kind: 'proxy', address: proxy, settings: {} };
    const { events, snapshot } = await ingest(target, proxyKind);
    expect(events.map((event) => [event.name, event.key])).toEqual([['BeaconUpgraded', beacon]]);
    expect(snapshot.state).toEqual({ implementation: null, admin: null, beacon, beaconImplementation: implementation });
    const state = proxyModel.initial();
    for (const event of events) proxyModel.apply(state, event, target);
    expect(proxyModel.view(target, state, snapshot, Date.now())).toMatchObject({
      implementation: null,
      beacon,
      beaconImplementation: implementation,
      lastUpgradeMs: events[0]!.blockTimeMs,
    });
  });
});
