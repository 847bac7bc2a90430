// Compiles the governance sources in sources.ts (an ERC20Votes token and an OpenZeppelin Governor)
// with solc-js, offline, and deploys them with OpenZeppelin's TimelockController on a local chain.
// Compiling takes seconds, so the output is kept in memory for the process and on disk under the OS
// temp dir, keyed by a hash of everything that shapes it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Abi, type Account, type Address, type Hex, keccak256, toBytes } from 'viem';
import { type AnvilClient, deployContract, writeContract } from './client.js';
import { governanceSources, rogueVaultSource } from './sources.js';

export interface ContractArtifact {
  abi: Abi;
  bytecode: Hex;
}

export interface GovernanceArtifacts {
  token: ContractArtifact;
  governor: ContractArtifact;
  timelock: ContractArtifact;
}

type ImportResult = { contents: string } | { error: string };

interface SolcCompiler {
  version(): string;
  compile(input: string, callbacks: { import: (importPath: string) => ImportResult }): string;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

const require = createRequire(import.meta.url);
const OPENZEPPELIN_PREFIX = '@openzeppelin/contracts/';
const TIMELOCK_SOURCE = `${OPENZEPPELIN_PREFIX}governance/TimelockController.sol`;
// Cancun, not the compiler's default Prague: what most chains the monitor watches run.
const SOLC_SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

let compiled: GovernanceArtifacts | undefined;
let rogue: ContractArtifact | undefined;

/** The rogue implementation of the demo's hostile proposal, compiled at most once per process. */
export function rogueVaultArtifact(): ContractArtifact {
  rogue ??= compileSolidity(
    { 'RogueVault.sol': rogueVaultSource },
    { rogue: { source: 'RogueVault.sol', name: 'RogueVault' } },
  ).rogue;
  return rogue;
}

/** The compiled token, governor and timelock; compiles at most once per process and per source change. */
export function governanceArtifacts(): GovernanceArtifacts {
  compiled ??= compileSolidity(governanceSources, {
    token: { source: 'GovToken.sol', name: 'GovToken' },
    governor: { source: 'Gov.sol', name: 'Gov' },
    timelock: { source: TIMELOCK_SOURCE, name: 'TimelockController' },
  });
  return compiled;
}

/**
 * Compiles Solidity sources (keyed by the source unit names solc sees; `@openzeppelin/contracts/…` imports
 * resolve from node_modules) and returns the named contracts' artifacts. The output is cached on disk,
 * keyed by the compiler, the OpenZeppelin version, the input and the contracts asked for.
 */
export function compileSolidity<Name extends string>(
  sourceTexts: Readonly<Record<string, string>>,
  contracts: Readonly<Record<Name, { source: string; name: string }>>,
): Record<Name, ContractArtifact> {
  const solc = require('solc') as SolcCompiler;
  const openZeppelinDir = path.dirname(require.resolve(`${OPENZEPPELIN_PREFIX}package.json`));
  const openZeppelinPackage = readFileSync(path.join(openZeppelinDir, 'package.json'), 'utf8');
  const openZeppelinVersion = (JSON.parse(openZeppelinPackage) as { version: string }).version;
  const sources = Object.fromEntries(
    Object.keys(sourceTexts)
      .sort()
      .map((name) => [name, { content: sourceTexts[name] }]),
  );
  const input = JSON.stringify({ language: 'Solidity', sources, settings: SOLC_SETTINGS });
  const key = createHash('sha256')
    .update(`${solc.version()}\n${openZeppelinVersion}\n${input}\n${JSON.stringify(contracts)}`)
    .digest('hex')
    .slice(0, 16);
  const cacheFile = path.join(os.tmpdir(), 'ere-monitor-solc-cache', `solidity-${key}.json`);

  const cached = readCache<Record<Name, ContractArtifact>>(cacheFile);
  if (cached) return cached;
  const findImport = (importPath: string): ImportResult => {
    if (!importPath.startsWith(OPENZEPPELIN_PREFIX)) return { error: `not found: ${importPath}` };
    try {
      const file = path.join(openZeppelinDir, importPath.slice(OPENZEPPELIN_PREFIX.length));
      return { contents: readFileSync(file, 'utf8') };
    } catch {
      return { error: `not found: ${importPath}` };
    }
  };
  const output = JSON.parse(solc.compile(input, { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((entry) => entry.formattedMessage).join('\n')}`);
  }
  const artifacts = Object.fromEntries(
    (Object.entries(contracts) as [Name, { source: string; name: string }][]).map(([as, { source, name }]) => [
      as,
      artifactOf(output, source, name),
    ]),
  ) as Record<Name, ContractArtifact>;
  writeCache(cacheFile, artifacts);
  return artifacts;
}

function artifactOf(output: SolcOutput, source: string, name: string): ContractArtifact {
  const contract = output.contracts?.[source]?.[name];
  if (!contract) throw new Error(`solc output has no ${source}:${name}`);
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

function readCache<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written to a unique name, then renamed: test files compiling in parallel never read half a file. */
function writeCache(file: string, artifacts: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(partial, JSON.stringify(artifacts));
  renameSync(partial, file);
}

export interface GovernanceOptions {
  /** Whole tokens minted to the deployer. */
  initialSupply?: bigint;
  /** Seconds between queueing and execution. */
  timelockDelaySeconds?: bigint;
  votingDelayBlocks?: number;
  votingPeriodBlocks?: number;
  quorumPercent?: bigint;
}

export interface DeployedContract {
  address: Address;
  abi: Abi;
}

export interface Governance {
  token: DeployedContract;
  timelock: DeployedContract;
  governor: DeployedContract;
  settings: Required<GovernanceOptions>;
}

const DEFAULTS: Required<GovernanceOptions> = {
  initialSupply: 1_000_000n,
  timelockDelaySeconds: 3_600n,
  votingDelayBlocks: 1,
  votingPeriodBlocks: 10,
  quorumPercent: 4n,
};

const role = (name: string): Hex => keccak256(toBytes(name));
export const TIMELOCK_ROLES = {
  admin: `0x${'00'.repeat(32)}` as Hex,
  proposer: role('PROPOSER_ROLE'),
  executor: role('EXECUTOR_ROLE'),
  canceller: role('CANCELLER_ROLE'),
};

/**
 * Deploys token, timelock and governor as a production DAO is wired: the governor is the
 * timelock's only proposer and canceller, anyone may execute (the zero address holds the executor
 * role), and the deployer renounces the timelock's admin role, leaving the timelock to administer
 * itself through proposals. The deployer holds the whole token supply, not yet delegated.
 */
export async function deployGovernance(
  client: AnvilClient,
  account: Account,
  options: GovernanceOptions = {},
): Promise<Governance> {
  const settings = { ...DEFAULTS, ...options };
  const artifacts = governanceArtifacts();
  const token = await deployContract(client, account, artifacts.token, [settings.initialSupply * 10n ** 18n]);
  const timelock = await deployContract(client, account, artifacts.timelock, [
    settings.timelockDelaySeconds,
    [],
    ['0x0000000000000000000000000000000000000000'],
    account.address,
  ]);
  const governor = await deployContract(client, account, artifacts.governor, [
    token,
    timelock,
    settings.votingDelayBlocks,
    settings.votingPeriodBlocks,
    settings.quorumPercent,
  ]);
  const onTimelock = { address: timelock, abi: artifacts.timelock.abi };
  for (const role of [TIMELOCK_ROLES.proposer, TIMELOCK_ROLES.canceller]) {
    await writeContract(client, account, { ...onTimelock, functionName: 'grantRole', args: [role, governor] });
  }
  await writeContract(client, account, {
    ...onTimelock,
    functionName: 'renounceRole',
    args: [TIMELOCK_ROLES.admin, account.address],
  });
  return {
    token: { address: token, abi: artifacts.token.abi },
    timelock: onTimelock,
    governor: { address: governor, abi: artifacts.governor.abi },
    settings,
  };
}
