// A contract watch's matchers: each selects events by signature, or calls to the contract by function, with an
// optional `where` on the decoded arguments. Pure. A signature given by types alone
// (`Transfer(address,address,uint256)`) is looked up in the standard ABIs ERE ships (both of its indexed
// variants, ERC20's and ERC721's, for Transfer); one given with names (`Deposit(address indexed owner, uint256
// assets)`) is its own declaration. A function no standard ABI knows may be given by its types alone, as an
// event may only when it has no arguments: an event's types do not say which are indexed. Resolved when the
// config loads: an unknown signature, or a `where` that does not parse or names no argument, is a problem at
// its path.

import {
  type AbiEvent,
  type AbiFunction,
  type AbiParameter,
  parseAbiItem,
  toEventSignature,
  toFunctionSelector,
  toFunctionSignature,
} from 'viem';
import type { EventValue } from '../../../domain/governance.js';
import { standardAbis } from '../../decode/standard-abis.js';
import { standardEvents } from '../../decode/standard-events.js';
import { type Condition, ConditionSyntaxError, conditionPaths, meets, parseCondition } from './conditions.js';

export interface MatcherConfig {
  name: string;
  event?: string | undefined;
  function?: string | undefined;
  where?: string | undefined;
}

export interface ResolvedMatcher {
  name: string;
  kind: 'event' | 'function';
  /** The canonical signature, `Transfer(address,address,uint256)`. */
  signature: string;
  /** Its declarations: an event's indexed variants, or the one function. */
  events: AbiEvent[];
  function: AbiFunction | null;
  /** The function's selector; null for an event. */
  selector: `0x${string}` | null;
  where: string | null;
  condition: Condition | null;
}

const standardFunctions = standardAbis.flatMap((family) =>
  family.abi.filter((item): item is AbiFunction => item.type === 'function'),
);

/** A signature without argument names: the types only. */
const typesOnly = (text: string) => !/[A-Za-z0-9_\])]\s+[A-Za-z_]/.test(text);

function declared<T extends AbiEvent | AbiFunction>(kind: 'event' | 'function', text: string): T | null {
  try {
    const item = parseAbiItem(`${kind} ${text}`) as T;
    return item.type === kind ? item : null;
  } catch {
    return null;
  }
}

const argumentNames = (inputs: readonly AbiParameter[]) =>
  inputs.map((input, index) => (input.name ? input.name : `arg${index}`));

/** The matcher resolved, or its problems, by the key they are about (`event`, `function`, `where`). */
export function resolveMatcher(
  config: MatcherConfig,
): ResolvedMatcher | { problems: { key: string; message: string }[] } {
  const problems: { key: string; message: string }[] = [];
  const key = config.event !== undefined ? 'event' : 'function';
  const text = (config.event ?? config.function ?? '').trim();
  let events: AbiEvent[] = [];
  let fn: AbiFunction | null = null;
  if (config.event !== undefined) {
    const own = typesOnly(text) ? null : declared<AbiEvent>('event', text);
    if (own) events = [own];
    else {
      const parsed = declared<AbiEvent>('event', text);
      const signature = parsed ? toEventSignature(parsed) : text.replaceAll(/\s+/g, '');
      events = standardEvents.filter((event) => toEventSignature(event) === signature);
      // An event without arguments has nothing to index: its types are its declaration.
      if (events.length === 0 && parsed && parsed.inputs.length === 0) events = [parsed];
    }
  } else {
    const own = typesOnly(text) ? null : declared<AbiFunction>('function', text);
    if (own) fn = own;
    else {
      const parsed = declared<AbiFunction>('function', text);
      const signature = parsed ? toFunctionSignature(parsed) : text.replaceAll(/\s+/g, '');
      // A function is called by its types alone: one no standard ABI knows is its own declaration, its
      // arguments named by position (`arg0`…).
      fn = standardFunctions.find((candidate) => toFunctionSignature(candidate) === signature) ?? parsed;
    }
  }
  if (events.length === 0 && fn === null) {
    problems.push({
      key,
      message:
        `"${text}" is in no standard ABI ERE ships: declare it with its argument names, e.g. ` +
        (key === 'event'
          ? '"Deposit(address indexed owner, uint256 assets)"'
          : '"deposit(uint256 assets, address to)"'),
    });
    return { problems };
  }
  const inputs = fn ? [argumentNames(fn.inputs)] : events.map((event) => argumentNames(event.inputs));
  let condition: Condition | null = null;
  if (config.where !== undefined) {
    try {
      condition = parseCondition(config.where);
      for (const path of conditionPaths(condition)) {
        const name = String(path[0]);
        if (!inputs.some((names) => names.includes(name)))
          problems.push({
            key: 'where',
            message: `no argument "${name}": ${text} has ${[...new Set(inputs.flat())].join(', ') || 'none'}`,
          });
      }
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      problems.push({ key: 'where', message: error.message });
    }
  }
  if (problems.length > 0) return { problems };
  return {
    name: config.name,
    kind: fn ? 'function' : 'event',
    signature: fn ? toFunctionSignature(fn) : toEventSignature(events[0]!),
    events,
    function: fn,
    selector: fn ? toFunctionSelector(fn) : null,
    where: config.where ?? null,
    condition,
  };
}

/** What a stored match is, for the matchers: an event by its name, a call by its function's signature. */
export interface MatchCandidate {
  /** The event's name, or the called function's signature (`pause()`). */
  name: string;
  args: Record<string, EventValue>;
}

/** The matchers the event or call meets. */
export function matchersMet(matchers: readonly ResolvedMatcher[], candidate: MatchCandidate): ResolvedMatcher[] {
  return matchers.filter((matcher) => {
    const selected =
      matcher.kind === 'function'
        ? candidate.name === matcher.signature
        : !candidate.name.includes('(') && matcher.events.some((event) => event.name === candidate.name);
    return selected && (matcher.condition === null || meets(matcher.condition, candidate.args));
  });
}
