// A validator tracker reading simulated beacon nodes through the real Beacon API client, on a fixed clock
// that tests move slot by slot.

import { BeaconClient } from '../../src/endpoints/beacon/beacon-client.js';
import { startBeaconSim, type RunningBeaconSim, type StartBeaconSimOptions } from '../../src/beacon-sim/index.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { AttestationSignal } from '../../src/validators/attestation-epoch.js';
import { ValidatorTracker, type ValidatorTrackerHooks } from '../../src/validators/validator-tracker.js';
import type { WatchedSet } from '../../src/validators/watch-list.js';
import { openDatabase, type Database } from '../../src/store/database.js';

export const genesisTime = 1_767_225_600;
export const slotsPerEpoch = 8;
export const secondsPerSlot = 12;

export interface SimTracker {
  nodes: RunningBeaconSim[];
  clock: ReturnType<typeof fixedClock>;
  db: Database;
  tracker: ValidatorTracker;
  events: {
    reorgs: { epoch: number; from: string; to: string }[];
    errors: { stage: string; endpoint: string; errorClass: string }[];
  };
  endpoints: string[];
  /** Moves the clock to just after the start of `slot`. */
  toSlot(slot: number): void;
  /** Moves the clock slot by slot to `slot`, polling at each. */
  pollUntil(slot: number): Promise<void>;
  newTracker(): ValidatorTracker;
  close(): Promise<void>;
}

export async function startSimTracker(options: {
  sets: WatchedSet[];
  sim?: Partial<StartBeaconSimOptions>;
  nodes?: number;
  signal?: AttestationSignal;
  startSlot?: number;
  db?: Database;
}): Promise<SimTracker> {
  const clock = fixedClock((genesisTime + (options.startSlot ?? 4 * slotsPerEpoch) * secondsPerSlot) * 1_000 + 500);
  const nodes: RunningBeaconSim[] = [];
  for (let count = 0; count < (options.nodes ?? 1); count += 1) {
    nodes.push(
      await startBeaconSim({
        seed: 7,
        validatorCount: 64,
        slotsPerEpoch,
        secondsPerSlot,
        genesisTime,
        clock,
        attestationMissRate: 0,
        syncMissRate: 0,
        proposalMissRate: 0,
        syncCommitteeSize: 16,
        restartDownMs: 50,
        ...options.sim,
      }),
    );
  }
  const endpoints = nodes.map((_, index) => `beacon-${index}`);
  const clients = new Map(
    nodes.map((node, index) => [
      endpoints[index]!,
      new BeaconClient({ url: node.url, timeoutMs: 2_000, bulkTimeoutMs: 5_000 }),
    ]),
  );
  const db = options.db ?? openDatabase(':memory:').db;
  const events: SimTracker['events'] = { reorgs: [], errors: [] };
  const hooks: ValidatorTrackerHooks = {
    onDutyReorg: (_chain, epoch, from, to) => events.reorgs.push({ epoch, from, to }),
    onStageError: (_chain, stage, _epoch, endpoint, error) =>
      events.errors.push({
        stage,
        endpoint,
        errorClass: String((error as { errorClass?: string }).errorClass ?? error.message),
      }),
  };
  const newTracker = () =>
    new ValidatorTracker(
      db,
      [{ chain: 'sim', signal: options.signal ?? 'rewards', sets: options.sets, backfillEpochs: 0 }],
      {
        clock,
        beacon: { endpoints: () => endpoints, api: (endpoint) => clients.get(endpoint)! },
        hooks,
      },
    );
  const harness: SimTracker = {
    nodes,
    clock,
    db,
    tracker: newTracker(),
    events,
    endpoints,
    toSlot: (slot) => clock.set((genesisTime + slot * secondsPerSlot) * 1_000 + 500),
    async pollUntil(slot) {
      const from = Math.floor((clock.now() / 1_000 - genesisTime) / secondsPerSlot);
      for (let current = from; current <= slot; current += 1) {
        harness.toSlot(current);
        await harness.tracker.poll('sim');
      }
    },
    newTracker,
    async close() {
      for (const node of nodes) await node.close();
      if (!options.db) db.close();
    },
  };
  return harness;
}

/** The first slot of `epoch`. */
export const startOf = (epoch: number) => epoch * slotsPerEpoch;
