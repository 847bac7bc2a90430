// Deploys EIP-1967 proxies on a local chain from the compiled artifacts that @openzeppelin/contracts ships:
// a TransparentUpgradeableProxy (which creates its own ProxyAdmin) over one of two stand-in
// implementations, and a BeaconProxy behind an UpgradeableBeacon. Any contract with code can stand in for
// an implementation, as nothing here calls through the proxy; two ERC-6909 tokens without constructor
// arguments are used for that.
import { createRequire } from 'node:module';
import {
  type Abi,
  type Account,
  type Address,
  type Hex,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  parseAbi,
  parseEventLogs,
} from 'viem';
import { type AnvilClient, deployContract, sendTransaction, writeContract } from './client.js';
import type { ContractArtifact, DeployedContract } from './contracts.js';

const require = createRequire(import.meta.url);

function openZeppelinArtifact(name: string): ContractArtifact {
  const { abi, bytecode } = require(`@openzeppelin/contracts/build/contracts/${name}.json`) as {
    abi: Abi;
    bytecode: Hex;
  };
  return { abi, bytecode };
}

export interface TransparentProxyDeployment {
  proxy: DeployedContract;
  /** The ProxyAdmin the proxy created for itself, owned by the deployer. */
  proxyAdmin: DeployedContract;
  implementations: [Address, Address];
}

/** Deploys two stand-in implementations and a TransparentUpgradeableProxy over the first. */
export async function deployTransparentProxy(
  client: AnvilClient,
  deployer: Account,
): Promise<TransparentProxyDeployment> {
  const implementations: [Address, Address] = [
    getAddress(await deployContract(client, deployer, openZeppelinArtifact('ERC6909'))),
    getAddress(await deployContract(client, deployer, openZeppelinArtifact('ERC6909Metadata'))),
  ];
  const proxyArtifact = openZeppelinArtifact('TransparentUpgradeableProxy');
  // OpenZeppelin 5.x refuses a proxy left uninitialized; a view call through it stands in for an initializer.
  const initializer = encodeFunctionData({
    abi: parseAbi(['function supportsInterface(bytes4) view returns (bool)']),
    functionName: 'supportsInterface',
    args: ['0x01ffc9a7'],
  });
  // Deployed by hand rather than with deployContract: the ProxyAdmin's address is only in the receipt's AdminChanged.
  const data = encodeDeployData({
    abi: proxyArtifact.abi,
    bytecode: proxyArtifact.bytecode,
    args: [implementations[0], deployer.address, initializer],
  });
  const receipt = await sendTransaction(client, deployer, { data });
  if (!receipt.contractAddress) throw new Error('deployment receipt has no contract address');
  const [adminChanged] = parseEventLogs({ abi: proxyArtifact.abi, logs: receipt.logs, eventName: 'AdminChanged' });
  const proxyAdmin = (adminChanged?.args as { newAdmin?: Address } | undefined)?.newAdmin;
  if (!proxyAdmin) throw new Error('TransparentUpgradeableProxy emitted no AdminChanged');
  return {
    proxy: { address: getAddress(receipt.contractAddress), abi: proxyArtifact.abi },
    proxyAdmin: { address: proxyAdmin, abi: openZeppelinArtifact('ProxyAdmin').abi },
    implementations,
  };
}

/** Points the proxy at a new implementation through its ProxyAdmin, without an initializer call. */
export function upgradeTransparentProxy(
  client: AnvilClient,
  owner: Account,
  deployment: TransparentProxyDeployment,
  implementation: Address,
) {
  return writeContract(client, owner, {
    ...deployment.proxyAdmin,
    functionName: 'upgradeAndCall',
    args: [deployment.proxy.address, implementation, '0x'],
  });
}

/** Deploys an UpgradeableBeacon over `implementation` and a BeaconProxy behind it. */
export async function deployBeaconProxy(
  client: AnvilClient,
  deployer: Account,
  implementation: Address,
): Promise<{ beacon: Address; proxy: Address }> {
  const beacon = getAddress(
    await deployContract(client, deployer, openZeppelinArtifact('UpgradeableBeacon'), [
      implementation,
      deployer.address,
    ]),
  );
  const proxy = getAddress(await deployContract(client, deployer, openZeppelinArtifact('BeaconProxy'), [beacon, '0x']));
  return { beacon, proxy };
}
