// Turns a kind's typed parts into the one type the list of kinds holds. Each target's state stays typed by
// its kind inside the closures made here, so the tracker, metrics, alerts and API never cast a state or a
// view: they go through TrackedTarget, TargetReading and the kind's own routes.

import type { EventValue, GovernanceSnapshot, GovernanceTarget } from '../../domain/governance.js';
import type { CallReads } from '../ingest/kind.js';
import { GovernanceDecoder } from '../decode/governance-decoder.js';
import { GovernanceNotFoundError, type KindTargets } from './api.js';
import type {
  Decisions,
  GovernanceKind,
  GovernanceKindSpec,
  RouteAccess,
  TargetReading,
  TrackedTarget,
} from './kind.js';

interface TargetRecord<Target, State> {
  target: Target;
  state: State;
  snapshot: GovernanceSnapshot | null;
}

const noDecisions = (): Decisions => ({ transitions: [], outcomes: [] });

function readingOf<Target extends GovernanceTarget, State, View>(
  spec: GovernanceKindSpec<Target, State, View>,
  target: Target,
  view: View,
  decoder: GovernanceDecoder,
): TargetReading {
  return {
    target,
    view,
    value(gauge, nowMs) {
      const part = spec.gauges.find((candidate) => candidate.gauge.name === gauge.name);
      return part && 'value' in part ? part.value(view, nowMs) : null;
    },
    counts(gauge) {
      const part = spec.gauges.find((candidate) => candidate.gauge.name === gauge.name);
      return part && 'counts' in part ? part.counts(view) : null;
    },
    signals(rule, nowMs, context) {
      const alert = spec.alerts.find((candidate) => candidate.name === rule);
      return alert?.signals(target, view, nowMs, { ...context, decoder }) ?? [];
    },
    implementation: () => spec.implementation?.(view) ?? null,
  };
}

function trackedTarget<Target extends GovernanceTarget, State, View>(
  spec: GovernanceKindSpec<Target, State, View>,
  record: TargetRecord<Target, State>,
  decoder: GovernanceDecoder,
): TrackedTarget {
  const { target } = record;
  return {
    target,
    collector: {
      events: typeof spec.events === 'function' ? spec.events(target) : spec.events,
      ...(spec.keep
        ? { keep: (name: string, args: Record<string, EventValue>) => spec.keep!(target, name, args) }
        : {}),
      ...(spec.calls
        ? { calls: (reads: CallReads, from: number, to: number) => spec.calls!(target, reads, from, to) }
        : {}),
      addresses: (reads, previous) => spec.addresses(target, reads, previous),
      keyOf: (name, args) => spec.keyOf(name, args),
      argsBefore: async (name, reads, txHash) => (spec.argsBefore ? spec.argsBefore(target, name, reads, txHash) : {}),
      snapshot: (reads, events, previous) => spec.snapshot(target, reads, { state: record.state, events }, previous),
    },
    get snapshot() {
      return record.snapshot;
    },
    set snapshot(snapshot) {
      record.snapshot = snapshot;
    },
    reset() {
      record.state = spec.initial();
    },
    apply(event) {
      spec.apply(record.state, event, target);
    },
    decisions(snapshot, atMs) {
      if (!spec.decisions || snapshot === null) return noDecisions();
      return spec.decisions(target, spec.view(target, record.state, snapshot, atMs), atMs);
    },
    verifiable(nowMs) {
      if (!spec.verifiable) return [];
      return spec.verifiable(target, spec.view(target, record.state, record.snapshot, nowMs), record.snapshot);
    },
    signers: (nowMs) => spec.signers?.(target, spec.view(target, record.state, record.snapshot, nowMs)),
    reading: (nowMs) => readingOf(spec, target, spec.view(target, record.state, record.snapshot, nowMs), decoder),
  };
}

function kindTargets<Target extends GovernanceTarget, State, View>(
  spec: GovernanceKindSpec<Target, State, View>,
  records: ReadonlyMap<string, TargetRecord<Target, State>>,
  access: RouteAccess,
  decoder: GovernanceDecoder,
): KindTargets<Target, View> {
  return {
    decoder,
    all: () => [...records.values()].map((record) => record.target),
    one(id) {
      const record = records.get(id);
      if (record) return record.target;
      const other = access.target(id);
      throw new GovernanceNotFoundError(
        other ? `governance target "${id}" is a ${other.kind}, not a ${spec.name}` : `no governance target "${id}"`,
      );
    },
    view(target) {
      const record = records.get(target.id);
      return spec.view(target, record?.state ?? spec.initial(), record?.snapshot ?? null, access.now());
    },
    store: access.store,
  };
}

export function defineGovernanceKind<Target extends GovernanceTarget, State, View>(
  spec: GovernanceKindSpec<Target, State, View>,
): GovernanceKind {
  const ofKind = (target: GovernanceTarget): target is Target => target.kind === spec.name;
  return {
    name: spec.name,
    config: spec.config,
    gauges: spec.gauges.map((part) => part.gauge),
    alerts: spec.alerts.map(({ name, severity, summary, description }) => ({ name, severity, summary, description })),
    open(decoder = new GovernanceDecoder([], [])) {
      const records = new Map<string, TargetRecord<Target, State>>();
      return {
        track(target) {
          if (!ofKind(target)) return null;
          const record: TargetRecord<Target, State> = { target, state: spec.initial(), snapshot: null };
          records.set(target.id, record);
          return trackedTarget(spec, record, decoder);
        },
        routes: (access) => spec.routes(kindTargets(spec, records, access, decoder)),
      };
    },
  };
}
