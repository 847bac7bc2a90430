// What a governance kind (governor, timelock, Safe, proxy) is: one object that holds everything about the
// contracts of that kind, so that the tracker, the metrics, the alert source and the API are the same code
// for every kind. A kind names its events and how it reads the contracts (ingestion), folds events into its
// state and derives its view (the model, pure), and says what the generic code takes from that view: the
// proposal transitions and SLI outcomes it decides, its gauges, its alert rules and its API routes.

import type { AbiEvent, Address, Hex } from 'viem';
import type { z } from 'zod';
import type { Severity } from '../../domain/alert.js';
import type {
  EventValue,
  GovernanceEvent,
  GovernanceOutcome,
  GovernanceSnapshot,
  GovernanceTarget,
  ProposalState,
} from '../../domain/governance.js';
import type { GovernanceDecoder } from '../decode/governance-decoder.js';
import type { ExecutionPlan } from '../simulate/simulate.js';
import type { GovernanceStore } from '../governance-store.js';
import type { CallReads, ContractReads, FoundCall, TargetCollector } from '../ingest/kind.js';
import type { GovernanceRoute, KindTargets } from './api.js';

/** A gauge labelled chain and target; with `label`, one series per value of a fixed set (state, status). */
export interface GovernanceGauge {
  name: string;
  help: string;
  label?: 'state' | 'status' | 'matcher';
}

/** A kind's value of a gauge, from its view: a number (null: absent), or counts for a labelled gauge. */
export type GaugeContribution<View> =
  | { gauge: GovernanceGauge & { label?: undefined }; value(view: View, nowMs: number): number | null }
  | {
      gauge: GovernanceGauge & { label: 'state' | 'status' | 'matcher' };
      counts(view: View): Readonly<Record<string, number>>;
    };

/** One series of an alert rule, as the alerting engine judges it. */
export interface GovernanceSignal {
  labels: Record<string, string>;
  value: number | null;
  condition(): boolean | null;
  /** Lines added to the alert's description: what a decision's calls do. */
  details?: string[];
}

/** What alert rules read from the alerting config. */
export interface GovernanceAlertContext {
  /** How long a change alert fires after the change's block. */
  changeHoldMs: number;
  /** Decodes a decision's calls, for the lines a signal adds to its alert's description. */
  decoder: GovernanceDecoder;
}

/** What the alert source gives a reading; the tracker adds its decoder. */
export type AlertSourceContext = Omit<GovernanceAlertContext, 'decoder'>;

export interface GovernanceAlertRule {
  name: string;
  severity: Severity;
  summary: string;
  description: string;
}

export interface GovernanceAlertSpec<Target, View> extends GovernanceAlertRule {
  /** The series of one target. */
  signals(target: Target, view: View, nowMs: number, context: GovernanceAlertContext): GovernanceSignal[];
}

/** A state a proposal entered, as the store keeps its timeline. */
export interface ProposalTransition {
  proposalId: string;
  state: ProposalState;
  atMs: number;
}

export interface Decisions {
  transitions: ProposalTransition[];
  /** Every SLI outcome decided so far; the tracker keeps the first of each. */
  outcomes: GovernanceOutcome[];
}

/**
 * A kind's own keys in a `governance:` entry, beside those every target has (`governance-schema.ts`), and the
 * settings of its target that they give.
 */
export interface GovernanceKindConfig<Settings> {
  /** What the kind is, as the config reference says under `kind`: "an EIP-1967 proxy". */
  description: string;
  fields: z.ZodRawShape;
  /** The settings from a parsed entry of the kind. */
  settings(config: Record<string, unknown>): Settings;
}

/** A kind's config, typed by its fields where it is written, behind one type where it is read. */
export function governanceKindConfig<Fields extends z.ZodRawShape, Settings>(config: {
  description: string;
  fields: Fields;
  settings(config: z.output<z.ZodObject<Fields>>): Settings;
}): GovernanceKindConfig<Settings> {
  return config as GovernanceKindConfig<Settings>;
}

/** A decision still to run that ERE simulates before it does: a proposal, a timelock operation. */
export interface VerifiableDecision {
  type: 'proposal' | 'operation';
  /** The proposal id, or the operation id. */
  id: string;
  /** Where it stands (`pending`, `succeeded`, `queued`, `scheduled`); each new stage is simulated again. */
  stage: string;
  /** When it can execute at the earliest (its ETA), ms; null when not scheduled yet. */
  executableAtMs: number | null;
  /** Until when a simulation still helps a vote (the end of voting), ms; null for a decision without a vote. */
  voteEndsAtMs: number | null;
  calls: { target: string; value: string; data: string; signature: string }[];
  /** How it runs on a fork, or why ERE cannot simulate it. */
  plan: ExecutionPlan | { unsupported: string };
  /** The accounts whose funds it spends and whose code runs it. */
  treasury: Address[];
}

/** A multisig's owners now, and the threshold its policy asks of a count of owners (null: no policy). */
export interface SignerPolicy {
  owners: number;
  threshold: number;
  required(owners: number): number | null;
}

/** Everything about one kind, typed by its target, its state and its view. */
export interface GovernanceKindSpec<Target extends GovernanceTarget, State, View> {
  name: Target['kind'];
  /** Its keys in the config, and the settings they give. */
  config: GovernanceKindConfig<Target['settings']>;
  /**
   * Every event the kind decodes; variants of one event (indexed or not) may be listed side by side. A kind
   * whose events depend on the target's config (a contract watch's matchers) gives them per target.
   */
  events: readonly AbiEvent[] | ((target: Target) => readonly AbiEvent[]);
  /** The contracts whose logs belong to the target: the target itself, and e.g. a governor's token. */
  addresses(target: Target, reads: ContractReads, previous: Record<string, EventValue> | null): Promise<Address[]>;
  /** Which decoded events are stored; absent: every one. */
  keep?(target: Target, name: string, args: Record<string, EventValue>): boolean;
  /** Calls to the target found in blocks `from`…`to`, stored as its events; absent: logs only. */
  calls?(target: Target, reads: CallReads, from: number, to: number): Promise<FoundCall[]>;
  /** What an event is about, for lookups (a proposal id, an operation id, an owner), or null. */
  keyOf(name: string, args: Record<string, EventValue>): string | null;
  /** What an event's meaning needs from the state just before it (see TargetCollector); absent: nothing. */
  argsBefore?(target: Target, name: string, reads: ContractReads, txHash: Hex): Promise<Record<string, EventValue>>;
  /**
   * The state read directly at `reads.blockNumber`, as JSON. `state` is folded up to the step, whose
   * `events` are not folded yet; `previous` is the last snapshot, if any.
   */
  snapshot(
    target: Target,
    reads: ContractReads,
    step: { state: State; events: readonly GovernanceEvent[] },
    previous: Record<string, EventValue> | null,
  ): Promise<Record<string, EventValue>>;
  initial(): State;
  /** Folds one event into the state (mutating it); events arrive in (block, log index) order. Pure. */
  apply(state: State, event: GovernanceEvent, target: Target): void;
  /** What the API, metrics and alerts show, at `nowMs`. Pure. */
  view(target: Target, state: State, snapshot: GovernanceSnapshot | null, nowMs: number): View;
  /** The proposal transitions and SLI outcomes the view decides at `atMs`; absent: the kind decides none. */
  decisions?(target: Target, view: View, atMs: number): Decisions;
  /** For a proxy kind: the implementation behind the target's address, which calls to it are decoded against. */
  implementation?(view: View): Address | null;
  /** The decisions still to run, which ERE simulates; absent: the kind has none. */
  verifiable?(target: Target, view: View, snapshot: GovernanceSnapshot | null): VerifiableDecision[];
  /** For a multisig kind: its owners now and the threshold its policy asks of a count of owners. */
  signers?(target: Target, view: View): SignerPolicy | undefined;
  gauges: readonly GaugeContribution<View>[];
  alerts: readonly GovernanceAlertSpec<Target, View>[];
  /** The kind's own API routes, over its targets and their views. */
  routes(targets: KindTargets<Target, View>): GovernanceRoute[];
}

/** One target's view at one time, with what the metrics and the alert source read from it. */
export interface TargetReading {
  readonly target: GovernanceTarget;
  /** The kind's own view. */
  readonly view: unknown;
  /** The target's value of a gauge; null when unknown, or when its kind has no part in the gauge. */
  value(gauge: GovernanceGauge, nowMs: number): number | null;
  /** The counts of a labelled gauge; null when its kind has no part in it. */
  counts(gauge: GovernanceGauge): Readonly<Record<string, number>> | null;
  /** The series of one alert rule; none for another kind's rule. */
  signals(rule: string, nowMs: number, context: AlertSourceContext): GovernanceSignal[];
  /** The implementation behind the target's address, for a proxy; null otherwise or when unknown. */
  implementation(): Address | null;
}

/** One target of a kind as the tracker holds it: its state and last snapshot, behind the kind's own types. */
export interface TrackedTarget {
  readonly target: GovernanceTarget;
  /** What ingestion asks of the target's contracts. */
  readonly collector: TargetCollector;
  /** The last direct read. */
  snapshot: GovernanceSnapshot | null;
  /** Back to the initial state, before a replay. */
  reset(): void;
  apply(event: GovernanceEvent): void;
  /** What the view decides at `atMs` with that snapshot; nothing before the first snapshot. */
  decisions(snapshot: GovernanceSnapshot | null, atMs: number): Decisions;
  /** The decisions still to run, at `nowMs`, to simulate. */
  verifiable(nowMs: number): VerifiableDecision[];
  /** For a multisig: its owners and threshold policy at `nowMs`. */
  signers(nowMs: number): SignerPolicy | undefined;
  reading(nowMs: number): TargetReading;
}

/** What a kind's routes look targets up in: the tracker's targets of every kind, and the store. */
export interface RouteAccess {
  target(id: string): GovernanceTarget | undefined;
  store: GovernanceStore;
  now(): number;
}

/** A kind behind one type, whatever its target, state and view: what the list of kinds holds. */
export interface GovernanceKind {
  readonly name: GovernanceTarget['kind'];
  readonly config: GovernanceKindConfig<unknown>;
  /** The gauges it has a part in. */
  readonly gauges: readonly GovernanceGauge[];
  readonly alerts: readonly GovernanceAlertRule[];
  /** A fresh set of this kind's targets, for one tracker, decoding with its decoder (by default, one without ABIs). */
  open(decoder?: GovernanceDecoder): KindTargetSet;
}

export interface KindTargetSet {
  /** Tracks a target of this kind; null for a target of another kind. */
  track(target: GovernanceTarget): TrackedTarget | null;
  routes(access: RouteAccess): GovernanceRoute[];
}

/** Overdue proposals (governor) and operations (timelock) share one gauge. */
export const overdueExecutionsGauge = {
  name: 'ere_governance_overdue_executions',
  help:
    'Proposals (governor) or operations (timelock) executable for ' +
    'longer than the execution grace without being executed.',
} satisfies GovernanceGauge;

/** A kind's model: the pure functions that fold events into its state and derive its view. */
export type GovernanceModel<Target extends GovernanceTarget, State, View> = Pick<
  GovernanceKindSpec<Target, State, View>,
  'initial' | 'apply' | 'view'
>;
