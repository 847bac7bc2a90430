// What the validator tracker makes of answers that say "not there" where the data should be: a node that
// has pruned the state behind a block's sync committee rewards, and one whose proposer duties for an epoch
// answer 404 for ever. Neither may pass for a clean epoch, and neither may hold a stage back for ever.

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BeaconClient } from '../../src/endpoints/beacon/beacon-client.js';
import { createValidatorMetrics } from '../../src/validators/validator-metrics.js';
import type { ValidatorAlertsConfig } from '../../src/alerting/sources/validators.js';
import { validatorBuiltInRules } from '../../src/alerting/built-in-rules.js';
import { thresholdRulesOf } from '../../src/alerting/threshold-rules.js';
import { ValidatorTracker } from '../../src/validators/validator-tracker.js';
import { startSimTracker, startOf, type SimTracker } from './sim-tracker.js';

const all = { labels: { operator: 'all' }, indices: [[0, 63] as const], pubkeys: [], perValidatorMetrics: false };

let harness: SimTracker | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Fault = (url: string) => number | null;

/** A tracker over one simulated node, through one client per fault: each answers that status where its fault says. */
async function trackerWithFaults(faults: Fault[]) {
  harness = await startSimTracker({ sets: [all] });
  const h = harness;
  const requests: { route: string; outcome: string }[] = [];
  const clients = faults.map((fault) => {
    const faulty: typeof fetch = async (input, init) => {
      const status = fault(String(input));
      if (status === null) return fetch(input, init);
      return new Response(JSON.stringify({ code: status, message: 'state not available' }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
    return new BeaconClient({
      url: h.nodes[0]!.url,
      timeoutMs: 2_000,
      bulkTimeoutMs: 5_000,
      fetch: faulty,
      onRequest: (event) => requests.push(event),
    });
  });
  const endpoints = clients.map((_, index) => `beacon-${index}`);
  const events = { errors: [] as string[], skipped: [] as string[], unknownSync: [] as string[] };
  h.tracker = new ValidatorTracker(h.db, [{ chain: 'sim', signal: 'rewards', sets: [all], backfillEpochs: 0 }], {
    clock: h.clock,
    beacon: { endpoints: () => endpoints, api: (endpoint) => clients[endpoints.indexOf(endpoint)]! },
    hooks: {
      onStageError: (_chain, stage, epoch, endpoint, error) =>
        events.errors.push(`${stage} ${epoch} ${endpoint} ${(error as { errorClass?: string }).errorClass}`),
      onEpochSkipped: (_chain, stage, epoch, reason) => events.skipped.push(`${stage} ${epoch} ${reason}`),
      onBlockEpoch: (_chain, result) => {
        for (const slot of result.syncUnknown)
          events.unknownSync.push(`${result.epoch} ${slot.slot} ${slot.errorClass}`);
      },
    },
  });
  return { h, requests, events };
}

const slotOf = (url: string) => Number(new URL(url).pathname.split('/').pop());

describe('sync committee rewards a node has pruned', () => {
  it('are unknown with their error class, not a block nobody had to sign', async () => {
    const { h, requests, events } = await trackerWithFaults([
      (url) =>
        url.includes('/rewards/sync_committee/') && slotOf(url) >= startOf(6) && slotOf(url) < startOf(7) ? 404 : null,
    ]);
    await h.pollUntil(startOf(7) + 2);
    const result = h.tracker.lastBlocks('sim')!;
    expect(result.epoch).toBe(6);
    // Every slot of epoch 6 had a block: each one's signatures are unknown, none counted as due or missed.
    expect(result.syncUnknown.map((slot) => slot.errorClass)).toEqual(Array(8).fill('not_found'));
    expect(events.unknownSync).toHaveLength(8);
    expect(result.scopes.every((totals) => totals.syncDue === 0)).toBe(true);
    // The proposals of the epoch are still judged.
    expect(result.proposals).toHaveLength(8);
    expect(events.errors.filter((line) => line === 'blocks 6 beacon-0 not_found')).toHaveLength(8);
    const syncRequests = requests.filter(
      (event) => event.route === 'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
    );
    expect(syncRequests.filter((event) => event.outcome === 'not_found')).toHaveLength(8);
    // The epoch before had its rewards: signatures due and counted.
    expect(h.tracker.store.epochs('sim', { scope: 'watched', fromEpoch: 5, toEpoch: 5 })[0]!.syncDue).toBeGreaterThan(
      0,
    );
  });
});

describe('proposer duties that answer 404 for ever', () => {
  it.each([
    { case: 'on the only endpoint', faults: [404] },
    { case: 'on one endpoint while the other fails otherwise', faults: [404, 500] },
  ])(
    'hold the blocks stage back a bounded number of polls $case, then the epoch is skipped and counted',
    async ({ faults }) => {
      const { h, events } = await trackerWithFaults(
        faults.map((status) => (url: string) => (url.endsWith('/validator/duties/proposer/6') ? status : null)),
      );
      await h.pollUntil(startOf(13) + 2);
      const status = h.tracker.status('sim')!;
      expect(events.skipped.filter((line) => line.startsWith('blocks 6'))).toHaveLength(1);
      expect(events.skipped.filter((line) => line.startsWith('finality 6'))).toHaveLength(1);
      expect(status.cursors.blocks).toBeGreaterThan(7);
      expect(status.blockEpochsBehind).toBe(0);
      // Nothing was judged for the skipped epoch; the epochs around it were.
      expect(h.tracker.store.proposals('sim', { fromEpoch: 6, toEpoch: 6 })).toEqual([]);
      expect(h.tracker.store.proposals('sim', { fromEpoch: 7, toEpoch: 7 })).toHaveLength(8);
    },
  );

  it('are not skipped while every endpoint fails otherwise (down, not pruned)', async () => {
    const { h, events } = await trackerWithFaults([
      (url) => (url.endsWith('/validator/duties/proposer/6') ? 500 : null),
    ]);
    await h.pollUntil(startOf(13) + 2);
    expect(events.skipped).toEqual([]);
    expect(h.tracker.status('sim')!.cursors.blocks).toBe(6);
    const behind = h.tracker.status('sim')!.blockEpochsBehind!;
    expect(behind).toBeGreaterThan(3);
    // The blocks stage held back raises its own alert; the attestation stage, caught up, does not.
    const config: ValidatorAlertsConfig = {
      enabled: true,
      missedInARow: 3,
      missRate: 0.1,
      minDuties: 10,
      eventHoldMs: 3_600_000,
      processingBehindEpochs: 3,
      severities: {},
      labels: {},
    };
    const rules = thresholdRulesOf(validatorBuiltInRules(config), {
      validators: { reader: h.tracker, minDuties: config.minDuties },
    });
    const signal = (name: string) => rules.find((rule) => rule.name === name)!.signals()[0]!;
    expect(signal('ValidatorBlocksProcessingBehind')).toMatchObject({ labels: { chain: 'sim' }, value: behind });
    expect(signal('ValidatorBlocksProcessingBehind').condition(false)).toBe(true);
    expect(signal('ValidatorProcessingBehind').condition(false)).toBe(false);
  });
});

describe('the last processed epoch', () => {
  it('is absent for a stage until it has processed an epoch, as its processed counter is 0', async () => {
    harness = await startSimTracker({ sets: [all] });
    const h = harness;
    const registry = new Registry();
    createValidatorMetrics(registry, h.tracker);
    const processed: Record<string, number> = { blocks: 0, attestations: 0, finality: 0 };
    const last: Record<string, number> = {};
    const count = (stage: string, epoch: number) => {
      processed[stage]! += 1;
      last[stage] = epoch;
    };
    Object.assign((h.tracker as unknown as { deps: { hooks: object } }).deps, {
      hooks: {
        onBlockEpoch: (_c: string, result: { epoch: number }) => count('blocks', result.epoch),
        onAttestationEpoch: (_c: string, result: { epoch: number }) => count('attestations', result.epoch),
        onFinalizedEpoch: (_c: string, epoch: number) => count('finality', epoch),
      },
    });
    const gauge = async () => {
      const text = await registry.getSingleMetricAsString('ere_validator_last_processed_epoch');
      return Object.fromEntries(
        [...text.matchAll(/stage="(\w+)"} (\d+)/g)].map((match) => [match[1]!, Number(match[2])]),
      );
    };
    for (let slot = startOf(4); slot <= startOf(9) + 2; slot += 1) {
      h.toSlot(slot);
      await h.tracker.poll('sim');
      // At every poll, a stage has a gauge exactly when it has processed an epoch, and the gauge is that epoch.
      expect(await gauge()).toEqual(last);
    }
    expect(processed.finality).toBeGreaterThan(0);
    expect(h.tracker.status('sim')!.cursors.finality).toBe(last.finality! + 1);
  });
});
