import { describe, expect, it } from 'vitest';
import type { BeaconBlockHeader, ProposerDuties } from '../../src/domain/beacon.js';
import { judgeBlockEpoch, judgeFinalizedProposals } from '../../src/validators/block-epoch.js';
import { WatchList } from '../../src/validators/watch-list.js';

const watch = () =>
  new WatchList([{ labels: { operator: 'kiln' }, indices: [7, 8], pubkeys: [], perValidatorMetrics: false }]);
const header = (slot: number, proposerIndex: number, root = `0x${slot}`): BeaconBlockHeader => ({
  slot,
  proposerIndex,
  root,
  parentRoot: '0x00',
  canonical: true,
  finalized: false,
});
const duties: ProposerDuties = {
  epoch: 2,
  dependentRoot: '0xaa',
  duties: [
    { slot: 16, validatorIndex: 7, pubkey: '0x' },
    { slot: 17, validatorIndex: 8, pubkey: '0x' },
    { slot: 18, validatorIndex: 100, pubkey: '0x' },
    { slot: 19, validatorIndex: 101, pubkey: '0x' },
  ],
};

describe('an epoch of blocks', () => {
  it('a duty slot without a block, or with another proposer, is missed; sync misses count per member', () => {
    const headers = new Map([
      [16, header(16, 7)],
      [17, null],
      [18, header(18, 100)],
      [19, header(19, 55)],
    ]);
    const sync = [
      {
        slot: 16,
        rewards: [
          { validatorIndex: 7, reward: 10 },
          { validatorIndex: 8, reward: -10 },
          { validatorIndex: 100, reward: 10 },
        ],
      },
      { slot: 17, rewards: null },
      {
        slot: 18,
        rewards: [
          { validatorIndex: 7, reward: 10 },
          { validatorIndex: 8, reward: -10 },
          { validatorIndex: 100, reward: -10 },
        ],
      },
    ];
    const result = judgeBlockEpoch(watch(), 2, duties, headers, sync);
    expect(result.proposals.map((proposal) => [proposal.slot, proposal.outcome, proposal.watched])).toEqual([
      [16, 'proposed', true],
      [17, 'missed', true],
      [18, 'proposed', false],
      [19, 'missed', false],
    ]);
    const scope = (name: string) => result.scopes.find((totals) => totals.scope === name);
    expect(scope('watched')).toMatchObject({ proposalsDue: 2, proposalsMissed: 1, syncDue: 4, syncMissed: 2 });
    expect(scope('operator:kiln')).toMatchObject({ proposalsDue: 2, proposalsMissed: 1 });
    expect(scope('network')).toMatchObject({ proposalsDue: 2, proposalsMissed: 1, syncDue: 2, syncMissed: 1 });
    expect([...result.syncMisses]).toEqual([[8, 2]]);
  });

  it('once finalized, a block no longer at its slot is missed and a missed slot stays missed', () => {
    const list = watch();
    const atHead = judgeBlockEpoch(
      list,
      2,
      duties,
      new Map([
        [16, header(16, 7)],
        [17, null],
        [18, header(18, 100)],
        [19, header(19, 101)],
      ]),
      [],
    ).proposals;
    const finalized = judgeFinalizedProposals(
      list,
      atHead,
      new Map([
        [16, null],
        [18, header(18, 100)],
        [19, header(19, 101, '0xother')],
      ]),
    );
    expect(finalized.proposals.map((proposal) => proposal.outcome)).toEqual(['missed', 'missed', 'proposed', 'missed']);
    expect(finalized.scopes.find((totals) => totals.scope === 'watched')).toMatchObject({
      proposalsDue: 2,
      proposalsMissed: 2,
    });
  });
});
