// What the beacon tests share: a chain clock (mainnet's), a wall clock in a known slot, observations built
// from a few fields, and an in-test Beacon API whose answers and failures each test sets.

import type {
  BeaconApi,
  BeaconErrorClass,
  BeaconObservation,
  BeaconTiming,
  NodeSyncing,
} from '../../../src/domain/beacon.js';

export const timing: BeaconTiming = { genesisTime: 1_606_824_023, secondsPerSlot: 12, slotsPerEpoch: 32 };
/** The wall clock 3 s into slot 1,000,000 (epoch 31,250). */
export const slot = 1_000_000;
export const now = (timing.genesisTime + slot * timing.secondsPerSlot) * 1_000 + 3_000;
export const epoch = slot / timing.slotsPerEpoch;

export function observation(endpoint: string, fields: Partial<BeaconObservation> = {}): BeaconObservation {
  return {
    chain: 'mainnet',
    endpoint,
    at: now - 1_000,
    ok: true,
    latencyMs: 40,
    errorClass: null,
    errorMessage: null,
    headSlot: slot,
    finalizedEpoch: epoch - 2,
    justifiedEpoch: epoch - 1,
    syncing: false,
    syncDistance: 0,
    optimistic: false,
    peerCount: 80,
    version: null,
    ...fields,
  };
}

/** A failure as the Beacon API client raises it: an error class and a short message. */
export class FakeRequestError extends Error {
  constructor(
    readonly errorClass: BeaconErrorClass,
    readonly shortMessage: string,
  ) {
    super(shortMessage);
  }
}

type Answer<T> = T | Error | (() => Promise<T>);

/** The part of the Beacon API the health probe uses; the rest throws. */
export class FakeBeaconApi implements BeaconApi {
  calls: string[] = [];
  answers: {
    timing: Answer<BeaconTiming>;
    version: Answer<string>;
    syncing: Answer<NodeSyncing>;
    peerCount: Answer<number | null>;
    header: Answer<{ slot: number } | null>;
    finalityCheckpoints: Answer<{
      previousJustifiedEpoch: number;
      currentJustifiedEpoch: number;
      finalizedEpoch: number;
    }>;
  } = {
    timing,
    version: 'Lighthouse/v5.3.0-d6ba8c3/x86_64-linux',
    syncing: { headSlot: slot, syncDistance: 0, isSyncing: false, isOptimistic: false, elOffline: false },
    peerCount: 75,
    header: { slot },
    finalityCheckpoints: {
      previousJustifiedEpoch: epoch - 2,
      currentJustifiedEpoch: epoch - 1,
      finalizedEpoch: epoch - 2,
    },
  };

  private async answer<K extends keyof FakeBeaconApi['answers']>(
    name: K,
  ): Promise<Exclude<FakeBeaconApi['answers'][K], Error | (() => unknown)>> {
    this.calls.push(name);
    const answer = this.answers[name];
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return (await answer()) as never;
    return answer as never;
  }

  timing = () => this.answer('timing');
  version = () => this.answer('version');
  syncing = () => this.answer('syncing');
  peerCount = () => this.answer('peerCount');
  header = async () => {
    const header = await this.answer('header');
    return header === null
      ? null
      : { slot: header.slot, proposerIndex: 1, root: '0x01', parentRoot: '0x02', canonical: true, finalized: false };
  };
  finalityCheckpoints = () => this.answer('finalityCheckpoints');
  validators = () => Promise.reject(new Error('not used'));
  attestationRewards = () => Promise.reject(new Error('not used'));
  liveness = () => Promise.reject(new Error('not used'));
  proposerDuties = () => Promise.reject(new Error('not used'));
  syncCommittee = () => Promise.reject(new Error('not used'));
  syncCommitteeRewards = () => Promise.reject(new Error('not used'));
}
