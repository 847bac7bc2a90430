import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProbeAbortedError } from '../../../src/endpoints/collector.js';
import {
  BeaconClient,
  beaconRoutes,
  type BeaconClientOptions,
  type BeaconRequestEvent,
} from '../../../src/endpoints/beacon/beacon-client.js';
import { BeaconRequestError } from '../../../src/endpoints/beacon/beacon-request-error.js';
import { FAR_FUTURE_EPOCH, type ValidatorRecord } from '../../../src/domain/beacon.js';
import { startBeaconServer, type BeaconServer, type RecordedRequest, type Reply } from './beacon-server.js';
import { freePort } from '../../helpers/loopback-tool.js';

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
    header: {
      message: {
        slot: String(slot),
        proposer_index: '1214',
        parent_root: root('c'),
        state_root: root('d'),
        body_root: root('e'),
      },
      signature: `0x${'f'.repeat(192)}`,
    },
  },
});

/** The answers of a healthy node, by path without query. */
const routes: Record<string, Reply> = {
  'GET /eth/v1/beacon/genesis': {
    body: {
      data: { genesis_time: '1655733600', genesis_validators_root: root('d'), genesis_fork_version: '0x90000069' },
    },
  },
  'GET /eth/v1/config/spec': {
    body: {
      data: { CONFIG_NAME: 'sepolia', SECONDS_PER_SLOT: '12', SLOTS_PER_EPOCH: 32, UNKNOWN_KEY: { nested: true } },
    },
  },
  'GET /eth/v1/node/version': { body: { data: { version: 'Lighthouse/v7.0.0/x86_64-linux' } } },
  'GET /eth/v1/node/syncing': {
    body: { data: { head_slot: '7687982', sync_distance: '0', is_syncing: false, is_optimistic: false } },
  },
  'GET /eth/v1/node/peer_count': {
    body: { data: { disconnected: '12', connecting: '0', connected: '57', disconnecting: '0' } },
  },
  'GET /eth/v1/beacon/headers/7687982': { body: header(7687982, { finalized: false }) },
  'GET /eth/v1/beacon/headers/head': { body: header(7687990) },
  'GET /eth/v1/beacon/headers/7687983': {
    status: 404,
    body: { code: 404, message: 'NOT_FOUND: beacon block at slot 7687983' },
  },
  'GET /eth/v1/beacon/states/head/finality_checkpoints': {
    body: {
      data: {
        previous_justified: { epoch: '240247', root: root('1') },
        current_justified: { epoch: '240248', root: root('2') },
        finalized: { epoch: 240247, root: root('3') },
      },
    },
  },
  'GET /eth/v1/beacon/states/head/validators': {
    chunkSize: 100,
    body: {
      execution_optimistic: false,
      finalized: false,
      data: [
        validator(0),
        validator(1, { balance: 31000000000, extra: [1, { a: '"]}' }] }, { slashed: true, exit_epoch: 240300 }),
        validator(2, { status: 'withdrawal_done' }),
      ],
    },
  },
  'POST /eth/v1/beacon/rewards/attestations/240247': {
    chunkSize: 7,
    body: {
      execution_optimistic: false,
      data: {
        ideal_rewards: [
          { effective_balance: '32000000000', head: '59165', target: '109940', source: '59198', inactivity: '0' },
        ],
        total_rewards: [
          { validator_index: '0', head: '59165', target: '109940', source: '59198', inactivity: '0' },
          { validator_index: '1', head: '0', target: '-109940', source: -59198, inclusion_delay: '12' },
        ],
      },
    },
  },
  'GET /eth/v1/validator/duties/proposer/240249': {
    body: {
      dependent_root: root('9'),
      execution_optimistic: false,
      data: [{ pubkey: pubkey('B'), validator_index: '1551', slot: '7687968' }],
    },
  },
  'GET /eth/v1/beacon/states/head/sync_committees': {
    body: { execution_optimistic: false, data: { validators: ['1', '2', 3], validator_aggregates: [['1', '2', '3']] } },
  },
  'POST /eth/v1/beacon/rewards/sync_committee/7687982': {
    body: {
      execution_optimistic: false,
      finalized: false,
      data: [
        { validator_index: '1', reward: '-2000' },
        { validator_index: '2', reward: '2000' },
      ],
    },
  },
  'POST /eth/v1/beacon/rewards/sync_committee/7687983': {
    status: 404,
    body: { code: 404, message: 'block not found' },
  },
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

const healthy = (request: RecordedRequest): Reply =>
  routes[`${request.method} ${request.path.split('?')[0]}`] ?? {
    status: 404,
    body: { code: 404, message: 'no such route' },
  };

let events: BeaconRequestEvent[] = [];
afterEach(() => {
  events = [];
});

function client(url: string, options: Partial<BeaconClientOptions> = {}): BeaconClient {
  return new BeaconClient({
    url,
    timeoutMs: 2_000,
    bulkTimeoutMs: 5_000,
    onRequest: (event) => events.push(event),
    ...options,
  });
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
    expect(await beacon.syncing()).toEqual({
      headSlot: 7687982,
      syncDistance: 0,
      isSyncing: false,
      isOptimistic: false,
      elOffline: null,
    });
    expect(await beacon.peerCount()).toBe(57);
    expect(await beacon.header(7687982)).toEqual({
      slot: 7687982,
      proposerIndex: 1214,
      root: root('b'),
      parentRoot: root('c'),
      canonical: true,
      finalized: false,
    });
    expect(await beacon.header('head')).toMatchObject({ slot: 7687990, finalized: null });
    expect(await beacon.finalityCheckpoints('head')).toEqual({
      previousJustifiedEpoch: 240247,
      currentJustifiedEpoch: 240248,
      finalizedEpoch: 240247,
    });
    expect(await beacon.proposerDuties(240249)).toEqual({
      epoch: 240249,
      dependentRoot: root('9'),
      duties: [{ slot: 7687968, validatorIndex: 1551, pubkey: pubkey('b') }],
    });
    expect(await beacon.syncCommittee('head', 240250)).toEqual([1, 2, 3]);
    expect(server.requests.at(-1)?.path).toBe('/eth/v1/beacon/states/head/sync_committees?epoch=240250');
    expect(await beacon.syncCommitteeRewards(7687982)).toEqual([
      { validatorIndex: 1, reward: -2000 },
      { validatorIndex: 2, reward: 2000 },
    ]);
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      body: '[]',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    expect(events.map((event) => event.outcome)).toEqual(Array(11).fill('ok'));
    expect(
      events.every(
        (event) =>
          beaconRoutes.includes(event.route) && event.status === 200 && event.bytes > 0 && event.durationMs >= 0,
      ),
    ).toBe(true);
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
    expect(events).toEqual([
      expect.objectContaining({ route: 'GET /eth/v1/beacon/states/{state_id}/validators', outcome: 'ok', status: 200 }),
    ]);
  });

  it('streams the attestation rewards with the ideal rewards beside them', async () => {
    const server = await node(healthy);
    const rewards: unknown[] = [];
    const result = await client(server.url).attestationRewards(240247, (reward) => rewards.push(reward));
    expect(result).toEqual({
      count: 2,
      ideal: [{ effectiveBalanceGwei: 32000000000, head: 59165, target: 109940, source: 59198 }],
    });
    expect(rewards).toEqual([
      { validatorIndex: 0, head: 59165, target: 109940, source: 59198, inactivity: 0 },
      { validatorIndex: 1, head: 0, target: -109940, source: -59198, inactivity: 0 },
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '[]' });
  });

  it(
    'answers null for a slot without a block and for a node that does not ' +
      'serve peer_count, and fails sync rewards a node has pruned',
    async () => {
      const server = await node(healthy);
      const beacon = client(server.url);
      expect(await beacon.header(7687983)).toBeNull();
      // Sync committee rewards are asked only for a block that was read: a 404 is a pruned state, a failure.
      const pruned = await beacon.syncCommitteeRewards(7687983).catch((error: unknown) => error);
      expect(pruned).toMatchObject({
        errorClass: 'not_found',
        status: 404,
        route: 'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
      });
      expect(events.map((event) => [event.outcome, event.status])).toEqual([
        ['ok', 404],
        ['not_found', 404],
      ]);
      for (const status of [404, 405, 501]) {
        const refusing = await node(() => ({ status, body: { code: status, message: 'unsupported' } }));
        expect(await client(refusing.url).peerCount()).toBeNull();
      }
    },
  );

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
    await client(server.url, { livenessChunkSize: 10_000 }).liveness(
      240248,
      indices,
      (liveness) => liveness.isLive && live.push(liveness.validatorIndex),
    );
    expect(server.requests.map((request) => (JSON.parse(request.body) as string[]).length)).toEqual([
      10_000, 10_000, 5_000,
    ]);
    expect(
      server.requests.every(
        (request) => request.method === 'POST' && request.path === '/eth/v1/validator/liveness/240248',
      ),
    ).toBe(true);
    expect((JSON.parse(server.requests[2]!.body) as unknown[])[0]).toBe('20000');
    expect(overlapped).toBe(false);
    expect(live).toHaveLength(12_500);
    await client(server.url).liveness(240248, [], () => undefined);
    expect(server.requests).toHaveLength(3);
  });
});

describe('BeaconClient failures', () => {
  it('classifies error statuses, with the node reason in the details', async () => {
    const server = await node((request) => {
      const status = Number(request.path.split('/')[5]);
      return {
        status,
        body: status === 500 ? 'Internal Server Error\nstack…' : { code: status, message: `reason ${status}` },
      };
    });
    const beacon = client(server.url);
    const cases: [number, string][] = [
      [503, 'syncing'],
      [429, 'rate_limited'],
      [500, 'http_status'],
      [400, 'http_status'],
      [404, 'not_found'],
    ];
    for (const [status, errorClass] of cases) {
      const error = await failure(beacon.finalityCheckpoints(status));
      expect(error).toMatchObject({
        errorClass,
        status,
        route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
      });
      expect(error.shortMessage).toContain(`HTTP ${status}`);
      expect(error.details).toBe(status === 500 ? 'Internal Server Error' : `reason ${status}`);
    }
    expect((await failure(beacon.finalityCheckpoints(503))).shortMessage).toBe(
      `node is syncing (HTTP 503) from ${new URL(server.url).host} on GET /eth/v1/beacon/states/{state_id}/` +
        `finality_checkpoints`,
    );
    expect(events.map((event) => event.outcome)).toEqual([
      'syncing',
      'rate_limited',
      'http_status',
      'http_status',
      'not_found',
      'syncing',
    ]);
  });

  it('a 404 for head is not_found, and a 404 where the route defines none too', async () => {
    const server = await node(() => ({ status: 404, body: { code: 404, message: 'not found' } }));
    expect((await failure(client(server.url).header('head'))).errorClass).toBe('not_found');
    expect((await failure(client(server.url).proposerDuties(240249))).errorClass).toBe('not_found');
  });

  it('times out on a node that never answers, and on a body that stalls', async () => {
    const body = JSON.stringify({ data: [validator(0), validator(1)] });
    const server = await node((request) =>
      request.path.includes('validators') ? { stallAfter: body.length - 40, body } : { hang: true },
    );
    const started = performance.now();
    const error = await failure(client(server.url, { timeoutMs: 150 }).version());
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ errorClass: 'timeout', status: null });
    expect(error.shortMessage).toMatch(/within 150 ms/);
    const seen: unknown[] = [];
    const stalled = await failure(
      client(server.url, { bulkTimeoutMs: 200 }).validators('head', (record) => seen.push(record)),
    );
    expect(stalled).toMatchObject({ errorClass: 'timeout', status: 200 });
    expect(seen).toHaveLength(1);
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'timeout', status: null }),
      expect.objectContaining({ outcome: 'timeout', status: 200 }),
    ]);
    expect(events[1]?.bytes).toBe(body.length - 40);
  });

  it('uses the bulk timeout for the validator list', async () => {
    const server = await node(() => ({ hang: true }));
    const started = performance.now();
    const error = await failure(
      client(server.url, { timeoutMs: 50, bulkTimeoutMs: 300 }).validators('head', () => undefined),
    );
    expect(error.errorClass).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('reports a refused connection and a connection reset mid-body as connection', async () => {
    const port = await freePort();
    const refused = await failure(client(`http://127.0.0.1:${port}`).version());
    expect(refused).toMatchObject({ errorClass: 'connection', status: null });
    expect(refused.shortMessage).toContain('ECONNREFUSED');
    const server = await node(() => ({ resetAfter: 30, body: { data: [validator(0), validator(1)] } }));
    const seen: unknown[] = [];
    const reset = await failure(client(server.url).validators('head', (record) => seen.push(record)));
    expect(reset).toMatchObject({ errorClass: 'connection', status: 200 });
  });

  it('treats a truncated body, non-JSON and a body without the list as invalid_response', async () => {
    const full = JSON.stringify({ data: [validator(0), validator(1), validator(2)] });
    const server = await node((request) => {
      if (request.path.includes('/states/1/')) return { body: full.slice(0, full.length - 200), chunkSize: 64 };
      if (request.path.includes('/states/2/')) return { body: '<html><body>502 Bad Gateway</body></html>' };
      if (request.path.includes('/states/3/')) return { body: { data: { validators: [] } } };
      return { body: 'not json' };
    });
    const seen: ValidatorRecord[] = [];
    const truncated = await failure(client(server.url).validators(1, (record) => seen.push(record)));
    expect(truncated).toMatchObject({ errorClass: 'invalid_response', status: 200 });
    expect(truncated.shortMessage).toMatch(/not valid JSON/);
    // The validators before the fault were delivered: the caller discards the run.
    expect(seen.map((record) => record.index)).toEqual([0, 1]);
    expect((await failure(client(server.url).validators(2, () => undefined))).errorClass).toBe('invalid_response');
    expect((await failure(client(server.url).validators(3, () => undefined))).shortMessage).toMatch(
      /: data: expected an array$/,
    );
    expect((await failure(client(server.url).version())).errorClass).toBe('invalid_response');
    expect(events.every((event) => event.outcome === 'invalid_response')).toBe(true);
  });

  it('names the offending field of a body that breaks the schema', async () => {
    const bodies: Record<string, object> = {
      '/eth/v1/beacon/states/1/validators': { data: [validator(0), validator(1, { balance: { gwei: 1 } })] },
      '/eth/v1/beacon/states/2/validators': {
        data: [validator(0), validator(1), { ...validator(2), status: undefined }],
      },
      '/eth/v1/beacon/states/3/validators': { data: [validator(0, { status: 'active_dancing' })] },
      '/eth/v1/beacon/states/4/validators': { data: [validator(0, {}, { activation_epoch: '-1' })] },
      '/eth/v1/beacon/states/5/validators': { data: [validator(0, { balance: '9007199254740993' })] },
      '/eth/v1/validator/duties/proposer/1': { data: [] },
    };
    const server = await node((request) => ({ body: bodies[request.path] ?? {} }));
    const beacon = client(server.url);
    const message = async (run: Promise<unknown>) => (await failure(run)).shortMessage.replace(/.*: (?=\S+: )/, '');
    expect(await message(beacon.validators(1, () => undefined))).toBe('data[1].balance: expected a decimal string');
    expect(await message(beacon.validators(2, () => undefined))).toBe('data[2].status: required');
    expect(await message(beacon.validators(3, () => undefined))).toBe('data[0].status: unknown value "active_dancing"');
    expect(await message(beacon.validators(4, () => undefined))).toBe(
      'data[0].validator.activation_epoch: expected a non-negative integer',
    );
    expect(await message(beacon.validators(5, () => undefined))).toBe('data[0].balance: exceeds 2^53');
    expect(await message(beacon.proposerDuties(1))).toBe('dependent_root: required');
  });

  it('never shows the URL credentials, key-bearing path or query in errors, and sends them to the node', async () => {
    const secrets = ['s3cretUser', 'pa55wordXYZ', 'K3yInPath0123456789abcdef', 'QueryKey987654321'];
    const server = await node((request) =>
      request.path.startsWith('/K3yInPath0123456789abcdef/eth/v1/node/version?apikey=QueryKey987654321')
        ? { status: 500, body: { code: 500, message: `failed for ${request.path}` } }
        : { body: { data: { validators: 'wrong' } } },
    );
    const withSecrets = (url: string) =>
      `${url.replace('http://', `http://${secrets[0]}:${secrets[1]}@`)}/${secrets[2]}/?apikey=${secrets[3]}`;
    const errors = [
      await failure(client(withSecrets(server.url)).version()),
      await failure(client(withSecrets(server.url)).syncCommittee('head', 1)),
      await failure(client(withSecrets(`http://127.0.0.1:${await freePort()}`)).version()),
      await failure(client(withSecrets((await node(() => ({ hang: true }))).url), { timeoutMs: 100 }).version()),
    ];
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${secrets[0]}:${secrets[1]}`).toString('base64')}`,
    );
    expect(server.requests[1]?.path).toBe(
      `/${secrets[2]}/eth/v1/beacon/states/head/sync_committees?epoch=1&apikey=${secrets[3]}`,
    );
    expect(errors.map((error) => error.errorClass)).toEqual([
      'http_status',
      'invalid_response',
      'connection',
      'timeout',
    ]);
    for (const error of errors) {
      let text = `${String(error)}\n${error.stack}\n${JSON.stringify(error)}`;
      for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause)
        text += `\n${String(cause)}\n${cause.stack}`;
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('rethrows a caller abort as ProbeAbortedError, without an event', async () => {
    const server = await node(() => ({ hang: true }));
    const controller = new AbortController();
    const run = client(server.url).version({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toBeInstanceOf(ProbeAbortedError);
    expect(events).toEqual([]);
  });

  it('passes an exception of the caller’s own callback through untouched', async () => {
    const server = await node(healthy);
    const bug = new Error('tracker bug');
    await expect(
      client(server.url).validators('head', () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
  });
});
