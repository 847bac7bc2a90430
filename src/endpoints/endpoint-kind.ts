// What a kind of endpoint brings to the one shared mechanism: its collector, which endpoints of the config
// are its targets and how often each is probed, its tracker, its sample store, its metrics and its probe
// wiring, and its retention. `service/endpoints.ts` wires every kind of `endpointKinds` (./index.ts) the
// same way: probes on schedule, each observation through the observation pipeline into the batched writer,
// the tracker seeded from the store after a restart.

import type { Database } from 'better-sqlite3';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { ChainConfig } from './chain-schema.js';
import type { Collector, Probe, ProbeContext } from './collector.js';
import type { ObservationKind, ProbeOutcome } from './observation-pipeline.js';
import type { SampleStore } from './sample-writer.js';

/** What every kind's target carries, whatever else it needs to be probed. */
export interface EndpointTargetBase {
  chain: string;
  endpoint: string;
  url: string;
  showPath?: boolean | undefined;
}

/** How long raw samples and per-minute rollups are kept (`storage:`). */
export interface EndpointRetention {
  rawRetentionMs: number;
  rollupRetentionMs: number;
}

/** What a kind's probes are built from, once its tracker and metrics exist. */
export interface EndpointProbeParts<Tracker, Metrics> {
  chains: readonly ChainConfig[];
  tracker: Tracker;
  metrics: Metrics | null;
  context: ProbeContext;
}

export interface EndpointKind<
  Target extends EndpointTargetBase,
  Observation extends ProbeOutcome,
  Sample extends ProbeOutcome,
  Context,
  Tracker extends { seed(sample: Sample): void },
  Store extends SampleStore<Sample, Context> & { latestPerEndpoint(): readonly Sample[] },
  Metrics extends { recordSample(sample: Sample): void },
  Shared,
> {
  collector: Collector<Target, Observation>;
  /** The kind's endpoints in the config, in the order they are listed. */
  targets(chains: readonly ChainConfig[]): Target[];
  /** Time between two probes of an endpoint of the chain. */
  pollIntervalMs(chain: ChainConfig): number;
  createTracker(chains: readonly ChainConfig[], clock: Clock): Tracker;
  createStore(db: Database): Store;
  /** Its metric families; null when the kind exports none for this config (no endpoint of it). */
  createMetrics(registry: Registry, tracker: Tracker, targets: readonly Target[]): Metrics | null;
  observations(tracker: Tracker): ObservationKind<Observation, Sample, Context>;
  /** Its probes, and what they share that other capabilities use too (the beacon's HTTP clients). */
  probes(
    targets: readonly Target[],
    parts: EndpointProbeParts<Tracker, Metrics>,
  ): { createProbe(target: Target): Probe<Observation>; shared: Shared };
  /** Deletes the kind's rows past their retention: the rows deleted, by table. */
  prune(db: Database, retention: EndpointRetention, nowMs: number): Record<string, number>;
}

// biome-ignore lint/suspicious/noExplicitAny: the list holds kinds of every shape; each is read through its own type.
export type AnyEndpointKind = EndpointKind<any, any, any, any, any, any, any, any>;

/** A kind once wired: what the rest of the service reads of it. */
export type WiredEndpointKind<Kind> =
  Kind extends EndpointKind<
    infer Target,
    infer _O,
    infer _S,
    infer _C,
    infer Tracker,
    infer Store,
    infer Metrics,
    infer Shared
  >
    ? { targets: Target[]; tracker: Tracker; store: Store; metrics: Metrics | null; shared: Shared }
    : never;
