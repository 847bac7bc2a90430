// The observation pipeline as the service wires it, for one endpoint kind: probes run by the collector runner,
// the kind's tracker, metrics and store, the one sample writer with the store's self-metrics, and the log
// lines captured. Each sample the tracker derives is kept, as the truth the stored rows are checked against.

import { Registry } from 'prom-client';
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

export interface PipelineSetup<Observation extends ProbeOutcome, Sample extends ProbeOutcome, Context> {
  clock: Clock;
  kind: ObservationKind<Observation, Sample, Context>;
  store: SampleStore<Sample, Context>;
  metrics: (registry: Registry) => { recordSample(sample: Sample): void };
}

export function pipelineHarness<Observation extends ProbeOutcome, Sample extends ProbeOutcome, Context>(
  setup: PipelineSetup<Observation, Sample, Context>,
) {
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
  return {
    registry,
    writers,
    writer,
    derived,
    logLines,
    /** A run of one target's probe, as the scheduler would call it. */
    run: <Target>(collector: Collector<Target, Observation>, target: Target, probe: Probe<Observation>) =>
      collectorRun(collector, target, probe, { clock: setup.clock, metrics: selfMetrics, onObservation }),
    /** The value of an unlabelled counter, or the sum of a labelled one's series. */
    counter: async (name: string): Promise<number> => {
      const metric = await registry.getSingleMetric(name)?.get();
      return (metric?.values ?? [])
        .filter(
          (value) => !('metricName' in value) || value.metricName === name || value.metricName === `${name}_count`,
        )
        .reduce((sum, value) => sum + value.value, 0);
    },
    linesWith: (message: string) => logLines.filter((line) => (JSON.parse(line) as { msg: string }).msg === message),
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
