// Decodes what a governance decision calls, recursively: the function and its named arguments, against the
// ABI the user gave for the address (or for its EIP-1967 implementation), else the standard ABIs ERE ships,
// by selector. Calls that carry calls are unwrapped: a timelock's schedule and execute (single and batch),
// Compound's queued transactions, a Governor's proposal and relay, `upgradeToAndCall`'s and ProxyAdmin's
// `upgradeAndCall`'s inner call (decoded against the new implementation), a Safe transaction, and a
// MultiSend's packed transactions with their operation. Pure: what it needs to know of addresses comes in
// the context. An unknown selector keeps its raw calldata and is flagged `undecoded`, never thrown.

import {
  type Abi,
  type AbiFunction,
  type Address,
  decodeFunctionData,
  getAddress,
  type Hex,
  isHex,
  keccak256,
  toBytes,
  toFunctionSelector,
  toFunctionSignature,
} from 'viem';
import type { EventValue } from '../../domain/governance.js';
import { toEventValue } from '../ingest/decode.js';
import { type CallOperation, unpackMultiSend } from './multisend.js';
import { type StandardAbi, standardAbis } from './standard-abis.js';

export type { CallOperation };

/** A call as a decision states it. `signature` is Compound's and Bravo's: the data is then the arguments only. */
export interface CallToDecode {
  to: string;
  value: string | bigint;
  data: string;
  operation?: CallOperation;
  signature?: string;
}

export interface DecodedArgument {
  name: string;
  type: string;
  value: EventValue;
}

export interface DecodedCall {
  to: Address;
  /** What `to` is called: a watched target's id, or the name of the user's ABI for it. */
  label: string | null;
  /** Wei, as a decimal string. */
  value: string;
  operation: CallOperation;
  /** The 4-byte selector; null for a call without data (a plain transfer of value). */
  selector: Hex | null;
  /** The canonical signature, `transfer(address,uint256)`; null when undecoded or without data. */
  signature: string | null;
  functionName: string | null;
  /** What decoded it: the name of the user's ABI for the address (or its implementation), or a standard family. */
  decodedWith: string | null;
  /** The implementation it was decoded against, when `to` is a proxy. */
  implementation: Address | null;
  args: DecodedArgument[];
  /** The calls it makes, unwrapped. */
  calls: DecodedCall[];
  /** No ABI decoded the calldata: the selector and `data` are all there is. */
  undecoded: boolean;
  /** The raw calldata, kept when undecoded. */
  data: Hex | null;
  /** Why the calls it carries could not be read (a MultiSend's packing cut short), or why unwrapping stopped. */
  problem: string | null;
}

/** What the decoder knows of addresses, gathered before it runs. */
export interface DecodeContext {
  /** The ABI the user gave for the address, with the name it goes by. */
  userAbi(address: Address): { name: string; abi: Abi } | undefined;
  /** The EIP-1967 implementation behind the address, when it is a proxy and that is known. */
  implementation(address: Address): Address | undefined;
  /** A watched target's id for the address. */
  label(address: Address): string | undefined;
}

/** Deeper than this, a call's calls are not unwrapped (a hostile nesting cannot exhaust the decoder). */
export const maxDepth = 8;
/** At most this many calls in one decoded tree. */
export const maxCalls = 1_000;

interface Candidate {
  name: string;
  item: AbiFunction;
}

function selectorTable(abis: readonly StandardAbi[]): Map<Hex, Candidate[]> {
  const table = new Map<Hex, Candidate[]>();
  for (const { name, abi } of abis)
    for (const item of abi) {
      if (item.type !== 'function') continue;
      const selector = toFunctionSelector(item);
      table.set(selector, [...(table.get(selector) ?? []), { name, item }]);
    }
  return table;
}

const standardSelectors = selectorTable(standardAbis);

const functionsOf = (name: string, abi: Abi): Candidate[] =>
  abi.flatMap((item) => (item.type === 'function' ? [{ name, item }] : []));

type Args = readonly unknown[];
type Unwrap = (args: Args, call: { to: Address }) => { calls: InnerCall[]; problem?: string };
interface InnerCall extends CallToDecode {
  /** Decode against this implementation (an upgrade's call into the new code). */
  implementation?: Address;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown) => String(value ?? '');

function zipCalls(targets: unknown, values: unknown, datas: unknown, signatures?: unknown): InnerCall[] {
  const values_ = asArray(values);
  const datas_ = asArray(datas);
  const signatures_ = signatures === undefined ? [] : asArray(signatures);
  return asArray(targets).map((target, index) => {
    const signature = str(signatures_[index]);
    return {
      to: str(target),
      value: str(values_[index] ?? '0'),
      data: str(datas_[index] ?? '0x'),
      ...(signature === '' ? {} : { signature }),
    };
  });
}

const single = (target: unknown, value: unknown, data: unknown): InnerCall[] => [
  { to: str(target), value: str(value), data: str(data) },
];
const operationOf = (value: unknown): CallOperation => (Number(value) === 1 ? 'delegatecall' : 'call');

/** The functions whose arguments are calls, by canonical signature, whichever ABI decoded them. */
const unwraps = new Map<string, Unwrap>([
  ['schedule(address,uint256,bytes,bytes32,bytes32,uint256)', (a) => ({ calls: single(a[0], a[1], a[2]) })],
  ['execute(address,uint256,bytes,bytes32,bytes32)', (a) => ({ calls: single(a[0], a[1], a[2]) })],
  [
    'scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)',
    (a) => ({ calls: zipCalls(a[0], a[1], a[2]) }),
  ],
  ['executeBatch(address[],uint256[],bytes[],bytes32,bytes32)', (a) => ({ calls: zipCalls(a[0], a[1], a[2]) })],
  ['propose(address[],uint256[],bytes[],string)', (a) => ({ calls: zipCalls(a[0], a[1], a[2]) })],
  ['queue(address[],uint256[],bytes[],bytes32)', (a) => ({ calls: zipCalls(a[0], a[1], a[2]) })],
  ['execute(address[],uint256[],bytes[],bytes32)', (a) => ({ calls: zipCalls(a[0], a[1], a[2]) })],
  ['propose(address[],uint256[],string[],bytes[],string)', (a) => ({ calls: zipCalls(a[0], a[1], a[3], a[2]) })],
  ['relay(address,uint256,bytes)', (a) => ({ calls: single(a[0], a[1], a[2]) })],
  ...['queueTransaction', 'executeTransaction', 'cancelTransaction'].map(
    (name) =>
      [
        `${name}(address,uint256,string,bytes,uint256)`,
        (a: Args) => ({ calls: zipCalls([a[0]], [a[1]], [a[3]], [a[2]]) }),
      ] as const,
  ),
  ['upgradeToAndCall(address,bytes)', (a, call) => ({ calls: inner(call.to, a[1], getAddress(str(a[0]))) })],
  [
    'upgradeAndCall(address,address,bytes)',
    (a) => ({ calls: inner(getAddress(str(a[0])), a[2], getAddress(str(a[1]))) }),
  ],
  [
    'execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)',
    (a) => ({ calls: [{ to: str(a[0]), value: str(a[1]), data: str(a[2]), operation: operationOf(a[3]) }] }),
  ],
  [
    'execTransactionFromModule(address,uint256,bytes,uint8)',
    (a) => ({ calls: [{ to: str(a[0]), value: str(a[1]), data: str(a[2]), operation: operationOf(a[3]) }] }),
  ],
  [
    'multiSend(bytes)',
    (a) => {
      const unpacked = unpackMultiSend(str(a[0]) as Hex);
      return unpacked.ok
        ? { calls: unpacked.transactions.map((tx) => ({ ...tx, value: tx.value.toString() })) }
        : {
            calls: unpacked.transactions.map((tx) => ({ ...tx, value: tx.value.toString() })),
            problem: unpacked.problem,
          };
    },
  ],
]);

/** An upgrade's call into the proxy, decoded against the new implementation; none without data. */
function inner(proxy: Address, data: unknown, implementation: Address): InnerCall[] {
  const hex = str(data);
  return hex === '' || hex === '0x' ? [] : [{ to: proxy, value: '0', data: hex, implementation }];
}

function argumentsOf(item: AbiFunction, args: Args): DecodedArgument[] {
  return item.inputs.map((input, index) => ({
    name: input.name || `arg${index}`,
    type: input.type,
    value: toEventValue(args[index]),
  }));
}

function decodeWith(candidates: readonly Candidate[], data: Hex) {
  for (const candidate of candidates) {
    try {
      const decoded = decodeFunctionData({ abi: [candidate.item], data });
      return { candidate, args: (decoded.args ?? []) as Args };
    } catch {
      // The next candidate: one selector may stand for functions whose arguments differ.
    }
  }
  return null;
}

interface Budget {
  calls: number;
}

function decodeOne(call: InnerCall, context: DecodeContext, depth: number, budget: Budget): DecodedCall {
  budget.calls += 1;
  const to = isHexAddress(call.to) ? getAddress(call.to) : (call.to as Address);
  const implementation = call.implementation ?? context.implementation(to) ?? null;
  let data = (isHex(call.data) ? call.data : '0x') as Hex;
  let problem: string | null = null;
  if (call.signature) {
    // Compound's Timelock hashes the signature as written: `transfer(address, uint256)` (with a space) calls a
    // selector no `transfer` has, whatever it reads as.
    data = `${keccak256(toBytes(call.signature)).slice(0, 10)}${data.slice(2)}` as Hex;
    try {
      const canonical = toFunctionSelector(`function ${call.signature}`);
      if (canonical !== data.slice(0, 10))
        problem = `the signature "${call.signature}" is not canonical: it calls ${data.slice(0, 10)}, not ${canonical}`;
    } catch {
      problem = `the signature "${call.signature}" is not a function signature`;
    }
  }
  const base: DecodedCall = {
    to,
    label: context.label(to) ?? nameOf(context.userAbi(to)) ?? null,
    value: String(call.value),
    operation: call.operation ?? 'call',
    selector: data.length >= 10 ? (data.slice(0, 10) as Hex) : null,
    signature: null,
    functionName: null,
    decodedWith: null,
    implementation,
    args: [],
    calls: [],
    undecoded: false,
    data: null,
    problem,
  };
  if (data === '0x') return base;
  if (data.length < 10) return { ...base, undecoded: true, data };
  const user = [context.userAbi(to), implementation ? context.userAbi(implementation) : undefined].flatMap((abi) =>
    abi ? functionsOf(abi.name, abi.abi) : [],
  );
  const selector = data.slice(0, 10) as Hex;
  const decoded =
    decodeWith(
      user.filter((candidate) => toFunctionSelector(candidate.item) === selector),
      data,
    ) ?? decodeWith(standardSelectors.get(selector) ?? [], data);
  if (!decoded) return { ...base, undecoded: true, data };
  const { candidate, args } = decoded;
  const signature = toFunctionSignature(candidate.item);
  const result: DecodedCall = {
    ...base,
    signature,
    functionName: candidate.item.name,
    decodedWith: candidate.name,
    args: argumentsOf(candidate.item, args),
  };
  const unwrap = unwraps.get(signature);
  if (!unwrap) return result;
  if (depth >= maxDepth) return { ...result, problem: `calls nested deeper than ${maxDepth} are not unwrapped` };
  let unwrapped: ReturnType<Unwrap>;
  try {
    unwrapped = unwrap(args, { to });
  } catch (error) {
    return { ...result, problem: `its calls cannot be read: ${(error as Error).message.split('\n')[0]}` };
  }
  const calls: DecodedCall[] = [];
  for (const innerCall of unwrapped.calls) {
    if (budget.calls >= maxCalls) {
      result.problem = `more than ${maxCalls} calls: the rest are not decoded`;
      break;
    }
    calls.push(decodeOne(innerCall, context, depth + 1, budget));
  }
  return { ...result, calls, problem: result.problem ?? unwrapped.problem ?? null };
}

const isHexAddress = (value: string) => /^0x[0-9a-fA-F]{40}$/.test(value);

/** A user ABI's name, unless it is only the address (a folder's file without a contract name). */
const nameOf = (abi: { name: string } | undefined) => (abi && !isHexAddress(abi.name) ? abi.name : undefined);

/** Decodes one call of a decision, and every call it carries. */
export function decodeCall(call: CallToDecode, context: DecodeContext): DecodedCall {
  return decodeOne(call, context, 0, { calls: 0 });
}

/** Every call of the tree, depth first, the call itself first. */
export function flattenCalls(call: DecodedCall): DecodedCall[] {
  return [call, ...call.calls.flatMap(flattenCalls)];
}
