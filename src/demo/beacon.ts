// The demo's consensus layer: a simulated beacon node on loopback with fast slots, six watched validators
// in two operators' sets, and validator 2 of operator demo-a missing its attestations now and then (and a
// proposal once in a while), so that misses, their alerts and the attestation SLO move within minutes.

import { startBeaconSim, type RunningBeaconSim } from '../beacon-sim/index.js';
import type { Clock } from '../domain/clock.js';
import type { RunningService } from '../main.js';

export const demoBeacon = {
  chain: 'demo',
  endpoint: 'demo-beacon',
  slotsPerEpoch: 8,
  secondsPerSlot: 2,
  flakyValidator: 2,
} as const;

/** The `beacon:` block of the demo chain. */
export function demoBeaconYaml(url: string): string {
  const epoch = `${demoBeacon.slotsPerEpoch} slots of ${demoBeacon.secondsPerSlot} s an epoch`;
  return `    # A simulated beacon node (${epoch}): see the validators section below.
    beacon:
      endpoints:
        - id: ${demoBeacon.endpoint}
          url: ${url}
      pollInterval: 2s
      timeout: 1500ms
      maxHeadAge: 10s
`;
}

export const demoValidatorsYaml = `# Validators watched through the demo chain's beacon node; labels make the scopes
# operator:demo-a and operator:demo-b.
validators:
  watch:
    - chain: ${demoBeacon.chain}
      labels: { operator: demo-a }
      indices: ["0-3"]
      perValidatorMetrics: true
    - chain: ${demoBeacon.chain}
      labels: { operator: demo-b }
      indices: [4, 5]
`;

export const demoValidatorSlosYaml = `  - id: demo-a-attestations
    service: demo-staking
    description: operator demo-a's attestations are included in time and correct
    objective: 99
    window: 7d
    sli: { kind: attestation_effectiveness, chain: ${demoBeacon.chain}, scope: "operator:demo-a" }
`;

export interface DemoBeacon {
  node: RunningBeaconSim;
  /** Prints a line for each epoch the service processed; stops the flaky validator's schedule. */
  follow(service: RunningService, say: (line: string) => void): () => void;
  close(): Promise<void>;
}

export async function startDemoBeacon(options: { clock?: Clock } = {}): Promise<DemoBeacon> {
  const node = await startBeaconSim({
    ...(options.clock ? { clock: options.clock } : {}),
    seed: 'ere-demo',
    validatorCount: 256,
    slotsPerEpoch: demoBeacon.slotsPerEpoch,
    secondsPerSlot: demoBeacon.secondsPerSlot,
    syncCommitteeSize: 32,
    attestationMissRate: 0.005,
    syncMissRate: 0.005,
  });
  const { sim } = node;
  // Every fifth epoch from now on, validator 2 misses three epochs in a row; every twelfth, a proposal too.
  const start = sim.headEpoch() + 2;
  for (let epoch = start; epoch < start + 20_000; epoch += 5)
    sim.missAttestations([demoBeacon.flakyValidator], epoch, epoch + 2);
  for (let epoch = start + 6; epoch < start + 20_000; epoch += 12)
    sim.missProposals(demoBeacon.flakyValidator, epoch, epoch);
  return {
    node,
    follow(service, say) {
      let reported = -1;
      const timer = setInterval(() => {
        const last = service.consensus.validators.lastAttestation(demoBeacon.chain);
        if (!last || last.epoch === reported) return;
        reported = last.epoch;
        const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a');
        const scope = (name: string) => last.scopes.find((totals) => totals.scope === name)!;
        const watched = scope('watched');
        const network = scope('network');
        const missed = last.misses.length > 0 ? `; missed: validator ${last.misses.join(', ')}` : '';
        say(
          `[validators] epoch ${last.epoch}: ${watched.validators} watched, effectiveness ` +
            `${percent(watched.effective, watched.attestationsDue - watched.unknown)} (network ` +
            `${percent(network.effective, network.attestationsDue - network.unknown)})${missed}`,
        );
      }, 2_000);
      return () => clearInterval(timer);
    },
    close: () => node.close(),
  };
}
