import { createServer } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProbeAbortedError } from '../../../src/collectors/collector.js';
import { BeaconClient, beaconRoutes, type BeaconClientOptions, type BeaconRequestEvent } from '../../../src/collectors/beacon/beacon-client.js';
import { BeaconRequestError } from '../../../src/collectors/beacon/beacon-request-error.js';
import { FAR_FUTURE_EPOCH, type ValidatorRecord } from '../../../src/domain/beacon.js';
import { startBeaconServer, type BeaconServer, type RecordedRequest, type Reply } from './beacon-server.js';

const root = (digit: string) => `0x${digit.repeat(64)}`;
const pubkey = (digit: string) => `0x${digit.repeat(96)}`;

function validator(index: number, fields: Record<string, unknown> = {}, inner: Record<string, unknown> = {}) {
  return {
    index: String(index),
    balance: '32000123456',
    status: 'active_ongoing',
    validator: {
      pubkey: pubkey('A'),
      withdrawal_credentials: root('0'),
      effective_balance: '32000000000',
      slashed: false,
      activation_eligibility_epoch: '0',
      activation_epoch: '10',
      exit_epoch: '18446744073709551615',
      withdrawable_epoch: '18446744073709551615',
      ...inner,
    },
    ...fields,
  };
}

const header = (slot: number, extra: Record<string, unknown> = {}) => ({
  execution_optimistic: false,
  ...extra,
  data: {
    root: root('b'),
    canonical: true,
    header: { message: { slot: String(slot), proposer_index: '1214', parent_root: root('c'), state_root: root('d'), body_root: root('e') }, signature: `0x${'f'.repeat(192)}` },
  },
});

/** The answers of a healthy node, by path without query. */
const routes: Record<string, Reply> = {
  'GET /eth/v1/beacon/genesis': { body: { data: { genesis_time: '1655733600', genesis_validators_root: root('d'), genesis_fork_version: '0x90000069' } } },
  'GET /eth/v1/config/spec': { body: { data: { CONFIG_NAME: 'sepolia', SECONDS_PER_SLOT: '12', SLOTS_PER_EPOCH: 32, UNKNOWN_KEY: { nested: true } } } },
  'GET /eth/v1/node/version': { body: { data: { version: 'Lighthouse/v7.0.0/x86_64-linux' } } },
  'GET /eth/v1/node/syncing': { body: { data: { head_slot: '7687982', sync_distance: '0', is_syncing: false, is_optimistic: false } } },
  'GET /eth/v1/node/peer_count': { body: { data: { disconnected: '12', connecting: '0', connected: '57', disconnecting: '0' } } },
  'GET /eth/v1/beacon/headers/7687982': { body: header(7687982, { finalized: false }) },
  'GET /eth/v1/beacon/headers/head': { body: header(7687990) },
  'GET /eth/v1/beacon/headers/7687983': { status: 404, body: { code: 404, message: 'NOT_FOUND: beacon block at slot 7687983' } },
  'GET /eth/v1/beacon/states/head/finality_checkpoints': {
    body: { data: { previous_justified: { epoch: '240247', root: root('1') }, current_justified: { epoch: '240248', root: root('2') }, finalized: { epoch: 240247, root: root('3') } } },
  },
  'GET /eth/v1/beacon/states/head/validators': {
    chunkSize: 100,
    body: { execution_optimistic: false, finalized: false, data: [validator(0), validator(1, { balance: 31000000000, extra: [1, { a: '"]}' }] }, { slashed: true, exit_epoch: 240300 }), validator(2, { status: 'withdrawal_done' })] },
  },
  'POST /eth/v1/beacon/rewards/attestations/240247': {
    chunkSize: 7,
    body: {
      execution_optimistic: false,
      data: {
        ideal_rewards: [{ effective_balance: '32000000000', head: '59165', target: '109940', source: '59198', inactivity: '0' }],
        total_rewards: [
          { validator_index: '0', head: '59165', target: '109940', source: '59198', inactivity: '0' },
          { validator_index: '1', head: '0', target: '-109940', source: -59198, inclusion_delay: '12' },
        ],
      },
    },
  },
  'GET /eth/v1/validator/duties/proposer/240249': {
    body: { dependent_root: root('9'), execution_optimistic: false, data: [{ pubkey: pubkey('B'), validator_index: '1551', slot: '7687968' }] },
  },
  'GET /eth/v1/beacon/states/head/sync_committees': { body: { execution_optimistic: false, data: { validators: ['1', '2', 3], validator_aggregates: [['1', '2', '3']] } } },
  'POST /eth/v1/beacon/rewards/sync_committee/7687982': { body: { execution_optimistic: false, finalized: false, data: [{ validator_index: '1', reward: '-2000' }, { validator_index: '2', reward: '2000' }] } },
  'POST /eth/v1/beacon/rewards/sync_committee/7687983': { status: 404, body: { code: 404, message: 'block not found' } },
};

const servers: BeaconServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function node(respond: (request: RecordedRequest) => Reply | Promise<Reply>): Promise<BeaconServer> {
  const server = await startBeaconServer(respond);
  servers.push(server);
  return server;
}

const healthy = (request: RecordedRequest): Reply => routes[`${request.method} ${request.path.split('?')[0]}`] ?? { status: 404, body: { code: 404, message: 'no such route' } };

let events: BeaconRequestEvent[] = [];
afterEach(() => {
  events = [];
});

function client(url: string, options: Partial<BeaconClientOptions> = {}): BeaconClient {
  return new BeaconClient({ url, timeoutMs: 2_000, bulkTimeoutMs: 5_000, onRequest: (event) => events.push(event), ...options });
}

async function failure(run: Promise<unknown>): Promise<BeaconRequestError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BeaconRequestError);
  return error as BeaconRequestError;
}

describe('BeaconClient on a healthy node', () => {
  it('decodes each route', async () => {
    const server = await node(healthy);
    const beacon = client(server.url);
    expect(await beacon.timing()).toEqual({ genesisTime: 1655733600, secondsPerSlot: 12, slotsPerEpoch: 32 });
    expect(await beacon.version()).toBe('Lighthouse/v7.0.0/x86_64-linux');
    expect(await beacon.syncing()).toEqual({ headSlot: 7687982, syncDistance: 0, isSyncing: false, isOptimistic: false, elOffline: null });
    expect(await beacon.peerCount()).toBe(57);
    expect(await beacon.header(7687982)).toEqual({ slot: 7687982, proposerIndex: 1214, root: root('b'), parentRoot: root('c'), canonical: true, finalized: false });
    expect(await beacon.header('head')).toMatchObject({ slot: 7687990, finalized: null });
    expect(await beacon.finalityCheckpoints('head')).toEqual({ previousJustifiedEpoch: 240247, currentJustifiedEpoch: 240248, finalizedEpoch: 240247 });
    expect(await beacon.proposerDuties(240249)).toEqual({ epoch: 240249, dependentRoot: root('9'), duties: [{ slot: 7687968, validatorIndex: 1551, pubkey: pubkey('b') }] });
    expect(await beacon.syncCommittee('head', 240250)).toEqual([1, 2, 3]);
    expect(server.requests.at(-1)?.path).toBe('/eth/v1/beacon/states/head/sync_committees?epoch=240250');
    expect(await beacon.syncCommitteeRewards(7687982)).toEqual([
      { validatorIndex: 1, reward: -2000 },
      { validatorIndex: 2, reward: 2000 },
    ]);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', body: '[]', headers: { 'content-type': 'application/json', accept: 'application/json' } });
    expect(events.map((event) => event.outcome)).toEqual(Array(11).fill('ok'));
    expect(events.every((event) => beaconRoutes.includes(event.route) && event.status === 200 && event.bytes > 0 && event.durationMs >= 0)).toBe(true);
  });

  it('streams the validators, tolerating unknown fields and numbers sent as JSON numbers', async () => {
    const server = await node(healthy);
    const seen: ValidatorRecord[] = [];
    expect(await client(server.url).validators('head', (record) => seen.push(record))).toEqual({ count: 3 });
    expect(seen[0]).toEqual({
      index: 0,
      balanceGwei: 32000123456,
      status: 'active_ongoing',
      pubkey: pubkey('a'),
      effectiveBalanceGwei: 32000000000,
      slashed: false,
      activationEpoch: 10,
      exitEpoch: FAR_FUTURE_EPOCH,
    });
    expect(seen[1]).toMatchObject({ index: 1, balanceGwei: 31000000000, slashed: true, exitEpoch: 240300 });
    expect(seen[2]?.status).toBe('withdrawal_done');
    expect(events).toEqual([expect.objectContaining({ route: 'GET /eth/v1/beacon/states/{state_id}/validators', outcome: 'ok', status: 200 })]);
  });

  it('streams the attestation rewards with the ideal rewards beside them', async () => {
    const server = await node(healthy);
    const rewards: unknown[] = [];
    const result = await client(server.url).attestationRewards(240247, (reward) => rewards.push(reward));
    expect(result).toEqual({ count: 2, ideal: [{ effectiveBalanceGwei: 32000000000, head: 59165, target: 109940, source: 59198 }] });
    expect(rewards).toEqual([
      { validatorIndex: 0, head: 59165, target: 109940, source: 59198, inactivity: 0 },
      { validatorIndex: 1, head: 0, target: -109940, source: -59198, inactivity: 0 },
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '[]' });
  });

  it('answers null for a slot without a block, and for a node that does not serve peer_count', async () => {
    const server = await node(healthy);
    const beacon = client(server.url);
    expect(await beacon.header(7687983)).toBeNull();
    expect(await beacon.syncCommitteeRewards(7687983)).toBeNull();
    expect(events.map((event) => [event.outcome, event.status])).toEqual([
      ['ok', 404],
      ['ok', 404],
    ]);
    for (const status of [404, 405, 501]) {
      const refusing = await node(() => ({ status, body: { code: status, message: 'unsupported' } }));
      expect(await client(refusing.url).peerCount()).toBeNull();
    }
  });

  it('sends liveness in sequential chunks of decimal strings', async () => {
    let inFlight = 0;
    let overlapped = false;
    const server = await node(async (request) => {
      inFlight++;
      overlapped ||= inFlight > 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      const indices = JSON.parse(request.body) as string[];
      return { chunkSize: 4096, body: { data: indices.map((index) => ({ index, is_live: Number(index) % 2 === 0 })) } };
    });
    const indices = Array.from({ length: 25_000 }, (_, index) => index);
    const live: number[] = [];
    await client(server.url, { livenessChunkSize: 10_000 }).liveness(240248, indices, (liveness) => liveness.isLive && live.push(liveness.validatorIndex));
    expect(server.requests.map((request) => (JSON.parse(request.body) as string[]).length)).toEqual([10_000, 10_000, 5_000]);
    expect(server.requests.every((request) => request.method === 'POST' && request.path === '/eth/v1/validator/liveness/240248')).toBe(true);
    expect((JSON.parse(server.requests[2]!.body) as unknown[])[0]).toBe('20000');
    expect(overlapped).toBe(false);
    expect(live).toHaveLength(12_500);
    await client(server.url).liveness(240248, [], () => undefined);
    expect(server.requests).toHaveLength(3);
  });
});
