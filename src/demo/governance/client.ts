// One viem client for driving a local anvil chain (the demo's governance story, and tests): public reads,
// transactions from local accounts, and anvil's test methods (mine, increaseTime). Accounts are anvil's
// well-known development accounts, derived from its default mnemonic, so that they can also sign hashes.
import {
  type Abi,
  type Account,
  type Address,
  type Hex,
  type TransactionReceipt,
  createTestClient,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  http,
  publicActions,
  walletActions,
} from 'viem';
import { type HDAccount, mnemonicToAccount } from 'viem/accounts';

const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export function anvilAccount(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
}

export function createAnvilClient(url: string, chainId = 31337) {
  const chain = defineChain({
    id: chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  return createTestClient({ mode: 'anvil', chain, transport: http(url, { retryCount: 0 }), cacheTime: 0 })
    .extend(publicActions)
    .extend(walletActions);
}

export type AnvilClient = ReturnType<typeof createAnvilClient>;

// anvil estimates against `latest` by default, and an ERC20Votes checkpoint written in the same
// block as the estimate can make the estimate short; `pending` plus a margin covers both.
const GAS_MARGIN_PERCENT = 30n;

/** Sends a transaction with a gas limit estimated against `pending`, and throws unless it succeeded. */
export async function sendTransaction(
  client: AnvilClient,
  account: Account,
  request: { to?: Address; data: Hex; value?: bigint },
): Promise<TransactionReceipt> {
  const estimate = await client.estimateGas({ account, ...request, blockTag: 'pending' });
  const hash = await client.sendTransaction({
    account,
    ...request,
    gas: (estimate * (100n + GAS_MARGIN_PERCENT)) / 100n,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

/** Calls a contract function in a transaction (ABIs here are loaded at run time, so untyped). */
export async function writeContract(
  client: AnvilClient,
  account: Account,
  call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] },
): Promise<TransactionReceipt> {
  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args });
  return sendTransaction(client, account, { to: call.address, data });
}

/** Deploys creation code with constructor arguments; returns the new contract's address. */
export async function deployContract(
  client: AnvilClient,
  account: Account,
  artifact: { abi: Abi; bytecode: Hex },
  args: readonly unknown[] = [],
): Promise<Address> {
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const receipt = await sendTransaction(client, account, { data });
  if (!receipt.contractAddress) throw new Error('deployment receipt has no contract address');
  return receipt.contractAddress;
}
