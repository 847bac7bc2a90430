// Runs a decision on a fork as it will run on chain, and says what it did. A plan holds the transactions that
// bring the decision to where it executes (a governor's `queue`, a timelock's `scheduleBatch` for a proposal
// simulated as if passed), each sent from its impersonated account, the time the chain's clock is moved to
// (the ETA), and the execution itself, which is traced (`callTracer` with logs, `prestateTracer` in diff
// mode) rather than sent. The fork is put back as it was afterwards.

import { type Abi, type Address, type Hex, keccak256, toHex, zeroAddress } from 'viem';
import { type CallFrame, type PrestateDiff, type SimulationEffects, simulationEffects } from './effects.js';
import { type RiskyOpcode, riskyOpcodes } from './bytecode.js';
import { type Fork, SimulationError } from './fork.js';

export interface PlannedCall {
  from: Address;
  to: Address;
  data: Hex;
  value: bigint;
  /** What the step is, for a failed step's message: "queue the proposal". */
  what: string;
}

/** What a plan reads on the fork before it runs. */
export interface ForkReads {
  rpc<T>(method: string, params: unknown[]): Promise<T>;
}

export interface PreparedExecution {
  steps: PlannedCall[];
  /** Where the chain's clock must be before the execution, in seconds; read on the fork after the steps. */
  executeAt(fork: ForkReads): Promise<number | null>;
  execution: PlannedCall;
}

export interface ExecutionPlan {
  /** The decision's calls, in order: the events of each are told apart in the trace by its call frame. */
  calls: readonly { to: string; data: string }[];
  /** Reads what it needs on the fork (an operation's id, the timelock's delay), and says what to run. */
  prepare(fork: ForkReads): Promise<PreparedExecution>;
  /** How it was simulated when not exactly as it will run: "as if passed: …". */
  note: string | null;
}

export interface SimulationResult extends SimulationEffects {
  forkBlock: number;
  /** The chain time it executed at, in seconds. */
  executedAt: number;
  note: string | null;
  /** A step before the execution that failed (the decision cannot even be queued), with its reason. */
  failedStep: string | null;
  /** The code hash of each implementation a proxy was pointed at, read on the fork. */
  implementationCodeHashes: Record<Address, Hex | null>;
  /** The SELFDESTRUCT and DELEGATECALL each such implementation's code holds (absent in older results). */
  implementationOpcodes?: Record<Address, RiskyOpcode[]>;
}

const richBalance = toHex(10n ** 24n);

async function impersonated(fork: Fork, account: Address): Promise<void> {
  await fork.rpc('anvil_impersonateAccount', [account]);
  await fork.rpc('anvil_setBalance', [account, richBalance]);
}

const txOf = (call: PlannedCall) => ({ from: call.from, to: call.to, data: call.data, value: toHex(call.value) });

async function latestTimestamp(fork: Fork): Promise<number> {
  const block = await fork.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
  return Number(block.timestamp);
}

/** The receipt of a transaction sent to the fork, once mined (automine: within moments). */
async function minedReceipt(fork: Fork, hash: Hex): Promise<{ status: Hex }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const receipt = await fork.rpc<{ status: Hex } | null>('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new SimulationError('timeout', `the fork did not mine a step's transaction (${hash.slice(0, 10)}…)`);
}

export async function simulateOnFork(
  fork: Fork,
  plan: ExecutionPlan,
  abis: readonly Abi[] = [],
): Promise<SimulationResult> {
  return fork.isolated(async () => {
    const prepared = await plan.prepare(fork);
    for (const step of prepared.steps) {
      await impersonated(fork, step.from);
      // Traced first: a step that would revert says why, and nothing is sent.
      const trace = await fork.rpc<CallFrame>('debug_traceCall', [txOf(step), 'latest', { tracer: 'callTracer' }]);
      if (trace.error) {
        const effects = simulationEffects(trace, { pre: {}, post: {} }, abis);
        return {
          ...effects,
          forkBlock: fork.blockNumber,
          executedAt: await latestTimestamp(fork),
          note: plan.note,
          failedStep: `${step.what}: ${effects.revert?.reason ?? 'reverted'}`,
          implementationCodeHashes: {},
        };
      }
      const hash = await fork.rpc<Hex>('eth_sendTransaction', [txOf(step)]);
      // anvil may answer before it has mined the transaction: what comes next (the ETA, read from the chain's
      // clock) must see its block.
      const receipt = await minedReceipt(fork, hash);
      if (receipt.status !== '0x1') {
        return {
          ...simulationEffects({ ...trace, error: 'reverted' }, { pre: {}, post: {} }, abis),
          forkBlock: fork.blockNumber,
          executedAt: await latestTimestamp(fork),
          note: plan.note,
          failedStep: `${step.what}: reverted when sent`,
          implementationCodeHashes: {},
        };
      }
    }
    const executeAt = await prepared.executeAt(fork);
    if (executeAt !== null && executeAt > (await latestTimestamp(fork))) {
      await fork.rpc('evm_setNextBlockTimestamp', [toHex(executeAt)]);
      await fork.rpc('evm_mine', []);
    } else {
      await fork.rpc('evm_mine', []);
    }
    await impersonated(fork, prepared.execution.from);
    const call = txOf(prepared.execution);
    const [trace, diff] = await Promise.all([
      fork.rpc<CallFrame>('debug_traceCall', [
        call,
        'latest',
        { tracer: 'callTracer', tracerConfig: { withLog: true } },
      ]),
      fork.rpc<PrestateDiff>('debug_traceCall', [
        call,
        'latest',
        { tracer: 'prestateTracer', tracerConfig: { diffMode: true } },
      ]),
    ]);
    const effects = simulationEffects(trace, diff, abis, plan.calls);
    const implementationCodeHashes: Record<Address, Hex | null> = {};
    const implementationOpcodes: Record<Address, RiskyOpcode[]> = {};
    for (const change of effects.proxyChanges) {
      if (change.slot === 'admin' || change.after === zeroAddress) continue;
      const code = await fork.rpc<Hex>('eth_getCode', [change.after, 'latest']);
      implementationCodeHashes[change.after] = code === '0x' ? null : keccak256(code);
      implementationOpcodes[change.after] = riskyOpcodes(code);
    }
    return {
      ...effects,
      forkBlock: fork.blockNumber,
      executedAt: await latestTimestamp(fork),
      note: plan.note,
      failedStep: null,
      implementationCodeHashes,
      implementationOpcodes,
    };
  });
}
