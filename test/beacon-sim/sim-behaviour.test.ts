// What the simulated chain does under its scenarios: the same seed gives the same answers, rewards and
// balances follow attestations, duties follow reorgs, blocks go missing or orphaned, finality stalls, and a
// restarted node forgets liveness.

import { afterEach, describe, expect, it } from 'vitest';
import { type Answer, call, data, startTestSim, type TestSim } from './sim-fixture.js';

let running: TestSim[] = [];
async function sim(options: Parameters<typeof startTestSim>[0] = {}): Promise<TestSim> {
  const started = await startTestSim(options);
  running.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

type Reward = { validator_index: string; head: string; target: string; source: string; inactivity: string };
const rewardsOf = async (url: string, epoch: number, ids?: string[]) =>
  data<{ total_rewards: Reward[] }>(await call(url, 'POST', `/eth/v1/beacon/rewards/attestations/${epoch}`, ids ?? []))
    .total_rewards;
const balanceOf = async (url: string, state: string | number, index: number) =>
  Number(
    data<{ balance: string }[]>(await call(url, 'GET', `/eth/v1/beacon/states/${state}/validators?id=${index}`))[0]
      ?.balance,
  );
const liveness = async (url: string, epoch: number, indices: number[]) =>
  data<{ index: string; is_live: boolean }[]>(
    await call(url, 'POST', `/eth/v1/validator/liveness/${epoch}`, indices.map(String)),
  ).map((l) => l.is_live);

describe('simulated beacon node', () => {
  it('gives identical answers for the same seed and clock, and different roots for another seed', async () => {
    const a = await sim();
    const b = await sim();
    const c = await sim({ seed: 43 });
    const paths = [
      '/eth/v1/beacon/headers/head',
      '/eth/v1/beacon/states/head/validators',
      '/eth/v1/validator/duties/proposer/10',
      '/eth/v1/beacon/states/head/sync_committees',
      '/eth/v1/beacon/states/head/finality_checkpoints',
    ];
    for (const running of [a, b, c]) {
      running.sim.missAttestations([3], 8, 8);
      running.advanceSlots(3);
    }
    const answers = async (s: TestSim) => {
      const texts = [];
      for (const path of paths) texts.push((await call(s.url, 'GET', path)).text);
      texts.push((await call(s.url, 'POST', '/eth/v1/beacon/rewards/attestations/8', [])).text);
      return texts;
    };
    const [first, second, other] = [await answers(a), await answers(b), await answers(c)];
    expect(second).toEqual(first);
    expect(other[0]).not.toEqual(first[0]);
  });

  it(
    'pays timely attesters, penalises a missed attestation and ' + 'gives no head reward for a wrong head vote',
    async () => {
      const { url, sim: s, advanceEpochs } = await sim({ attestationMissRate: 0 });
      s.missAttestations([1], 10, 10);
      s.wrongHead([2], 10, 10);
      advanceEpochs(2);
      const rewards = await rewardsOf(url, 10, ['0', '1', '2']);
      const [timely, missed, wrongHead] = rewards;
      expect(Number(timely?.head)).toBeGreaterThan(0);
      expect(Number(timely?.target)).toBeGreaterThan(Number(timely?.source));
      expect(missed).toMatchObject({ validator_index: '1', head: '0', inactivity: '0' });
      expect(Number(missed?.source)).toBeLessThan(0);
      expect(Number(missed?.target)).toBeLessThan(0);
      expect(wrongHead).toMatchObject({ validator_index: '2', head: '0' });
      expect(Number(wrongHead?.target)).toBeGreaterThan(0);
    },
  );

  it(
    'carries rewards into balances: up for an attester, down ' + 'for a misser, a chunk off a slashed validator',
    async () => {
      const { url, sim: s, advanceEpochs } = await sim({ attestationMissRate: 0 });
      s.missAttestations([1], 10, 20);
      s.slash(3, 10);
      const before = await Promise.all([0, 1, 3].map((v) => balanceOf(url, 'head', v)));
      advanceEpochs(4);
      const after = await Promise.all([0, 1, 3].map((v) => balanceOf(url, 'head', v)));
      expect(after[0]).toBeGreaterThan(before[0] as number);
      expect(after[1]).toBeLessThan(before[1] as number);
      expect((before[2] as number) - (after[2] as number)).toBeGreaterThan(1e9);
      // The finalized state is an older one, with its own balances.
      expect(await balanceOf(url, 'finalized', 0)).toBeLessThan(after[0] as number);
    },
  );

  it(
    'lists rewards only for eligible validators: not one pending or ' +
      'exited, yes one slashed and not yet withdrawable',
    async () => {
      const { url, sim: s, advanceEpochs } = await sim({ attestationMissRate: 0 });
      s.exit(9, 10);
      s.slash(12, 10);
      s.activate(68, 11);
      advanceEpochs(6);
      const rewarded = (await rewardsOf(url, 13)).map((r) => Number(r.validator_index));
      expect(rewarded).not.toContain(9);
      expect(rewarded).not.toContain(64);
      expect(rewarded).toContain(68);
      expect(rewarded).toContain(12);
      expect(rewarded).toEqual([...rewarded].sort((x, y) => x - y));
      const slashed = (await rewardsOf(url, 13, ['12']))[0];
      expect(Number(slashed?.source)).toBeLessThan(0);
      expect(await rewardsOf(url, 13, ['9', '64'])).toEqual([]);
    },
  );

  it('serves rewards of an epoch once the head is two epochs past it', async () => {
    const { url, sim: s } = await sim();
    expect((await call(url, 'POST', `/eth/v1/beacon/rewards/attestations/${s.headEpoch() - 1}`, [])).status).toBe(404);
    expect((await call(url, 'POST', `/eth/v1/beacon/rewards/attestations/${s.headEpoch() - 2}`, [])).status).toBe(200);
  });

  it('changes the dependent root and the proposers after reorgDuties', async () => {
    const { url, sim: s } = await sim();
    const epoch = s.headEpoch() + 1;
    const duties = async () =>
      (await call(url, 'GET', `/eth/v1/validator/duties/proposer/${epoch}`)).body as {
        dependent_root: string;
        data: { validator_index: string }[];
      };
    const before = await duties();
    expect(await duties()).toEqual(before);
    s.reorgDuties(epoch);
    const after = await duties();
    expect(after.dependent_root).not.toBe(before.dependent_root);
    expect(after.data.map((d) => d.validator_index)).not.toEqual(before.data.map((d) => d.validator_index));
  });

  it('answers 404 for the header of a missed proposal, by slot or by validator', async () => {
    const { url, sim: s, advanceEpochs } = await sim();
    const slot = s.headSlot() - 2;
    expect((await call(url, 'GET', `/eth/v1/beacon/headers/${slot}`)).status).toBe(200);
    s.missProposal(slot);
    const missed = await call(url, 'GET', `/eth/v1/beacon/headers/${slot}`);
    expect(missed).toMatchObject({ status: 404, body: { code: 404 } });
    expect((await call(url, 'POST', `/eth/v1/beacon/rewards/sync_committee/${slot}`)).status).toBe(404);

    const next = s.headEpoch() + 1;
    const duty = data<{ validator_index: string; slot: string }[]>(
      await call(url, 'GET', `/eth/v1/validator/duties/proposer/${next}`),
    )[0];
    s.missProposals(Number(duty?.validator_index), next, next);
    advanceEpochs(2);
    expect((await call(url, 'GET', `/eth/v1/beacon/headers/${duty?.slot}`)).status).toBe(404);
    // The next block's parent is the last block before the gap.
    const child = data(await call(url, 'GET', `/eth/v1/beacon/headers/${slot + 1}`));
    const parent = data(await call(url, 'GET', `/eth/v1/beacon/headers/${slot - 1}`));
    expect(child.header.message.parent_root).toBe(parent.root);
  });

  it('shows an orphaned block at the head until its epoch is finalized, then answers 404', async () => {
    const { url, sim: s, advanceEpochs } = await sim();
    const slot = s.headSlot();
    s.orphanBlock(slot);
    const atHead = await call(url, 'GET', '/eth/v1/beacon/headers/head');
    expect(data(atHead).header.message.slot).toBe(String(slot));
    advanceEpochs(1);
    expect((await call(url, 'GET', `/eth/v1/beacon/headers/${slot}`)).status).toBe(200);
    advanceEpochs(2);
    expect(s.finalizedEpoch()).toBeGreaterThanOrEqual(Math.floor(slot / 8));
    expect((await call(url, 'GET', `/eth/v1/beacon/headers/${slot}`)).status).toBe(404);
  });

  it('stalls finality: the finalized checkpoint stays while the head moves, then catches up', async () => {
    const { url, sim: s, advanceEpochs } = await sim();
    const finalized = async () =>
      data(await call(url, 'GET', '/eth/v1/beacon/states/head/finality_checkpoints')).finalized.epoch as string;
    expect(await finalized()).toBe('8');
    s.stallFinality(true);
    advanceEpochs(6);
    expect(await finalized()).toBe('8');
    expect(s.headEpoch()).toBe(16);
    s.stallFinality(false);
    advanceEpochs(1);
    expect(await finalized()).toBe('15');
  });

  it('forgets the liveness it saw before a restart, and refuses connections while down', async () => {
    const { url, sim: s, advanceSlots } = await sim({ attestationMissRate: 0 });
    const previous = s.headEpoch() - 1;
    expect(await liveness(url, previous, [0, 1, 2])).toEqual([true, true, true]);
    s.setDown(true);
    await expect(fetch(`${url}/eth/v1/node/syncing`)).rejects.toThrow();
    s.setDown(false);
    await s.restart();
    expect(await liveness(url, previous, [0, 1, 2])).toEqual([false, false, false]);
    advanceSlots(16);
    expect(await liveness(url, s.headEpoch() - 1, [0, 1, 2])).toEqual([true, true, true]);
  });

  it('misses liveness for a validator that misses its attestations', async () => {
    const { url, sim: s } = await sim({ attestationMissRate: 0 });
    s.missAttestations([5], 0, 100);
    expect(await liveness(url, s.headEpoch() - 1, [4, 5])).toEqual([true, false]);
  });

  it('reports syncing with a head that stays behind, a lagging head, and its peers', async () => {
    const { url, sim: s, advanceSlots } = await sim();
    const syncing = async () => data(await call(url, 'GET', '/eth/v1/node/syncing'));
    s.setLag(2);
    expect(await syncing()).toMatchObject({ head_slot: '78', sync_distance: '2', is_syncing: false });
    s.setSyncing(true);
    advanceSlots(4);
    expect(await syncing()).toMatchObject({ head_slot: '78', sync_distance: '6', is_syncing: true });
    expect((await call(url, 'GET', '/eth/v1/beacon/headers/head')).status).toBe(503);
    s.setSyncing(false);
    expect((await syncing()).head_slot).toBe('82');
    s.setPeers(3);
    expect(data(await call(url, 'GET', '/eth/v1/node/peer_count')).connected).toBe('3');
  });

  it('penalises sync committee members that do not sign', async () => {
    const { url, sim: s } = await sim({ syncMissRate: 0 });
    const members = data<{ validators: string[] }>(
      await call(url, 'GET', '/eth/v1/beacon/states/head/sync_committees'),
    ).validators;
    expect(members).toHaveLength(16);
    const absent = Number(members[0]);
    s.missSyncCommittee([absent], 0, 100);
    const rewards = data<{ validator_index: string; reward: string }[]>(
      await call(url, 'POST', '/eth/v1/beacon/rewards/sync_committee/head'),
    );
    expect(rewards.map((r) => r.validator_index)).toEqual(members);
    expect(Number(rewards[0]?.reward)).toBeLessThan(0);
    expect(Number(rewards[1]?.reward)).toBe(-Number(rewards[0]?.reward));
  });

  it('counts requests per route template', async () => {
    const { url, sim: s } = await sim();
    await call(url, 'GET', '/eth/v1/beacon/headers/head');
    await call(url, 'GET', '/eth/v1/beacon/headers/12');
    await call(url, 'GET', '/eth/v1/nothing/here');
    expect(s.requests()).toEqual({ 'GET (unknown)': 1, 'GET /eth/v1/beacon/headers/{block_id}': 2 });
  });

  it('finds a block by its root and a validator by its public key', async () => {
    const { url, sim: s } = await sim();
    const header = data((await call(url, 'GET', '/eth/v1/beacon/headers/70')) as Answer);
    expect(data(await call(url, 'GET', `/eth/v1/beacon/headers/${header.root}`)).header.message.slot).toBe('70');
    const found = data(
      await call(url, 'POST', '/eth/v1/beacon/states/head/validators', { ids: [s.pubkey(33), s.pubkey(71)] }),
    );
    expect(found.map((v: { index: string }) => v.index)).toEqual(['33', '71']);
    const unknownKey = `${s.pubkey(33).slice(0, -2)}00`;
    expect(data(await call(url, 'POST', '/eth/v1/beacon/states/head/validators', { ids: [unknownKey] }))).toEqual([]);
  });
});
