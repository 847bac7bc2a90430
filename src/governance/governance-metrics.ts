// Prometheus metrics of governance monitoring. Ingestion counters (events, skipped logs, reorgs, errors,
// RPC requests) move with the tracker's hooks and the chain readers' request callback, so they exist before
// the tracker does; state gauges (proposals, timelock operations, Safe and proxy configuration, ingestion
// progress) are read from the tracker's views at scrape time, so that deadlines and overdue executions move
// with the clock between polls. Labels: chain, target (config ids), kind, state and status (fixed sets),
// reason and error_class (closed unions), method (JSON-RPC method names); never a proposal id or an address.

import { Counter, Gauge, type Registry } from 'prom-client';
import { GovernanceReadError } from './ingest/chain-reader.js';
import type { Clock } from '../domain/clock.js';
import type { GovernanceTarget } from '../domain/governance.js';
import type { GovernanceTracker, GovernanceTrackerHooks, TargetStatus } from './governance-tracker.js';
import { governanceKinds } from './kinds/index.js';
import type { GovernanceGauge, TargetReading as KindReading } from './kinds/kind.js';

const skipReasons = ['unknown_event', 'malformed'] as const;

/** Ingestion counters, fed by the tracker's hooks and the readers' `onRequest`. */
export function createGovernanceIngestMetrics(registry: Registry, targets: readonly GovernanceTarget[]) {
  const registers = [registry];
  const events = new Counter<'chain' | 'target'>({
    name: 'ere_governance_events_ingested_total',
    help: 'Governance events stored for the first time (a range read again after a restart adds none).',
    labelNames: ['chain', 'target'],
    registers,
  });
  const skipped = new Counter<'chain' | 'target' | 'reason'>({
    name: 'ere_governance_logs_skipped_total',
    help:
      'Logs of a watched contract left out, by reason: unknown_event (no ' +
      'watched event has its topic) or malformed (it does not decode).',
    labelNames: ['chain', 'target', 'reason'],
    registers,
  });
  const reorgs = new Counter<'chain' | 'target'>({
    name: 'ere_governance_reorgs_total',
    help: 'Reorganisations found under a target, each rolled back to the fork point and ingested again.',
    labelNames: ['chain', 'target'],
    registers,
  });
  const errors = new Counter<'chain' | 'target' | 'error_class'>({
    name: 'ere_governance_ingest_errors_total',
    help: 'Polls of a target that failed, by error class (unexpected for anything not a read error).',
    labelNames: ['chain', 'target', 'error_class'],
    registers,
  });
  const requests = new Counter<'chain' | 'method'>({
    name: 'ere_governance_rpc_requests_total',
    help: 'JSON-RPC requests sent for governance ingestion, by method.',
    labelNames: ['chain', 'method'],
    registers,
  });
  for (const target of targets) {
    const labels = { chain: target.chain, target: target.id };
    events.inc(labels, 0);
    reorgs.inc(labels, 0);
    for (const reason of skipReasons) skipped.inc({ ...labels, reason }, 0);
  }
  const hooks: GovernanceTrackerHooks = {
    onBatch: (target, batch) => {
      const labels = { chain: target.chain, target: target.id };
      events.inc(labels, batch.inserted);
      for (const [reason, count] of Object.entries(batch.skipped)) skipped.inc({ ...labels, reason }, count);
    },
    onReorg: (target) => reorgs.inc({ chain: target.chain, target: target.id }),
    onError: (target, error) =>
      errors.inc({
        chain: target.chain,
        target: target.id,
        error_class: error instanceof GovernanceReadError ? error.errorClass : 'unexpected',
      }),
  };
  return { hooks, onRequest: (chain: string, method: string) => requests.inc({ chain, method }) };
}

/** What the gauges read: the tracker, or anything that answers the same. */
export type GovernanceState = Pick<GovernanceTracker, 'targets' | 'status' | 'reading'>;

interface TargetReading {
  target: GovernanceTarget;
  status: TargetStatus | undefined;
  /** The target's view as its kind reads it; undefined for a target the tracker does not know. */
  kind: KindReading | undefined;
}

/**
 * Every target's status and view, computed once per scrape however many gauges read them: again when 100 ms
 * have passed, or when the clock the views are dated by has moved (a test's clock jumps).
 */
function readingsOf(tracker: GovernanceState, clock: Clock): () => TargetReading[] {
  let takenAt = -Infinity;
  let takenAtClockMs = -Infinity;
  let readings: TargetReading[] = [];
  return () => {
    const now = performance.now();
    const clockMs = clock.now();
    if (now - takenAt > 100 || Math.abs(clockMs - takenAtClockMs) > 100) {
      readings = tracker
        .targets()
        .map((target) => ({ target, status: tracker.status(target.id), kind: tracker.reading(target.id) }));
      takenAt = now;
      takenAtClockMs = clockMs;
    }
    return readings;
  };
}

/** Every gauge the kinds have a part in, once each, in the order of the list of kinds. */
function kindGauges(): GovernanceGauge[] {
  const byName = new Map<string, GovernanceGauge>();
  for (const gauge of governanceKinds.flatMap((kind) => kind.gauges))
    if (!byName.has(gauge.name)) byName.set(gauge.name, gauge);
  return [...byName.values()];
}

/** State gauges read from the tracker's views at scrape time. */
export function createGovernanceMetrics(registry: Registry, tracker: GovernanceState, clock: Clock) {
  const readings = readingsOf(tracker, clock);
  const registers = [registry];

  /** A gauge labelled chain and target, absent for a target whose value is null (another kind, or unknown yet). */
  function targetGauge(name: string, help: string, value: (reading: TargetReading) => number | null) {
    return new Gauge<'chain' | 'target'>({
      name,
      help,
      labelNames: ['chain', 'target'],
      registers,
      collect() {
        this.reset();
        for (const reading of readings()) {
          const result = value(reading);
          if (result !== null && Number.isFinite(result))
            this.set({ chain: reading.target.chain, target: reading.target.id }, result);
        }
      },
    });
  }

  /** A gauge with one series per value of a fixed set (zeros included), for targets of one kind. */
  function countsGauge<L extends 'state' | 'status' | 'matcher'>(
    name: string,
    help: string,
    label: L,
    counts: (reading: TargetReading) => Record<string, number> | null,
  ) {
    return new Gauge<'chain' | 'target' | L>({
      name,
      help,
      labelNames: ['chain', 'target', label],
      registers,
      collect() {
        this.reset();
        for (const reading of readings()) {
          const byValue = counts(reading);
          if (byValue === null) continue;
          for (const [key, count] of Object.entries(byValue))
            this.set(
              { chain: reading.target.chain, target: reading.target.id, [label]: key } as Record<
                'chain' | 'target' | L,
                string
              >,
              count,
            );
        }
      },
    });
  }

  for (const gauge of kindGauges()) {
    const { label } = gauge;
    if (label === undefined)
      targetGauge(gauge.name, gauge.help, (reading) => reading.kind?.value(gauge, clock.now()) ?? null);
    else countsGauge(gauge.name, gauge.help, label, (reading) => reading.kind?.counts(gauge) ?? null);
  }
  new Gauge<'chain' | 'target' | 'kind'>({
    name: 'ere_governance_cursor_block',
    help: 'Every block up to this one is ingested for the target.',
    labelNames: ['chain', 'target', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const { target, status } of readings())
        if (status?.cursorBlock != null)
          this.set({ chain: target.chain, target: target.id, kind: target.kind }, status.cursorBlock);
    },
  });
  targetGauge(
    'ere_governance_ingest_lag_blocks',
    'Blocks between the newest final block (head − confirmations) and the cursor; absent until both are known.',
    ({ status }) =>
      status?.safeHead == null || status.cursorBlock === null
        ? null
        : Math.max(0, status.safeHead - status.cursorBlock),
  );
  targetGauge(
    'ere_governance_last_success_timestamp_seconds',
    'When a poll of the target last succeeded.',
    ({ status }) => (status?.lastSuccessMs == null ? null : status.lastSuccessMs / 1_000),
  );
  targetGauge(
    'ere_governance_up',
    '1 when the last poll of the target succeeded, 0 when it failed or none has run yet.',
    ({ status }) => (status?.lastSuccessMs != null && status.lastError === null ? 1 : 0),
  );
}
