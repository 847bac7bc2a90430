// The Safe model: folds a Safe's events into who can sign and how many must, the modules and guards that can
// act around them, and how many transactions it executed; checks the threshold against the target's
// policy. The direct read (snapshot) wins over what the events say, which only know what happened since
// the target's start block.

import type { EventValue, GovernanceEvent, GovernanceSnapshot, GovernanceTarget } from '../../../domain/governance.js';
import { changeOf, shortAddress, type GovernanceChange } from '../change.js';
import type { GovernanceModel } from '../kind.js';
import type { SafeSettings } from './config.js';

export interface SafeState {
  /**
   * Owners as the events tell them, in the Safe's order (an added owner goes first); null before SafeSetup or an owner
   * event.
   */
  owners: string[] | null;
  threshold: number | null;
  modules: string[];
  guard: string | null;
  moduleGuard: string | null;
  /** Whether SafeSetup was ingested, so the events tell the whole history. */
  fromSetup: boolean;
  /** Oldest first. */
  changes: GovernanceChange[];
  executed: number;
  failed: number;
  moduleExecuted: number;
  moduleFailed: number;
  lastExecutionMs: number | null;
  lastModuleExecutionMs: number | null;
  /** The newest executed transactions, oldest first, at most `keptTransactions`. */
  transactions: SafeTransaction[];
  /** SafeL2's record of each transaction, by the hash of the transaction executing it, until its outcome. */
  recorded: Map<string, SafeCall[]>;
}

/** What a Safe transaction called: `operation` 0 is a call, 1 a delegatecall. */
export interface SafeCall {
  to: string;
  value: string;
  data: string;
  operation: number;
}

/** An executed Safe transaction: its outcome, and what it called when known. */
export interface SafeTransaction {
  safeTxHash: string;
  success: boolean;
  txHash: string;
  blockNumber: number;
  blockTimeMs: number;
  /** null when neither the executing transaction nor a SafeL2 event tells (executed through another contract). */
  call: SafeCall | null;
}

/** Executed transactions kept per Safe for the API; all of them are counted. */
const keptTransactions = 100;

export interface ThresholdPolicy {
  ok: boolean;
  /** The smallest threshold the policy accepts; null when the target sets no policy. */
  required: number | null;
  reason: string | null;
}

export interface SafeView {
  /** Where owners, threshold, modules and guards come from. */
  source: 'snapshot' | 'events';
  owners: string[] | null;
  threshold: number | null;
  nonce: number | null;
  modules: string[];
  guard: string | null;
  moduleGuard: string | null;
  version: string | null;
  /** null while owners or threshold are unknown. */
  policy: ThresholdPolicy | null;
  /** Owner, threshold, module and guard changes, newest first. */
  changes: GovernanceChange[];
  executed: number;
  failed: number;
  moduleExecuted: number;
  moduleFailed: number;
  lastExecutionMs: number | null;
  lastModuleExecutionMs: number | null;
  /** The newest executed transactions, newest first, each with what it called when known. */
  transactions: SafeTransaction[];
}

export type SafeTarget = GovernanceTarget<'safe', SafeSettings>;

// 0.6 × 5 is 3.0000000000000004 in floating point: without the slack, ⌈⌉ would ask for 4 of 5.
const ratioSlack = 1e-9;

/** Whether a threshold meets the target's policy: at least `minThreshold`, and at least ⌈ratio × owners⌉. */
export function thresholdPolicy(owners: number, threshold: number, settings: SafeSettings): ThresholdPolicy {
  const rules: { required: number; rule: string }[] = [];
  if (settings.minThreshold !== undefined)
    rules.push({ required: settings.minThreshold, rule: `minThreshold ${settings.minThreshold}` });
  if (settings.minThresholdRatio !== undefined) {
    const required = Math.ceil(settings.minThresholdRatio * owners - ratioSlack);
    rules.push({ required, rule: `⌈${settings.minThresholdRatio} × ${owners} owners⌉ = ${required}` });
  }
  if (rules.length === 0) return { ok: true, required: null, reason: null };
  const required = Math.max(...rules.map((rule) => rule.required));
  if (threshold >= required) return { ok: true, required, reason: null };
  const broken = rules.filter((rule) => threshold < rule.required).map((rule) => rule.rule);
  return {
    ok: false,
    required,
    reason: `threshold ${threshold} of ${owners} owners is below ${required} (${broken.join(', ')})`,
  };
}

function isZeroAddress(address: EventValue | undefined): boolean {
  return typeof address !== 'string' || /^0x0{40}$/i.test(address);
}

function addressArgument(value: EventValue | undefined): string | null {
  return isZeroAddress(value) ? null : (value as string);
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function recordChange(state: SafeState, event: GovernanceEvent, summary: string): void {
  state.changes.push(changeOf(event, summary));
}

function applyConfiguration(state: SafeState, event: GovernanceEvent): void {
  const { args } = event;
  switch (event.name) {
    case 'SafeSetup': {
      state.owners = Array.isArray(args.owners) ? args.owners.map(String) : [];
      state.threshold = Number(args.threshold);
      state.fromSetup = true;
      recordChange(state, event, `set up with ${state.owners.length} owners, threshold ${state.threshold}`);
      return;
    }
    case 'AddedOwner': {
      const owner = String(args.owner);
      // The Safe inserts a new owner at the head of its list, so getOwners() returns it first.
      state.owners = [owner, ...(state.owners ?? []).filter((known) => !sameAddress(known, owner))];
      recordChange(state, event, `owner ${shortAddress(owner)} added`);
      return;
    }
    case 'RemovedOwner': {
      const owner = String(args.owner);
      if (state.owners !== null) state.owners = state.owners.filter((known) => !sameAddress(known, owner));
      recordChange(state, event, `owner ${shortAddress(owner)} removed`);
      return;
    }
    case 'ChangedThreshold': {
      const threshold = Number(args.threshold);
      // Before the first owner event ERE saw, the chain's own value before the change (read at ingestion).
      const previous =
        state.threshold ?? (args.previousThreshold === undefined ? null : Number(args.previousThreshold));
      recordChange(
        state,
        event,
        previous === null ? `threshold set to ${threshold}` : `threshold ${previous} → ${threshold}`,
      );
      state.threshold = threshold;
      return;
    }
    case 'EnabledModule': {
      const module = String(args.module);
      state.modules = [module, ...state.modules.filter((known) => !sameAddress(known, module))];
      recordChange(state, event, `module ${shortAddress(module)} enabled`);
      return;
    }
    case 'DisabledModule': {
      const module = String(args.module);
      state.modules = state.modules.filter((known) => !sameAddress(known, module));
      recordChange(state, event, `module ${shortAddress(module)} disabled`);
      return;
    }
    case 'ChangedGuard':
      state.guard = addressArgument(args.guard);
      recordChange(state, event, state.guard === null ? 'guard removed' : `guard set to ${shortAddress(state.guard)}`);
      return;
    case 'ChangedFallbackHandler': {
      const handler = addressArgument(args.handler);
      recordChange(
        state,
        event,
        handler === null ? 'fallback handler removed' : `fallback handler set to ${shortAddress(handler)}`,
      );
      return;
    }
    case 'ChangedModuleGuard':
      state.moduleGuard = addressArgument(args.moduleGuard);
      recordChange(
        state,
        event,
        state.moduleGuard === null ? 'module guard removed' : `module guard set to ${shortAddress(state.moduleGuard)}`,
      );
      return;
  }
}

function callOf(args: Record<string, EventValue>): SafeCall | null {
  const { to, value, data, operation } = args;
  if (typeof to !== 'string' || typeof data !== 'string') return null;
  return { to, value: String(value ?? '0'), data, operation: Number(operation ?? 0) };
}

function applyExecution(state: SafeState, event: GovernanceEvent): void {
  switch (event.name) {
    case 'SafeMultiSigTransaction': {
      const call = callOf(event.args);
      if (call) state.recorded.set(event.txHash, [...(state.recorded.get(event.txHash) ?? []), call]);
      return;
    }
    case 'ExecutionSuccess':
    case 'ExecutionFailure': {
      if (event.name === 'ExecutionSuccess') state.executed += 1;
      else state.failed += 1;
      state.lastExecutionMs = event.blockTimeMs;
      // SafeL2's record first (it is the transaction's own, however it was sent); else the executing input.
      const recorded = state.recorded.get(event.txHash);
      const call = recorded?.shift() ?? callOf(event.args);
      if (recorded?.length === 0) state.recorded.delete(event.txHash);
      state.transactions.push({
        safeTxHash: String(event.args.txHash),
        success: event.name === 'ExecutionSuccess',
        txHash: event.txHash,
        blockNumber: event.blockNumber,
        blockTimeMs: event.blockTimeMs,
        call,
      });
      if (state.transactions.length > keptTransactions) state.transactions.shift();
      return;
    }
    case 'ExecutionFromModuleSuccess':
    case 'ExecutionFromModuleFailure':
      if (event.name === 'ExecutionFromModuleSuccess') state.moduleExecuted += 1;
      else state.moduleFailed += 1;
      state.lastModuleExecutionMs = event.blockTimeMs;
      return;
  }
}

function stringList(value: EventValue | undefined): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}

function integer(value: EventValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

function text(value: EventValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

export const safeModel: GovernanceModel<SafeTarget, SafeState, SafeView> = {
  initial: () => ({
    owners: null,
    threshold: null,
    modules: [],
    guard: null,
    moduleGuard: null,
    fromSetup: false,
    changes: [],
    executed: 0,
    failed: 0,
    moduleExecuted: 0,
    moduleFailed: 0,
    lastExecutionMs: null,
    lastModuleExecutionMs: null,
    transactions: [],
    recorded: new Map(),
  }),
  apply(state, event) {
    applyConfiguration(state, event);
    applyExecution(state, event);
  },
  view(target, state, snapshot: GovernanceSnapshot | null) {
    const read = snapshot?.state;
    const owners = read ? stringList(read.owners) : state.owners;
    const threshold = read ? integer(read.threshold) : state.threshold;
    // Every executed Safe transaction, successful or not, used one nonce: from SafeSetup on, they count it.
    const nonce = read ? integer(read.nonce) : state.fromSetup ? state.executed + state.failed : null;
    return {
      source: read ? 'snapshot' : 'events',
      owners,
      threshold,
      nonce,
      modules: read ? (stringList(read.modules) ?? []) : state.modules,
      guard: read ? text(read.guard) : state.guard,
      moduleGuard: read ? text(read.moduleGuard) : state.moduleGuard,
      version: read ? text(read.version) : null,
      policy: owners !== null && threshold !== null ? thresholdPolicy(owners.length, threshold, target.settings) : null,
      changes: [...state.changes].reverse(),
      executed: state.executed,
      failed: state.failed,
      moduleExecuted: state.moduleExecuted,
      moduleFailed: state.moduleFailed,
      lastExecutionMs: state.lastExecutionMs,
      lastModuleExecutionMs: state.lastModuleExecutionMs,
      transactions: [...state.transactions].reverse(),
    };
  },
};
