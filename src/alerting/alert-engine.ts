// Evaluates every alert rule each cycle: steps each series' alert through the lifecycle, and in one
// transaction persists the alerts, their transitions and the notifications those transitions (and repeat
// intervals, and silences ending) call for, so that a crash can lose neither a transition nor its
// notification. Alerts and what each receiver was told are reloaded at start: after a restart a firing
// alert is still firing and is not paged again.

import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../domain/clock.js';
import type { AlertSnapshot, NotificationKind } from '../domain/alert.js';
import { EreError } from '../domain/errors.js';
import { inhibitingRule, type InhibitRule } from './inhibition.js';
import { planFiring, planResolved, type LastTold, type PlannedNotification, type ReceiverPolicy } from './plan.js';
import { groupOf, routeAlert, type ResolvedRoute, type RouteNode } from './route-tree.js';
import { silencingIds, validateSilence, type Silence } from './silences.js';
import type { Matcher } from './matchers.js';
import { AlertStore, type AlertRecord, type TransitionRecord } from './alert-store.js';
import { Outbox } from '../notify/outbox.js';
import { alertLabels, type AlertRule, type AlertSignal } from './alert-rule.js';
import { fingerprintOf, sortedLabels } from './fingerprint.js';
import { inactiveState, stepLifecycle, tickToleranceMs, type LifecycleState } from './lifecycle.js';
import { renderTemplate } from './template.js';

export interface AlertRouting {
  root: RouteNode;
  inhibitRules: readonly InhibitRule[];
  /** Per receiver id: whether it wants resolved notifications, and its own re-send interval if any. */
  receivers: ReadonlyMap<string, { sendResolved: boolean; resendIntervalMs?: number | undefined }>;
}

export interface AlertEngineOptions {
  clock: Clock;
  routing: AlertRouting;
  /** How often `evaluate` runs: a tick a little early (timer jitter) still fires a `for` that is due. */
  evaluationIntervalMs?: number;
  /** ERE's base URL, for the links notifications carry. */
  externalUrl: string;
  /** Told of each transition once it is persisted. */
  onTransition?: (transition: TransitionRecord) => void;
  /** Told of the notifications a cycle queued, once persisted (the delivery worker wakes up). */
  onQueued?: (queued: readonly { receiver: string; status: 'pending' | 'suppressed' }[]) => void;
  /** A rule whose series could not be listed: its alerts keep their state this cycle. */
  onRuleError?: (rule: AlertRule, error: unknown) => void;
}

export class SilenceError extends EreError {
  override name = 'SilenceError';
  /** What validateSilence found wrong, each as `<field>: <problem>`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid silence: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** An active alert with what routing and muting make of it now. */
export interface ActiveAlert extends AlertRecord {
  silencedBy: string[];
  inhibited: boolean;
  receivers: string[];
}

interface Change {
  fingerprint: string;
  rule: AlertRule;
  /** The alert after this cycle; null when it resolved or went inactive. */
  record: AlertRecord | null;
  transition: Omit<TransitionRecord, 'id'> | null;
  transitionId?: number;
}

const ruleKey = (rule: { name: string; severity: string }) => `${rule.name}/${rule.severity}`;

export class AlertEngine {
  /** What the engine persists, for the API and the delivery worker to read. */
  readonly store: AlertStore;
  readonly outbox: Outbox;
  private alerts = new Map<string, AlertRecord>();
  /** fingerprint → receiver → the latest notification it was sent (or suppressed). */
  private readonly told = new Map<string, Map<string, LastTold>>();
  private silenceList: Silence[];

  constructor(
    db: Database,
    private readonly rules: readonly AlertRule[],
    private readonly options: AlertEngineOptions,
  ) {
    this.store = new AlertStore(db);
    this.outbox = new Outbox(db);
    for (const alert of this.store.alerts()) this.alerts.set(alert.fingerprint, alert);
    for (const row of this.outbox.latestOfActiveAlerts()) this.remember(row.fingerprint, row.receiver, row);
    this.silenceList = this.store.silences();
  }

  /** One cycle: returns the transitions it persisted. */
  evaluate(): TransitionRecord[] {
    const nowMs = this.options.clock.now();
    const changes = this.step(nowMs);
    const next = new Map(this.alerts);
    for (const change of changes) {
      if (change.record) next.set(change.fingerprint, change.record);
      else next.delete(change.fingerprint);
    }
    const queued: { fingerprint: string; receiver: string; told: LastTold; status: 'pending' | 'suppressed' }[] = [];
    const transitions: TransitionRecord[] = [];
    this.store.transaction(() => {
      for (const change of changes) {
        if (change.transition) {
          change.transitionId = this.store.insertTransition(change.transition);
          transitions.push({ id: change.transitionId, ...change.transition });
          if (change.record && change.transition.to === 'firing')
            change.record.firingTransitionId = change.transitionId;
        }
        if (change.record) this.store.saveAlert(change.record);
        else this.store.deleteAlert(change.fingerprint);
      }
      // Each alert is planned once per receiver per cycle (a firing alert, or one resolving now), so what
      // the receiver was told before this cycle is all a plan needs.
      const told = (fingerprint: string) => (receiver: string) => this.told.get(fingerprint)?.get(receiver);
      const firing = [...next.values()].filter((alert) => alert.state === 'firing');
      for (const alert of firing) {
        const routes = this.routesOf(alert.labels);
        const planned = planFiring({
          firingTransitionId: alert.firingTransitionId!,
          acknowledged: alert.ack !== null,
          muted: this.mutedBy(alert, firing, nowMs),
          receivers: routes.map((route) => this.policy(route)),
          lastTold: told(alert.fingerprint),
          nowMs,
        });
        for (const plan of planned) queued.push(this.enqueue(alert, plan, routes, nowMs));
      }
      for (const change of changes) {
        if (change.transition?.to !== 'resolved') continue;
        const previous = this.alerts.get(change.fingerprint)!;
        const routes = this.routesOf(previous.labels);
        const receivers = [...(this.told.get(change.fingerprint)?.keys() ?? [])].filter((receiver) =>
          this.options.routing.receivers.has(receiver),
        );
        const planned = planResolved({
          resolveTransitionId: change.transitionId!,
          receivers: receivers.map((receiver) =>
            this.policy(routes.find((route) => route.receiver === receiver) ?? { ...routes[0]!, receiver }),
          ),
          lastTold: told(change.fingerprint),
        });
        const resolved = { ...previous, value: change.transition.value, annotations: change.transition.annotations };
        for (const plan of planned) queued.push(this.enqueue(resolved, plan, routes, nowMs, nowMs));
      }
    });
    this.alerts = next;
    for (const entry of queued) this.remember(entry.fingerprint, entry.receiver, entry.told);
    for (const change of changes) if (!change.record) this.told.delete(change.fingerprint);
    for (const transition of transitions) this.options.onTransition?.(transition);
    if (queued.length > 0) this.options.onQueued?.(queued);
    return transitions;
  }

  /** The pending and firing alerts, firing first, with their muting and receivers now. */
  active(): ActiveAlert[] {
    const nowMs = this.options.clock.now();
    const firing = [...this.alerts.values()].filter((alert) => alert.state === 'firing');
    return [...this.alerts.values()]
      .sort((a, b) => (a.state === b.state ? a.activeSinceMs - b.activeSinceMs : a.state === 'firing' ? -1 : 1))
      .map((alert) => ({
        ...alert,
        silencedBy: silencingIds(this.silenceList, alert.labels, nowMs),
        inhibited:
          alert.state === 'firing' && inhibitingRule(this.options.routing.inhibitRules, alert, firing) !== null,
        receivers: [...new Set(this.routesOf(alert.labels).map((route) => route.receiver))],
      }));
  }

  get(fingerprint: string): AlertRecord | undefined {
    return this.alerts.get(fingerprint);
  }

  /** Acknowledges an active alert: no more reminders until it resolves. Null when there is no such alert. */
  acknowledge(fingerprint: string, ack: { by: string; comment: string }): AlertRecord | null {
    const alert = this.alerts.get(fingerprint);
    if (!alert) return null;
    const acked = { ...alert, ack: { by: ack.by, comment: ack.comment, atMs: this.options.clock.now() } };
    this.store.saveAck(fingerprint, acked.ack);
    this.alerts.set(fingerprint, acked);
    return acked;
  }

  silences(): Silence[] {
    return [...this.silenceList];
  }

  /** Creates a silence; throws SilenceError listing what is wrong with it. */
  addSilence(input: {
    matchers: Matcher[];
    startsAtMs?: number | undefined;
    endsAtMs: number;
    createdBy: string;
    comment: string;
  }): Silence {
    const nowMs = this.options.clock.now();
    const candidate = { ...input, startsAtMs: input.startsAtMs ?? nowMs };
    const problems = validateSilence(candidate, nowMs);
    if (problems.length > 0) throw new SilenceError(problems);
    const silence: Silence = { id: randomUUID(), ...candidate, createdAtMs: nowMs, updatedAtMs: nowMs };
    this.store.saveSilence(silence);
    this.silenceList = [...this.silenceList, silence];
    return silence;
  }

  /** Ends a silence now (it stays listed, expired). Null when there is no such silence. */
  expireSilence(id: string): Silence | null {
    const silence = this.silenceList.find((candidate) => candidate.id === id);
    if (!silence) return null;
    const nowMs = this.options.clock.now();
    const expired = {
      ...silence,
      startsAtMs: Math.min(silence.startsAtMs, nowMs),
      endsAtMs: Math.min(silence.endsAtMs, nowMs),
      updatedAtMs: nowMs,
    };
    this.store.saveSilence(expired);
    this.silenceList = this.silenceList.map((candidate) => (candidate.id === id ? expired : candidate));
    return expired;
  }

  /** Firing and pending alerts per severity, for the metrics. */
  countsBySeverity(): { state: 'pending' | 'firing'; severity: string; count: number }[] {
    const counts = new Map<string, { state: 'pending' | 'firing'; severity: string; count: number }>();
    for (const alert of this.alerts.values()) {
      const key = `${alert.state}/${alert.severity}`;
      const entry = counts.get(key) ?? { state: alert.state, severity: alert.severity, count: 0 };
      entry.count += 1;
      counts.set(key, entry);
    }
    return [...counts.values()];
  }

  /** Steps every series of every rule, and resolves the alerts whose series are gone. */
  private step(nowMs: number): Change[] {
    const changes: Change[] = [];
    const seen = new Set<string>();
    const rulesByKey = new Map(this.rules.map((rule) => [ruleKey(rule), rule]));
    const tolerance = tickToleranceMs(this.options.evaluationIntervalMs ?? 0);
    for (const rule of this.rules) {
      let signals: AlertSignal[];
      try {
        signals = rule.signals();
      } catch (error) {
        this.options.onRuleError?.(rule, error);
        for (const alert of this.alerts.values())
          if (ruleKey({ name: alert.rule, severity: alert.severity }) === ruleKey(rule)) seen.add(alert.fingerprint);
        continue;
      }
      for (const signal of signals) {
        const labels = sortedLabels(alertLabels(rule, signal));
        const fingerprint = fingerprintOf(labels);
        if (seen.has(fingerprint)) continue;
        seen.add(fingerprint);
        const current = this.alerts.get(fingerprint);
        const step = stepLifecycle(
          current ? lifecycleOf(current) : inactiveState,
          signal.condition(current !== undefined),
          nowMs,
          rule.timing,
          tolerance,
        );
        const change = this.change(
          rule,
          fingerprint,
          labels,
          signal.value ?? current?.value ?? null,
          current,
          step.next,
          step.transition,
          nowMs,
          signal.details,
        );
        if (change) changes.push(change);
      }
    }
    for (const [fingerprint, current] of this.alerts) {
      if (seen.has(fingerprint)) continue;
      // Its series is gone (the endpoint or the rule was removed from the config): it ends now.
      const rule = rulesByKey.get(ruleKey({ name: current.rule, severity: current.severity })) ?? orphanRule(current);
      const next: LifecycleState =
        current.state === 'firing' ? { ...lifecycleOf(current), state: 'resolved' } : inactiveState;
      changes.push(
        this.change(
          rule,
          fingerprint,
          current.labels,
          current.value,
          current,
          next,
          { from: current.state, to: next.state },
          nowMs,
        )!,
      );
    }
    return changes;
  }

  private change(
    rule: AlertRule,
    fingerprint: string,
    labels: Record<string, string>,
    value: number | null,
    current: AlertRecord | undefined,
    next: LifecycleState,
    transition: { from: string; to: string } | null,
    nowMs: number,
    details?: readonly string[],
  ): Change | null {
    const active = next.state === 'pending' || next.state === 'firing';
    if (!active && !transition) return null;
    const annotations =
      current && Object.keys(rule.annotations).length === 0 && !details?.length
        ? current.annotations
        : this.render(rule, labels, value, details);
    const record: AlertRecord | null = active
      ? {
          fingerprint,
          rule: rule.name,
          severity: rule.severity,
          labels,
          annotations,
          state: next.state as 'pending' | 'firing',
          value,
          activeSinceMs: next.activeSinceMs ?? nowMs,
          firingSinceMs: next.firingSinceMs,
          lastActiveMs: next.lastActiveMs ?? nowMs,
          firingTransitionId: current?.firingTransitionId ?? null,
          ack: current?.ack ?? null,
          updatedAtMs: nowMs,
        }
      : null;
    return {
      fingerprint,
      rule,
      record,
      transition: transition && {
        fingerprint,
        rule: rule.name,
        severity: rule.severity,
        labels,
        annotations,
        from: transition.from as TransitionRecord['from'],
        to: transition.to as TransitionRecord['to'],
        atMs: nowMs,
        value,
        startsAtMs: next.state === 'firing' || next.state === 'resolved' ? next.firingSinceMs : null,
      },
    };
  }

  private render(
    rule: AlertRule,
    labels: Record<string, string>,
    value: number | null,
    details?: readonly string[],
  ): Record<string, string> {
    const rendered: Record<string, string> = Object.fromEntries(
      Object.entries(rule.annotations).map(([name, template]) => [name, renderTemplate(template, { labels, value })]),
    );
    if (details?.length)
      rendered.description = [rendered.description, ...details].filter((line) => line !== undefined).join('\n');
    return rendered;
  }

  private routesOf(labels: Record<string, string>): ResolvedRoute[] {
    const seen = new Set<string>();
    const { receivers } = this.options.routing;
    return routeAlert(this.options.routing.root, labels).filter(
      (route) => receivers.has(route.receiver) && !seen.has(route.receiver) && seen.add(route.receiver),
    );
  }

  private policy(route: ResolvedRoute): ReceiverPolicy {
    const receiver = this.options.routing.receivers.get(route.receiver);
    return {
      receiver: route.receiver,
      repeatIntervalMs: route.repeatIntervalMs,
      resendIntervalMs: receiver?.resendIntervalMs,
      sendResolved: receiver?.sendResolved ?? true,
    };
  }

  private mutedBy(alert: AlertRecord, firing: readonly AlertRecord[], nowMs: number): string | null {
    const silences = silencingIds(this.silenceList, alert.labels, nowMs);
    if (silences.length > 0) return `silenced by ${silences.join(', ')}`;
    const rule = inhibitingRule(this.options.routing.inhibitRules, alert, firing);
    return rule === null ? null : `inhibited by inhibit rule ${rule}`;
  }

  private enqueue(
    alert: AlertRecord,
    plan: PlannedNotification,
    routes: readonly ResolvedRoute[],
    nowMs: number,
    resolvedAtMs: number | null = null,
  ) {
    const route = routes.find((candidate) => candidate.receiver === plan.receiver) ?? {
      ...routes[0]!,
      receiver: plan.receiver,
    };
    const group = groupOf(route, alert.labels);
    const dueAtMs =
      plan.status === 'suppressed' || plan.kind === 'reminder'
        ? nowMs
        : this.outbox.groupDueAt(plan.receiver, group.key, nowMs, route);
    const snapshot = this.snapshot(alert, plan.kind, resolvedAtMs);
    this.outbox.insert({
      transitionId: plan.transitionId,
      seq: plan.seq,
      fingerprint: alert.fingerprint,
      receiver: plan.receiver,
      groupKey: group.key,
      groupLabels: group.groupLabels,
      kind: plan.kind,
      status: plan.status,
      reason: plan.reason,
      alert: snapshot,
      createdAtMs: nowMs,
      dueAtMs,
    });
    const told: LastTold = {
      transitionId: plan.transitionId,
      seq: plan.seq,
      kind: plan.kind,
      status: plan.status,
      createdAtMs: nowMs,
    };
    return { fingerprint: alert.fingerprint, receiver: plan.receiver, told, status: plan.status };
  }

  private snapshot(alert: AlertRecord, kind: NotificationKind, resolvedAtMs: number | null): AlertSnapshot {
    return {
      fingerprint: alert.fingerprint,
      rule: alert.rule,
      labels: alert.labels,
      annotations: alert.annotations,
      severity: alert.severity,
      status: kind === 'resolved' ? 'resolved' : 'firing',
      startsAtMs: alert.firingSinceMs ?? alert.activeSinceMs,
      endsAtMs: kind === 'resolved' ? resolvedAtMs : null,
      value: alert.value,
      generatorUrl: `${this.options.externalUrl}/api/v1/alerts/${alert.fingerprint}`,
    };
  }

  private remember(fingerprint: string, receiver: string, told: LastTold): void {
    let byReceiver = this.told.get(fingerprint);
    if (!byReceiver) this.told.set(fingerprint, (byReceiver = new Map()));
    byReceiver.set(receiver, {
      transitionId: told.transitionId,
      seq: told.seq,
      kind: told.kind,
      status: told.status,
      createdAtMs: told.createdAtMs,
    });
  }
}

function lifecycleOf(alert: AlertRecord): LifecycleState {
  return {
    state: alert.state,
    activeSinceMs: alert.activeSinceMs,
    firingSinceMs: alert.firingSinceMs,
    lastActiveMs: alert.lastActiveMs,
  };
}

/** A stand-in for a rule no longer in the config, so that its alerts can resolve. */
function orphanRule(alert: AlertRecord): AlertRule {
  return {
    name: alert.rule,
    severity: alert.severity,
    source: 'removed',
    timing: { forMs: 0, keepFiringForMs: 0 },
    labels: {},
    annotations: {},
    signals: () => [],
  };
}
