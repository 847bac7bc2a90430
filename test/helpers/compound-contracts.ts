// A DAO wired as Compound-style governance is, for tests: the demo's ERC20Votes token, a Compound-style
// Timelock (a test fixture) and the demo's OpenZeppelin Governor with GovernorTimelockCompound in place of
// GovernorTimelockControl, compiled with solc and deployed on anvil. The result has the shape the governor
// driver takes.
import { readFileSync } from 'node:fs';
import type { Account } from 'viem';
import { type AnvilClient, deployContract, writeContract } from '../../src/demo/governance/client.js';
import { compileSolidity, type Governance } from '../../src/demo/governance/contracts.js';
import { governanceSources } from '../../src/demo/governance/sources.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/governance-compound/${name}`, import.meta.url), 'utf8');

/** Gov.sol with the timelock extension swapped: the same Governor, executing through a Compound-style timelock. */
function compoundGovernorSource(): string {
  const substitutions: [string, string][] = [
    ['GovernorTimelockControl', 'GovernorTimelockCompound'],
    [
      '{TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol"',
      '{ICompoundTimelock} from "@openzeppelin/contracts/vendor/compound/ICompoundTimelock.sol"',
    ],
    ['TimelockController timelock', 'ICompoundTimelock timelock'],
    ['contract Gov is', 'contract CompoundGov is'],
  ];
  return substitutions.reduce((source, [from, to]) => {
    if (!source.includes(from))
      throw new Error(`Gov.sol no longer contains "${from}": update the Compound governor's derivation`);
    return source.replaceAll(from, to);
  }, governanceSources['Gov.sol']!);
}

export function compoundGovernanceArtifacts() {
  return compileSolidity(
    {
      'GovToken.sol': governanceSources['GovToken.sol']!,
      'CompoundTimelock.sol': fixture('CompoundTimelock.sol'),
      'CompoundGov.sol': compoundGovernorSource(),
    },
    {
      token: { source: 'GovToken.sol', name: 'GovToken' },
      timelock: { source: 'CompoundTimelock.sol', name: 'CompoundTimelock' },
      governor: { source: 'CompoundGov.sol', name: 'CompoundGov' },
    },
  );
}

export interface CompoundGovernanceOptions {
  timelockDelaySeconds?: bigint;
  votingDelayBlocks?: number;
  votingPeriodBlocks?: number;
  quorumPercent?: bigint;
}

/**
 * Deploys token, timelock and governor, then hands the timelock to the governor as production wiring
 * does: the deployer (its first admin) names the governor pending admin, and the governor accepts.
 * The deployer holds the whole token supply, not yet delegated.
 */
export async function deployCompoundGovernance(
  client: AnvilClient,
  account: Account,
  options: CompoundGovernanceOptions = {},
): Promise<Governance> {
  const settings = {
    initialSupply: 1_000_000n,
    timelockDelaySeconds: 3_600n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 10,
    quorumPercent: 4n,
    ...options,
  };
  const artifacts = compoundGovernanceArtifacts();
  const token = await deployContract(client, account, artifacts.token, [settings.initialSupply * 10n ** 18n]);
  const timelock = await deployContract(client, account, artifacts.timelock, [
    account.address,
    settings.timelockDelaySeconds,
  ]);
  const governor = await deployContract(client, account, artifacts.governor, [
    token,
    timelock,
    settings.votingDelayBlocks,
    settings.votingPeriodBlocks,
    settings.quorumPercent,
  ]);
  const gov: Governance = {
    token: { address: token, abi: artifacts.token.abi },
    timelock: { address: timelock, abi: artifacts.timelock.abi },
    governor: { address: governor, abi: artifacts.governor.abi },
    settings,
  };
  await writeContract(client, account, { ...gov.timelock, functionName: 'setPendingAdmin', args: [governor] });
  await writeContract(client, account, { ...gov.governor, functionName: '__acceptAdmin', args: [] });
  return gov;
}
