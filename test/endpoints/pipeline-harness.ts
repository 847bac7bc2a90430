// The observation pipeline as the service wires it, for one endpoint kind: probes run by the collector runner,
// the kind's tracker, metrics and store, the one sample writer with the store's self-metrics, and the log
// lines captured. Each sample the tracker derives is kept, as the truth the stored rows are checked against.

import { Registry } from 'prom-client';
import { expect } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { createSelfMetrics } from '../../src/metrics/self-metrics.js';
import {
  observationPipeline,
  type ObservationKind,
  type ProbeOutcome,
} from '../../src/endpoints/observation-pipeline.js';
import { collectorRun } from '../../src/endpoints/runner.js';
import type { Collector, Probe } from '../../src/endpoints/collector.js';
import { SampleWriters, meteredWriterOptions, type SampleStore } from '../../src/endpoints/sample-writer.js';

export interface PipelineSetup<
  Observation extends ProbeOutcome,
  Sample extends ProbeOutcome & { at: number },
  Context,
> {
  clock: Clock;
  kind: ObservationKind<Observation, Sample, Context>;
  store: SampleStore<Sample, Context>;
  metrics: (registry: Registry) => { recordSample(sample: Sample): void };
}

export function pipelineHarness<
  Observation extends ProbeOutcome,
  Sample extends ProbeOutcome & { at: number },
  Context,
>(setup: PipelineSetup<Observation, Sample, Context>) {
  const registry = new Registry();
  const selfMetrics = createSelfMetrics(registry, { version: 'test' });
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    scrubber: new SecretScrubber(),
    destination: { write: (line: string) => void logLines.push(line) },
  });
  // Never started: the test flushes.
  const writers = new SampleWriters(meteredWriterOptions(3_600_000, selfMetrics, logger));
  const writer = writers.writerFor(setup.store);
  const derived: Sample[] = [];
  const onObservation = observationPipeline(
    {
      ...setup.kind,
      observe: (observation) => {
        const queued = setup.kind.observe(observation);
        derived.push(queued.sample);
        return queued;
      },
    },
    { scrubber: new SecretScrubber(), metrics: setup.metrics(registry), writer, log: logger },
  );
  const counter = async (name: string): Promise<number> => {
    const metric = await registry.getSingleMetric(name)?.get();
    // A histogram's count, a counter's value: histograms name each value, counters do not.
    const counted = (value: object) => {
      const metricName = (value as { metricName?: string }).metricName;
      return metricName === undefined || metricName === name || metricName === `${name}_count`;
    };
    return (metric?.values ?? []).filter(counted).reduce((sum, value) => sum + value.value, 0);
  };
  const linesWith = (message: string) =>
    logLines.filter((line) => (JSON.parse(line) as { msg: string }).msg === message);
  const failedWrites = () => linesWith('writing samples failed; they stay queued');
  return {
    registry,
    writers,
    writer,
    derived,
    logLines,
    counter,
    linesWith,
    /** A run of one target's probe, as the scheduler would call it. */
    run: <Target>(collector: Collector<Target, Observation>, target: Target, probe: Probe<Observation>) =>
      collectorRun(collector, target, probe, { clock: setup.clock, metrics: selfMetrics, onObservation }),
    /** A flush while SQLite refuses: it fails, every sample stays queued, the failure is counted and logged once. */
    async expectRefusedFlush(waiting: number): Promise<void> {
      expect(writers.flush()).toBe(false);
      expect(writer.waiting).toBe(waiting);
      expect(await counter('ere_store_write_errors_total')).toBe(1);
      expect(await counter('ere_store_samples_written_total')).toBe(0);
      expect(failedWrites()).toHaveLength(1);
      const error = { message: expect.stringContaining('disk I/O refused') };
      expect(JSON.parse(failedWrites()[0]!)).toMatchObject({ level: 50, waiting, err: error });
    },
    /**
     * Once SQLite takes rows again: every derived sample is written once, as the store reads it back (newest
     * first), and each endpoint's latest observation in the tracker is its newest row.
     */
    async expectAllWritten(endpoints: {
      ids: readonly string[];
      rows: (endpoint: string) => Sample[];
      asStored: (sample: Sample) => Sample;
      latestAt: (endpoint: string) => number | undefined;
    }): Promise<void> {
      expect(writers.close()).toBe(true);
      expect(writer.waiting).toBe(0);
      expect(await counter('ere_store_samples_written_total')).toBe(derived.length);
      expect(failedWrites()).toHaveLength(1);
      for (const endpoint of endpoints.ids) {
        const rows = endpoints.rows(endpoint);
        const expected = derived.filter((sample) => sample.endpoint === endpoint).reverse();
        expect(rows).toEqual(expected.map(endpoints.asStored));
        expect(endpoints.latestAt(endpoint)).toBe(rows[0]!.at);
      }
    },
  };
}

/** A trigger that fails every insert of the endpoint's samples into the table, as a failing disk would. */
export function refuseInserts(db: { exec(sql: string): unknown }, table: string, endpoint: string): { lift(): void } {
  db.exec(
    `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} WHEN NEW.endpoint = '${endpoint}'
     BEGIN SELECT RAISE(ABORT, 'disk I/O refused'); END`,
  );
  return { lift: () => void db.exec(`DROP TRIGGER refuse_${table}`) };
}
