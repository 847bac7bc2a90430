// The demo's governance story on a fresh automining anvil, moved forward by mining and increaseTime rather
// than waited for: its contracts, watched as the demo config watches them, end a round with a proposal
// executed, one defeated, one queued past its ETA, a hostile upgrade flagged from its simulation before the
// vote (and defeated), the Safe's threshold lowered and raised back, and the proxy upgraded; the next round
// executes the overdue proposal late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainReader } from '../../src/governance/ingest/chain-reader.js';
import { resolveGovernanceTarget } from '../../src/governance/governance-schema.js';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { demoConfigYaml } from '../../src/demo/demo.js';
import { type AnvilClient, createAnvilClient } from '../../src/demo/governance/client.js';
import {
  type DemoGovernance,
  demoGovernanceAddresses,
  demoGovernanceIds,
  deployDemoGovernance,
} from '../../src/demo/governance/setup.js';
import {
  type DecisionVerdict,
  type RoundResult,
  fastForwardPace,
  playGovernanceRound,
  startGovernanceStory,
} from '../../src/demo/governance/story.js';
import type { GovernorView } from '../../src/governance/kinds/governor/model.js';
import type { ProxyView } from '../../src/governance/kinds/proxy.js';
import type { SafeView } from '../../src/governance/kinds/safe/model.js';
import { GovernanceTracker } from '../../src/governance/governance-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { keccak256 } from 'viem';
import type { Proposal } from '../../src/demo/governance/driver.js';
import { defaultPolicy } from '../../src/governance/policy/findings.js';
import { VerificationStore } from '../../src/governance/verify/verification-store.js';
import { DecisionVerifier } from '../../src/governance/verify/verifier.js';
import { waitFor } from '../helpers/service.js';

let node: AnvilNode;
let client: AnvilClient;
let deployment: DemoGovernance;

beforeAll(async () => {
  node = await startAnvil();
  client = createAnvilClient(node.url, node.chainId);
  deployment = await deployDemoGovernance(client);
}, 90_000); // a cold solc compilation takes seconds

afterAll(async () => {
  await node?.stop();
});

/**
 * A tracker over the demo config's governance targets, with a clock that follows the chain's (increaseTime moves it).
 */
function demoTracker(): GovernanceTracker {
  const local = 'http://127.0.0.1:1';
  const config = parseConfig(
    demoConfigYaml({
      host: '127.0.0.1',
      port: 0,
      dbPath: ':memory:',
      nodeUrl: node.url,
      proxyA: local,
      proxyB: local,
      webhookUrl: `${local}/alerts`,
      webhookKey: 'placeholder-key-0123456789',
      governance: demoGovernanceAddresses(deployment),
    }),
    { env: {} },
  );
  expect(config.slos.map((slo) => slo.sli.kind)).toEqual(
    expect.arrayContaining(['governance_execution', 'governance_participation']),
  );
  const reader = new ChainReader('demo', [{ id: 'anvil', url: node.url, headers: {}, timeoutMs: 5_000 }], {
    expectedChainId: node.chainId,
    preference: () => ['anvil'],
  });
  let chainNowMs = Date.now();
  const tracker = new GovernanceTracker(openDatabase(':memory:').db, config.governance.map(resolveGovernanceTarget), {
    clock: { now: () => chainNowMs },
    readers: new Map([['demo', reader]]),
  });
  const poll = tracker.poll.bind(tracker);
  tracker.poll = async (id, options) => {
    chainNowMs = Number((await client.getBlock()).timestamp) * 1_000 + 1_000;
    return poll(id, options);
  };
  return tracker;
}

async function pollAll(tracker: GovernanceTracker): Promise<void> {
  // The demo config waits for 2 confirmations. A batch's direct read covers the proposals known before the
  // batch, so proposals ingested in one go get their state read (Defeated has no event) at the next batch,
  // as they would in the demo, whose tracker polls every 2 s.
  for (const blocks of [2, 1]) {
    await client.mine({ blocks });
    for (const target of tracker.targets()) {
      const status = await tracker.poll(target.id);
      expect(status.lastError).toBeNull();
      expect(status.caughtUp).toBe(true);
    }
  }
}

describe('the demo governance story', () => {
  it('plays a round that the tracker sees through: executed, defeated, overdue, Safe threshold and proxy changes', {
    timeout: 120_000,
  }, async () => {
    const lines: string[] = [];
    // ERE's verdict as the demo's service reaches it: ingested with the demo config, then simulated on a fork.
    const watcher = demoTracker();
    const verifier = new DecisionVerifier(
      {
        clock: { now: () => Date.now() },
        store: new VerificationStore(openDatabase(':memory:').db),
        decoder: watcher.decoder,
        decisions: () =>
          watcher.targets().map((target) => ({
            target,
            decisions: watcher.verifiable(target.id),
            forkBlock: watcher.status(target.id)?.cursorBlock ?? null,
          })),
        decisionsOf: (id) => watcher.verifiable(id),
        upstream: () => ({ url: node.url, timeoutMs: 10_000, chainId: node.chainId }),
        policy: () => defaultPolicy,
      },
      { beforeEtaMs: 0, timeoutMs: 60_000 },
    );
    const verdict = async (proposal: Proposal): Promise<DecisionVerdict | null> => {
      await pollAll(watcher);
      await verifier.run();
      const verification = verifier.latestOf(demoGovernanceIds.governor, 'proposal', proposal.id.toString());
      if (!verification) return null;
      const actions = proposal.targets.map((target, index) =>
        watcher.decoder.summarize(
          'demo',
          watcher.decoder.decode('demo', {
            to: target,
            value: proposal.values[index]!,
            data: proposal.calldatas[index]!,
          }),
        ),
      );
      return { actions, findings: verification.findings };
    };
    const deps = {
      client,
      deployment,
      pace: fastForwardPace(client),
      say: (line: string) => lines.push(line),
      restSeconds: 5,
      verdict,
    };
    const first: RoundResult = await playGovernanceRound(deps, 1, null);
    await verifier.stop();
    // The hostile proposal, flagged from its simulation before anyone voted, with its action decoded.
    const { vault } = deployment;
    const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
    const flagged = lines.find((line) => line.includes('ERE\'s verdict on "Upgrade the vault to v2 (round 1)"'));
    expect(flagged).toBe(
      `[governance] ERE's verdict on "Upgrade the vault to v2 (round 1)" before the vote: ` +
        `${short(vault.proxy.proxyAdmin.address)}.upgradeAndCall(proxy=${short(vault.proxy.proxy.address)}, ` +
        `implementation=${short(vault.rogue)}, data=0x); flagged: implementation (critical): proxy ` +
        `${short(vault.proxy.proxy.address)} is pointed at implementation ${short(vault.rogue)}, whose code ` +
        `(code hash ${keccak256((await client.getCode({ address: vault.rogue }))!)}) is not on the ` +
        'implementation allowlist; that code holds SELFDESTRUCT and DELEGATECALL',
    );
    expect(lines.every((line) => line.startsWith('[governance] '))).toBe(true);
    expect(lines.join('\n')).toMatch(
      new RegExp(
        /voting closed: "Grant 1 ETH to the docs team \(round 1\)" Succeeded, "Grant 50 ETH to a new /.source +
          /marketing budget \(round 1\)" Defeated .*"Grant 2 ETH to the audit reserve \(round 1\)" Succeeded/.source,
      ),
    );

    const tracker = demoTracker();
    await pollAll(tracker);
    const governor = tracker.view(demoGovernanceIds.governor) as GovernorView;
    const byTitle = (title: string) => governor.proposals.find((proposal) => proposal.title === title);
    expect(byTitle('Grant 1 ETH to the docs team (round 1)')).toMatchObject({ state: 'Executed', overdue: false });
    expect(byTitle('Grant 50 ETH to a new marketing budget (round 1)')).toMatchObject({ state: 'Defeated' });
    expect(byTitle('Grant 2 ETH to the audit reserve (round 1)')).toMatchObject({ state: 'Queued', overdue: true });

    const safe = tracker.view(demoGovernanceIds.safe) as SafeView;
    expect(safe.threshold).toBe(2);
    expect(safe.policy?.ok).toBe(true);
    expect(
      safe.changes.filter((change) => change.name === 'ChangedThreshold').map((change) => change.summary),
    ).toHaveLength(2);
    const proxy = tracker.view(demoGovernanceIds.proxy) as ProxyView;
    expect(proxy.implementation?.toLowerCase()).toBe(deployment.proxy.implementations[1].toLowerCase());
    expect(proxy.upgrades.some((change) => change.name === 'Upgraded')).toBe(true);

    // The next round starts by executing the proposal the first one left, late.
    await playGovernanceRound(deps, 2, first);
    expect(
      lines.some((line) =>
        /"Grant 2 ETH to the audit reserve \(round 1\)" executed at last, \d+ s after its ETA/.test(line),
      ),
    ).toBe(true);
    await pollAll(tracker);
    const after = tracker.view(demoGovernanceIds.governor) as GovernorView;
    expect(
      after.proposals.find((proposal) => proposal.title === 'Grant 2 ETH to the audit reserve (round 1)'),
    ).toMatchObject({ state: 'Executed' });
    // Two rounds, each with a grant that misses quorum and a hostile upgrade nobody voted for.
    expect(after.byState).toMatchObject({ Executed: 3, Defeated: 4, Queued: 1 });
    expect(
      after.proposals.filter((proposal) => proposal.title.startsWith('Upgrade the vault')).map((p) => p.state),
    ).toEqual(['Defeated', 'Defeated']);
    // Flagged, never run: the vault still runs its first implementation.
    const slot = await client.getStorageAt({
      address: deployment.vault.proxy.proxy.address,
      slot: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
    });
    expect(`0x${slot!.slice(-40)}`.toLowerCase()).toBe(deployment.vault.proxy.implementations[0].toLowerCase());
    expect((tracker.view(demoGovernanceIds.proxy) as ProxyView).implementation?.toLowerCase()).toBe(
      deployment.proxy.implementations[0].toLowerCase(),
    );
  });

  it('reports a failed round and goes on, and stops promptly', async () => {
    const lines: string[] = [];
    // A governor address with no code: the first read of the round fails.
    const broken = {
      ...deployment,
      gov: { ...deployment.gov, governor: { ...deployment.gov.governor, address: deployment.people.grantee } },
    };
    const story = startGovernanceStory({
      client,
      deployment: broken,
      say: (line) => lines.push(line),
      firstRoundDelaySeconds: 0,
    });
    const failed = await waitFor(
      () => lines.find((line) => line.startsWith('[governance] round 1 stopped: ')),
      10_000,
      'the failed round to be reported',
    );
    expect(failed).toMatch(/the next round starts in 10 s$/);
    const started = Date.now();
    await story.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
