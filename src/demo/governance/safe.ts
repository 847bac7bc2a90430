// Deploys a Safe multisig on a local chain from the compiled artifacts that
// @safe-global/safe-smart-account ships (Safe 1.5.0: the SafeL2 singleton, which emits an event per
// transaction, and SafeProxyFactory), and executes Safe transactions signed by its owners.
import { createRequire } from 'node:module';
import {
  type Abi,
  type Account,
  type Address,
  type Hex,
  type TransactionReceipt,
  concatHex,
  encodeFunctionData,
  encodePacked,
  parseEventLogs,
  size,
  zeroAddress,
} from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { type AnvilClient, deployContract, sendTransaction } from './client.js';
import type { ContractArtifact, DeployedContract } from './contracts.js';

const require = createRequire(import.meta.url);
const ARTIFACTS = '@safe-global/safe-smart-account/build/artifacts/contracts';

function safeArtifact(relativePath: string): ContractArtifact {
  const { abi, bytecode } = require(`${ARTIFACTS}/${relativePath}`) as { abi: Abi; bytecode: Hex };
  return { abi, bytecode };
}

export interface SafeDeployment {
  singleton: DeployedContract;
  proxyFactory: DeployedContract;
  /** The Safe itself: a proxy, called with the singleton's ABI. */
  safe: DeployedContract;
}

/** Deploys the singleton and the proxy factory, then a Safe with these owners and threshold through the factory. */
export async function deploySafe(
  client: AnvilClient,
  deployer: Account,
  owners: readonly Address[],
  threshold: bigint,
): Promise<SafeDeployment> {
  const singletonArtifact = safeArtifact('SafeL2.sol/SafeL2.json');
  const factoryArtifact = safeArtifact('proxies/SafeProxyFactory.sol/SafeProxyFactory.json');
  const singleton = await deployContract(client, deployer, singletonArtifact);
  const proxyFactory = await deployContract(client, deployer, factoryArtifact);
  const initializer = encodeFunctionData({
    abi: singletonArtifact.abi,
    functionName: 'setup',
    args: [owners, threshold, zeroAddress, '0x', zeroAddress, zeroAddress, 0n, zeroAddress],
  });
  const receipt = await sendTransaction(client, deployer, {
    to: proxyFactory,
    data: encodeFunctionData({
      abi: factoryArtifact.abi,
      functionName: 'createProxyWithNonce',
      args: [singleton, initializer, 0n],
    }),
  });
  const [created] = parseEventLogs({ abi: factoryArtifact.abi, logs: receipt.logs, eventName: 'ProxyCreation' });
  const proxy = (created?.args as { proxy?: Address } | undefined)?.proxy;
  if (!proxy) throw new Error('SafeProxyFactory emitted no ProxyCreation');
  return {
    singleton: { address: singleton, abi: singletonArtifact.abi },
    proxyFactory: { address: proxyFactory, abi: factoryArtifact.abi },
    safe: { address: proxy, abi: singletonArtifact.abi },
  };
}

/**
 * Executes a call from the Safe (operation CALL unless told DELEGATECALL, no refund), signed by `signers`
 * over the Safe's EIP-712 transaction hash; `sender` pays the gas and need not be an owner.
 */
export async function execSafeTransaction(
  client: AnvilClient,
  safe: DeployedContract,
  call: { to: Address; data: Hex; value?: bigint; operation?: 'call' | 'delegatecall' },
  signers: readonly LocalAccount[],
  sender: Account,
): Promise<TransactionReceipt> {
  const nonce = (await client.readContract({ ...safe, functionName: 'nonce' })) as bigint;
  const operation = call.operation === 'delegatecall' ? 1 : 0;
  const transaction = [call.to, call.value ?? 0n, call.data, operation, 0n, 0n, 0n, zeroAddress, zeroAddress] as const;
  const safeTxHash = (await client.readContract({
    ...safe,
    functionName: 'getTransactionHash',
    args: [...transaction, nonce],
  })) as Hex;
  // The Safe requires signatures ordered by owner address, ascending.
  const ordered = [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = concatHex(await Promise.all(ordered.map((signer) => signer.sign!({ hash: safeTxHash }))));
  return sendTransaction(client, sender, {
    to: safe.address,
    data: encodeFunctionData({ abi: safe.abi, functionName: 'execTransaction', args: [...transaction, signatures] }),
  });
}

/** Deploys Safe's MultiSend library, which a Safe delegatecalls to run a batch. */
export async function deployMultiSend(client: AnvilClient, deployer: Account): Promise<DeployedContract> {
  const artifact = safeArtifact('libraries/MultiSend.sol/MultiSend.json');
  return { address: await deployContract(client, deployer, artifact), abi: artifact.abi };
}

/** MultiSend's packed transactions: per call its operation, target, value, data length and data. */
export function packMultiSend(
  calls: readonly { operation: 'call' | 'delegatecall'; to: Address; value?: bigint; data: Hex }[],
): Hex {
  return concatHex(
    calls.map((call) =>
      encodePacked(
        ['uint8', 'address', 'uint256', 'uint256', 'bytes'],
        [call.operation === 'delegatecall' ? 1 : 0, call.to, call.value ?? 0n, BigInt(size(call.data)), call.data],
      ),
    ),
  );
}
