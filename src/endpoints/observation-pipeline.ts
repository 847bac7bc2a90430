// What happens to every observation of an endpoint, whatever its kind: its free text scrubbed of configured
// secrets, its sample derived by the kind's tracker, counted in the kind's metrics, queued for the kind's
// store, and a change of the endpoint's outcome logged. A kind plugs in with an `ObservationKind` and its
// metrics and writer; the collector runner hands each observation to the function this returns.

import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import type { QueuedSample } from './sample-writer.js';

/** What the pipeline reads of every observation and sample, whatever the kind. */
export interface ProbeOutcome {
  chain: string;
  endpoint: string;
  ok: boolean;
  errorClass: string | null;
  /** Free text from the endpoint or the network: scrubbed before anything reads it. */
  errorMessage: string | null;
}

export interface ObservationKind<Observation extends ProbeOutcome, Sample extends ProbeOutcome, Context> {
  /** How the logs name an endpoint of the kind: `${subject} is up`, `${subject} probe failed`. */
  subject: string;
  /** Scrubs the kind's own free text beside `errorMessage`, on the observation itself. */
  scrubFields?(observation: Observation, scrub: (text: string) => string): void;
  /** Records the observation in the kind's tracker: its sample, with what the kind's store keeps beside it. */
  observe(observation: Observation): QueuedSample<Sample, Context>;
}

export interface ObservationPipelineDeps<Sample, Context> {
  scrubber: SecretScrubber;
  /** The kind's metrics; null when the kind has none (no endpoint of it configured). */
  metrics: { recordSample(sample: Sample): void } | null;
  writer: { enqueue(sample: Sample, context: Context): void };
  log: Logger;
}

export function observationPipeline<Observation extends ProbeOutcome, Sample extends ProbeOutcome, Context>(
  kind: ObservationKind<Observation, Sample, Context>,
  deps: ObservationPipelineDeps<Sample, Context>,
): (observation: Observation) => void {
  const lastOutcome = new Map<string, string>();
  const scrub = (text: string) => deps.scrubber.scrub(text);
  return (observation) => {
    // The observation is the pipeline's own, fresh from the collector: scrubbed in place, its shape kept.
    if (observation.errorMessage !== null) observation.errorMessage = scrub(observation.errorMessage);
    kind.scrubFields?.(observation, scrub);
    const { sample, context } = kind.observe(observation);
    deps.metrics?.recordSample(sample);
    // Queued, not written here: a failing database keeps the sample for the writer's next flush.
    deps.writer.enqueue(sample, context);
    // Log changes of an endpoint's outcome, not every failed probe.
    const outcome = sample.ok ? 'up' : `down: ${sample.errorClass}`;
    if (lastOutcome.get(sample.endpoint) === outcome) return;
    lastOutcome.set(sample.endpoint, outcome);
    const fields = {
      chain: sample.chain,
      endpoint: sample.endpoint,
      errorClass: sample.errorClass,
      reason: sample.errorMessage,
    };
    if (sample.ok) deps.log.info(fields, `${kind.subject} is up`);
    else deps.log.warn(fields, `${kind.subject} probe failed`);
  };
}
