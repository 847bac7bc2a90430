// The demo's DAO on its anvil chain: a token, a TimelockController holding a treasury and a Governor with
// settings short enough for a chain of one block a second, a 2-of-3 Safe, a transparent proxy, and a vault
// (another proxy, upgraded only by proposals) with the rogue implementation a hostile proposal points it
// at; and the `governance:` section and SLOs that watch them. Deployed while anvil still mines a block per transaction,
// so that setting up takes a moment rather than a block a transaction.

import { getAddress, parseEther, type Address } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { type AnvilClient, anvilAccount, deployContract, sendTransaction, writeContract } from './client.js';
import { type Governance, deployGovernance, rogueVaultArtifact } from './contracts.js';
import { fundVoter } from './driver.js';
import { type TransparentProxyDeployment, deployTransparentProxy } from './proxy.js';
import { type SafeDeployment, deploySafe } from './safe.js';

/** Who acts in the story: anvil's development accounts, named. */
export interface DemoPeople {
  deployer: HDAccount;
  /** Voters (10 %, 5 % and 3 % of the supply; the quorum is 4 %), and the Safe's three owners. */
  alice: HDAccount;
  bob: HDAccount;
  carol: HDAccount;
  /** Receives the grants that proposals pay out of the timelock's treasury. */
  grantee: Address;
}

export interface DemoGovernance {
  people: DemoPeople;
  gov: Governance;
  safe: SafeDeployment;
  proxy: TransparentProxyDeployment;
  /**
   * The DAO's vault: a transparent proxy whose ProxyAdmin the timelock owns, so that only a proposal can
   * upgrade it, and the rogue implementation the hostile proposal points it at.
   */
  vault: { proxy: TransparentProxyDeployment; rogue: Address };
  /** The first block after the contracts were deployed and wired: ingestion starts there. */
  startBlock: number;
}

/** Target ids in the demo config. */
export const demoGovernanceIds = {
  governor: 'demo-dao',
  timelock: 'demo-timelock',
  safe: 'demo-safe',
  proxy: 'demo-proxy',
} as const;

/** Seconds after its ETA (or after succeeding) before an unexecuted proposal counts as overdue. */
export const DEMO_EXECUTION_GRACE_SECONDS = 60;
/** Seconds before its deadline from which a proposal short of quorum is at risk. */
export const DEMO_QUORUM_RISK_SECONDS = 10;

export const demoGovernanceSettings = {
  initialSupply: 1_000_000n,
  timelockDelaySeconds: 30n,
  votingDelayBlocks: 2,
  // Long enough that the votes cast at its start are ingested before the quorum risk window opens, even
  // in the first round, when the deployment's blocks (mined within a second) make the governor's
  // block-time estimate, and so its deadline estimate, short.
  votingPeriodBlocks: 40,
  quorumPercent: 4n,
};

const TREASURY = parseEther('1000');

export function demoPeople(): DemoPeople {
  return {
    deployer: anvilAccount(0),
    alice: anvilAccount(1),
    bob: anvilAccount(2),
    carol: anvilAccount(3),
    grantee: anvilAccount(7).address,
  };
}

export async function deployDemoGovernance(client: AnvilClient): Promise<DemoGovernance> {
  const people = demoPeople();
  const { deployer, alice, bob, carol } = people;
  const gov = await deployGovernance(client, deployer, demoGovernanceSettings);
  const safe = await deploySafe(client, deployer, [alice.address, bob.address, carol.address], 2n);
  const proxy = await deployTransparentProxy(client, deployer);
  const vaultProxy = await deployTransparentProxy(client, deployer);
  await writeContract(client, deployer, {
    ...vaultProxy.proxyAdmin,
    functionName: 'transferOwnership',
    args: [gov.timelock.address],
  });
  const rogue = getAddress(await deployContract(client, deployer, rogueVaultArtifact()));
  // Ingesting from here leaves out the wiring (roles, settings, the Safe's setup, the proxy's first
  // implementation), which the direct reads show anyway and which would otherwise open the demo with a
  // screenful of "changed" alerts; the voters' delegations come after, so that delegates are counted.
  const startBlock = Number(await client.getBlockNumber()) + 1;
  await fundVoter(client, gov, deployer, alice, 100_000n);
  await fundVoter(client, gov, deployer, bob, 50_000n);
  await fundVoter(client, gov, deployer, carol, 30_000n);
  await sendTransaction(client, deployer, { to: gov.timelock.address, data: '0x', value: TREASURY });
  return { people, gov, safe, proxy, vault: { proxy: vaultProxy, rogue }, startBlock };
}

/** Where the demo's contracts are, and the block the monitor starts reading at. */
export interface DemoGovernanceAddresses {
  governor: Address;
  token: Address;
  timelock: Address;
  safe: Address;
  proxy: Address;
  startBlock: number;
}

export function demoGovernanceAddresses(deployment: {
  gov: Governance;
  safe: SafeDeployment;
  proxy: TransparentProxyDeployment;
  startBlock: number;
}): DemoGovernanceAddresses {
  return {
    governor: deployment.gov.governor.address,
    token: deployment.gov.token.address,
    timelock: deployment.gov.timelock.address,
    safe: deployment.safe.safe.address,
    proxy: deployment.proxy.proxy.address,
    startBlock: deployment.startBlock,
  };
}

/**
 * The `governance:` section watching the demo's contracts, with short polls and graces so that the story shows quickly.
 */
export function demoGovernanceYaml(deployment: DemoGovernanceAddresses): string {
  const common = `chain: demo, startBlock: ${deployment.startBlock}, confirmations: 2, pollInterval: 2s`;
  const grace = `executionGrace: ${DEMO_EXECUTION_GRACE_SECONDS}s`;
  return `# The demo's DAO: a governor and its timelock, a 2-of-3 Safe that must keep 2 signatures, and an upgradeable
# proxy.
governance:
  - { kind: governor, id: ${demoGovernanceIds.governor}, address: "${deployment.governor}",
      token: "${deployment.token}", ${common}, ${grace}, quorumRiskWindow: ${DEMO_QUORUM_RISK_SECONDS}s,
      topDelegates: 3 }
  - { kind: timelock, id: ${demoGovernanceIds.timelock}, address: "${deployment.timelock}", ${common}, ${grace} }
  - { kind: safe, id: ${demoGovernanceIds.safe}, address: "${deployment.safe}", ${common}, minThreshold: 2 }
  - { kind: proxy, id: ${demoGovernanceIds.proxy}, address: "${deployment.proxy}", ${common} }
`;
}

/** SLOs on the demo governor: proposals executed within their grace, and proposals that reach quorum. */
export const demoGovernanceSlosYaml = `  - id: dao-execution
    service: demo-dao
    description: passed proposals are executed within ${DEMO_EXECUTION_GRACE_SECONDS} s of becoming executable
    objective: 90
    window: 7d
    sli: { kind: governance_execution, chain: demo, targets: [${demoGovernanceIds.governor}] }
  - id: dao-participation
    service: demo-dao
    description: proposals reach quorum
    objective: 75
    window: 7d
    sli: { kind: governance_participation, chain: demo, targets: [${demoGovernanceIds.governor}] }
`;
