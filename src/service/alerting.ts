// Wires alerting together for the service: the rules from the config's sources, the engine, the receivers
// built from the config, the delivery worker that drains the outbox, and their metrics.

import type { Database } from 'better-sqlite3';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import type { SloDefinition } from '../domain/slo.js';
import type { Logger } from '../log/logger.js';
import { createAlertMetrics } from '../alerting/alert-metrics.js';
import type { AlertRule } from '../alerting/alert-rule.js';
import { governanceSource, type GovernanceReader } from '../alerting/sources/governance.js';
import { verificationSource } from '../alerting/sources/verification.js';
import type { DecisionVerifier } from '../governance/verify/verifier.js';
import { sloSource } from '../alerting/sources/index.js';
import { validatorSource, type ValidatorAlertReader } from '../alerting/sources/validators.js';
import { isShippedRule, thresholdAlertRules } from '../alerting/threshold-rules.js';
import { withRunbookLinks } from '../alerting/runbooks.js';
import { AlertEngine } from '../alerting/alert-engine.js';
import type { SloStatus } from '../slo/status.js';
import type { AlertStore } from '../alerting/alert-store.js';
import type { Outbox } from '../notify/outbox.js';
import { DeliveryWorker, type ReceiverRuntime } from '../notify/delivery-worker.js';
import { receiverKind } from '../notify/receivers/index.js';
import type { Capability, ServiceContext } from './capability.js';
import { evaluationRun } from './evaluation.js';

export interface Alerting {
  engine: AlertEngine;
  store: AlertStore;
  outbox: Outbox;
  worker: DeliveryWorker;
  evaluate(): void;
  stop(): Promise<void>;
}

export function sloAlertRules(
  config: Config,
  slos: readonly SloDefinition[],
  status: (slo: string) => SloStatus | null,
): AlertRule[] {
  return sloSource.createRules({ definitions: slos, status, config: config.alerting.sloAlerts });
}

export function governanceAlertRules(
  config: Config,
  reader: GovernanceReader,
  clock: Clock,
  verifier: DecisionVerifier | null = null,
  apiUrl: () => string = () => configuredExternalUrl(config),
): AlertRule[] {
  const { governance } = config.alerting;
  const verification = verifier
    ? verificationSource.createRules({
        verifier,
        targets: () => reader.targets(),
        config: { enabled: governance.enabled, severities: governance.severities, labels: governance.labels, apiUrl },
      })
    : [];
  return [
    ...governanceSource.createRules({
      reader,
      now: () => clock.now(),
      config: {
        enabled: governance.enabled,
        changeHoldMs: governance.changeHold,
        ingestionFailingForMs: governance.ingestionFailingFor,
        severities: governance.severities,
        labels: governance.labels,
      },
    }),
    ...verification,
  ];
}

export function validatorAlertRules(config: Config, reader: ValidatorAlertReader, clock: Clock): AlertRule[] {
  const { validators } = config.alerting;
  return validatorSource.createRules({
    reader,
    now: () => clock.now(),
    config: {
      enabled: validators.enabled,
      missedInARow: validators.missedInARow,
      missRate: validators.missRate,
      minDuties: validators.minDuties,
      eventHoldMs: validators.eventHold,
      processingBehindEpochs: validators.processingBehindEpochs,
      severities: validators.severities,
      labels: validators.labels,
    },
  });
}

/** The base URL notifications link to: `server.publicUrl`, else the configured listen address. */
export function configuredExternalUrl(config: Config): string {
  return config.server.publicUrl?.replace(/\/+$/, '') ?? `http://${config.server.host}:${config.server.port}`;
}

/** Every receiver secret in the config, for the log scrubber. */
export function receiverSecrets(config: Config): string[] {
  return config.alerting.receivers.flatMap((receiver) => receiverKind(receiver.kind)?.secrets(receiver.settings) ?? []);
}

export function receiverRuntimes(config: Config, clock: Clock): ReceiverRuntime[] {
  return config.alerting.receivers.map((receiver) => {
    const kind = receiverKind(receiver.kind)!;
    return {
      id: receiver.id,
      kind: receiver.kind,
      receiver: kind.create(receiver.settings, { clock, timeoutMs: receiver.timeout }),
      maxBatchSize: kind.maxBatchSize,
      rateLimit: receiver.rateLimit,
    };
  });
}

export { isShippedRule };

export function createAlerting(
  db: Database,
  config: Config,
  deps: { clock: Clock; logger: Logger; registry: Registry; rules: AlertRule[]; externalUrl: () => string },
): Alerting {
  const log = deps.logger.child({ module: 'alerting' });
  const { alerting } = config;
  const rules = withRunbookLinks(deps.rules, deps.externalUrl, isShippedRule);
  // Without a route (no receivers) alerts are kept and shown, and nobody is notified: the engine routes
  // only to configured receivers.
  const routing = {
    root: alerting.routeTree ?? { receiver: '', matchers: [], continue: false, routes: [] },
    inhibitRules: alerting.inhibitRules,
    receivers: new Map(
      alerting.receivers.map((receiver) => [
        receiver.id,
        { sendResolved: receiver.sendResolved, resendIntervalMs: receiverKind(receiver.kind)?.resendIntervalMs },
      ]),
    ),
  };
  const runtimes = receiverRuntimes(config, deps.clock);
  for (const receiver of alerting.receivers)
    log.info(
      { receiver: receiver.id, kind: receiver.kind, target: receiverKind(receiver.kind)!.describe(receiver.settings) },
      'notifying receiver',
    );
  log.info(
    { rules: rules.length, receivers: runtimes.length },
    runtimes.length === 0 ? 'alerting: no receivers, alerts are shown but not sent' : 'alerting ready',
  );
  // The metrics need the engine and the worker; the engine and the worker report to the metrics.
  let metrics: ReturnType<typeof createAlertMetrics> | undefined;
  const engine = new AlertEngine(db, rules, {
    clock: deps.clock,
    routing,
    evaluationIntervalMs: alerting.evaluationInterval,
    get externalUrl() {
      return deps.externalUrl();
    },
    onTransition: (transition) => {
      metrics?.transition(transition.to);
      const fields = {
        alert: transition.rule,
        severity: transition.severity,
        fingerprint: transition.fingerprint,
        labels: transition.labels,
        from: transition.from,
        to: transition.to,
        value: transition.value,
      };
      if (transition.to === 'firing') log.warn(fields, 'alert firing');
      else log.info(fields, 'alert changed');
    },
    // The worker below is built before any cycle runs.
    onQueued: (queued) => {
      for (const entry of queued) if (entry.status === 'suppressed') metrics?.suppressed(entry.receiver);
      worker.wake();
    },
    onRuleError: (rule, error) =>
      log.error({ err: error, rule: rule.name }, 'alert rule could not be evaluated; its alerts keep their state'),
  });
  const worker = new DeliveryWorker(engine.outbox, runtimes, {
    clock: deps.clock,
    tickMs: alerting.delivery.pollInterval,
    backoff: { initialMs: alerting.delivery.initialBackoff, maxMs: alerting.delivery.maxBackoff },
    breaker: {
      failures: alerting.delivery.breakerFailures,
      cooldownMs: alerting.delivery.breakerCooldown,
      maxCooldownMs: alerting.delivery.maxBreakerCooldown,
    },
    giveUpAfterMs: alerting.delivery.giveUpAfter,
    get externalUrl() {
      return deps.externalUrl();
    },
    log,
    onAttempt: (attempt) => metrics?.attempt(attempt),
  });
  metrics = createAlertMetrics(deps.registry, {
    engine,
    outbox: engine.outbox,
    receivers: runtimes.map((runtime) => runtime.id),
    clock: deps.clock,
    breakerOpen: (receiver) => worker.breakerState(receiver) === 'open',
  });
  return {
    engine,
    store: engine.store,
    outbox: engine.outbox,
    worker,
    evaluate: () => void engine.evaluate(),
    stop: () => worker.stop(),
  };
}

export interface AlertingCapability extends Capability {
  alerting: Alerting;
}

/** Alerting as a capability: every other capability's rules, evaluated on schedule, delivered by the worker. */
export function createAlertingCapability(
  context: ServiceContext,
  capabilities: readonly Capability[],
  externalUrl: () => string,
): AlertingCapability {
  const { config, clock } = context;
  // The threshold rules first, built at once from what each capability lets them read, then the event rules.
  const readers = Object.assign({}, ...capabilities.map((capability) => capability.thresholdReaders ?? {}));
  const rules = [
    ...thresholdAlertRules(config, readers),
    ...capabilities.flatMap((capability) => capability.alertRules),
  ];
  const alerting = createAlerting(context.db, config, { ...context, rules, externalUrl });
  const evaluate = evaluationRun('alerts', () => alerting.evaluate(), context.selfMetrics, clock);
  return {
    name: 'alerting',
    alerting,
    tasks: [{ id: 'alerts/evaluate', kind: 'alerts', intervalMs: config.alerting.evaluationInterval, run: evaluate }],
    http: {
      alerts: {
        engine: alerting.engine,
        store: alerting.store,
        outbox: alerting.outbox,
        heldUntil: (receiver) => alerting.worker.heldUntil(receiver),
      },
    },
    alertRules: [],
    prune: (nowMs) => {
      const cutoff = nowMs - config.alerting.historyRetention;
      const notifications = alerting.outbox.prune(cutoff);
      return { notifications, alert_transitions: alerting.store.prune(cutoff).transitions };
    },
    start: () => alerting.worker.start(),
    stop: () => alerting.stop(),
  };
}
