// Beacon endpoints as alerts: an endpoint unhealthy for a while (with its reasons), a chain left without a
// healthy beacon endpoint, and finality trailing the wall clock. An endpoint without a recent probe is
// unknown, and so is a chain none of whose endpoints has one: their alerts hold their state instead of
// resolving or firing on no data.
//
// Default severities: no healthy endpoint pages (validator duties and every consensus-layer SLI depend on
// one); stalled finality is critical (a network event, or every node seen is wrong); one unhealthy endpoint
// is a warning while others serve.

import type { Severity } from '../../domain/alert.js';
import type { BeaconChainHealth, BeaconEndpointHealth, BeaconEndpointTarget } from '../../domain/beacon.js';
import type { AlertRule, AlertSignal } from '../alert-rule.js';
import type { Template } from '../template.js';
import { parseAnnotations } from './threshold-rule.js';

export interface BeaconAlertsConfig {
  enabled: boolean;
  /** How long an endpoint stays unhealthy, or a chain without a healthy endpoint, before the alert fires. */
  unhealthyForMs: number;
  /** Finality distance (wall-clock epoch minus finalized epoch) above which finality is stalled. */
  finalityStalledEpochs: number;
  severities: Partial<Record<string, Severity>>;
  labels: Record<string, string>;
}

/** What the source reads: the beacon tracker's health and freshness. */
export interface BeaconHealthReader {
  health(chain: string): BeaconChainHealth | undefined;
  allHealth(): BeaconChainHealth[];
  isFresh(endpoint: string): boolean;
}

export const beaconAlertDefaults = { unhealthyForMs: 120_000, finalityStalledEpochs: 4 } as const;

export const beaconDefaultSeverities = {
  BeaconEndpointUnhealthy: 'warning',
  BeaconNoHealthyEndpoint: 'page',
  BeaconFinalityStalled: 'critical',
} as const satisfies Record<string, Severity>;

export type BeaconAlertName = keyof typeof beaconDefaultSeverities;
export const beaconAlertNames = Object.keys(beaconDefaultSeverities) as BeaconAlertName[];

const endpointSummary = 'Beacon endpoint {{ $labels.endpoint }} on {{ $labels.chain }} is not healthy';

/** A template with no actions: text the engine renders as it is. */
const literal = (text: string): Template => ({ source: text, nodes: [text] });

function describeReasons(state: BeaconEndpointHealth | undefined): string {
  if (!state) return 'The endpoint is no longer configured.';
  if (state.healthy) return 'The endpoint is healthy now.';
  return `Why: ${state.unhealthyReasons.join('; ')}.`;
}

export const beaconSource = {
  source: 'beacon',
  createRules(deps: { reader: BeaconHealthReader; config: BeaconAlertsConfig; targets?: readonly BeaconEndpointTarget[] }): AlertRule[] {
    const { reader, config } = deps;
    const chains = reader.allHealth();
    if (!config.enabled || chains.length === 0) return [];
    const severity = (name: BeaconAlertName): Severity => config.severities[name] ?? beaconDefaultSeverities[name];
    const targetLabels = new Map((deps.targets ?? []).map((target) => [target.endpoint, target.labels]));

    const known = (chain: BeaconChainHealth) => chain.endpoints.some((state) => reader.isFresh(state.endpoint));
    const chainLabels = (chain: string) => ({ scope: 'beacon', chain });
    const stateOf = (chain: string, endpoint: string) => reader.health(chain)?.endpoints.find((state) => state.endpoint === endpoint);

    // Annotations are templates over labels and value, and a reason in a label would make a new alert of
    // each change of wording; so each endpoint has its own rule, whose description reads its reasons now.
    const summary = parseAnnotations({ summary: endpointSummary }).summary!;
    const endpointRules = chains.flatMap((chain) =>
      chain.endpoints.map(({ endpoint }): AlertRule => {
        return {
          name: 'BeaconEndpointUnhealthy',
          severity: severity('BeaconEndpointUnhealthy'),
          source: 'beacon',
          timing: { forMs: config.unhealthyForMs, keepFiringForMs: 0 },
          labels: config.labels,
          get annotations() {
            return { summary, description: literal(describeReasons(stateOf(chain.chain, endpoint))) };
          },
          signals: (): AlertSignal[] => {
            const state = stateOf(chain.chain, endpoint);
            if (!state) return [];
            const fresh = reader.isFresh(endpoint);
            return [
              {
                labels: { ...targetLabels.get(endpoint), ...chainLabels(chain.chain), endpoint },
                // As ere_beacon_healthy: 1 healthy, 0 not.
                value: fresh ? Number(state.healthy) : null,
                condition: () => (fresh ? !state.healthy : null),
              },
            ];
          },
        };
      }),
    );

    const noHealthy: AlertRule = {
      name: 'BeaconNoHealthyEndpoint',
      severity: severity('BeaconNoHealthyEndpoint'),
      source: 'beacon',
      timing: { forMs: config.unhealthyForMs, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({
        summary: 'No healthy beacon endpoint on {{ $labels.chain }}',
        description: 'None of the chain’s beacon endpoints is up, synced, at the head and recent: validator monitoring on {{ $labels.chain }} has nothing to read from.',
      }),
      signals: () =>
        reader.allHealth().map((chain) => {
          const isKnown = known(chain);
          return { labels: chainLabels(chain.chain), value: isKnown ? chain.healthyEndpoints : null, condition: () => (isKnown ? chain.healthyEndpoints === 0 : null) };
        }),
    };

    const finalityStalled: AlertRule = {
      name: 'BeaconFinalityStalled',
      severity: severity('BeaconFinalityStalled'),
      source: 'beacon',
      timing: { forMs: 0, keepFiringForMs: 0 },
      labels: config.labels,
      annotations: parseAnnotations({
        summary: 'Finality on {{ $labels.chain }} is {{ $value }} epochs behind the wall clock',
        description: `The best finalized epoch any answering beacon endpoint of {{ $labels.chain }} reports trails the wall-clock epoch by more than ${config.finalityStalledEpochs} epochs (2 is normal): the network is not finalizing, or every endpoint is stuck.`,
      }),
      signals: () =>
        reader.allHealth().map((chain) => {
          // The chain's finality distance is taken from the highest finalized epoch among its fresh,
          // answering endpoints; null (unknown) when none answered.
          const distance = chain.finalityDistanceEpochs;
          return { labels: chainLabels(chain.chain), value: distance, condition: () => (distance === null ? null : distance > config.finalityStalledEpochs) };
        }),
    };

    return [...endpointRules, noHealthy, finalityStalled];
  },
};
