// How each kind of decision is executed on chain, as a plan for the fork. A timelock operation is executed
// by an account holding the executor role, once ready, with the predecessor and salt it was scheduled with
// (as one call or a batch, whichever its id says). A governor's proposal behind a TimelockController is
// executed through the governor once queued (queued first when it has only succeeded); a proposal still
// pending or in its vote is simulated as if passed: scheduled on the timelock by the governor and executed
// by it after the delay, which is what its calls will meet, without the vote. The execution carries no ETH:
// the calls' value is paid by the timelock (the treasury), as when a DAO executes from its own funds. A Safe
// transaction is approved by as many owners as the threshold asks and executed by one of them; a Compound
// Timelock's queued transaction is executed by its admin at its ETA.

import {
  type Address,
  concatHex,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  keccak256,
  pad,
  parseAbi,
  toBytes,
  toHex,
  zeroAddress,
} from 'viem';
import type { ExecutionPlan, ForkReads, PlannedCall } from './simulate.js';

// Parameter names left out: the signatures fit one line each, which viem needs to type the calls.
const timelockAbi = parseAbi([
  'function execute(address, uint256, bytes, bytes32, bytes32) payable',
  'function executeBatch(address[], uint256[], bytes[], bytes32, bytes32) payable',
  'function scheduleBatch(address[], uint256[], bytes[], bytes32, bytes32, uint256)',
  'function hashOperation(address, uint256, bytes, bytes32, bytes32) pure returns (bytes32)',
  'function getMinDelay() view returns (uint256)',
]);
const governorAbi = parseAbi([
  'function queue(address[], uint256[], bytes[], bytes32) returns (uint256)',
  'function execute(address[], uint256[], bytes[], bytes32) payable returns (uint256)',
  'function proposalEta(uint256) view returns (uint256)',
]);

const zero32 = `0x${'00'.repeat(32)}` as Hex;
/** Any account: who executes does not matter where the role is open, or for a governor's `execute`. */
export const anyone = '0x00000000000000000000000000000000000E4e01' as Address;

export interface DecisionCall {
  target: Address;
  value: bigint;
  data: Hex;
}

const columns = (calls: readonly DecisionCall[]) =>
  [calls.map((call) => call.target), calls.map((call) => call.value), calls.map((call) => call.data)] as const;

async function read(fork: ForkReads, to: Address, data: Hex): Promise<bigint> {
  return BigInt(await fork.rpc<Hex>('eth_call', [{ to, data }, 'latest']));
}

async function latestTimestamp(fork: ForkReads): Promise<number> {
  return Number((await fork.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false])).timestamp);
}

/** A scheduled TimelockController operation, executed as it was scheduled: one call or a batch. */
export function timelockOperationPlan(operation: {
  timelock: Address;
  id: Hex;
  calls: readonly DecisionCall[];
  predecessor: Hex | null;
  salt: Hex | null;
  readyAtSeconds: number;
  /** Holds the executor role; the zero address (an open role) or none known: any account. */
  executor: Address | null;
}): ExecutionPlan {
  const { calls } = operation;
  const predecessor = operation.predecessor ?? zero32;
  const salt = operation.salt ?? zero32;
  const from = operation.executor === null || operation.executor === zeroAddress ? anyone : operation.executor;
  const [targets, values, payloads] = columns(calls);
  const batch = encodeFunctionData({
    abi: timelockAbi,
    functionName: 'executeBatch',
    args: [[...targets], [...values], [...payloads], predecessor, salt],
  });
  return {
    note: null,
    calls: calls.map((call) => ({ to: call.target, data: call.data })),
    prepare: async (fork) => {
      const [single] = calls;
      let data = batch;
      // One call may have been scheduled with `schedule` or with `scheduleBatch`: their ids differ.
      if (calls.length === 1 && single) {
        const args = [single.target, single.value, single.data, predecessor, salt] as const;
        const id = await read(
          fork,
          operation.timelock,
          encodeFunctionData({ abi: timelockAbi, functionName: 'hashOperation', args }),
        );
        if (id === BigInt(operation.id)) data = encodeFunctionData({ abi: timelockAbi, functionName: 'execute', args });
      }
      return {
        steps: [],
        executeAt: async () => operation.readyAtSeconds,
        execution: { from, to: operation.timelock, value: 0n, data, what: 'execute the operation' },
      };
    },
  };
}

const compoundTimelockAbi = parseAbi([
  'function executeTransaction(address, uint256, string, bytes, uint256) payable returns (bytes)',
]);

/** A transaction queued on a Compound Timelock, executed by its admin at its ETA, as it was queued. */
export function compoundTransactionPlan(transaction: {
  timelock: Address;
  admin: Address;
  target: Address;
  value: bigint;
  signature: string;
  data: Hex;
  etaSeconds: number;
}): ExecutionPlan {
  const { signature, data } = transaction;
  // What the target receives: the data as given, or behind the selector of the signature as written (the
  // timelock hashes the string itself, canonical or not).
  const calldata = signature === '' ? data : (`${keccak256(toBytes(signature)).slice(0, 10)}${data.slice(2)}` as Hex);
  return {
    note: null,
    calls: [{ to: transaction.target, data: calldata }],
    prepare: async () => ({
      steps: [],
      executeAt: async () => transaction.etaSeconds,
      execution: {
        from: transaction.admin,
        to: transaction.timelock,
        value: 0n,
        data: encodeFunctionData({
          abi: compoundTimelockAbi,
          functionName: 'executeTransaction',
          args: [transaction.target, transaction.value, signature, data, BigInt(transaction.etaSeconds)],
        }),
        what: 'execute the queued transaction',
      },
    }),
  };
}

export type ProposalStage = 'pending' | 'succeeded' | 'queued';

/** A proposal of an OpenZeppelin governor whose executor is a TimelockController. */
export function governorProposalPlan(proposal: {
  governor: Address;
  timelock: Address;
  id: bigint;
  calls: readonly DecisionCall[];
  description: string;
  stage: ProposalStage;
}): ExecutionPlan {
  const [targets, values, calldatas] = columns(proposal.calls);
  const calls = proposal.calls.map((call) => ({ to: call.target, data: call.data }));
  const args = [[...targets], [...values], [...calldatas], keccak256(toBytes(proposal.description))] as const;
  if (proposal.stage !== 'pending') {
    const queue: PlannedCall = {
      from: anyone,
      to: proposal.governor,
      value: 0n,
      data: encodeFunctionData({ abi: governorAbi, functionName: 'queue', args }),
      what: 'queue the proposal',
    };
    return {
      calls,
      note: proposal.stage === 'succeeded' ? 'queued on the fork first, then executed at its ETA' : null,
      prepare: async () => ({
        steps: proposal.stage === 'succeeded' ? [queue] : [],
        executeAt: async (fork) =>
          Number(
            await read(
              fork,
              proposal.governor,
              encodeFunctionData({ abi: governorAbi, functionName: 'proposalEta', args: [proposal.id] }),
            ),
          ),
        execution: {
          from: anyone,
          to: proposal.governor,
          value: 0n,
          data: encodeFunctionData({ abi: governorAbi, functionName: 'execute', args }),
          what: 'execute the proposal',
        },
      }),
    };
  }
  // Not passed yet: what its calls will meet is the timelock executing them, after its delay.
  const salt = keccak256(toBytes(`ere-simulation:${proposal.id}`));
  const batch = [[...targets], [...values], [...calldatas], zero32, salt] as const;
  return {
    calls,
    note:
      'as if passed: the vote is not over, so its calls were scheduled on the timelock by the governor ' +
      'and executed by it after the delay',
    prepare: async (fork) => {
      const delay = await read(
        fork,
        proposal.timelock,
        encodeFunctionData({ abi: timelockAbi, functionName: 'getMinDelay' }),
      );
      return {
        steps: [
          {
            from: proposal.governor,
            to: proposal.timelock,
            value: 0n,
            data: encodeFunctionData({ abi: timelockAbi, functionName: 'scheduleBatch', args: [...batch, delay] }),
            what: 'schedule the proposal on the timelock',
          },
        ],
        executeAt: async (after) => (await latestTimestamp(after)) + Number(delay),
        execution: {
          from: proposal.governor,
          to: proposal.timelock,
          value: 0n,
          data: encodeFunctionData({ abi: timelockAbi, functionName: 'executeBatch', args: batch }),
          what: 'execute the proposal through the timelock',
        },
      };
    },
  };
}

const safeAbi = parseAbi([
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function nonce() view returns (uint256)',
  'function approveHash(bytes32)',
]);
// The fields of a Safe transaction, as JSON: its two functions do not fit one line as signatures.
const safeTransactionFields = [
  { type: 'address' },
  { type: 'uint256' },
  { type: 'bytes' },
  { type: 'uint8' },
  { type: 'uint256' },
  { type: 'uint256' },
  { type: 'uint256' },
  { type: 'address' },
  { type: 'address' },
] as const;
const safeTransactionAbi = [
  {
    type: 'function',
    name: 'getTransactionHash',
    stateMutability: 'view',
    inputs: [...safeTransactionFields, { type: 'uint256' }],
    outputs: [{ type: 'bytes32' }],
  },
  {
    type: 'function',
    name: 'execTransaction',
    stateMutability: 'payable',
    inputs: [...safeTransactionFields, { type: 'bytes' }],
    outputs: [{ type: 'bool' }],
  },
] as const;

/**
 * A Safe transaction, executed as its owners would: the first `threshold` owners approve its hash on chain
 * (each impersonated), and the first of them executes it with those approvals as signatures, at the Safe's
 * nonce now, with no refund. What it does is what the signed transaction will do; who signs does not change it.
 */
export function safeTransactionPlan(transaction: {
  safe: Address;
  to: Address;
  value: bigint;
  data: Hex;
  operation: 'call' | 'delegatecall';
}): ExecutionPlan {
  const { safe } = transaction;
  const operation = transaction.operation === 'delegatecall' ? 1 : 0;
  const fields = [transaction.to, transaction.value, transaction.data, operation, 0n, 0n, 0n] as const;
  return {
    note: 'approved on the fork by as many of its owners as its threshold asks, then executed by the first of them',
    calls: [{ to: transaction.to, data: transaction.data }],
    prepare: async (fork) => {
      const owners = decodeFunctionResult({
        abi: safeAbi,
        functionName: 'getOwners',
        data: await fork.rpc<Hex>('eth_call', [
          { to: safe, data: encodeFunctionData({ abi: safeAbi, functionName: 'getOwners' }) },
          'latest',
        ]),
      });
      const threshold = await read(fork, safe, encodeFunctionData({ abi: safeAbi, functionName: 'getThreshold' }));
      const nonce = await read(fork, safe, encodeFunctionData({ abi: safeAbi, functionName: 'nonce' }));
      const hash = toHex(
        await read(
          fork,
          safe,
          encodeFunctionData({
            abi: safeTransactionAbi,
            functionName: 'getTransactionHash',
            args: [...fields, zeroAddress, zeroAddress, nonce],
          }),
        ),
        { size: 32 },
      );
      const signers = owners.slice(0, Number(threshold));
      const [executor, ...approvers] = signers;
      if (executor === undefined) throw new Error(`Safe ${safe} has no owners`);
      // Signatures ordered by owner, ascending: each an approval (v = 1) naming its owner; the sender's own
      // needs no approval on chain.
      const signatures = concatHex(
        [...signers]
          .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
          .map((owner) => concatHex([pad(owner, { size: 32 }), zero32, '0x01'])),
      );
      return {
        steps: approvers.map((owner) => ({
          from: owner,
          to: safe,
          value: 0n,
          data: encodeFunctionData({ abi: safeAbi, functionName: 'approveHash', args: [hash] }),
          what: `approve the transaction as owner ${owner}`,
        })),
        executeAt: async () => null,
        execution: {
          from: executor,
          to: safe,
          value: 0n,
          data: encodeFunctionData({
            abi: safeTransactionAbi,
            functionName: 'execTransaction',
            args: [...fields, zeroAddress, zeroAddress, signatures],
          }),
          what: 'execute the Safe transaction',
        },
      };
    },
  };
}
