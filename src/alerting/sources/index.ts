// Every alert rule source, one file each. The threshold sources are chosen by a rule's `source:` in the
// config; the SLO source follows the SLOs.

import { chainSource } from './chain.js';
import { endpointSource } from './endpoint.js';

export const thresholdSources = [endpointSource, chainSource] as const;

export type ThresholdSource = (typeof thresholdSources)[number]['source'];

/** Each threshold source's metrics, for validating `metric:` in the config. */
export const thresholdMetrics: Record<string, readonly string[]> = Object.fromEntries(thresholdSources.map((source) => [source.source, source.metrics]));

export { sloSource, sloAlertName } from './slo.js';
