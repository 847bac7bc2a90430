// Every route of the simulated node, under every scenario, fetched over HTTP and checked against the
// official Beacon API spec: 200s, and the 400/404/503 error bodies.

import { afterEach, describe, expect, it } from 'vitest';
import { beaconSpec, specAvailable, validateResponse } from '../helpers/beacon-spec.js';
import { type Answer, call, data, startTestSim, type TestSim } from './sim-fixture.js';

/** The routes the simulator serves: exactly those of the monitor's Beacon API client. */
const servedRoutes = [
  'GET /eth/v1/beacon/genesis',
  'GET /eth/v1/beacon/headers/{block_id}',
  'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
  'GET /eth/v1/beacon/states/{state_id}/sync_committees',
  'GET /eth/v1/beacon/states/{state_id}/validators',
  'GET /eth/v1/config/spec',
  'GET /eth/v1/node/peer_count',
  'GET /eth/v1/node/syncing',
  'GET /eth/v1/node/version',
  'GET /eth/v1/validator/duties/proposer/{epoch}',
  'GET /eth/v2/beacon/blocks/{block_id}',
  'POST /eth/v1/beacon/rewards/attestations/{epoch}',
  'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
  'POST /eth/v1/beacon/states/{state_id}/validators',
  'POST /eth/v1/validator/liveness/{epoch}',
];

/**
 * Routes whose 503 (node syncing) the spec does not list, although clients answer it there: a finding about
 * the spec. Their 503 bodies are checked against the spec's shared CurrentlySyncing response instead.
 */
const undocumented503 = [
  'GET /eth/v1/beacon/headers/{block_id}',
  'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
  'GET /eth/v1/beacon/states/{state_id}/sync_committees',
  'GET /eth/v1/beacon/states/{state_id}/validators',
  'GET /eth/v2/beacon/blocks/{block_id}',
  'POST /eth/v1/beacon/rewards/attestations/{epoch}',
  'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
  'POST /eth/v1/beacon/states/{state_id}/validators',
];

/** One request (or more) to every served route, with valid and invalid input. */
async function exercise({ url, sim }: TestSim): Promise<Answer[]> {
  const head = sim.headSlot();
  const epoch = sim.headEpoch();
  const headers = await call(url, 'GET', '/eth/v1/beacon/headers/head');
  const headRoot = headers.status === 200 ? (data(headers).root as string) : `0x${'0'.repeat(64)}`;
  const requests: [method: 'GET' | 'POST', path: string, body?: unknown][] = [
    ['GET', '/eth/v1/beacon/genesis'],
    ['GET', '/eth/v1/config/spec'],
    ['GET', '/eth/v1/node/version'],
    ['GET', '/eth/v1/node/syncing'],
    ['GET', '/eth/v1/node/peer_count'],
    ['GET', '/eth/v1/beacon/headers/finalized'],
    ['GET', '/eth/v1/beacon/headers/genesis'],
    ['GET', `/eth/v1/beacon/headers/${headRoot}`],
    ['GET', `/eth/v1/beacon/headers/${head - 1}`],
    ['GET', `/eth/v1/beacon/headers/${head + 5}`],
    ['GET', '/eth/v1/beacon/headers/current'],
    ['GET', '/eth/v2/beacon/blocks/head'],
    ['GET', '/eth/v2/beacon/blocks/finalized'],
    ['GET', '/eth/v2/beacon/blocks/genesis'],
    ['GET', `/eth/v2/beacon/blocks/${headRoot}`],
    ['GET', `/eth/v2/beacon/blocks/${head - 1}`],
    ['GET', `/eth/v2/beacon/blocks/${head + 5}`],
    ['GET', `/eth/v2/beacon/blocks/0x${'ab'.repeat(32)}`],
    ['GET', '/eth/v2/beacon/blocks/current'],
    ['GET', '/eth/v1/beacon/states/head/finality_checkpoints'],
    ['GET', '/eth/v1/beacon/states/finalized/finality_checkpoints'],
    ['GET', `/eth/v1/beacon/states/${head - 3}/finality_checkpoints`],
    ['GET', '/eth/v1/beacon/states/current/finality_checkpoints'],
    ['GET', '/eth/v1/beacon/states/head/validators'],
    ['GET', `/eth/v1/beacon/states/finalized/validators?id=1,2&id=${sim.pubkey(3)}`],
    ['GET', '/eth/v1/beacon/states/head/validators?status=pending,exited'],
    ['GET', `/eth/v1/beacon/states/${head + 100}/validators`],
    ['GET', '/eth/v1/beacon/states/head/validators?status=sleeping'],
    ['POST', '/eth/v1/beacon/states/head/validators', {}],
    ['POST', `/eth/v1/beacon/states/${head}/validators`, { ids: ['0', '63', '64', sim.pubkey(70)], statuses: null }],
    ['POST', '/eth/v1/beacon/states/head/validators', { ids: ['zero'] }],
    ['POST', `/eth/v1/beacon/rewards/attestations/${epoch - 2}`, []],
    ['POST', `/eth/v1/beacon/rewards/attestations/${epoch - 3}`, ['1', sim.pubkey(2), '65']],
    ['POST', `/eth/v1/beacon/rewards/attestations/${epoch}`, []],
    ['POST', '/eth/v1/beacon/rewards/attestations/latest', []],
    ['POST', `/eth/v1/validator/liveness/${epoch}`, ['0', '1', '2', '70']],
    ['POST', `/eth/v1/validator/liveness/${epoch - 1}`, ['5']],
    ['POST', `/eth/v1/validator/liveness/${epoch + 2}`, ['5']],
    ['POST', '/eth/v1/validator/liveness/now', ['5']],
    ['GET', `/eth/v1/validator/duties/proposer/${epoch}`],
    ['GET', `/eth/v1/validator/duties/proposer/${epoch + 1}`],
    ['GET', `/eth/v1/validator/duties/proposer/${epoch + 5}`],
    ['GET', '/eth/v1/validator/duties/proposer/-1'],
    ['GET', '/eth/v1/beacon/states/head/sync_committees'],
    ['GET', `/eth/v1/beacon/states/head/sync_committees?epoch=${epoch + 8}`],
    ['GET', `/eth/v1/beacon/states/head/sync_committees?epoch=${epoch + 40}`],
    ['POST', `/eth/v1/beacon/rewards/sync_committee/${head}`],
    ['POST', '/eth/v1/beacon/rewards/sync_committee/head', ['1', '2', '3']],
    ['POST', `/eth/v1/beacon/rewards/sync_committee/${head + 3}`],
  ];
  const answers = [headers];
  for (const [method, path, body] of requests) answers.push(await call(url, method, path, body));
  return answers;
}

function problemsOf(answers: Answer[]): string[] {
  const spec = beaconSpec();
  return answers.flatMap((answer) => {
    const route = `${answer.method} ${spec.templateOf(answer.method, answer.path)}`;
    if (answer.status === 503 && undocumented503.includes(route)) {
      return spec
        .validateSchema('types/http.yaml#/CurrentlySyncing/content/application~1json/schema', answer.body)
        .map((problem) => `${route} 503: ${problem}`);
    }
    const problems = validateResponse(answer.method, answer.path, answer.status, answer.body);
    if (route === 'GET /eth/v2/beacon/blocks/{block_id}' && answer.status === 200)
      problems.push(...forkProblems(answer).map((problem) => `${route} 200: ${problem}`));
    return problems;
  });
}

/**
 * The route's schema takes a block of any fork (`anyOf`, and the spec's objects are open), so that a block
 * missing its Electra fields still passes as a Phase0 one: its `data` is checked again against the schema of
 * the fork its `version` and `Eth-Consensus-Version` header claim.
 */
function forkProblems(answer: Answer): string[] {
  const { version, data: block } = answer.body as { version: string; data: unknown };
  const header = answer.headers.get('eth-consensus-version');
  const schema = `types/${version}/block.yaml#/${version.charAt(0).toUpperCase()}${version.slice(1)}/SignedBeaconBlock`;
  return [
    ...(header === version ? [] : [`Eth-Consensus-Version ${header} is not the version ${version}`]),
    ...beaconSpec().validateSchema(schema, block),
  ];
}

const statuses = (answers: Answer[]) => answers.map((answer) => answer.status);
const answerTo = (answers: Answer[], method: string, path: string) =>
  answers.find((a) => a.method === method && a.path === path) as Answer;
const headValidators = (answers: Answer[]) =>
  data<{ index: string; status: string }[]>(answerTo(answers, 'GET', '/eth/v1/beacon/states/head/validators'));
const statusOf = (answers: Answer[], index: number) =>
  headValidators(answers).find((v) => v.index === String(index))?.status;
const allRewards = (answers: Answer[]) =>
  answers.find(
    (a) =>
      a.method === 'POST' &&
      a.path.includes('/rewards/attestations/') &&
      a.status === 200 &&
      (a.body as { data: { total_rewards: unknown[] } }).data.total_rewards.length > 10,
  ) as Answer;

const scenarios: [name: string, setup: (sim: TestSim) => void | Promise<void>, expect?: (answers: Answer[]) => void][] =
  [
    ['normal', () => {}, (answers) => expect(new Set(statuses(answers))).toEqual(new Set([200, 400, 404]))],
    [
      'missed attestations and wrong head votes',
      ({ sim, advanceEpochs }) => {
        sim.missAttestations([1, 2, 3], 9, 12);
        sim.wrongHead([4, 5], 9, 12);
        sim.missSyncCommittee([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 9, 12);
        advanceEpochs(2);
      },
      (answers) => {
        const rewards = data(allRewards(answers)).total_rewards as {
          validator_index: string;
          head: string;
          source: string;
        }[];
        expect(rewards.find((r) => r.validator_index === '1')).toMatchObject({
          head: '0',
          source: expect.stringMatching(/^-\d+$/),
        });
        expect(rewards.find((r) => r.validator_index === '4')).toMatchObject({
          head: '0',
          source: expect.stringMatching(/^\d+$/),
        });
      },
    ],
    [
      'slashing',
      ({ sim, advanceEpochs }) => {
        sim.slash(6, 10);
        sim.slash(7, 10);
        advanceEpochs(7);
      },
      (answers) => expect([statusOf(answers, 6), statusOf(answers, 7)]).toEqual(['exited_slashed', 'exited_slashed']),
    ],
    [
      'activation and exit',
      ({ sim, advanceEpochs }) => {
        sim.activate(68, 12);
        sim.exit(9, 11);
        advanceEpochs(3);
      },
      (answers) =>
        expect([statusOf(answers, 68), statusOf(answers, 9)]).toEqual(['active_ongoing', 'exited_unslashed']),
    ],
    [
      'pending validators',
      ({ sim, advanceEpochs }) => {
        sim.addPendingValidators(5);
        advanceEpochs(1);
      },
      (answers) => {
        expect(headValidators(answers)).toHaveLength(77);
        expect([statusOf(answers, 64), statusOf(answers, 71), statusOf(answers, 76)]).toEqual([
          'pending_initialized',
          'pending_queued',
          'pending_initialized',
        ]);
      },
    ],
    [
      'empty slot',
      ({ sim }) => {
        sim.emptySlot(sim.headSlot() - 1);
        sim.missProposal(sim.headSlot());
      },
      (answers) =>
        expect(answers.filter((a) => a.path.includes('/headers/') && a.status === 404).length).toBeGreaterThanOrEqual(
          2,
        ),
    ],
    [
      'syncing',
      ({ sim, advanceSlots }) => {
        sim.setSyncing(true);
        advanceSlots(5);
      },
      (answers) => expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(20),
    ],
    [
      'reorged duties',
      ({ sim }) => {
        sim.reorgDuties(sim.headEpoch());
        sim.reorgDuties(sim.headEpoch() + 1);
      },
    ],
    [
      'orphaned block',
      ({ sim, advanceSlots }) => {
        sim.orphanBlock(sim.headSlot() - 1);
        advanceSlots(1);
      },
    ],
    [
      'inactivity leak',
      ({ sim, advanceEpochs }) => {
        sim.stallFinality(true);
        sim.missAttestations([10, 11], 10, 30);
        advanceEpochs(8);
      },
      (answers) => {
        const rewards = data(allRewards(answers));
        expect(
          rewards.ideal_rewards.every(
            (r: { head: string; target: string; source: string }) =>
              r.head === '0' && r.target === '0' && r.source === '0',
          ),
        ).toBe(true);
        expect(
          rewards.total_rewards.find((r: { validator_index: string }) => r.validator_index === '10').inactivity,
        ).toMatch(/^-\d+$/);
      },
    ],
    [
      'lagging node with few peers, after a restart',
      async ({ sim, advanceSlots }) => {
        sim.setLag(3);
        sim.setPeers(0);
        await sim.restart();
        advanceSlots(2);
      },
    ],
  ];

describe.skipIf(!specAvailable())('simulated beacon node against the Beacon API spec', () => {
  let running: TestSim | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it.each(scenarios)('every route conforms: %s', async (_name, setup, check) => {
    running = await startTestSim();
    await setup(running);
    const answers = await exercise(running);
    expect(problemsOf(answers)).toEqual([]);
    expect(Object.keys(running.sim.requests())).toEqual(servedRoutes);
    check?.(answers);
  });

  it('a block is checked against its fork: one without its execution payload fails that check alone', async () => {
    running = await startTestSim();
    const answer = await call(running.url, 'GET', '/eth/v2/beacon/blocks/head');
    expect(answer.headers.get('eth-consensus-version')).toBe('electra');
    expect(problemsOf([answer])).toEqual([]);
    const body = structuredClone(answer.body) as { data: { message: { body: Record<string, unknown> } } };
    delete body.data.message.body.execution_payload;
    const stripped = { ...answer, body };
    expect(validateResponse('GET', answer.path, 200, body)).toEqual([]);
    expect(problemsOf([stripped]).join('\n')).toContain("must have required property 'execution_payload'");
  });

  it(
    'the 503 bodies of routes the spec gives no 503 still match ' + 'the spec, and the list of such routes is exact',
    async () => {
      running = await startTestSim();
      running.sim.setSyncing(true);
      const answers = await exercise(running);
      const spec = beaconSpec();
      const refused = new Set(
        answers.filter((a) => a.status === 503).map((a) => `${a.method} ${spec.templateOf(a.method, a.path)}`),
      );
      const undocumented = [...refused].filter((route) => {
        const [method = '', path = ''] = route.split(' ');
        return validateResponse(method, path, 503, { code: 503, message: 'syncing' }).some((problem) =>
          problem.includes('not documented'),
        );
      });
      expect(undocumented.sort()).toEqual(undocumented503);
    },
  );
});
