// The client against answers a real Sepolia node gave (the shared VCR cassette, read at test time), replayed
// by a local HTTP server in small chunks so that the streaming path is what reads them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BeaconClient } from '../../../src/endpoints/beacon/beacon-client.js';
import {
  FAR_FUTURE_EPOCH,
  type AttestationReward,
  type Liveness,
  type ValidatorRecord,
} from '../../../src/domain/beacon.js';
import { sharedDir } from '../../helpers/beacon-spec.js';
import { startBeaconServer, type BeaconServer } from './beacon-server.js';

const cassette = join(sharedDir(), 'fixtures/sepolia-beacon/recording.yaml');
const present = existsSync(cassette);
if (!present) console.warn(`recorded Sepolia answers not found at ${cassette}: their tests are skipped`);

interface Interaction {
  request: { method: string; uri: string; body: string | null };
  response: { status: { code: number }; body: { string: string } };
}

let interactions: Interaction[] = [];
let server: BeaconServer;
let beacon: BeaconClient;

/** The recorded interactions whose path matches. */
function recorded(method: string, path: RegExp): Interaction[] {
  return interactions.filter(
    (interaction) => interaction.request.method === method && path.test(new URL(interaction.request.uri).pathname),
  );
}

function recordedJson<T>(method: string, path: RegExp): { path: string; body: T; request: Interaction['request'] } {
  const interaction = recorded(method, path)[0];
  if (!interaction) throw new Error(`no recorded ${method} ${path}`);
  return {
    path: new URL(interaction.request.uri).pathname,
    body: JSON.parse(interaction.response.body.string) as T,
    request: interaction.request,
  };
}

beforeAll(async () => {
  if (!present) return;
  interactions = (parse(readFileSync(cassette, 'utf8')) as { interactions: Interaction[] }).interactions;
  const answers = new Map(
    interactions.map((interaction) => [
      `${interaction.request.method} ` +
        `${new URL(interaction.request.uri).pathname}${new URL(interaction.request.uri).search}`,
      interaction.response,
    ]),
  );
  server = await startBeaconServer((request) => {
    const answer = answers.get(`${request.method} ${request.path}`);
    return answer
      ? { status: answer.status.code, body: answer.body.string, chunkSize: 8 * 1024 - 3 }
      : { status: 404, body: { code: 404, message: 'not recorded' } };
  });
  beacon = new BeaconClient({ url: server.url, timeoutMs: 5_000, bulkTimeoutMs: 10_000 });
});

afterAll(async () => {
  await server?.close();
});

describe.skipIf(!present)('recorded Sepolia answers', () => {
  it('reads the chain timing from genesis and the spec', async () => {
    expect(await beacon.timing()).toEqual({ genesisTime: 1655733600, secondsPerSlot: 12, slotsPerEpoch: 32 });
  });

  it('streams every validator of the recorded state', async () => {
    const { path, body } = recordedJson<{
      data: { index: string; balance: string; status: string; validator: { pubkey: string; exit_epoch: string } }[];
    }>('GET', /\/validators$/);
    const seen: ValidatorRecord[] = [];
    const { count } = await beacon.validators(Number(path.split('/')[5]), (record) => seen.push(record));
    expect(count).toBe(body.data.length);
    expect(count).toBe(1987);
    expect(seen.map((record) => [record.index, record.balanceGwei, record.status, record.pubkey])).toEqual(
      body.data.map((entry) => [
        Number(entry.index),
        Number(entry.balance),
        entry.status,
        entry.validator.pubkey.toLowerCase(),
      ]),
    );
    const exited = body.data.filter((entry) => entry.validator.exit_epoch !== '18446744073709551615').length;
    expect(seen.filter((record) => record.exitEpoch !== FAR_FUTURE_EPOCH)).toHaveLength(exited);
    expect(exited).toBeGreaterThan(0);
  });

  it('streams the attestation rewards of both recorded epochs', async () => {
    for (const interaction of recorded('POST', /\/rewards\/attestations\//)) {
      const epoch = Number(new URL(interaction.request.uri).pathname.split('/').at(-1));
      const body = JSON.parse(interaction.response.body.string) as {
        data: { ideal_rewards: unknown[]; total_rewards: { validator_index: string; head: string }[] };
      };
      const rewards: AttestationReward[] = [];
      const result = await beacon.attestationRewards(epoch, (reward) => rewards.push(reward));
      expect(result.count).toBe(body.data.total_rewards.length);
      expect(result.ideal).toHaveLength(body.data.ideal_rewards.length);
      expect(result.ideal[31]).toMatchObject({ effectiveBalanceGwei: 32_000_000_000 });
      expect(rewards.map((reward) => [reward.validatorIndex, reward.head])).toEqual(
        body.data.total_rewards.map((entry) => [Number(entry.validator_index), Number(entry.head)]),
      );
    }
  });

  it('reads the recorded proposer duties', async () => {
    for (const interaction of recorded('GET', /\/duties\/proposer\//)) {
      const epoch = Number(new URL(interaction.request.uri).pathname.split('/').at(-1));
      const duties = await beacon.proposerDuties(epoch);
      expect(duties.duties).toHaveLength(32);
      expect(duties.dependentRoot).toMatch(/^0x[0-9a-f]{64}$/);
      expect(duties.duties.every((duty, index) => duty.slot === epoch * 32 + index)).toBe(true);
    }
  });

  it('reads every recorded header', async () => {
    const headers = recorded('GET', /\/headers\/\d+$/);
    expect(headers.length).toBeGreaterThan(50);
    for (const interaction of headers) {
      const slot = Number(new URL(interaction.request.uri).pathname.split('/').at(-1));
      expect(await beacon.header(slot)).toMatchObject({
        slot,
        canonical: true,
        finalized: expect.any(Boolean) as boolean,
      });
    }
    expect((await beacon.header('finalized'))?.finalized).toBe(true);
  });

  it('sends the recorded liveness request and reads its answer', async () => {
    for (const interaction of recorded('POST', /\/liveness\//)) {
      const epoch = Number(new URL(interaction.request.uri).pathname.split('/').at(-1));
      const indices = (JSON.parse(interaction.request.body ?? '[]') as string[]).map(Number);
      const live: Liveness[] = [];
      await beacon.liveness(epoch, indices, (liveness) => live.push(liveness));
      expect(live.map((liveness) => liveness.validatorIndex)).toEqual(indices);
      const sent = server.requests.at(-1);
      expect(JSON.parse(sent?.body ?? '')).toEqual(JSON.parse(interaction.request.body ?? ''));
    }
  });
});
