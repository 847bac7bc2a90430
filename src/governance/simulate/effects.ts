// What a simulated execution did, read from the node's own traces: the call tree with its logs
// (`callTracer`, `withLog`) and the state before and after (`prestateTracer`, `diffMode`). Pure: from the two
// traces to success or revert (with the decoded reason), the events decoded, ETH and token balance changes,
// storage slots changed per contract, EIP-1967 slot changes, code deployed or destroyed, every delegatecall,
// and the gas used.

import {
  type Abi,
  type AbiEvent,
  type Address,
  decodeErrorResult,
  decodeEventLog,
  getAddress,
  type Hex,
  hexToBigInt,
  keccak256,
} from 'viem';
import type { EventValue } from '../../domain/governance.js';
import { standardErrors, standardEvents } from '../decode/standard-events.js';
import { toEventValue } from '../ingest/decode.js';

/** A frame of geth's `callTracer`, as anvil answers it. */
export interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  gasUsed?: string;
  input?: string;
  output?: string;
  error?: string;
  revertReason?: string;
  /** `position`: how many of the frame's calls were made before the log was emitted. */
  logs?: { address: string; topics: string[]; data: string; position?: string }[];
  calls?: CallFrame[];
}

interface AccountState {
  balance?: string;
  nonce?: number;
  code?: string;
  storage?: Record<string, string>;
}

/** geth's `prestateTracer` in diff mode: what changed, before and after. */
export interface PrestateDiff {
  pre: Record<string, AccountState>;
  post: Record<string, AccountState>;
}

export interface SimulatedEvent {
  /** The action of the decision it came from (`1`, `2`…), when the trace tells. */
  action: string | null;
  address: Address;
  /** The event's name; null when no known ABI decodes it. */
  name: string | null;
  args: Record<string, EventValue>;
  topics: Hex[];
  data: Hex;
}

export interface SimulationEffects {
  success: boolean;
  /** Why it reverted: a decoded error (`ERC20InsufficientBalance(sender=…, …)`), or the raw data. */
  revert: { reason: string; data: Hex | null } | null;
  gasUsed: number;
  /** Every log, in order, decoded where an ABI knows it; none when it reverted. */
  events: SimulatedEvent[];
  ethChanges: { account: Address; before: string; after: string; delta: string }[];
  /** From the `Transfer` events of ERC20 tokens: the net change of each account, per token. */
  tokenChanges: { token: Address; account: Address; delta: string }[];
  storageChanges: { contract: Address; slot: Hex; before: Hex; after: Hex }[];
  proxyChanges: { proxy: Address; slot: 'implementation' | 'admin' | 'beacon'; before: Address; after: Address }[];
  codeChanges: { account: Address; change: 'deployed' | 'destroyed' | 'replaced'; codeHash: Hex | null }[];
  /** `forwarded`: the frame passes on its caller's calldata unchanged, as a proxy does to its implementation. */
  delegatecalls: { from: Address; to: Address; selector: Hex | null; depth: number; forwarded: boolean }[];
}

export const eip1967SlotNames: Record<string, 'implementation' | 'admin' | 'beacon'> = {
  '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc': 'implementation',
  '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103': 'admin',
  '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50': 'beacon',
};

const zeroWord = `0x${'00'.repeat(32)}` as Hex;
const word = (value: string | undefined) => (value ?? zeroWord).toLowerCase() as Hex;
const addressInWord = (value: Hex) => getAddress(`0x${value.slice(-40)}`);
const emptyCode = (code: string | undefined) => code === undefined || code === '0x' || code === '';

function decodeLog(
  log: { address: string; topics: string[]; data: string },
  abis: readonly Abi[],
  action: string | null,
): SimulatedEvent {
  const topics = log.topics as Hex[];
  const data = (log.data || '0x') as Hex;
  const base = { action, address: getAddress(log.address), topics, data };
  const candidates: AbiEvent[] = [
    ...abis.flatMap((abi) => abi.filter((item): item is AbiEvent => item.type === 'event')),
    ...standardEvents,
  ];
  for (const event of candidates) {
    try {
      const decoded = decodeEventLog({ abi: [event], topics: topics as [Hex, ...Hex[]], data, strict: true });
      return { ...base, name: decoded.eventName, args: toEventValue(decoded.args ?? {}) as Record<string, EventValue> };
    } catch {
      // The next candidate.
    }
  }
  return { ...base, name: null, args: {} };
}

/** The reason of a revert, decoded with the standard errors and the ABIs given. */
export function revertReason(output: string | undefined, abis: readonly Abi[] = []): string {
  if (output === undefined || output === '0x' || output === '')
    return 'reverted without a reason (out of gas, a failed call or a bare revert)';
  for (const abi of [standardErrors, ...abis]) {
    try {
      const decoded = decodeErrorResult({ abi, data: output as Hex });
      const args = (decoded.args ?? []) as readonly unknown[];
      const { inputs } = decoded.abiItem as { inputs: readonly { name?: string }[] };
      const shown = args.map((arg, index) => `${inputs[index]?.name || `arg${index}`}=${String(arg)}`);
      if (decoded.errorName === 'Error') return String(args[0]);
      return `${decoded.errorName}(${shown.join(', ')})`;
    } catch {
      // Another ABI may know the selector.
    }
  }
  return `reverted with ${output.slice(0, 10)} (an error no known ABI declares)`;
}

function walk(
  frame: CallFrame,
  depth: number,
  visit: (frame: CallFrame, depth: number, parent: CallFrame | null) => void,
  parent: CallFrame | null = null,
): void {
  visit(frame, depth, parent);
  for (const inner of frame.calls ?? []) walk(inner, depth + 1, visit, frame);
}

/**
 * Logs of the frames that did not revert, in execution order, each with the action whose call frame it is
 * in: a log's `position` is how many of its frame's calls had been made when it was emitted, so it goes
 * before the call at that index. A reverted frame's logs are undone, and so are those of the calls inside it.
 */
function logsOf(frame: CallFrame, actionOf: (frame: CallFrame) => string | null, action: string | null): Attributed[] {
  if (frame.error) return [];
  const own = actionOf(frame) ?? action;
  const calls = frame.calls ?? [];
  const logs = frame.logs ?? [];
  const at = (position: number) =>
    logs.filter((log) => Number(log.position ?? calls.length) === position).map((log) => ({ log, action: own }));
  return [...calls.flatMap((call, index) => [...at(index), ...logsOf(call, actionOf, own)]), ...at(calls.length)];
}

interface Attributed {
  log: LogEntry;
  action: string | null;
}

/**
 * Which frames are the decision's actions: the first frame, in execution order, calling each action's target
 * with its calldata, taken in the actions' order.
 */
function actionFrames(root: CallFrame, actions: readonly { to: string; data: string }[]): Map<CallFrame, string> {
  const frames: CallFrame[] = [];
  walk(root, 0, (frame) => frames.push(frame));
  const found = new Map<CallFrame, string>();
  let from = 0;
  actions.forEach((action, index) => {
    const at = frames.findIndex(
      (frame, position) =>
        position >= from &&
        !found.has(frame) &&
        frame.to !== undefined &&
        frame.to.toLowerCase() === action.to.toLowerCase() &&
        (frame.input ?? '0x').toLowerCase() === (action.data || '0x').toLowerCase(),
    );
    if (at === -1) return;
    found.set(frames[at]!, String(index + 1));
    from = at + 1;
  });
  return found;
}

type LogEntry = NonNullable<CallFrame['logs']>[number];

function tokenChangesOf(events: readonly SimulatedEvent[]): SimulationEffects['tokenChanges'] {
  const net = new Map<string, bigint>();
  for (const event of events) {
    // ERC20 only: an ERC721 Transfer has its token id in a fourth topic.
    if (event.name !== 'Transfer' || event.topics.length !== 3 || typeof event.args.value !== 'string') continue;
    const amount = BigInt(event.args.value);
    const from = String(event.args.from);
    const to = String(event.args.to);
    const key = (account: string) => `${event.address}/${getAddress(account)}`;
    net.set(key(from), (net.get(key(from)) ?? 0n) - amount);
    net.set(key(to), (net.get(key(to)) ?? 0n) + amount);
  }
  return [...net]
    .filter(([, delta]) => delta !== 0n)
    .map(([key, delta]) => {
      const [token, account] = key.split('/') as [Address, Address];
      return { token, account, delta: delta.toString() };
    });
}

export function simulationEffects(
  call: CallFrame,
  diff: PrestateDiff,
  abis: readonly Abi[] = [],
  actions: readonly { to: string; data: string }[] = [],
): SimulationEffects {
  const success = !call.error;
  const frames = actionFrames(call, actions);
  const events = success
    ? logsOf(call, (frame) => frames.get(frame) ?? null, null).map(({ log, action }) => decodeLog(log, abis, action))
    : [];
  const delegatecalls: SimulationEffects['delegatecalls'] = [];
  walk(call, 0, (frame, depth, parent) => {
    if (frame.type === 'DELEGATECALL' && frame.to)
      delegatecalls.push({
        from: getAddress(frame.from),
        to: getAddress(frame.to),
        selector: frame.input && frame.input.length >= 10 ? (frame.input.slice(0, 10) as Hex) : null,
        depth,
        forwarded: parent !== null && (parent.input ?? '0x').toLowerCase() === (frame.input ?? '0x').toLowerCase(),
      });
  });
  const accounts = [...new Set([...Object.keys(diff.pre), ...Object.keys(diff.post)])].sort();
  const ethChanges: SimulationEffects['ethChanges'] = [];
  const storageChanges: SimulationEffects['storageChanges'] = [];
  const proxyChanges: SimulationEffects['proxyChanges'] = [];
  const codeChanges: SimulationEffects['codeChanges'] = [];
  if (success)
    for (const key of accounts) {
      const account = getAddress(key);
      const pre = diff.pre[key] ?? {};
      const post = diff.post[key] ?? {};
      if (post.balance !== undefined && post.balance !== pre.balance) {
        const before = hexToBigInt((pre.balance ?? '0x0') as Hex);
        const after = hexToBigInt(post.balance as Hex);
        ethChanges.push({
          account,
          before: before.toString(),
          after: after.toString(),
          delta: (after - before).toString(),
        });
      }
      const slots = new Set([...Object.keys(pre.storage ?? {}), ...Object.keys(post.storage ?? {})]);
      for (const slot of [...slots].sort()) {
        const before = word(pre.storage?.[slot]);
        // In diff mode a slot absent from `post` but present in `pre` was cleared.
        const after = word(post.storage?.[slot]);
        if (before === after) continue;
        storageChanges.push({ contract: account, slot: slot as Hex, before, after });
        const name = eip1967SlotNames[slot.toLowerCase()];
        if (name)
          proxyChanges.push({ proxy: account, slot: name, before: addressInWord(before), after: addressInWord(after) });
      }
      // In diff mode an account left out of `post` was deleted (a selfdestruct, since Cancun only of a contract
      // created in the same transaction); a created one has code in `post` only.
      const destroyed = key in diff.pre && !(key in diff.post) && !emptyCode(pre.code);
      if (!emptyCode(post.code) && emptyCode(pre.code))
        codeChanges.push({ account, change: 'deployed', codeHash: keccak256(post.code as Hex) });
      else if (!emptyCode(post.code) && !emptyCode(pre.code) && post.code !== pre.code)
        codeChanges.push({ account, change: 'replaced', codeHash: keccak256(post.code as Hex) });
      else if (destroyed) codeChanges.push({ account, change: 'destroyed', codeHash: null });
    }
  return {
    success,
    revert: success
      ? null
      : { reason: revertReason(call.output, abis), data: (call.output as Hex | undefined) ?? null },
    gasUsed: Number(call.gasUsed ?? 0),
    events,
    ethChanges,
    tokenChanges: tokenChangesOf(events),
    storageChanges,
    proxyChanges,
    codeChanges,
    delegatecalls,
  };
}
