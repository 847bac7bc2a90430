import { afterEach, describe, expect, it } from 'vitest';
import { FAR_FUTURE_EPOCH } from '../../src/domain/beacon.js';
import { startSimTracker, startOf, type SimTracker } from './sim-tracker.js';

const kiln = { labels: { operator: 'kiln' }, indices: [[0, 9] as const], pubkeys: [], perValidatorMetrics: false };

let harness: SimTracker | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function epochRow(h: SimTracker, epoch: number, scope: string) {
  return h.tracker.store.epochs('sim', { scope, fromEpoch: epoch, toEpoch: epoch })[0];
}

describe('the validator tracker over a simulated beacon node', () => {
  it('counts missed attestations per scope, network apart, in a row across epochs', async () => {
    const lido = { labels: { operator: 'lido' }, indices: [], pubkeys: [] as string[], perValidatorMetrics: false };
    harness = await startSimTracker({ sets: [kiln, lido] });
    const h = harness;
    lido.pubkeys.push(h.nodes[0]!.sim.pubkey(20));
    h.tracker = h.newTracker();
    h.nodes[0]!.sim.missAttestations([3], 6, 8);
    h.nodes[0]!.sim.missAttestations([40], 7, 7);
    await h.pollUntil(startOf(10) + 1); // attestations processed through epoch 8
    const status = h.tracker.status('sim')!;
    expect(status.cursors.attestations).toBe(9);
    expect(h.tracker.watchList('sim')!.isWatched(20)).toBe(true);
    expect(h.tracker.watchedValidators('sim').get(3)?.missedInARow).toBe(3);
    expect(h.tracker.store.misses('sim', { validatorIndex: 3 }).map((miss) => miss.epoch)).toEqual([6, 7, 8]);
    expect(h.tracker.store.misses('sim', { validatorIndex: 40 })).toEqual([]); // not watched: only counted
    expect(epochRow(h, 7, 'network')).toMatchObject({ validators: 53, attestationsDue: 53, attestationsMissed: 1 });
    expect(epochRow(h, 7, 'watched')).toMatchObject({
      validators: 11,
      attestationsDue: 11,
      attestationsMissed: 1,
      attestationsEffective: 10,
    });
    expect(epochRow(h, 7, 'operator:kiln')).toMatchObject({ validators: 10, attestationsMissed: 1 });
    expect(epochRow(h, 7, 'operator:lido')).toMatchObject({ validators: 1, attestationsMissed: 0 });
    const last = h.tracker.lastAttestation('sim')!;
    expect(last.scopes.find((totals) => totals.scope === 'operator:kiln')).toMatchObject({
      missingInARow: 1,
      maxMissedInARow: 3,
    });

    await h.pollUntil(startOf(11) + 1);
    expect(h.tracker.watchedValidators('sim').get(3)?.missedInARow).toBe(0);
  });

  it('never counts a validator missed before it is active or after it exited, and sees a slashing once', async () => {
    harness = await startSimTracker({
      sets: [kiln, { labels: { operator: 'new' }, indices: [64], pubkeys: [], perValidatorMetrics: false }],
    });
    const h = harness;
    const sim = h.nodes[0]!.sim;
    const pending = sim.addPendingValidators(1);
    expect(pending).toBe(64);
    sim.activate(pending, 7);
    sim.exit(5, 6);
    sim.slash(8, 6);
    await h.pollUntil(startOf(11) + 1);
    const misses = h.tracker.store.misses('sim', { duty: 'attestation' });
    expect(misses.filter((miss) => miss.validatorIndex === 64)).toEqual([]);
    expect(misses.filter((miss) => miss.validatorIndex === 5)).toEqual([]);
    expect(epochRow(h, 6, 'operator:new')).toMatchObject({ validators: 1, attestationsDue: 0 });
    expect(epochRow(h, 8, 'operator:new')).toMatchObject({
      attestationsDue: 1,
      attestationsMissed: 0,
      attestationsEffective: 1,
    });
    const exited = h.tracker.watchedValidators('sim').get(5)!;
    expect(exited.exitEpoch).not.toBe(FAR_FUTURE_EPOCH);
    expect(h.tracker.store.slashings('sim', 0).map((slashing) => slashing.validatorIndex)).toEqual([8]);
    const slashedEpochs = h.tracker.store
      .epochs('sim', { scope: 'operator:kiln', limit: 100 })
      .filter((row) => (row.slashedNew ?? 0) > 0);
    expect(slashedEpochs).toHaveLength(1);
  });

  it(
    'judges proposals at head and once finalized: an empty slot ' + 'is missed, an orphaned block missed at finality',
    async () => {
      harness = await startSimTracker({
        sets: [{ labels: { operator: 'all' }, indices: [[0, 63] as const], pubkeys: [], perValidatorMetrics: false }],
      });
      const h = harness;
      const sim = h.nodes[0]!.sim;
      const empty = startOf(6) + 2;
      const orphan = startOf(6) + 5;
      sim.emptySlot(empty);
      sim.orphanBlock(orphan);
      await h.pollUntil(startOf(7) + 2);
      const atHead = h.tracker.store.proposals('sim', { fromEpoch: 6, toEpoch: 6 });
      expect(atHead).toHaveLength(8);
      expect(atHead.find((proposal) => proposal.slot === empty)).toMatchObject({
        outcome: 'missed',
        finalizedOutcome: null,
      });
      expect(atHead.find((proposal) => proposal.slot === orphan)).toMatchObject({ outcome: 'proposed' });
      for (const proposal of atHead)
        expect(proposal.validatorIndex).toBe(sim.proposerOf(proposal.slot) ?? proposal.validatorIndex);
      await h.pollUntil(startOf(10) + 2);
      const finalized = h.tracker.store.proposals('sim', { fromEpoch: 6, toEpoch: 6 });
      expect(finalized.find((proposal) => proposal.slot === empty)?.finalizedOutcome).toBe('missed');
      expect(finalized.find((proposal) => proposal.slot === orphan)?.finalizedOutcome).toBe('missed');
      expect(finalized.filter((proposal) => proposal.finalizedOutcome === 'proposed')).toHaveLength(6);
      expect(epochRow(h, 6, 'watched')).toMatchObject({
        proposalsDue: 8,
        proposalsMissed: 1,
        proposalsFinalizedDue: 8,
        proposalsFinalizedMissed: 2,
      });
      const missed = h.tracker.store.misses('sim', { duty: 'proposal' }).map((miss) => miss.slot);
      expect(missed.sort()).toEqual([empty, orphan].sort());
    },
  );

  it('re-fetches duties whose dependent root changed and judges the proposers that stand', async () => {
    harness = await startSimTracker({
      sets: [{ labels: { operator: 'all' }, indices: [[0, 63] as const], pubkeys: [], perValidatorMetrics: false }],
    });
    const h = harness;
    const sim = h.nodes[0]!.sim;
    await h.pollUntil(startOf(6) + 1); // the tracker has read epoch 6's duties
    const before = Array.from({ length: 8 }, (_, slot) => sim.proposerOf(startOf(6) + slot));
    sim.reorgDuties(6);
    const after = Array.from({ length: 8 }, (_, slot) => sim.proposerOf(startOf(6) + slot));
    expect(after).not.toEqual(before);
    await h.pollUntil(startOf(7) + 3);
    expect(h.events.reorgs.some((reorg) => reorg.epoch === 6)).toBe(true);
    const stored = h.tracker.store.proposals('sim', { fromEpoch: 6, toEpoch: 6 });
    expect(stored.map((proposal) => proposal.validatorIndex)).toEqual(after);
    expect(stored.every((proposal) => proposal.outcome === 'proposed')).toBe(true);
  });

  it('survives a beacon node restart and a tracker restart without losing or repeating an epoch', async () => {
    harness = await startSimTracker({ sets: [kiln] });
    const h = harness;
    const sim = h.nodes[0]!.sim;
    sim.missAttestations([2], 5, 12);
    await h.pollUntil(startOf(8));
    sim.setDown(true);
    await h.pollUntil(startOf(9) + 4);
    expect(h.events.errors.some((error) => error.errorClass === 'connection')).toBe(true);
    sim.setDown(false);
    await sim.restart();
    h.tracker = h.newTracker(); // ERE restarts too: cursors and streaks come from the store
    expect(h.tracker.watchedValidators('sim').get(2)?.missedInARow).toBeGreaterThan(0);
    await h.pollUntil(startOf(13) + 2);
    const epochs = h.tracker.store
      .epochs('sim', { scope: 'watched', limit: 100 })
      .filter((row) => row.attestationsDue !== null)
      .map((row) => row.epoch)
      .sort((a, b) => a - b);
    const first = epochs[0]!;
    expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, offset) => first + offset));
    expect(epochs.at(-1)).toBe(11);
    expect(h.tracker.store.misses('sim', { validatorIndex: 2 }).map((miss) => miss.epoch)).toEqual(
      epochs.filter((epoch) => epoch >= 5 && epoch <= 11),
    );
    expect(h.tracker.watchedValidators('sim').get(2)?.missedInARow).toBe(epochs.filter((epoch) => epoch >= 5).length);
  });

  it('fails over to a second endpoint when the first is down or syncing', async () => {
    harness = await startSimTracker({ sets: [kiln], nodes: 2 });
    const h = harness;
    h.nodes[0]!.sim.setDown(true);
    await h.pollUntil(startOf(7) + 2);
    h.nodes[0]!.sim.setDown(false);
    h.nodes[0]!.sim.setSyncing(true);
    await h.pollUntil(startOf(9) + 2);
    expect(h.tracker.status('sim')!.cursors.attestations).toBe(8);
    expect(h.events.errors.some((error) => error.endpoint === 'beacon-0' && error.errorClass === 'connection')).toBe(
      true,
    );
    expect(h.events.errors.some((error) => error.endpoint === 'beacon-0' && error.errorClass === 'syncing')).toBe(true);
    expect(h.events.errors.filter((error) => error.endpoint === 'beacon-1')).toEqual([]);
    expect(epochRow(h, 7, 'watched')).toMatchObject({ attestationsDue: 10 });
  });

  it('judges by liveness, the watched indices posted in chunks', async () => {
    harness = await startSimTracker({ sets: [kiln], signal: 'liveness' });
    const h = harness;
    h.nodes[0]!.sim.missAttestations([4], 6, 6);
    await h.pollUntil(startOf(8) + 2);
    expect(epochRow(h, 6, 'watched')).toMatchObject({
      attestationsDue: 10,
      attestationsMissed: 1,
      sourceCorrect: null,
      targetCorrect: null,
      headCorrect: null,
    });
    expect(h.tracker.store.misses('sim', { validatorIndex: 4 }).map((miss) => miss.epoch)).toEqual([6]);
  });
});

describe('the validator tracker over a node that answers badly', () => {
  it(
    'a malformed or spec-violating answer is a typed error on that epoch: ' +
      'nothing stored, the cursor stays, the next answer counts',
    async () => {
      const { BeaconClient } = await import('../../src/endpoints/beacon/beacon-client.js');
      const { ValidatorTracker } = await import('../../src/validators/validator-tracker.js');
      harness = await startSimTracker({ sets: [kiln] });
      const h = harness;
      let corrupt: 'truncate' | 'mistype' | null = 'truncate';
      const fetchWithFaults: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        const url = String(input);
        if (corrupt === null || !url.includes('/rewards/attestations/')) return response;
        const text = await response.text();
        const body =
          corrupt === 'truncate'
            ? text.slice(0, Math.floor(text.length / 2))
            : text.replace(/"source":"(-?\d+)"/, '"source":{"gwei":$1}');
        return new Response(body, { status: response.status, headers: response.headers });
      };
      const client = new BeaconClient({
        url: h.nodes[0]!.url,
        timeoutMs: 2_000,
        bulkTimeoutMs: 5_000,
        fetch: fetchWithFaults,
      });
      const errors: string[] = [];
      h.tracker = new ValidatorTracker(h.db, [{ chain: 'sim', signal: 'rewards', sets: [kiln], backfillEpochs: 0 }], {
        clock: h.clock,
        beacon: { endpoints: () => ['beacon-0'], api: () => client },
        hooks: {
          onStageError: (_chain, stage, epoch, _endpoint, error) =>
            errors.push(
              `${stage} ${epoch} ${(error as { errorClass?: string }).errorClass}: ` +
                `${(error as { shortMessage?: string }).shortMessage}`,
            ),
        },
      });
      await h.pollUntil(startOf(7) + 2);
      const stuck = h.tracker.status('sim')!.cursors.attestations!;
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((line) => line.startsWith(`attestations ${stuck} invalid_response`))).toBe(true);
      expect(h.tracker.store.epochs('sim', { scope: 'watched' }).filter((row) => row.attestationsDue !== null)).toEqual(
        [],
      );
      corrupt = 'mistype';
      errors.length = 0;
      await h.tracker.poll('sim');
      expect(errors.some((line) => /invalid_response: .*source/.test(line))).toBe(true);
      expect(h.tracker.status('sim')!.cursors.attestations).toBe(stuck);
      corrupt = null;
      await h.tracker.poll('sim');
      expect(h.tracker.status('sim')!.cursors.attestations).toBeGreaterThan(stuck);
      expect(epochRow(h, stuck, 'watched')).toMatchObject({ attestationsDue: 10, attestationsMissed: 0 });
    },
  );
});
