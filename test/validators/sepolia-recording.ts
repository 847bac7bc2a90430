// The recorded Sepolia beacon node of `../shared/fixtures/sepolia-beacon`, read without the monitor's client:
// the watched validators as tracker sets, and what the recorded JSON says each epoch and slot should come to,
// so that tests compare the tracker with an account of the recording made independently of it.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { WatchedSet } from '../../src/validators/watch-list.js';
import { loadRecording, type RecordedExchange } from '../helpers/beacon-replay.js';
import { sharedDir } from '../helpers/beacon-spec.js';

export const sepoliaFixtureDir = path.join(sharedDir(), 'fixtures/sepolia-beacon');
export const sepoliaRecordingFile = path.join(sepoliaFixtureDir, 'recording.yaml');
const watchedFile = path.join(sepoliaFixtureDir, 'watched.yaml');

/** Whether the fixture is there; says so, naming where it looked, when it is not. */
export function sepoliaRecordingAvailable(): boolean {
  const available = existsSync(sepoliaRecordingFile) && existsSync(watchedFile);
  if (!available)
    console.warn(
      `Recorded Sepolia beacon node not found at ${sepoliaFixtureDir}: its ` +
        `validator tracker tests are skipped (set ERE_SHARED_DIR)`,
    );
  return available;
}

export interface RecordedValidator {
  index: string;
  balance: string;
  status: string;
  validator: { pubkey: string; slashed: boolean; activation_epoch: string; exit_epoch: string };
}

interface RecordedReward {
  validator_index: string;
  head: string;
  target: string;
  source: string;
}

interface RecordedAttestationRewards {
  ideal_rewards: { head: string; target: string; source: string }[];
  total_rewards: RecordedReward[];
}

interface WatchedFile {
  replay_start_at_ts: number;
  replay_end_at_ts: number;
  watched_keys: { public_key: string; labels: string[] }[];
}

export interface ExpectedScope {
  validators: number;
  statusCounts: Record<string, number>;
  balanceGwei: bigint;
  due: number;
  missed: number;
  effective: number;
  ineffective: number;
  unknown: number;
}

export interface ExpectedProposal {
  slot: number;
  validatorIndex: number;
  /** The recorded header of the slot, when the recording has one. */
  header: { proposerIndex: number; root: string } | null;
}

export class SepoliaRecording {
  readonly exchanges: RecordedExchange[] = loadRecording(sepoliaRecordingFile);
  readonly watchedFile = parse(readFileSync(watchedFile, 'utf8')) as WatchedFile;
  readonly genesisTime = Number(
    this.json<{ data: { genesis_time: string } }>('GET', '/eth/v1/beacon/genesis').data.genesis_time,
  );
  /** Lower-cased 0x public key → its labels as scopes (`operator:kiln`). */
  private readonly labels = new Map(
    this.watchedFile.watched_keys.map((key) => [
      `0x${key.public_key.replace(/^0x/, '').toLowerCase()}`,
      [...key.labels],
    ]),
  );

  /** The first recorded answer to `method path`, parsed. */
  json<T>(method: string, requestPath: string): T {
    const exchange = this.exchanges.find((candidate) => candidate.method === method && candidate.path === requestPath);
    if (!exchange) throw new Error(`not in the recording: ${method} ${requestPath}`);
    return JSON.parse(exchange.responseText) as T;
  }

  has(method: string, requestPath: string): boolean {
    return this.exchanges.some((candidate) => candidate.method === method && candidate.path === requestPath);
  }

  /** One set per distinct label combination; a label `name:value` becomes `{name: value}`; keys 0x-prefixed. */
  watchedSets(): WatchedSet[] {
    const sets = new Map<string, { labels: Record<string, string>; pubkeys: string[] }>();
    for (const key of this.watchedFile.watched_keys) {
      const combination = [...key.labels].sort().join(',');
      const set = sets.get(combination) ?? { labels: Object.fromEntries(key.labels.map(splitLabel)), pubkeys: [] };
      set.pubkeys.push(`0x${key.public_key.replace(/^0x/, '')}`);
      sets.set(combination, set);
    }
    return [...sets.values()].map((set) => ({ ...set, indices: [], perValidatorMetrics: false }));
  }

  /** The scopes a public key counts in: `watched` and its labels, or `network`. */
  scopesOf(pubkey: string): string[] {
    const labels = this.labels.get(pubkey.toLowerCase());
    return labels ? ['watched', ...labels] : ['network'];
  }

  /** The validator list of the state at `slot`. */
  validators(slot: number): RecordedValidator[] {
    return this.json<{ data: RecordedValidator[] }>('GET', `/eth/v1/beacon/states/${slot}/validators`).data;
  }

  /**
   * Epoch `epoch` judged from the validator list at the start of epoch+2 and the epoch's attestation rewards:
   * due = active in the epoch and not slashed; missed = source and target penalised; effective = source,
   * target and head rewarded (in an inactivity leak: source and target not penalised, head not judged).
   */
  attestationEpoch(epoch: number, slotsPerEpoch: number): Map<string, ExpectedScope> {
    const rewards = this.json<{ data: RecordedAttestationRewards }>(
      'POST',
      `/eth/v1/beacon/rewards/attestations/${epoch}`,
    ).data;
    const byIndex = new Map(rewards.total_rewards.map((reward) => [reward.validator_index, reward]));
    const leak =
      rewards.ideal_rewards.length > 0 &&
      rewards.ideal_rewards.every(
        (ideal) => BigInt(ideal.head) === 0n && BigInt(ideal.target) === 0n && BigInt(ideal.source) === 0n,
      );
    const correct = (value: bigint) => (leak ? value >= 0n : value > 0n);
    const scopes = new Map<string, ExpectedScope>();
    for (const entry of this.validators((epoch + 2) * slotsPerEpoch)) {
      const due =
        !entry.validator.slashed &&
        BigInt(entry.validator.activation_epoch) <= BigInt(epoch) &&
        BigInt(epoch) < BigInt(entry.validator.exit_epoch);
      const reward = byIndex.get(entry.index);
      for (const scope of this.scopesOf(entry.validator.pubkey)) {
        const totals = scopes.get(scope) ?? {
          validators: 0,
          statusCounts: {},
          balanceGwei: 0n,
          due: 0,
          missed: 0,
          effective: 0,
          ineffective: 0,
          unknown: 0,
        };
        totals.validators += 1;
        totals.statusCounts[entry.status] = (totals.statusCounts[entry.status] ?? 0) + 1;
        totals.balanceGwei += BigInt(entry.balance);
        if (due) {
          totals.due += 1;
          if (!reward) totals.unknown += 1;
          else if (BigInt(reward.source) < 0n && BigInt(reward.target) < 0n) totals.missed += 1;
          else if (
            correct(BigInt(reward.source)) &&
            correct(BigInt(reward.target)) &&
            (leak || BigInt(reward.head) > 0n)
          )
            totals.effective += 1;
          else totals.ineffective += 1;
        }
        scopes.set(scope, totals);
      }
    }
    return scopes;
  }

  /** The recorded proposer duties of `epoch`, each with its slot's recorded header if any. */
  proposals(epoch: number): ExpectedProposal[] {
    const duties = this.json<{ data: { validator_index: string; slot: string }[] }>(
      'GET',
      `/eth/v1/validator/duties/proposer/${epoch}`,
    ).data;
    return duties.map((duty) => {
      const headerPath = `/eth/v1/beacon/headers/${duty.slot}`;
      const header = this.has('GET', headerPath)
        ? this.json<{ data: { root: string; header: { message: { proposer_index: string } } } }>('GET', headerPath).data
        : null;
      return {
        slot: Number(duty.slot),
        validatorIndex: Number(duty.validator_index),
        header: header && { proposerIndex: Number(header.header.message.proposer_index), root: header.root },
      };
    });
  }
}

function splitLabel(label: string): [string, string] {
  const colon = label.indexOf(':');
  return [label.slice(0, colon), label.slice(colon + 1)];
}
