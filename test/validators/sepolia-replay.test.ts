// The validator tracker over a real Sepolia beacon node (Lighthouse v7.0.0, Electra), replayed on 127.0.0.1
// from the recording in `../shared/fixtures/sepolia-beacon`, watching the 100 validators that were watched
// when it was recorded. Every figure is checked against the recorded JSON as `sepolia-recording.ts` reads it.
//
// What the recording allows (epoch E starts at slot 32·E):
//
//   stage         | epoch  | recorded                                         | so the stage
//   --------------+--------+--------------------------------------------------+------------------------------------
//   attestations  | 240247 | validators at 7687968, rewards of 240247         | runs whole
//   attestations  | 240248 | validators at 7688000, rewards of 240248         | runs whole
//   attestations  | 240249 | nothing                                          | fails: not_found, cursor stays
//   blocks        | 240247 | all 32 headers, no proposer duties               | fails: not_found, cursor stays
//   blocks        | 240248 | no duties, no headers                            | fails: not_found, cursor stays
//   blocks        | 240249 | duties, 18 of 32 headers (7687982–7687999)       | runs: 14 slots read as empty
//   blocks        | 240250 | duties, 29 of 32 headers (7688000–7688028)       | runs: 3 slots read as empty
//   (every)       |        | no `headers/head`, no sync committee rewards     |
//
// No epoch has both its duties and all 32 headers. The replay answers 404 for what it lacks, and a 404 for
// a slot's header is how a node says the slot is empty: the client reads it so, and the blocks stage judges
// those proposals missed and moves on rather than failing. Sync committee rewards, never recorded, read the
// same way (no block, nothing to sign): no sync duty is counted. Without `headers/head` the head is the
// wall-clock slot.

import { afterEach, describe, expect, it } from 'vitest';
import { BeaconClient } from '../../src/endpoints/beacon/beacon-client.js';
import { fixedClock } from '../../src/domain/clock.js';
import { ValidatorTracker } from '../../src/validators/validator-tracker.js';
import type { ScopeAttestationTotals } from '../../src/validators/attestation-epoch.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { ValidatorStore, type ValidatorStage } from '../../src/validators/validator-store.js';
import { startBeaconReplay, type RunningBeaconReplay } from '../helpers/beacon-replay.js';
import {
  SepoliaRecording,
  sepoliaRecordingAvailable,
  sepoliaRecordingFile,
  type ExpectedScope,
} from './sepolia-recording.js';

const available = sepoliaRecordingAvailable();
const chain = 'sepolia';
const slotsPerEpoch = 32;
const secondsPerSlot = 12;
const startOf = (epoch: number) => epoch * slotsPerEpoch;

interface ReplayTracker {
  replay: RunningBeaconReplay;
  db: Database;
  tracker: ValidatorTracker;
  errors: { stage: ValidatorStage; epoch: number; errorClass: string }[];
  toSlot(slot: number): void;
}

let running: ReplayTracker | undefined;
afterEach(async () => {
  await running?.replay.close();
  running?.db.close();
  running = undefined;
});

/** Paths of the recorded answers served, each once, in the order first served. */
const servedPaths = (h: ReplayTracker) => [
  ...new Set(h.replay.served().map((exchange) => `${exchange.method} ${exchange.path}`)),
];

/** Non-zero status counts. */
const statusCountsOf = (counts: Record<string, number> | null) =>
  Object.fromEntries(Object.entries(counts ?? {}).filter(([, count]) => count > 0));

/**
 * A sum of balances against the exact one. Each of these Sepolia validators holds about a million ether
 * (1e15 gwei): the watched scope's sum is 1e17 gwei and the network's 1.15e18, past 2^53, so the tracker's
 * float64 sums are only as close as float64 rounding of one addition per validator allows.
 */
function expectBalanceSum(actual: number | null, exact: bigint, terms: number): void {
  expect(actual).not.toBeNull();
  const ulp = 2 ** (Math.floor(Math.log2(Number(exact))) - 52);
  expect(Math.abs(Number(BigInt(actual!) - exact))).toBeLessThanOrEqual(Math.max(1, terms * ulp));
}

describe.skipIf(!available)('the validator tracker over a recorded Sepolia beacon node', () => {
  const recording = available ? new SepoliaRecording() : undefined;
  const sets = recording?.watchedSets() ?? [];

  /** A tracker reading the replay, its clock half a second into `slot`, with stage cursors stored beforehand. */
  async function startReplayTracker(options: {
    slot: number;
    cursors?: Partial<Record<ValidatorStage, number>>;
  }): Promise<ReplayTracker> {
    const genesisTime = recording!.genesisTime;
    const replay = await startBeaconReplay({ file: sepoliaRecordingFile });
    const { db } = openDatabase(':memory:');
    const clock = fixedClock((genesisTime + options.slot * secondsPerSlot) * 1_000 + 500);
    const store = new ValidatorStore(db);
    for (const [stage, epoch] of Object.entries(options.cursors ?? {}))
      store.setCursor(chain, stage as ValidatorStage, epoch, clock.now());
    const client = new BeaconClient({ url: replay.url, timeoutMs: 5_000, bulkTimeoutMs: 20_000 });
    const errors: ReplayTracker['errors'] = [];
    const tracker = new ValidatorTracker(db, [{ chain, signal: 'rewards', sets, backfillEpochs: 0 }], {
      clock,
      beacon: { endpoints: () => ['sepolia-0'], api: () => client },
      hooks: {
        onStageError: (_chain, stage, epoch, _endpoint, error) =>
          errors.push({ stage, epoch, errorClass: String((error as { errorClass?: unknown }).errorClass) }),
      },
    });
    running = {
      replay,
      db,
      tracker,
      errors,
      toSlot: (slot) => clock.set((genesisTime + slot * secondsPerSlot) * 1_000 + 500),
    };
    return running;
  }

  /** The tracker's epoch, in memory and as stored, against the recording's, scope by scope. */
  function expectAttestationEpoch(h: ReplayTracker, epoch: number): Map<string, ExpectedScope> {
    const expected = recording!.attestationEpoch(epoch, slotsPerEpoch);
    const result = h.tracker.lastAttestation(chain)!;
    expect(result.epoch).toBe(epoch);
    expect(result.leak).toBe(false);
    expect(result.scopes.map((totals) => totals.scope).sort()).toEqual([...expected.keys()].sort());
    for (const [scope, want] of expected) {
      const totals = result.scopes.find((candidate) => candidate.scope === scope) as ScopeAttestationTotals;
      expect({
        scope,
        validators: totals.validators,
        due: totals.attestationsDue,
        missed: totals.missed,
        effective: totals.effective,
        ineffective: totals.ineffective,
        unknown: totals.unknown,
      }).toEqual({
        scope,
        validators: want.validators,
        due: want.due,
        missed: want.missed,
        effective: want.effective,
        ineffective: want.ineffective,
        unknown: want.unknown,
      });
      expect(statusCountsOf(totals.statusCounts)).toEqual(want.statusCounts);
      expectBalanceSum(totals.balanceGwei, want.balanceGwei, want.validators);
      // The exact sum, past 2^53 here, is served as a decimal string beside the float.
      expect(totals.balanceGweiExact).toBe(want.balanceGwei.toString());
      const row = h.tracker.store.epochs(chain, { scope, fromEpoch: epoch, toEpoch: epoch })[0];
      expect(row).toMatchObject({
        validators: want.validators,
        attestationsDue: want.due,
        attestationsMissed: want.missed,
        attestationsEffective: want.effective,
        balanceGwei: totals.balanceGwei,
      });
      expect(statusCountsOf(row!.statusCounts)).toEqual(want.statusCounts);
    }
    return expected;
  }

  it('reads the fixture: 100 watched keys in two sets, and the replay window in epoch 240249', () => {
    expect(recording!.watchedFile.watched_keys).toHaveLength(100);
    expect(sets.map((set) => ({ labels: set.labels, keys: set.pubkeys.length }))).toEqual([
      { labels: { operator: 'kiln', vc: 'prysm-validator-1' }, keys: 50 },
      { labels: { operator: 'kiln', vc: 'teku-validator-1' }, keys: 50 },
    ]);
    expect(recording!.genesisTime).toBe(1_655_733_600);
    const slotAt = (ts: number) => Math.floor((ts - recording!.genesisTime) / secondsPerSlot);
    expect([
      slotAt(recording!.watchedFile.replay_start_at_ts),
      slotAt(recording!.watchedFile.replay_end_at_ts),
    ]).toEqual([startOf(240249) + 17, startOf(240249) + 19]);
  });

  it(
    'at the recording time, a fresh tracker finds no duties for 240248: a typed ' +
      'error, its cursor stays, and the attestation stage goes on without it',
    async () => {
      const h = await startReplayTracker({ slot: startOf(240249) + 17 });
      for (let poll = 0; poll < 3; poll += 1) await h.tracker.poll(chain);
      const status = h.tracker.status(chain)!;
      expect(status).toMatchObject({
        headSlot: startOf(240249) + 17,
        headEpoch: 240249,
        finalizedEpoch: 240247,
        lastSuccessMs: null,
      });
      expect(status.lastError).toMatchObject({ stage: 'blocks', epoch: 240248, errorClass: 'not_found' });
      expect(status.lastError!.message).toContain('GET /eth/v1/validator/duties/proposer/{epoch}');
      expect(status.cursors).toEqual({ blocks: 240248, attestations: 240248, finality: 240248 });
      // Each poll: the duties of 240248 are not recorded. `headers/head` is not either; the wall clock stands in
      // for it, which is no error.
      expect(h.errors).toEqual(
        Array.from({ length: 3 }, () => ({ stage: 'blocks', epoch: 240248, errorClass: 'not_found' })),
      );
      expect(h.tracker.lastAttestation(chain)?.epoch).toBe(240247);
      expect(h.replay.unmatched().map((request) => request.path)).not.toContain(
        '/eth/v1/beacon/states/7687968/validators',
      );
    },
  );

  it('with the blocks stage past the unrecorded epochs, judges 240247 and 240248 as the recording does', async () => {
    const h = await startReplayTracker({ slot: startOf(240249) + 17, cursors: { blocks: 240249 } });
    await h.tracker.poll(chain);
    await h.tracker.poll(chain);
    expect(h.tracker.status(chain)!.cursors).toEqual({ blocks: 240249, attestations: 240248, finality: 240249 });

    // The 100 public keys resolve to the indices the recorded list gives them, with their labels.
    const list = recording!.validators(startOf(240249));
    const watchedEntries = list.filter((entry) => recording!.scopesOf(entry.validator.pubkey)[0] === 'watched');
    expect(watchedEntries).toHaveLength(100);
    const watch = h.tracker.watchList(chain)!;
    expect(watch.unresolvedPubkeys).toBe(0);
    expect([...watch.indices()]).toEqual(watchedEntries.map((entry) => Number(entry.index)).sort((a, b) => a - b));
    for (const entry of watchedEntries) {
      const [, ...labels] = recording!.scopesOf(entry.validator.pubkey);
      expect(
        Object.entries(watch.labelsOf(Number(entry.index))!)
          .map(([name, value]) => `${name}:${value}`)
          .sort(),
      ).toEqual(labels.sort());
      expect(h.tracker.watchedValidators(chain).get(Number(entry.index))).toMatchObject({
        pubkey: entry.validator.pubkey,
        status: entry.status,
        balanceGwei: Number(entry.balance),
        lastAttestationEpoch: 240247,
      });
    }

    const epoch240247 = expectAttestationEpoch(h, 240247);
    expect(epoch240247.get('watched')).toMatchObject({ due: 100, missed: 0, effective: 100 });
    expect(epoch240247.get('network')).toMatchObject({
      validators: 1887,
      due: 1681,
      missed: 2,
      effective: 1678,
      ineffective: 1,
    });
    expect(h.tracker.store.misses(chain, { duty: 'attestation' })).toEqual([]);
    expect(h.tracker.lastAttestation(chain)!.scopes.every((totals) => totals.balanceChangeGwei === null)).toBe(true);

    // Into epoch 240250: 240248 is due, read from the next recorded list; balance changes are now known.
    h.toSlot(startOf(240250) + 1);
    await h.tracker.poll(chain);
    expect(h.tracker.status(chain)!.cursors.attestations).toBe(240249);
    const epoch240248 = expectAttestationEpoch(h, 240248);
    expect(epoch240248.get('watched')).toMatchObject({ due: 100, missed: 0, effective: 100 });
    expect(epoch240248.get('network')).toMatchObject({ due: 1681, missed: 2, effective: 1679, ineffective: 0 });
    const before = new Map(list.map((entry) => [entry.index, BigInt(entry.balance)]));
    const change = new Map<string, bigint>();
    for (const entry of recording!.validators(startOf(240250))) {
      for (const scope of recording!.scopesOf(entry.validator.pubkey))
        change.set(scope, (change.get(scope) ?? 0n) + BigInt(entry.balance) - before.get(entry.index)!);
    }
    for (const totals of h.tracker.lastAttestation(chain)!.scopes)
      expect([totals.scope, totals.balanceChangeGwei]).toEqual([totals.scope, Number(change.get(totals.scope))]);
    for (const totals of h.tracker.lastAttestation(chain)!.scopes)
      expect([totals.scope, totals.balanceChangeGweiExact]).toEqual([
        totals.scope,
        change.get(totals.scope)!.toString(),
      ]);

    // What the tracker asked the recording for, and what it did not find.
    expect(servedPaths(h)).toEqual([
      'GET /eth/v1/beacon/genesis',
      'GET /eth/v1/config/spec',
      'GET /eth/v1/beacon/headers/finalized',
      'GET /eth/v1/beacon/states/7687968/validators',
      'POST /eth/v1/beacon/rewards/attestations/240247',
      'GET /eth/v1/validator/duties/proposer/240249',
      'GET /eth/v1/beacon/states/7688000/validators',
      'POST /eth/v1/beacon/rewards/attestations/240248',
      'GET /eth/v1/validator/duties/proposer/240250',
    ]);
    expect(new Set(h.replay.unmatched().map((request) => `${request.method} ${request.path}`))).toEqual(
      new Set(['GET /eth/v1/beacon/headers/head']),
    );
    expect(h.errors.every((error) => error.epoch === -1 && error.errorClass === 'not_found')).toBe(true);
  });

  it(
    'judges the proposals of 240249 and 240250, the epochs with recorded ' +
      'duties; the unrecorded attestation epoch is a typed error',
    async () => {
      // Public keys resolve to indices only from a validator list, which the attestation stage reads: first
      // 240247 at the recording time, then the head at 240251 + 2 slots, where the blocks stage is due
      // through 240250 and the attestation stage through 240249.
      const h = await startReplayTracker({ slot: startOf(240249) + 17, cursors: { blocks: 240249 } });
      await h.tracker.poll(chain);
      expect(h.tracker.watchList(chain)!.size).toBe(100);
      h.toSlot(startOf(240251) + 2);
      await h.tracker.poll(chain);
      await h.tracker.poll(chain);
      const status = h.tracker.status(chain)!;
      // 240248's attestations are recorded, 240249's are not; finality has nothing finalized to do.
      expect(status.cursors).toEqual({ blocks: 240251, attestations: 240249, finality: 240249 });
      expect(status.lastError).toMatchObject({ stage: 'attestations', epoch: 240249, errorClass: 'not_found' });
      expect(status.lastError!.message).toContain('GET /eth/v1/beacon/states/{state_id}/validators');
      expect(h.errors.filter((error) => error.epoch !== -1 && error.stage === 'attestations')).toEqual([
        { stage: 'attestations', epoch: 240249, errorClass: 'not_found' },
        { stage: 'attestations', epoch: 240249, errorClass: 'not_found' },
      ]);
      // The recording has no sync committee rewards: each recorded block's are unknown (not_found), never
      // "nobody had to sign".
      const blocks = [240249, 240250]
        .flatMap((epoch) => recording!.proposals(epoch))
        .filter((duty) => duty.header !== null);
      expect(
        h.errors.filter((error) => error.epoch !== -1 && error.stage === 'blocks').sort((a, b) => a.epoch - b.epoch),
      ).toEqual(
        blocks.map((duty) => ({ stage: 'blocks', epoch: Math.floor(duty.slot / 32), errorClass: 'not_found' })),
      );
      expect(h.tracker.lastBlocks(chain)!.syncUnknown.map((slot) => slot.slot)).toEqual(
        blocks.filter((duty) => duty.slot >= startOf(240250)).map((duty) => duty.slot),
      );

      const watchedIndices = new Set(h.tracker.watchList(chain)!.indices());
      for (const epoch of [240249, 240250]) {
        const expected = recording!.proposals(epoch);
        const stored = h.tracker.store.proposals(chain, { fromEpoch: epoch, toEpoch: epoch });
        expect(
          stored.map((proposal) => ({
            slot: proposal.slot,
            validatorIndex: proposal.validatorIndex,
            outcome: proposal.outcome,
            blockRoot: proposal.blockRoot,
            watched: proposal.watched,
          })),
        ).toEqual(
          expected.map((duty) => {
            const proposed = duty.header !== null && duty.header.proposerIndex === duty.validatorIndex;
            return {
              slot: duty.slot,
              validatorIndex: duty.validatorIndex,
              outcome: proposed ? 'proposed' : 'missed',
              blockRoot: proposed ? duty.header!.root : null,
              watched: watchedIndices.has(duty.validatorIndex),
            };
          }),
        );
        const missed = expected.filter((duty) => duty.header === null).length;
        const watchedDuties = expected.filter((duty) => watchedIndices.has(duty.validatorIndex)).length;
        expect(h.tracker.store.epochs(chain, { scope: 'network', fromEpoch: epoch, toEpoch: epoch })[0]).toMatchObject({
          proposalsDue: 32 - watchedDuties,
          syncDue: 0,
          syncMissed: 0,
        });
        expect(h.tracker.store.epochs(chain, { scope: 'watched', fromEpoch: epoch, toEpoch: epoch })[0]).toMatchObject({
          proposalsDue: watchedDuties,
          syncDue: 0,
        });
        const totalMissed = ['network', 'watched']
          .map(
            (scope) =>
              h.tracker.store.epochs(chain, { scope, fromEpoch: epoch, toEpoch: epoch })[0]!.proposalsMissed ?? 0,
          )
          .reduce((a, b) => a + b, 0);
        expect([epoch, totalMissed]).toEqual([epoch, missed]);
      }
      // Every recorded header is by its duty's proposer: the only misses are the slots the recording lacks,
      // three of them watched validators' slots in 240249 (1205, 1245, 1273), misses only of the recording.
      const watchedUnrecorded = [240249, 240250]
        .flatMap((epoch) => recording!.proposals(epoch))
        .filter((duty) => duty.header === null && watchedIndices.has(duty.validatorIndex));
      expect(watchedUnrecorded.map((duty) => duty.validatorIndex)).toEqual([1205, 1245, 1273]);
      expect(
        h.tracker.store
          .misses(chain, { duty: 'proposal' })
          .map((miss) => [miss.validatorIndex, miss.slot])
          .sort(),
      ).toEqual(watchedUnrecorded.map((duty) => [duty.validatorIndex, duty.slot]).sort());
      expect(
        [240249, 240250].map((epoch) => recording!.proposals(epoch).filter((duty) => duty.header === null).length),
      ).toEqual([14, 3]);
      expect(
        [240249, 240250]
          .flatMap((epoch) => recording!.proposals(epoch))
          .every((duty) => duty.header === null || duty.header.proposerIndex === duty.validatorIndex),
      ).toBe(true);

      const served = servedPaths(h);
      expect(served).toEqual(
        expect.arrayContaining([
          'GET /eth/v1/validator/duties/proposer/240249',
          'GET /eth/v1/validator/duties/proposer/240250',
          'GET /eth/v1/beacon/headers/7687982',
          'GET /eth/v1/beacon/headers/7688028',
        ]),
      );
      expect(served.filter((request) => /^GET \/eth\/v1\/beacon\/headers\/\d+$/.test(request))).toHaveLength(18 + 29);
      // Asked for and not recorded: the head, the missing headers, every block's sync committee rewards, the list at
      // 7688032.
      const unmatched = new Set(
        h.replay.unmatched().map((request) => `${request.method} ${request.path.replace(/\/\d+$/, '/{slot}')}`),
      );
      expect(unmatched).toEqual(
        new Set([
          'GET /eth/v1/beacon/headers/head',
          'GET /eth/v1/beacon/headers/{slot}',
          'POST /eth/v1/beacon/rewards/sync_committee/{slot}',
          'GET /eth/v1/beacon/states/7688032/validators',
        ]),
      );
    },
  );
});
