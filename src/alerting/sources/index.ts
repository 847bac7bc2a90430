// Every alert rule source, one file each. The threshold sources are chosen by a rule's `source:` in the
// config; the SLO source follows the SLOs; the validator and governance sources raise events.

import { beaconChainSource } from './beacon-chain.js';
import { beaconEndpointSource } from './beacon-endpoint.js';
import { canarySource } from './canary.js';
import { chainSource } from './chain.js';
import { endpointSource } from './endpoint.js';
import { endpointCheckSource } from './endpoint-check.js';
import { validatorChainSource } from './validator-chain.js';
import { validatorScopeSource } from './validator-scope.js';

export const thresholdSources = [
  endpointSource,
  endpointCheckSource,
  canarySource,
  chainSource,
  beaconEndpointSource,
  beaconChainSource,
  validatorScopeSource,
  validatorChainSource,
] as const;

export type ThresholdSource = (typeof thresholdSources)[number]['source'];

export const thresholdSourceNames = thresholdSources.map((source) => source.source) as [
  ThresholdSource,
  ...ThresholdSource[],
];

/** Each threshold source's metrics, for validating `metric:` in the config. */
export const thresholdMetrics: Record<string, readonly string[]> = Object.fromEntries(
  thresholdSources.map((source) => [source.source, source.metrics]),
);

/** The sources whose series are endpoints, which a rule's `endpoints:` selects among. */
export const endpointSources: readonly ThresholdSource[] = ['endpoint', 'endpoint_check', 'canary', 'beacon_endpoint'];

export { sloSource, sloAlertName } from './slo.js';
